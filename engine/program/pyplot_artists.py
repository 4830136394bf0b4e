"""What pyplot's calls return: objects that print as matplotlib's do and hold nothing of the figure."""

from __future__ import annotations


class Artist:
    """What a drawing call returns: its repr is matplotlib's kind of object."""

    kind = "matplotlib.artist.Artist"

    def __repr__(self) -> str:
        return f"<{self.kind} object at {id(self):#x}>"  # as CPython writes an object without a repr of its own


class Line2D(Artist):
    """What plot() returns, one per line."""

    kind = "matplotlib.lines.Line2D"


class PathCollection(Artist):
    """What scatter() returns."""

    kind = "matplotlib.collections.PathCollection"


class QuadContourSet(Artist):
    """What contourf() returns."""

    kind = "matplotlib.contour.QuadContourSet"


class Legend(Artist):
    """What legend() returns."""

    kind = "matplotlib.legend.Legend"


class Text:
    """A title's or label's Text, as matplotlib shows it: Text(0.5, 1.0, 'title')."""

    def __init__(self, x: float, y: float, text: str) -> None:
        self.x, self.y, self.text = x, y, text

    def __repr__(self) -> str:
        return f"Text({self.x:g}, {self.y:g}, {self.text!r})"
