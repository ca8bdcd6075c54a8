"""Grading throughput: ``python -m course_utils.grading.bench [--count 40] [--workers 1 2]`` (``make bench-grading``).

1. **Where the time goes** in one submission (the reference solution, graded once in this process with
   the sandboxed kernel's steps timed): starting the grader (its imports, in a fresh interpreter), the
   sandbox and the kernel, the notebook's set-up cell (``setup_notebook``: Keras and TensorFlow imported
   in the kernel), the other cells, and the checks.
2. **Submissions per minute**: a generated batch of ``--count`` hw1 notebooks - reference solutions and
   stubs as students hand them in (set-up cell included), solutions with one known mistake planted, and
   a few hostile ones (``os._exit``, monkeypatching NumPy, a memory hog, an output flood) - graded by
   :func:`~course_utils.grading.batch.grade_batch` with each number of workers, from scratch each time.

The machine's load average is printed with each figure: on a shared machine the figures say as
much about the neighbours as about the grader.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]
PLANTED = [  # (old, new) in the hw1 reference: known mistakes students make
    ("out_gate = peeping(blocks[3], p_o, c_t)", "out_gate = peeping(blocks[3], p_o, c_prev)"),
    ("return sigmoid(block + peephole * cell)", "return sigmoid(block)"),
    (' + da_o * k["p_o"]', ""),
    ('dc_prev = dc_t * k["f"] + da_i * k["p_i"] + da_f * k["p_f"]', 'dc_prev = dc_t * k["f"]'),
    ("grads[k] += step_grads[k]", "grads[k] = step_grads[k]"),
    ("factor = np.where(too_big, lam * size / np.where(too_big, step, 1.0), 1.0)", "factor = lam * size / step"),
]  # fmt: skip
HOSTILE = [
    "import os\nos._exit(0)",  # kills its kernel (flagged, and the kernel is restarted)
    "import numpy as np\nnp.allclose = lambda *a, **k: True",  # monkeypatching a library (flagged)
    "hog = bytearray(16 << 30)",  # the memory limit: MemoryError
    "for _ in range(200):\n    print('x' * 1_000_000)",  # 200 MB of output nobody reads
]


def generate(folder, count, assignment="hw1"):
    """``count`` submissions in ``folder``: solutions, stubs, planted bugs and hostile ones, in turn."""
    import nbformat

    from course_utils.grading.assignments import get_assignment
    from course_utils.grading.release import strip_solutions

    reference = nbformat.read(REPOSITORY / "notebooks" / "homework" / get_assignment(assignment).notebook, 4)
    folder.mkdir(parents=True, exist_ok=True)
    hostile = min(len(HOSTILE), max(1, count // 10))
    kinds = []
    for i in range(count - hostile):
        kinds.append(("solution", "stub", "planted")[i % 3])
    kinds += ["hostile"] * hostile
    made = {"solution": 0, "stub": 0, "planted": 0, "hostile": 0}
    for number, kind in enumerate(kinds):
        nb = nbformat.from_dict(reference)
        code = [c for c in nb.cells if c.cell_type == "code"]
        if kind == "stub":
            for cell in code:
                cell.source = strip_solutions(cell.source)[0]
        elif kind == "planted":
            old, new = PLANTED[made["planted"] % len(PLANTED)]
            cells = [c for c in code if old in c.source]
            if not cells:  # the questions changed: fall back to the stub
                kind = "stub"
                for cell in code:
                    cell.source = strip_solutions(cell.source)[0]
            else:
                cells[0].source = cells[0].source.replace(old, new, 1)
        elif kind == "hostile":
            nb.cells.append(nbformat.v4.new_code_cell(HOSTILE[made["hostile"] % len(HOSTILE)]))
        made[kind] += 1
        nbformat.write(nb, folder / f"student{number:03d}_{kind}.ipynb")
    return made


def profile(assignment="hw1"):
    """``(steps, score, cpu)``: grading the reference once, each step timed from outside the kernel
    (``[(step, wall seconds)]``), and the CPU seconds of the kernel and of the grader."""
    import resource

    from course_utils.grading import kernel, runner, static
    from course_utils.grading.assignments import get_assignment

    spent = {"sandbox and kernel start": 0.0, "set-up cell (Keras, TensorFlow)": 0.0, "other cells": 0.0,
             "static checks of the source": 0.0, "closing the sandbox": 0.0}  # fmt: skip
    cpu = {"kernel": 0.0}
    originals = kernel.SandboxKernel.start, kernel.SandboxKernel.execute, kernel.SandboxKernel.close, static.scan
    start, execute, close, scan = originals
    usage = "sum(_r.getrusage(_r.RUSAGE_SELF)[:2]) + sum(_r.getrusage(_r.RUSAGE_CHILDREN)[:2])"

    def timing(fn, key):
        def timed(*args, **kwargs):
            begin = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[key] += time.perf_counter() - begin

        return timed

    def timed_execute(self, code, timeout, silent=False, **kwargs):
        if silent:  # the probe's requests: counted with the checks
            return execute(self, code, timeout, silent=silent, **kwargs)
        key = "set-up cell (Keras, TensorFlow)" if "setup_notebook(" in code else "other cells"
        return timing(execute, key)(self, code, timeout, silent=silent, **kwargs)

    def measured_close(self):  # the kernel's CPU seconds, asked just before its sandbox is killed
        if self.client is not None and self.alive():
            outcome = execute(self, "import resource as _r", 10, silent=True, user_expressions={"c": usage})
            try:
                cpu["kernel"] += float(outcome.reply["user_expressions"]["c"]["data"]["text/plain"])
            except (AttributeError, KeyError, TypeError, ValueError):
                pass
        return close(self)

    command = [sys.executable, "-c", "import course_utils.grading.runner, course_utils.grading.checks_hw1"]
    begin, before = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(command, check=True)
    steps = [("grader process start (imports)", time.perf_counter() - begin)]
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    grader_cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime - time.process_time()
    kernel.SandboxKernel.start = timing(start, "sandbox and kernel start")
    kernel.SandboxKernel.execute, static.scan = timed_execute, timing(scan, "static checks of the source")
    kernel.SandboxKernel.close = timing(measured_close, "closing the sandbox")
    try:
        notebook = REPOSITORY / "notebooks" / "homework" / get_assignment(assignment).notebook
        report = runner.grade_notebook(assignment, notebook)
    finally:
        kernel.SandboxKernel.start, kernel.SandboxKernel.execute, kernel.SandboxKernel.close, static.scan = originals
    steps += list(spent.items())
    steps.append(("checks (grader side, all questions)", sum(q.seconds for q in report.questions)))
    accounted = sum(seconds for _, seconds in steps[1:]) + sum(q.seconds for q in report.questions)
    steps.append(("the rest (first imports in the grader, waits)", max(0.0, report.grading_seconds - accounted)))
    steps.append(("grade_notebook in all", report.grading_seconds))
    return steps, report.score, {"kernel": cpu["kernel"], "grader": grader_cpu + time.process_time()}


def throughput(folder, workers, assignment="hw1"):
    """``(submissions, seconds, grader CPU seconds)`` grading every notebook in ``folder`` from scratch.

    The CPU seconds are the grader processes' (the workers): the kernels' are not counted (their
    sandboxes are killed, never reaped by the worker).
    """
    import resource

    from course_utils.grading.batch import grade_batch

    with tempfile.TemporaryDirectory(prefix="bench-grading-") as out, open(os.devnull, "w") as quiet:
        before, begin = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
        grade_batch(assignment, [folder], out, workers=workers, stream=quiet)
        seconds, after = time.perf_counter() - begin, resource.getrusage(resource.RUSAGE_CHILDREN)
        graded = len(list((Path(out) / "reports").glob("*.json")))
    return graded, seconds, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def _load():
    return "load average {:.1f} {:.1f} {:.1f}".format(*os.getloadavg())


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m course_utils.grading.bench", description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=40, help="submissions in the generated batch (default 40)")
    parser.add_argument("--workers", type=int, nargs="*", default=[1, 2], help="worker counts to try (default 1 2)")
    parser.add_argument("--no-profile", action="store_true", help="skip the one-submission breakdown")
    args = parser.parse_args(argv)
    print(f"{os.cpu_count()} CPUs, {_load()}")
    if not args.no_profile:
        steps, score, cpu = profile()
        print(f"one hw1 submission (the reference, {score}/20), where the time goes (wall clock):")
        for step, seconds in steps:
            print(f"  {step:<40} {seconds:6.2f} s")
        total = cpu["kernel"] + cpu["grader"]
        print(
            f"  CPU time: kernel {cpu['kernel']:.2f} s + grader {cpu['grader']:.2f} s = {total:.2f} s per submission,"
            f" so at most {60 * os.cpu_count() / total:.0f} submissions/min on {os.cpu_count()} idle cores"
        )
    if not args.workers or args.count < 1:
        return 0
    with tempfile.TemporaryDirectory(prefix="bench-batch-") as folder:
        made = generate(Path(folder), args.count)
        print(f"batch: {args.count} hw1 notebooks ({', '.join(f'{n} {k}' for k, n in made.items())})")
        for workers in args.workers:
            graded, seconds, grader = throughput(Path(folder), workers)
            print(f"  {workers} worker(s): {graded} graded in {seconds:.0f} s = {60 * graded / seconds:.1f} "
                  f"submissions/min; grader processes {grader / graded:.2f} CPU s per submission ({_load()})")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
