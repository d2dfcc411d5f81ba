"""Route-optimised day plans (issue 9): the problem file, travel times, the PyVRP solver, an
independent checker, a greedy baseline, urgent insertion and booking help.

Pure Python over plain data: no Django models are read here; callers pass settings in.
"""
