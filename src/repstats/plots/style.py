"""One consistent, readable chart style: rc settings, a colour-blind-safe palette, captions.

Use ``with use_style(): ...`` around your own plotting code, or ``use_style().apply()``
once in a notebook. Every chart function of :mod:`repstats.plots` draws inside
``use_style()`` itself, so its output looks the same whatever the global settings.

The style never changes matplotlib's interactive mode or backend: in Jupyter, plain
matplotlib and pandas figures keep displaying after a repstats chart. ``fig.savefig``
writes at print resolution (300 dpi; or pass ``"chart.svg"`` for a vector file).
:func:`categorical_colors` gives as many distinct colours as there are categories.
"""
from __future__ import annotations

import matplotlib as mpl
from matplotlib.figure import Figure

#: Okabe-Ito colours (safe for the common colour-vision deficiencies).
PALETTE = {
    "blue": "#0072B2", "orange": "#E69F00", "green": "#009E73", "vermillion": "#D55E00",
    "sky": "#56B4E9", "purple": "#CC79A7", "yellow": "#F0E442", "black": "#000000",
}
#: Colour cycle used for series.
COLORS = [PALETTE[k] for k in ("blue", "vermillion", "green", "orange", "purple", "sky",
                               "black", "yellow")]
#: Neutral colours for context (ranges, event lines, captions).
GREY, LIGHT_GREY = "#6E6E6E", "#D9D9D9"
#: Sequential colour map for ordered categories (term brackets) and heat maps.
SEQUENTIAL = "viridis"

RC = {
    "figure.figsize": (8.0, 4.5),
    "figure.dpi": 100,
    "savefig.dpi": 300,
    "savefig.bbox": "tight",
    "figure.constrained_layout.use": True,
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.labelsize": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.grid.axis": "y",
    "axes.axisbelow": True,
    "axes.prop_cycle": mpl.cycler(color=COLORS),
    "grid.color": "#E5E5E5",
    "grid.linewidth": 0.8,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "legend.fontsize": 9,
    "legend.frameon": False,
    "lines.linewidth": 1.8,
    "lines.markersize": 5,
    "image.cmap": SEQUENTIAL,
}


class use_style:  # noqa: N801 - used like a function: ``with use_style():``
    """Context manager applying the repstats style (``RC``), with optional overrides.

    Parameters
    ----------
    **overrides
        rcParams to change on top of ``RC`` (e.g. ``{"font.size": 12}`` via
        ``use_style(**{"font.size": 12})``).

    Examples
    --------
    >>> with use_style():
    ...     fig, ax = plt.subplots()
    >>> use_style().apply()  # for the whole session
    """

    def __init__(self, **overrides):
        unknown = [k for k in overrides if k not in mpl.rcParams]
        if unknown:
            raise ValueError(f"unknown rcParams {unknown}")
        self.params = RC | overrides
        self._ctx = None

    def __enter__(self):
        self._ctx = mpl.rc_context(self.params)
        self._ctx.__enter__()
        return self

    def __exit__(self, *exc):
        # rc_context restores every rcParam it saved, including ``interactive``: when the
        # first figure of a Jupyter session is drawn inside the context, the inline backend
        # switches interactive mode on, and restoring it would stop later figures from
        # displaying. The mode as it is now is kept.
        interactive = mpl.is_interactive()
        try:
            return self._ctx.__exit__(*exc)
        finally:
            mpl.interactive(interactive)

    def apply(self) -> None:
        """Apply the style globally (until ``matplotlib.rcdefaults()``); interactive mode
        and backend are left as they are."""
        mpl.rcParams.update(self.params)


def categorical_colors(n: int) -> list:
    """``n`` distinct colours for unordered categories.

    Up to eight: the Okabe-Ito colours of :data:`COLORS` (safe for colour-vision
    deficiencies); more: seaborn's ``husl`` palette, evenly spaced hues of equal
    lightness, so no colour repeats.
    """
    if not isinstance(n, int) or n < 0:
        raise ValueError(f"n must be a non-negative integer, got {n!r}")
    if n <= len(COLORS):
        return list(COLORS[:n])
    import seaborn as sns  # only here: importing seaborn imports scipy.stats and statsmodels

    return [mpl.colors.to_hex(c) for c in sns.color_palette("husl", n)]


