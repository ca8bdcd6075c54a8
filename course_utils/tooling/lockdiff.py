"""Which pins moved between two lock files: ``python -m course_utils.tooling.lockdiff OLD NEW``.

``make test-latest`` prints it first, so a red drift run starts with the list of suspects.

>>> parse_pins(["keras==3.15.1 \\\\", "    --hash=sha256:ab", "numpy==2.4.6 ; python_full_version < '3.12' \\\\"])
{'keras': '3.15.1', 'numpy': '2.4.6'}
>>> changes({"keras": "3.15.1", "tqdm": "4.70"}, {"keras": "3.16.0", "uv": "1.0"})
['keras 3.15.1 -> 3.16.0', 'tqdm 4.70 -> (removed)', 'uv (new) -> 1.0']
"""

import re
import sys
from pathlib import Path

_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")


def parse_pins(lines):
    """``{name: version}`` of the ``name==version`` lines of a pip requirements/lock file (first per name)."""
    pins = {}
    for line in lines:
        match = _PIN.match(line)
        if match:
            pins.setdefault(match.group(1).lower().replace("_", "-"), match.group(2))
    return pins


def changes(old, new):
    """One line per package whose pin differs, sorted by name."""
    return [
        f"{name} {old.get(name, '(new)')} -> {new.get(name, '(removed)')}"
        for name in sorted(set(old) | set(new))
        if old.get(name) != new.get(name)
    ]


def main(argv=None):
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2 or not all(Path(a).is_file() for a in args):
        print("usage: python -m course_utils.tooling.lockdiff OLD_LOCK NEW_LOCK (two existing files)", file=sys.stderr)
        return 2
    old, new = (parse_pins(Path(a).read_text(encoding="utf-8").splitlines()) for a in args)
    moved = changes(old, new)
    print(f"{len(moved)} pin(s) differ between {args[0]} and {args[1]}" + (":" if moved else "."))
    for line in moved:
        print("  " + line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
