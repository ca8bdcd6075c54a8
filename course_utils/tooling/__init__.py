"""Notebook tooling: the commands that build, run and check the course's notebooks; no notebook imports them."""
