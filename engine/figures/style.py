"""matplotlib's look, as tables: its colour cycle, its named colours and the colormaps programs name."""

from __future__ import annotations

CYCLE = (  # matplotlib's default colour cycle (tab10), C0 to C9
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
)  # fmt: skip

NAMED_COLORS = {
    "b": "#0000ff", "g": "#008000", "r": "#ff0000", "c": "#00bfbf", "m": "#bf00bf", "y": "#bfbf00", "k": "#000000",
    "w": "#ffffff", "blue": "#0000ff", "green": "#008000", "red": "#ff0000", "cyan": "#00ffff",
    "magenta": "#ff00ff", "yellow": "#ffff00", "black": "#000000", "white": "#ffffff", "orange": "#ffa500",
    "purple": "#800080", "gray": "#808080", "grey": "#808080", "brown": "#a52a2a", "pink": "#ffc0cb",
    "navy": "#000080", "teal": "#008080", "olive": "#808000", "lime": "#00ff00", "maroon": "#800000",
    "tab:blue": CYCLE[0], "tab:orange": CYCLE[1], "tab:green": CYCLE[2], "tab:red": CYCLE[3],
    "tab:purple": CYCLE[4], "tab:brown": CYCLE[5], "tab:pink": CYCLE[6], "tab:gray": CYCLE[7],
    "tab:olive": CYCLE[8], "tab:cyan": CYCLE[9], "darkblue": "#00008b", "darkred": "#8b0000",
    "darkgreen": "#006400", "lightblue": "#add8e6", "lightgray": "#d3d3d3", "lightgrey": "#d3d3d3",
}  # fmt: skip

# Evenly spaced stops of each colormap, from matplotlib's own tables (sampled), interpolated linearly.
COLORMAPS: dict[str, tuple[str, ...]] = {
    "viridis": ("#440154", "#482878", "#3e4989", "#31688e", "#26828e", "#1f9e89", "#35b779", "#6ece58", "#b5de2b",
                "#fde725"),
    "plasma": ("#0d0887", "#5302a3", "#8b0aa5", "#b83289", "#db5c68", "#f48849", "#febd2a", "#f0f921"),
    "jet": ("#00007f", "#0000ff", "#007fff", "#00ffff", "#7fff7f", "#ffff00", "#ff7f00", "#ff0000", "#7f0000"),
    "Spectral": ("#9e0142", "#d53e4f", "#f46d43", "#fdae61", "#fee08b", "#ffffbf", "#e6f598", "#abdda4", "#66c2a5",
                 "#3288bd", "#5e4fa2"),
    "coolwarm": ("#3b4cc0", "#7396f5", "#b0cbfc", "#dcdddd", "#f6bfa6", "#ea7b60", "#b40426"),
    "RdBu": ("#67001f", "#b2182b", "#d6604d", "#f4a582", "#fddbc7", "#f7f7f7", "#d1e5f0", "#92c5de", "#4393c3",
             "#2166ac", "#053061"),
    "bwr": ("#0000ff", "#ffffff", "#ff0000"),
    "gray": ("#000000", "#ffffff"),
    "Blues": ("#f7fbff", "#c6dbef", "#6baed6", "#2171b5", "#08306b"),
    "Reds": ("#fff5f0", "#fcbba1", "#fb6a4a", "#cb181d", "#67000d"),
}  # fmt: skip


def colormap(name: str, t: float) -> str:
    """The colour at t (0 to 1) of a colormap, as #rrggbb."""
    stops = COLORMAPS[name]
    t = min(max(t, 0.0), 1.0) * (len(stops) - 1)
    k = min(int(t), len(stops) - 2)
    frac = t - k
    a, b = stops[k], stops[k + 1]
    channels = (round(int(a[i : i + 2], 16) * (1 - frac) + int(b[i : i + 2], 16) * frac) for i in (1, 3, 5))
    return "#" + "".join(f"{c:02x}" for c in channels)
