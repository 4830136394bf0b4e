"""The explorer language: the subset of Python in shared/LANGUAGE.md, run by its own interpreter.

`syntax` parses under the limits, `scopes` decides where names live, `compiler` and
`expressions` turn the syntax tree into closures, `runtime` charges the limits and records
values, `calls`, `attributes`, `operators` and `builtins` are what a program can do, and
`interpreter` runs it all in a thread of its own.
"""

from engine.language.interpreter import Run, run_program

__all__ = ["Run", "run_program"]
