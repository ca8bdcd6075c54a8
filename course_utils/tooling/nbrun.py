"""Re-execute notebooks in place: the only way the course refreshes stored outputs.

``make notebooks`` runs ``python -m course_utils.tooling.nbrun notebooks``. Each notebook runs
top to bottom in a fresh kernel with the same environment as the test suite (quiet
TensorFlow, no terminal-size variables: ``course_utils._environment.kernel_environment``),
so the stored outputs are the ones nbval will compare against. Execution timestamps are
not recorded (they would change on every run and add noise to diffs).
"""

import argparse
import sys
import time
from pathlib import Path

from course_utils._environment import kernel_environment


def notebook_paths(targets):
    """Expand files and folders into the sorted list of notebooks to run (checkpoints skipped)."""
    paths = []
    for target in map(Path, targets):
        if target.is_dir():
            paths += [p for p in target.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts]
        elif target.suffix == ".ipynb" and target.is_file():
            paths.append(target)
        else:
            raise ValueError(f"{target} is neither a notebook nor a folder of notebooks.")
    return sorted(paths)


def execute_in_place(path, timeout=600):
    """Execute one notebook in a fresh kernel and save it with its outputs; return seconds taken."""
    import nbformat
    from nbclient import NotebookClient

    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        record_timing=False,
        resources={"metadata": {"path": str(path.parent)}},
    )
    start = time.perf_counter()
    client.execute(env=kernel_environment())
    seconds = time.perf_counter() - start
    nbformat.write(nb, path)
    return seconds


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m course_utils.tooling.nbrun", description=__doc__.splitlines()[0])
    parser.add_argument("targets", nargs="+", help="notebooks or folders of notebooks")
    parser.add_argument("--timeout", type=int, default=600, help="seconds allowed per cell")
    args = parser.parse_args(argv)
    for path in notebook_paths(args.targets):
        print(f"{path} ... ", end="", flush=True)
        print(f"{execute_in_place(path, args.timeout):.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
