"""Typed errors. Every message names the file, and where it applies the line/row and the cell/column."""

from __future__ import annotations

from pathlib import Path

__all__ = ["ChainplanError", "InputError", "ReconciliationError", "ParameterError", "OutputError", "Interrupted"]


class ChainplanError(Exception):
    """Base class: the CLI prints these as one line and exits 2."""


class InputError(ChainplanError):
    """Bad input file. Carries where: file, line (1-based) or row, and cell/column."""

    def __init__(self, message: str, *, file: str | Path | None = None, line: int | None = None,
                 cell: str | int | None = None):
        self.file, self.line, self.cell = (str(file) if file is not None else None), line, cell
        where = []
        if self.file:
            where.append(self.file)
        if line is not None:
            where.append(f"line {line}")
        if cell is not None:
            where.append(f"cell {cell}")
        super().__init__(f"{': '.join([', '.join(where), message]) if where else message}")


class ReconciliationError(InputError):
    """Totals that do not reconcile and cannot be explained by a recoverable extraction loss."""


class ParameterError(ChainplanError):
    """A notebook or CLI parameter outside what the data supports (unknown chain, year outside 2023–2026…)."""


class OutputError(ChainplanError):
    """An output location that cannot be used: under data/raw, a file where a folder is needed (or the
    reverse), or not writable."""


class Interrupted(KeyboardInterrupt):
    """The run was stopped by a signal (SIGINT / SIGTERM); the CLI exits 128 + signal number. Like
    KeyboardInterrupt it is not an ``Exception``: no ``except Exception`` / ``except ChainplanError`` that lets a
    district or a page go on with a warning may swallow the stop (one did, while the 统计月报 were read beside the
    running notebooks, and the batch waited for them)."""

    def __init__(self, signum: int, message: str | None = None):
        import signal

        self.signum = signum
        self.exit_code = 128 + signum
        name = signal.Signals(signum).name
        super().__init__(message or f"interrupted by {name}")
