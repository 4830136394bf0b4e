"""Drawing for the app: one dot layout per program structure, cached, bounded in time and in number."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence

from engine.exploration import Exploration
from engine.picture import (
    MAX_CLUSTER_DEPTH,
    RECYCLE_BYTES,
    DotPool,
    GraphvizMissing,
    PictureError,
    SvgTemplate,
    View,
    fill_template,
    layout,
    make_view,
    structure_key,
)
from engine.singleflight import SingleFlight


class Busy(Exception):
    """Too many drawings are waiting; the client should retry later."""

    def __init__(self) -> None:
        super().__init__("the server is drawing too many graphs; try again in a moment")


class PictureLimit(PictureError):
    """The graph has more values than a picture may show."""


class Pictures:
    """An LRU of layouts keyed by structure, in front of a pool of long-lived dot processes and its queue."""

    def __init__(
        self,
        cache_size: int,
        concurrency: int,
        queue_depth: int,
        queue_wait: float,
        timeout: float,
        max_values: int,
        recycle_bytes: int = RECYCLE_BYTES,
        max_cluster_depth: int = MAX_CLUSTER_DEPTH,
    ) -> None:
        self.cache: OrderedDict[tuple[object, ...], SvgTemplate | PictureError] = OrderedDict()
        self.cache_size = cache_size
        self.timeout = timeout
        self.max_values = max_values
        self.max_cluster_depth = max_cluster_depth
        self.queue_depth = queue_depth
        self.queue_wait = queue_wait
        self.pool = DotPool(concurrency, recycle_bytes)
        self.lock = threading.Lock()
        self.flights: SingleFlight[SvgTemplate | PictureError] = SingleFlight()
        self.waiting = 0
        self.dot_runs = 0

    def draw(self, exploration: Exploration, collapsed: Sequence[str] = ()) -> str:
        """The SVG of a graph with its numbers and the groups `collapsed` (outermost only) drawn as boxes;
        raises PictureError or Busy."""
        view = make_view(exploration, collapsed, self.max_cluster_depth)
        shown = sum(1 for box in view.boxes if box is None) + len(view.collapsed)  # values and boxes
        if shown > self.max_values:
            hint = "; collapse some calls to draw it" if view.clusters else ""
            limit = f"the picture would show {shown:,} values; pictures show at most {self.max_values:,}"
            raise PictureLimit(limit + hint)
        key = structure_key(exploration, view)
        template = self._cached(key)
        if template is None:  # a structure many ask for at once (a class following its teacher) is laid out once
            template = self.flights.do(key, lambda: self._render_and_store(key, exploration, view))
        if isinstance(template, PictureError):
            raise template
        return fill_template(template, exploration)

    def _cached(self, key: tuple[object, ...]) -> SvgTemplate | PictureError | None:
        with self.lock:
            template = self.cache.get(key)
            if template is not None:
                self.cache.move_to_end(key)
            return template

    def _store(self, key: tuple[object, ...], template: SvgTemplate | PictureError) -> None:
        with self.lock:
            self.cache[key] = template
            while len(self.cache) > self.cache_size:
                self.cache.popitem(last=False)

    def _render_and_store(
        self, key: tuple[object, ...], exploration: Exploration, view: View
    ) -> SvgTemplate | PictureError:
        template = self._render(exploration, view)
        self._store(key, template)
        return template

    def _render(self, exploration: Exploration, view: View) -> SvgTemplate | PictureError:
        with self.lock:
            if self.waiting >= self.queue_depth:
                raise Busy
            self.waiting += 1
        try:
            dot = self.pool.acquire(self.queue_wait)
            if dot is None:
                raise Busy
            try:
                self.dot_runs += 1
                return layout(exploration, self.timeout, dot.render, view)
            except GraphvizMissing:
                raise  # it may be installed later: not a property of this structure
            except PictureError as error:
                return error  # a failure or time-out of this structure: remembered, not retried
            finally:
                self.pool.release(dot)
        finally:
            with self.lock:
                self.waiting -= 1

    def close(self) -> None:
        """Stop every dot process; drawings after this get an error."""
        self.pool.close()
