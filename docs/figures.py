"""Draw the diagrams of the user guide into ``docs/_static/``.

Run ``python docs/figures.py`` after changing a diagram and commit the PNGs;
the documentation build does not run this script. Diagrams only: figures of
fitted models come from the gallery examples.
"""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import FancyArrowPatch, Rectangle  # noqa: E402
from PIL import Image  # noqa: E402

STATIC = Path(__file__).resolve().parent / "_static"
BLUE, ORANGE, GREEN, GREY = "#1f77b4", "#ff7f0e", "#2ca02c", "#9a9a9a"


def _save(fig, name):
    """Save as a small palette PNG (the diagrams use a handful of colours)."""
    path = STATIC / name
    fig.savefig(path, dpi=100)
    plt.close(fig)
    image = Image.open(path).convert("RGB")
    image.quantize(colors=64, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)
    print(f"{path.name}: {path.stat().st_size / 1024:.0f} KiB")


def _box(ax, x, y, w, h, text, color, *, fontsize=10, alpha=0.25):
    ax.add_patch(Rectangle((x, y), w, h, facecolor=color, alpha=alpha, edgecolor=color))
    ax.text(x + w / 2, y + h / 2, text, ha="center", va="center", fontsize=fontsize)


def _arrow(ax, start, end, color="black"):
    ax.add_patch(
        FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=12, color=color)
    )


def unrolled_rnn():
    """A recurrent layer unrolled over a window, with its Dense head."""
    fig, ax = plt.subplots(figsize=(7.5, 2.8))
    n = 4
    labels = ["$x_{t-3}$", "$x_{t-2}$", "$x_{t-1}$", "$x_t$"]
    states = ["$h_{t-3}$", "$h_{t-2}$", "$h_{t-1}$", "$h_t$"]
    for i in range(n):
        x0 = 0.6 + 1.5 * i
        _box(ax, x0, 0.1, 0.8, 0.5, labels[i], GREY)
        _box(ax, x0, 1.1, 0.8, 0.7, "cell", BLUE)
        _arrow(ax, (x0 + 0.4, 0.6), (x0 + 0.4, 1.1))
        if i == 0:
            _box(ax, x0 - 0.95, 1.25, 0.55, 0.4, "$h=0$", GREY, fontsize=9)
            _arrow(ax, (x0 - 0.4, 1.45), (x0, 1.45))
        if i < n - 1:
            _arrow(ax, (x0 + 0.8, 1.45), (x0 + 1.5, 1.45), BLUE)
            ax.text(x0 + 1.15, 1.55, states[i], ha="center", color=BLUE)
    last = 0.6 + 1.5 * (n - 1)
    _box(ax, last + 1.3, 1.1, 0.9, 0.7, "Dense", ORANGE)
    _arrow(ax, (last + 0.8, 1.45), (last + 1.3, 1.45), BLUE)
    ax.text(last + 1.05, 1.55, states[-1], ha="center", color=BLUE)
    _box(ax, last + 1.35, 0.1, 0.8, 0.5, r"$\hat y_{t+1}$", ORANGE)
    _arrow(ax, (last + 1.75, 1.1), (last + 1.75, 0.6), ORANGE)
    ax.text(
        0.0,
        2.15,
        r"each step: $h_k = \tanh(x_k W + h_{k-1} U + b)$ (SimpleRNN); "
        "the same weights at every step",
        fontsize=9,
    )
    ax.set_xlim(-0.45, last + 2.4)
    ax.set_ylim(0, 2.4)
    ax.axis("off")
    fig.tight_layout()
    _save(fig, "rnn_unrolled.png")


