"""Backprop Explorer's engine: micrograd's Value, the explorer language's interpreter, and step records."""

from engine.errors import ProgramError
from engine.limits import DEFAULT_LIMITS, Limits
from engine.nudge import NudgeResult, nudge
from engine.steps import Exploration, explore
from engine.value import Value

__all__ = ["DEFAULT_LIMITS", "Exploration", "Limits", "NudgeResult", "ProgramError", "Value", "explore", "nudge"]
