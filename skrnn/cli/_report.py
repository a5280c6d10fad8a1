"""How the commands print their tables: units, decimals, aligned columns."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

PERCENT = ("smape", "mape")


def _in_percent(board: pd.DataFrame) -> pd.DataFrame:
    """The leaderboard with MAPE in percent, as sMAPE is (and as printed)."""
    scaled = {
        column: board[column] * 100.0
        for column in ("mape_mean", "mape_std")
        if column in board
    }
    return board.assign(**scaled)


def _decimals(values: pd.Series) -> int:
    """Decimals that show the smallest of ``values`` to 3 significant digits."""
    magnitudes = np.abs(values.to_numpy(dtype=float))
    magnitudes = magnitudes[np.isfinite(magnitudes) & (magnitudes > 0)]
    if not magnitudes.size:
        return 2
    return int(np.clip(2 - np.floor(np.log10(magnitudes.min())), 0, 6))


def _format_leaderboard(board: pd.DataFrame, metrics: Sequence[str]) -> str:
    """The leaderboard as an aligned text table, a column per metric.

    Numbers are printed as they are in ``board`` (and in the CSV file):
    sMAPE and MAPE in percent (see :func:`_in_percent`).
    """
    header = ["rank", "model"]
    header += [f"{m} %" if m in PERCENT else m for m in metrics]
    header += ["fit s", "best params"]
    rows = []
    for metric in metrics:
        means = board[f"{metric}_mean"]
        stds = board[f"{metric}_std"]
        digits = _decimals(means)
        means = [f"{value:.{digits}f}" for value in means]
        stds = [f"{value:.{digits}f}" for value in stds]
        width_mean, width_std = max(map(len, means)), max(map(len, stds))
        board = board.assign(
            **{
                metric: [
                    f"{mean:>{width_mean}} ± {std:>{width_std}}"
                    for mean, std in zip(means, stds, strict=True)
                ]
            }
        )
    for rank, row in board.iterrows():
        rows.append(
            [
                str(rank),
                str(row["model"]),
                *(row[metric] for metric in metrics),
                f"{row['fit_time']:.2f}",
                _short_params(row["best_params"]),
            ]
        )
    widths = [max(map(len, column)) for column in zip(header, *rows, strict=True)]
    # text columns left-aligned, numbers right-aligned
    left = {1, len(header) - 1}

    def line(cells):
        return "  ".join(
            cell.ljust(width) if k in left else cell.rjust(width)
            for k, (cell, width) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    return "\n".join([line(header), *map(line, rows)])


def _short_params(params: dict) -> str:
    """``{"step__look_back": 12}`` as ``"look_back=12"``."""
    return ", ".join(
        f"{key.rsplit('__', 1)[-1]}={value}" for key, value in params.items()
    )
