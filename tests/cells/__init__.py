"""Tests of course_utils.cells (a package, so that its conftest and helpers cannot clash with others')."""
