"""Programs in the jail: the static wall (check, policy), the instrumenting compile, the recorder and its hooks.

Everything here runs in the jailed process except the static check, which the server also runs
first to refuse a program without starting anything (engine/run.py).
"""
