"""Command line: ``python -m course_utils.datasets fetch [NAME...]`` and ``... list``.

``fetch`` is what ``make data`` runs, and the set-up of ``make lab`` / ``make test`` runs
it too: when every dataset is present and verified it prints one line and exits within a
fraction of a second, without the network and without importing Keras or NumPy.
Exit status: 0 success, 1 a dataset could not be fetched or verified, 2 bad usage.
"""

import argparse
import sys

from course_utils.datasets import cache
from course_utils.datasets.errors import DatasetError
from course_utils.datasets.registry import REGISTRY


def _size(n):
    return f"{n / 1e6:.2f} MB" if n >= 1e5 else f"{n / 1e3:.1f} kB"


def list_rows():
    """One row per dataset: name, status, size on disk, source, licence (as strings)."""
    rows = []
    for name in sorted(REGISTRY):
        dataset = REGISTRY[name]
        state = cache.status(dataset)
        if dataset.vendored:
            source = f"data/{dataset.members[0].filename} (in the repository)"
        else:
            source = dataset.requirement
        size = sum(m.size for m in dataset.members) if state == "ok" else 0
        rows.append((name, state, _size(size) if size else "-", source, dataset.licence))
    return rows


def print_list(out=None):
    out = out or sys.stdout
    rows = [("dataset", "status", "size", "source", "licence"), *list_rows()]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    for row in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(row[:4], widths)) + "  " + row[4], file=out)
    print(f"cache: {cache.cache_dir()}", file=out)
    if any(row[1] != "ok" for row in rows[1:]):
        print("Some datasets are missing or damaged: run `make data` to fetch them.", file=out)


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m course_utils.datasets",
        description="Fetch the course's pinned real datasets into the cache, or list them.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    fetch_parser = commands.add_parser("fetch", help="download and verify datasets (all by default)")
    fetch_parser.add_argument("names", nargs="*", metavar="NAME", help=f"any of: {', '.join(sorted(REGISTRY))}")
    fetch_parser.add_argument("--force", action="store_true", help="download again even if present and verified")
    commands.add_parser("list", help="show what is present, sizes and licences")
    args = parser.parse_args(argv)

    if args.command == "list":
        print_list()
        return 0
    unknown = [name for name in args.names if name not in REGISTRY]
    if unknown:
        parser.error(f"unknown dataset(s) {', '.join(unknown)}; known: {', '.join(sorted(REGISTRY))}")
    from course_utils.datasets.fetch import fetch  # only now: subprocess, tarfile, zipfile...

    try:
        outcomes = fetch(args.names, force=args.force, log=lambda line: print(line, flush=True))
    except DatasetError as error:
        print(f"error: {error}".replace("\n", "\n\n"), file=sys.stderr)
        return 1
    fetched = sorted(name for name, outcome in outcomes.items() if outcome == "fetched")
    line = f"data: {len(outcomes)} dataset(s) present and verified in {cache.cache_dir()}"
    print(line + (f" (fetched now: {', '.join(fetched)})" if fetched else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
