"""`python -m tests.cpython_oracle job.json`: the child process, started by the parent (runner.py)."""

import sys

from .child import _serve

if __name__ == "__main__":
    _serve(sys.argv[1])