def windows_and_target():
    """Rows of make_supervised's X, their windows, and y, side by side."""
    values = [112, 118, 132, 129, 121, 135, 148]
    look_back = 3
    fig, ax = plt.subplots(figsize=(7.5, 3.2))
    ax.text(0.0, 7.55, "series", fontsize=10, weight="bold")
    for i, v in enumerate(values):
        _box(ax, 0.0 + 0.75 * i, 6.7, 0.7, 0.6, str(v), GREY, fontsize=9)
        ax.text(0.35 + 0.75 * i, 6.45, f"t={i}", ha="center", fontsize=7)
    ax.text(0.0, 5.6, "window of row t, look_back=3", fontsize=9)
    ax.text(3.4, 5.6, "y[t]: next value", fontsize=9)
    rows = range(len(values) - 1)
    for r in rows:
        y0 = 4.9 - 0.78 * r
        ax.text(-0.15, y0 + 0.3, f"t={r}", ha="right", va="center", fontsize=8)
        for k in range(look_back):
            src = r - look_back + 1 + k
            filled = src < 0
            text = str(values[max(src, 0)])
            _box(
                ax,
                0.75 * k,
                y0,
                0.7,
                0.6,
                text,
                GREY if filled else BLUE,
                fontsize=9,
                alpha=0.12 if filled else 0.3,
            )
        _arrow(ax, (2.3, y0 + 0.3), (3.3, y0 + 0.3), GREY)
        _box(ax, 3.4, y0, 0.7, 0.6, str(values[r + 1]), ORANGE, fontsize=9)
    ax.text(
        4.5,
        3.2,
        "Rows 0 and 1 have less than 3 steps\n"
        "of history: their windows repeat the\n"
        "oldest value (pale). One window per\n"
        "row keeps windows and y aligned.",
        fontsize=8,
        va="top",
    )
    ax.set_xlim(-0.7, 7.6)
    ax.set_ylim(0.1, 7.9)
    ax.axis("off")
    fig.tight_layout()
    _save(fig, "windows.png")


def windows_across_folds():
    """TimeSeriesSplit folds, and the history of a test fold's first windows."""
    fig, axes = plt.subplots(
        2, 1, figsize=(7.5, 3.6), gridspec_kw={"height_ratios": [1.3, 1]}
    )
    ax = axes[0]
    n, n_test = 144, 24
    for k in range(5):
        end = n - (5 - k) * n_test
        y0 = 4 - k
        ax.add_patch(Rectangle((0, y0), end, 0.7, color=BLUE, alpha=0.6))
        ax.add_patch(Rectangle((end, y0), n_test, 0.7, color=ORANGE, alpha=0.8))
        ax.text(-3, y0 + 0.35, f"fold {k + 1}", ha="right", va="center", fontsize=8)
    ax.set_xlim(-20, n + 2)
    ax.set_ylim(-0.2, 5)
    ax.set_title(
        "TimeSeriesSplit(5) on 144 months: train (blue), test (orange)", fontsize=9
    )
    ax.axis("off")

    ax = axes[1]
    look_back = 12
    for row, (title, history) in enumerate(
        [("test fold transformed on its own", False), ("with its real history", True)]
    ):
        y0 = 1.3 - 1.1 * row
        ax.text(-1, y0 + 0.8, title, fontsize=8)
        for k in range(look_back):
            # window of the fold's first row: 11 steps before the fold, then row 0
            before = k < look_back - 1
            color = ORANGE if not before else (BLUE if history else GREY)
            alpha = 0.8 if not before else (0.6 if history else 0.25)
            ax.add_patch(Rectangle((k, y0), 0.9, 0.6, color=color, alpha=alpha))
        ax.text(
            look_back + 0.5,
            y0 + 0.3,
            "11 copies of the fold's first value: no information"
            if not history
            else "the last 11 training months: the real window",
            fontsize=8,
            va="center",
        )
    ax.set_xlim(-1, 30)
    ax.set_ylim(-0.1, 2.3)
    ax.axis("off")
    fig.tight_layout()
    _save(fig, "cv_windows.png")


if __name__ == "__main__":
    unrolled_rnn()
    windows_and_target()
    windows_across_folds()
