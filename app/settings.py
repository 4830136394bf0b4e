"""One Settings object: every limit, the server and Graphviz, readable from BACKPROP_* variables."""

from __future__ import annotations

import dataclasses
import os
from functools import lru_cache
from typing import Literal

from pydantic_settings import BaseSettings, SettingsConfigDict

from engine import limits, picture
from engine.limits import Limits
from engine.run import PREPARED_PROGRAMS


class Settings(BaseSettings):
    """Configuration; each field can be set as BACKPROP_<FIELD> in the environment."""

    model_config = SettingsConfigDict(env_prefix="BACKPROP_")

    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    # Programs (see engine/limits.py for what each bounds)
    max_source_chars: int = limits.MAX_SOURCE_CHARS
    max_statements: int = limits.MAX_STATEMENTS
    max_nesting: int = limits.MAX_NESTING
    max_seconds: float = limits.MAX_SECONDS
    max_cpu_seconds: float = limits.MAX_CPU_SECONDS
    max_memory_bytes: int = limits.MAX_MEMORY_BYTES
    max_recursion: int = limits.MAX_RECURSION
    max_nodes: int = limits.MAX_NODES
    max_events: int = limits.MAX_EVENTS
    max_passes: int = limits.MAX_PASSES
    max_print_lines: int = limits.MAX_PRINT_LINES
    max_print_chars: int = limits.MAX_PRINT_CHARS
    max_label_chars: int = limits.MAX_LABEL_CHARS
    max_numeric_nodes: int = limits.MAX_NUMERIC_NODES
    max_check_nodes: int = limits.MAX_CHECK_NODES
    max_screened_nodes: int = limits.MAX_SCREENED_NODES
    max_check_operations: int = limits.MAX_CHECK_OPERATIONS
    max_check_runs: int = limits.MAX_CHECK_RUNS
    max_check_seconds: float = limits.MAX_CHECK_SECONDS
    max_checks: int = limits.MAX_CHECKS
    max_figures: int = limits.MAX_FIGURES
    max_plot_points: int = limits.MAX_PLOT_POINTS
    max_notebook_cells: int = limits.MAX_NOTEBOOK_CELLS
    jail: Literal["on", "off"] = "on"  # "off" (no system-call filter) is for local development on a loopback host
    # HTTP
    max_body_bytes: int = 1_000_000  # bytes of one request body
    max_header_bytes: int = 64 * 1024  # bytes of a request line and headers
    max_connections: int = 1_000  # open connections per worker before new ones get 503
    keep_alive_timeout: int = 5  # seconds an idle keep-alive connection stays open
    header_timeout: float = 10.0  # seconds for a request's line and headers to arrive, then it is closed
    body_timeout: float = 30.0  # seconds for a request's body to arrive, then 408
    access_log: bool = True  # one log line per request
    # The picture
    max_drawn_values: int = 1_000  # values and collapsed calls one picture shows; larger ones come back without one
    draw_timeout: float = 2.0  # seconds dot may take for one graph before it is killed and replaced
    draw_concurrency: int = os.cpu_count() or 1  # long-lived dot processes per worker, one graph each at a time
    draw_queue_depth: int = 128  # drawings waiting for a dot process before new ones get 503
    draw_queue_wait: float = 4.0  # seconds a drawing may wait for a dot process before it gets 503
    draw_recycle_bytes: int = picture.RECYCLE_BYTES  # DOT text one dot process reads before it is replaced
    max_cluster_depth: int = picture.MAX_CLUSTER_DEPTH  # frames of calls nested in frames; deeper ones are merged
    picture_cache_size: int = 512  # layouts kept, one per program structure
    run_cache_size: int = 64  # recent runs kept, so that another pass of a program is not run again
    run_cache_values: int = 150_000  # values and events those runs may hold in all (a few hundred bytes each)
    prepared_cache_size: int = PREPARED_PROGRAMS  # programs kept checked and compiled for their next run
    retry_after: int = 1  # seconds, in the Retry-After of a 503
    # Classes (app/classes): one worker keeps them in memory; several share them through Redis
    redis_url: str = ""  # e.g. redis://127.0.0.1:6379/0; empty: classes live in this process
    redis_prefix: str = "bpx"  # the start of every Redis key and channel, so that apps can share one Redis
    redis_connections: int = 32  # Redis connections per worker; more requests wait for one (5 s, then 503)
    class_idle_s: float = 3 * 3600  # a class ends this long after its teacher's last request
    class_max: int = 200  # classes at once; past it, new ones get 503
    class_max_students: int = 500  # followers of one class at once, and students answering one question
    class_answers_per_min: int = 30  # answers one student may send to one class in a minute; more get 429
    class_keepalive_s: float = 15.0  # seconds between the comments that keep an idle event stream open
    class_queue_events: int = 64  # events waiting for one follower; a follower this far behind is dropped
    class_history_events: int = 200  # recent events kept for a follower that reconnects with Last-Event-ID
    class_questions_kept: int = 20  # recent questions of a class whose answers are kept
    class_max_state_bytes: int = 400_000  # bytes of one published state (its source has its own limit)
    class_max_prompt_chars: int = 500  # characters of a question's prompt

    def limits(self) -> Limits:
        """The engine's limits under these settings."""
        return Limits(**{field.name: getattr(self, field.name) for field in dataclasses.fields(Limits)})


@lru_cache
def get_settings() -> Settings:
    """The settings of this process, read once from the environment."""
    return Settings()
