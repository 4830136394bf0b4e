"""`python -m tests.cpython_oracle job.json`: the child process, started by the parent (runner.py)."""

import sys

from .child import _serve
from .runner import SOURCE_ROOT

if __name__ == "__main__":
    if SOURCE_ROOT in sys.path:  # the package is loaded: programs import from where a plain script would
        sys.path.remove(SOURCE_ROOT)
    _serve(sys.argv[1])