def wrap_to_width(text: str, width_points: float, *, size: float, weight="normal",
                  max_chars: int | None = None) -> str:
    """``text`` broken at spaces into lines no wider than ``width_points``.

    Lines are filled greedily, word by word, with each word's width measured once in the
    font the text is drawn in (``size`` in points, ``weight``) and 3 % kept to spare for
    kerning and hinting; line breaks already in ``text`` are kept, and a word wider than
    the room is split. ``max_chars`` caps every line's length in characters as well.
    """
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import text_to_path

    if not width_points > 0:
        raise ValueError(f"width_points must be positive, got {width_points!r}")
    if max_chars is not None and max_chars < 1:
        raise ValueError(f"max_chars must be at least 1, got {max_chars!r}")
    prop = FontProperties(size=size, weight=weight)
    room = width_points / 1.03
    cap = max_chars or float("inf")
    widths: dict[str, float] = {}

    def width(word: str) -> float:
        if word not in widths:
            widths[word] = text_to_path.get_text_width_height_descent(
                word, prop, ismath=False)[0]
        return widths[word]

    space = width("x x") - 2 * width("x")

    def pieces(word: str):
        # a word too wide or too long for a line of its own, cut where it stops fitting
        while len(word) > 1 and (width(word) > room or len(word) > cap):
            cut = 1
            while (cut < len(word) and cut < cap
                   and width(word[:cut + 1]) <= room):
                cut += 1
            yield word[:cut]
            word = word[cut:]
        yield word

    lines = []
    for paragraph in str(text).splitlines() or [""]:
        line, used, chars = [], 0.0, 0
        for word in paragraph.split():
            for piece in pieces(word):
                w, n = width(piece), len(piece)
                if line and (used + space + w > room or chars + 1 + n > cap):
                    lines.append(" ".join(line))
                    line, used, chars = [], 0.0, 0
                used, chars = (used + space + w, chars + 1 + n) if line else (w, n)
                line.append(piece)
        lines.append(" ".join(line))
    return "\n".join(lines)


def add_title(fig: Figure, title: str, *, x: float = 0.01):
    """Give ``fig`` a bold title at its top left and return the Text.

    The title is wrapped at word boundaries so that no line is wider than the figure
    (:func:`wrap_to_width`): a report figure is drawn at its own size, not cropped to its
    content, so text beyond the canvas would be lost. Line breaks already in ``title``
    are kept.
    """
    if not isinstance(fig, Figure):
        raise ValueError(f"fig must be a matplotlib Figure, got {type(fig).__name__}")
    size = mpl.rcParams["figure.titlesize"]
    body = wrap_to_width(title, fig.get_figwidth() * 72 * (1 - 2 * x), size=size,
                         weight="bold")
    return fig.suptitle(body, x=x, ha="left", fontweight="bold")


#: font size of the source caption, in points
SOURCE_SIZE = 7.5


def add_source(fig: Figure, text: str, *, prefix: str = "Source: ",
               width: int | None = None):
    """Add a source caption at the bottom left of ``fig`` and return the Text.

    The caption is wrapped at word boundaries to the figure's width, measured in its font
    (:func:`wrap_to_width`), so no line runs past the figure's edge; ``width`` caps each
    line at that many characters as well. With constrained layout, room is reserved below
    the axes so the caption never overlaps tick labels.
    """
    if not isinstance(fig, Figure):
        raise ValueError(f"fig must be a matplotlib Figure, got {type(fig).__name__}")
    if not text or not str(text).strip():
        raise ValueError("source text is empty")
    if width is not None and width < 1:
        raise ValueError(f"width must be at least 1 character, got {width!r}")
    x = 0.01
    body = wrap_to_width(f"{prefix}{text}", fig.get_figwidth() * 72 * (1 - 2 * x),
                         size=SOURCE_SIZE, max_chars=width)
    lines = body.count("\n") + 1
    height = (lines * 9 + 6) / 72 / fig.get_figheight()  # points -> figure fraction
    engine = fig.get_layout_engine()
    if engine is not None and hasattr(engine, "set") and "rect" in engine.get():
        engine.set(rect=(0, height, 1, 1 - height))
    else:
        fig.subplots_adjust(bottom=max(fig.subplotpars.bottom, height + 0.08))
    return fig.text(x, 0.005, body, ha="left", va="bottom", fontsize=SOURCE_SIZE,
                    color=GREY)
