"""Do the stored notebook outputs hold on another machine? Run each notebook the other way and compare.

CI checks every notebook twice (``.ci/run``: ``make test``, then ``make test-portability``):

1. strict nbval (pytest's kernel, this machine's thread counts and SIMD kernels) against the
   stored outputs;
2. this module: the same notebooks executed by nbclient — the path ``make notebooks`` uses to
   store outputs — with **one thread** everywhere (BLAS, OpenMP, TensorFlow intra/inter-op) and
   NumPy's wider SIMD kernels switched off (what a CPU without AVX-512 or AVX2 runs), then compared
   with the stored outputs by nbval's own rules: the same sanitizer file, the same cell markers,
   the same output fields.

Together they show the stored outputs do not depend on the execution path, the thread count or
the vector width. A difference means a printed value holds fewer digits than it shows — a
reduction whose order changes with threads, or a chaotic calculation (see
:func:`course_utils.gradients.rounding_spread`): print it at the precision it holds, or assert
the claim and tag the cell ``nbval-ignore-output`` with its reason in ``metadata["nbval-reason"]``.

``python -m course_utils.tooling.portability notebooks [--jobs 2] [--report reports/portability.txt]``;
exit status 0 when every notebook matches, 1 when any differs or fails, 2 for bad usage.
"""

import argparse
import difflib
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from course_utils._environment import kernel_environment
from course_utils.tooling.nbrun import notebook_paths

ONE_THREAD = {
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "TF_NUM_INTRAOP_THREADS": "1",
    "TF_NUM_INTEROP_THREADS": "1",
}
SANITIZE_FILE = Path(__file__).resolve().parents[2] / "tests" / "nbval_sanitize.cfg"
# The output fields nbval never compares (images, widget ids, prompts, metadata).
SKIP_COMPARE = (
    "metadata",
    "traceback",
    "prompt_number",
    "output_type",
    "name",
    "execution_count",
    "application/vnd.jupyter.widget-view+json",
    "image/png",
    "image/jpeg",
)


def narrow_simd_features():
    """NumPy's run-time SIMD targets above its baseline that this CPU has (to be switched off).

    Setting ``NPY_DISABLE_CPU_FEATURES`` to them makes NumPy run the kernels an older CPU runs.
    """
    from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__

    return [name for name in __cpu_dispatch__ if __cpu_features__.get(name)]


def portable_env(environ=None):
    """The kernel environment of this check: the course's kernel environment, one thread, narrow SIMD."""
    env = {**kernel_environment(environ), **ONE_THREAD}
    features = narrow_simd_features()
    if features:
        env["NPY_DISABLE_CPU_FEATURES"] = " ".join(features)
    return env


def compared_cells(nb):
    """``{index: cell}`` of the code cells strict nbval compares (markers and tags as nbval reads them)."""
    from nbval.plugin import find_comment_markers, find_metadata_tags

    cells = {}
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        options = {"check": True, "skip": False}
        options.update(find_comment_markers(cell.source))
        options.update(find_metadata_tags(cell.metadata))
        if options["check"] and not options["skip"]:
            cells[index] = cell
    return cells


def comparable(outputs, patterns):
    """Outputs flattened as nbval compares them: ``{field: [sanitized values]}``."""
    import re

    from nbval.plugin import coalesce_streams, transform_streams_for_comparison

    flat = {}
    for output in transform_streams_for_comparison(coalesce_streams([o.copy() for o in outputs])):
        for key, value in output.items():
            if key in SKIP_COMPARE:
                continue
            items = value.items() if key == "data" else [(key, value)]
            for field, text in items:
                if field in SKIP_COMPARE:
                    continue
                if isinstance(text, str):
                    for regex, replace in patterns:
                        text = re.sub(regex, replace, text)
                flat.setdefault(field, []).append(text)
    return flat


def differences(stored_nb, fresh_nb, patterns):
    """One readable block per compared cell whose fresh outputs differ from the stored ones."""
    found = []
    fresh_cells = fresh_nb.cells
    for index, cell in compared_cells(stored_nb).items():
        want = comparable(cell.get("outputs", []), patterns)
        got = comparable(fresh_cells[index].get("outputs", []), patterns)
        if want == got:
            continue
        lines = [f"cell {index} (execution count {cell.get('execution_count')}):"]
        for field in sorted(set(want) | set(got)):
            a, b = "\n".join(map(str, want.get(field, []))), "\n".join(map(str, got.get(field, [])))
            if a != b:
                diff = difflib.unified_diff(a.splitlines(), b.splitlines(), "stored", "fresh", lineterm="", n=0)
                lines += [f"  {field}:"] + [f"    {line}" for line in diff]
        found.append("\n".join(lines))
    return found


def check_notebook(path, timeout=600):
    """Execute a copy of one notebook by nbclient in the portable environment; compare; ``(seconds, diffs)``."""
    import copy

    import nbformat
    from nbclient import NotebookClient
    from nbval.plugin import get_sanitize_patterns

    env = portable_env()  # the kernel's environment only; this process keeps its own
    path = Path(path)
    stored = nbformat.read(path, as_version=4)
    fresh = copy.deepcopy(stored)
    start = time.perf_counter()
    try:
        client = NotebookClient(
            fresh,
            timeout=timeout,
            kernel_name="python3",
            resources={"metadata": {"path": str(path.parent)}},
            extra_arguments=["--IPKernelApp.log_level=ERROR"],  # no "running over TCP" notice per kernel
        )
        client.execute(env=env)
    except Exception as error:  # a cell raised or timed out: report it as the difference
        return time.perf_counter() - start, [f"execution failed: {type(error).__name__}: {str(error)[-2000:]}"]
    patterns = get_sanitize_patterns(SANITIZE_FILE.read_text(encoding="utf-8"))
    return time.perf_counter() - start, differences(stored, fresh, patterns)


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m course_utils.tooling.portability", description=__doc__.splitlines()[0]
    )
    parser.add_argument("targets", nargs="+", help="notebooks or folders of notebooks")
    parser.add_argument("--jobs", type=int, default=2, help="notebooks run at once (each kernel uses one thread)")
    parser.add_argument("--report", type=Path, help="also write the result to this file")
    args = parser.parse_args(argv)
    if args.jobs < 1:
        parser.error(f"--jobs must be at least 1, got {args.jobs}")
    try:
        paths = notebook_paths(args.targets)
    except ValueError as error:
        parser.error(str(error))
    env = portable_env({})
    lines = ["Portability: notebooks re-executed by nbclient, one thread, NumPy SIMD off: "
             + env.get("NPY_DISABLE_CPU_FEATURES", "(none above baseline)")]  # fmt: skip
    print(lines[0], flush=True)
    failed = 0
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        for path, (seconds, found) in zip(paths, pool.map(check_notebook, paths)):
            line = f"{str(path):<58} {seconds:6.1f} s  " + (
                "same as stored" if not found else f"{len(found)} DIFFERENT"
            )
            lines += [line] + found
            print("\n".join([line] + found), flush=True)
            failed += bool(found)
    lines.append(f"{len(paths) - failed} of {len(paths)} notebooks reproduce their stored outputs.")
    print(lines[-1])
    if args.report:
        args.report.parent.mkdir(parents=True, exist_ok=True)
        args.report.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
