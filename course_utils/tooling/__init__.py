"""Notebook tooling: the commands that maintain the course's notebooks; no notebook imports them."""
