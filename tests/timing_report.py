"""Print how long each notebook took under nbval, from the JUnit XML of the test run.

Usage: python tests/timing_report.py reports/junit.xml

A report, not a test: it marks notebooks over the 90 s budget (2 CPU cores) but never
fails the build, because wall time depends on the machine. Kernel start-up is included
(it is part of each notebook's first cell's set-up).
"""

import sys
import xml.etree.ElementTree as ET
from collections import defaultdict

BUDGET_S = 90.0


def notebook_times(junit_path):
    """Seconds and cell count per notebook, plus the total time of all other tests."""
    times, cells, other = defaultdict(float), defaultdict(int), 0.0
    for case in ET.parse(junit_path).getroot().iter("testcase"):
        seconds = float(case.get("time", 0))
        source = case.get("file") or case.get("classname", "")
        if source.endswith(".ipynb"):  # nbval items: classname "notebooks.01_name.ipynb", name "Cell N"
            notebook = source[: -len(".ipynb")].replace(".", "/") + ".ipynb"
            times[notebook] += seconds
            cells[notebook] += 1
        else:
            other += seconds
    return times, cells, other


def main(path):
    times, cells, other = notebook_times(path)
    if not times:
        print("timing report: no notebook results found in", path)
        return 0
    width = max(len(n) for n in times)
    print(f"\nNotebook execution time under nbval (budget {BUDGET_S:.0f} s each on 2 CPU cores)")
    print(f"{'notebook':<{width}}  {'cells':>5}  {'seconds':>7}")
    for notebook in sorted(times):
        flag = "  OVER BUDGET" if times[notebook] > BUDGET_S else ""
        print(f"{notebook:<{width}}  {cells[notebook]:>5}  {times[notebook]:>7.1f}{flag}")
    print(f"{'all notebooks':<{width}}  {sum(cells.values()):>5}  {sum(times.values()):>7.1f}")
    print(f"{'other tests (sum)':<{width}}  {'':>5}  {other:>7.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "reports/junit.xml"))
