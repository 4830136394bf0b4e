"""The limits of classes, taken from the settings (app/settings.py, BACKPROP_CLASS_*)."""

from __future__ import annotations

from dataclasses import dataclass

from app.settings import Settings


@dataclass(frozen=True)
class ClassLimits:
    idle_s: float
    max_classes: int
    max_students: int
    answers_per_min: int
    keepalive_s: float
    queue_events: int
    history_events: int
    questions_kept: int
    max_state_bytes: int
    max_prompt_chars: int
    max_source_chars: int
    retry_after: int

    @property
    def follower_lapse_s(self) -> float:
        """A follower whose worker stopped renewing it (it died) stops counting after this long."""
        return 3 * self.keepalive_s + 5

    @property
    def max_counted(self) -> int:
        """Students whose answers are counted in one minute: twice the places, so that forged ids run out."""
        return 2 * self.max_students

    @classmethod
    def of(cls, settings: Settings) -> ClassLimits:
        return cls(
            idle_s=settings.class_idle_s,
            max_classes=settings.class_max,
            max_students=settings.class_max_students,
            answers_per_min=settings.class_answers_per_min,
            keepalive_s=settings.class_keepalive_s,
            queue_events=settings.class_queue_events,
            history_events=settings.class_history_events,
            questions_kept=settings.class_questions_kept,
            max_state_bytes=settings.class_max_state_bytes,
            max_prompt_chars=settings.class_max_prompt_chars,
            max_source_chars=settings.max_source_chars,
            retry_after=settings.retry_after,
        )
