"""The course site: every notebook as a page students can read offline (``make site``).

Built with MkDocs Material and mkdocs-jupyter (why these: README, "The course site"). The parts:

* ``stage.py`` - what the site shows of each notebook: lectures with their stored outputs, the start
  page, homework only as released to students, Colab badge as text links, sliders as snapshots;
* ``build.py`` - MkDocs' configuration (``mkdocs.yml`` beside it, plus the navigation in course
  order), MathJax served from the site, the build itself;
* ``checks.py`` - what every build is checked for: no solution text or marker anywhere in the site,
  nothing loaded from another host;
* ``assets/`` - the site's styles, MathJax's configuration and the shim that lets search run from a
  folder (file://).

``python -m course_utils.tooling.website notebooks site`` builds it; the browser tests in
``tests/browser/test_site.py`` open it with every request to another host blocked.
"""

from course_utils.tooling.website.build import build_site, main
from course_utils.tooling.website.stage import SiteError, notebook_title

__all__ = ["SiteError", "build_site", "main", "notebook_title"]
