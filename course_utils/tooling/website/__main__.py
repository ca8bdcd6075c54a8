"""``python -m course_utils.tooling.website [SOURCE] [TARGET]``: build the course site."""

import sys

from course_utils.tooling.website.build import main

sys.exit(main())
