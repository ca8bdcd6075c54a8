"""Proof that the homework graders work: release, checks with planted bugs, end-to-end grading (a package, so
that its helpers cannot clash with other test folders')."""
