"""The jail: runs untrusted Python in a forked, limited, seccomp-filtered child of a prepared parent."""

from engine.jail.child import Deadline, stand_down
from engine.jail.client import Jail, JailLimits, JailResult, JailUnavailable

__all__ = ["Deadline", "Jail", "JailLimits", "JailResult", "JailUnavailable", "stand_down"]
