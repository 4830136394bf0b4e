"""The built-in Value and micrograd's nn as Python source, run in the jailed process like a program's own code."""
