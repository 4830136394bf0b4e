"""Backprop Explorer's engine: programs run by CPython in a jail, their recorded passes, and step records."""

from engine.errors import ProgramError
from engine.exploration import Exploration
from engine.limits import DEFAULT_LIMITS, Limits
from engine.nudge import NudgeResult, nudge
from engine.steps import explore

__all__ = ["DEFAULT_LIMITS", "Exploration", "Limits", "NudgeResult", "ProgramError", "explore", "nudge"]
