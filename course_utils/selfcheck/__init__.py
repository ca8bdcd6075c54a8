"""What runs on the student's side of the homework: the public self-checks and the answer channel.

* ``self_check("hw1", "Q1")`` (in a homework notebook) runs the PUBLIC checks of a question - fixed
  inputs and the outputs they must give, stored as data in ``cases/`` - on the notebook's objects
  and prints what passed, with a hint for what did not. Points are given by the grader, which runs
  these and hidden checks on new random inputs.
* ``public``  - the case format and how a case is run and compared
* ``probe``   - the requests the grader's checks send to a kernel: look up, call, describe objects
* ``wire``    - plain data across the channel (the grader decodes without trusting the kernel)
* ``hw3_data``  - homework 3's data: the training and validation sentences (the grader keeps its held-out ones)

Nothing here answers a question or knows a hidden check; the instructor's grader is
``course_utils.grading``, which students do not get.
"""

import base64


def _notebook_namespace():
    try:
        from IPython import get_ipython

        shell = get_ipython()
    except ImportError:
        shell = None
    if shell is None:
        raise ValueError("self_check runs in a notebook; elsewhere pass namespace=globals().")
    return shell.user_ns


def self_check(assignment, questions="all", namespace=None):
    """Run the public checks of ``questions`` (an id such as ``"Q1"``, a list of ids, or ``"all"``) and print them.

    ``namespace`` is where the notebook's objects are (default: the notebook's own). Prints, returns None.
    """
    from course_utils.selfcheck.probe import LocalProbe
    from course_utils.selfcheck.public import load_cases, run_case
    from course_utils.selfcheck.wire import decode, encode

    cases = load_cases(assignment)
    wanted = list(cases) if questions == "all" else [questions] if isinstance(questions, str) else list(questions)
    unknown = [q for q in wanted if q not in cases]
    if unknown:
        raise ValueError(f"no question {unknown[0]!r} in {assignment}; choose among {', '.join(cases)} or 'all'.")
    probe = LocalProbe(_notebook_namespace() if namespace is None else namespace)

    def serve(request):
        return decode(base64.b64decode(probe.answer(base64.b64encode(encode(request)).decode())))

    lines, passed, total = [], 0, 0
    for qid in wanted:
        hints = [(case["label"], run_case(serve, case)) for case in cases[qid]]
        ok = sum(hint is None for _, hint in hints)
        passed, total = passed + ok, total + len(hints)
        lines.append(f"{qid} · public checks passed: {ok}/{len(hints)}")
        lines += [f"  ✗ {label}: {hint}" for label, hint in hints if hint is not None]
    if len(wanted) > 1:
        lines.append(f"all public checks passed: {passed}/{total} (the grader runs these, and hidden checks on new "
                     "random inputs, and gives the points)")  # fmt: skip
    print("\n".join(lines))
