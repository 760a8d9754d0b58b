"""Which files a list of inputs names: the one lister for registers and 统计月报.

Files are taken as given (any suffix: the reader decides); folders are searched one level deep, in sorted
order, for the given suffixes, skipping hidden files, Excel/WPS lock files (``~$…``), anything that is not a
regular file (a FIFO, a socket) and the names a cleaner writes itself (so a folder holding its own outputs is
never read back as input). A file named twice is listed once.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Iterable

from ..errors import InputError

__all__ = ["list_input_files"]


def _regular(p: Path) -> bool:
    try:
        return stat.S_ISREG(os.stat(p).st_mode)
    except OSError:
        return False


def list_input_files(inputs: Iterable[str | Path], *, suffixes: Iterable[str], what: str,
                     skip_names: Iterable[str] = ()) -> list[Path]:
    """The files ``inputs`` name (see the module docstring). ``suffixes`` are lower-case with the dot
    (``.xlsx``), in the order the error message lists them; ``what`` names the files in messages (``register
    files``). Raises :class:`InputError` for a folder without such files, a missing input, or an input that is
    neither a folder nor a regular file."""
    suffixes = tuple(s.lower() for s in suffixes)
    skip = frozenset(skip_names)
    files: list[Path] = []
    for p in map(Path, inputs):
        try:
            st = os.stat(p)
        except FileNotFoundError:
            raise InputError("no such file or folder", file=p) from None
        except OSError as exc:
            raise InputError(f"cannot be read ({exc.strerror or exc})", file=p) from None
        if stat.S_ISDIR(st.st_mode):
            found = sorted(q for q in p.iterdir() if q.suffix.lower() in suffixes
                           and not q.name.startswith((".", "~$")) and q.name not in skip and _regular(q))
            if not found:
                raise InputError(f"no {what} ({', '.join('*' + s for s in suffixes)}) in this folder", file=p)
            files.extend(found)
        elif stat.S_ISREG(st.st_mode):
            files.append(p)
        else:
            raise InputError("is neither a folder nor a regular file (a FIFO, device or socket); only regular "
                             "files are read", file=p)
    return list(dict.fromkeys(files))
