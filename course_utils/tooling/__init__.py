"""Tools that build, run and check the notebooks (not imported by any notebook)."""
