"""Only regular files, and only so many bytes of them.

Every input is looked at with ``stat`` before it is opened: a folder, a named pipe (FIFO), a device
(``/dev/zero``) or a socket is refused with one line, and so is a file larger than its kind allows
(:mod:`chainplan_lib.files.limits`). The open itself uses ``O_NONBLOCK`` (a FIFO swapped in after the ``stat``
cannot hang it) and the opened file is checked again with ``fstat``; reads stop one byte past the cap.

Refusals are :class:`FileRefused` (an :class:`~chainplan_lib.errors.InputError` naming the file) whose
``reason`` is the message without the file, for callers that word the file differently (the plan loader).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO

from ..errors import InputError
from .limits import Kind, human_size

__all__ = ["FileRefused", "check_regular", "open_regular", "read_at_most", "read_bytes"]

_OTHER_TYPES = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


class FileRefused(InputError):
    """An input that is not a regular file of a plausible size; ``reason`` is the message without the file."""

    def __init__(self, reason: str, *, file: str | Path):
        self.reason = reason
        super().__init__(reason, file=file)


def _refuse_type(path: Path, st: os.stat_result, kind: Kind) -> None:
    if stat.S_ISDIR(st.st_mode):
        raise FileRefused(f"is a folder; expected {kind.expected}", file=path)
    if not stat.S_ISREG(st.st_mode):
        what = next((name for test, name in _OTHER_TYPES if test(st.st_mode)), "not a regular file")
        raise FileRefused(f"is {what}, not a regular file; only regular files are read (expected "
                          f"{kind.expected})", file=path)
    if st.st_size > kind.max_bytes:
        raise _too_large(path, kind)


def _too_large(path: Path, kind: Kind) -> FileRefused:
    return FileRefused(f"file is larger than {human_size(kind.max_bytes)}; {kind.why} (refused before reading "
                       "further)", file=path)


def check_regular(path: str | Path, kind: Kind) -> os.stat_result:
    """``stat`` of ``path`` (symbolic links followed) if it is a regular file within ``kind``'s size cap; else
    :class:`FileRefused` (not found, a folder, a FIFO or device, too large, unreadable)."""
    path = Path(path)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise FileRefused("file not found", file=path) from None
    except OSError as exc:
        raise FileRefused(f"cannot be read ({exc.strerror or exc})", file=path) from None
    _refuse_type(path, st, kind)
    return st


def open_regular(path: str | Path, kind: Kind) -> BinaryIO:
    """A binary file object for the regular file at ``path`` (checked as :func:`check_regular` does, before
    and after opening; opened non-blocking so a FIFO cannot hang the open)."""
    path = Path(path)
    check_regular(path, kind)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise FileRefused("file not found", file=path) from None
    except OSError as exc:
        raise FileRefused(f"cannot be read ({exc.strerror or exc})", file=path) from None
    try:
        _refuse_type(path, os.fstat(fd), kind)  # what was opened, not what the name showed a moment ago
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_at_most(fh: BinaryIO, cap: int) -> bytes:
    """The rest of the open file ``fh``, or ``cap + 1`` bytes when it holds more: read in pieces, never asking
    for a ``cap``-sized buffer up front (a cap of gigabytes must not allocate gigabytes for a small file)."""
    size = os.fstat(fh.fileno()).st_size
    parts = [fh.read(min(max(size - fh.tell(), 0), cap) + 1)]
    total = len(parts[0])
    while parts[-1] and total <= cap:  # a file that grew since the stat (or is shorter than it said)
        parts.append(fh.read(min(1 << 24, cap + 1 - total)))
        total += len(parts[-1])
    return b"".join(parts)


def read_bytes(path: str | Path, kind: Kind) -> bytes:
    """The whole regular file at ``path``, at most ``kind.max_bytes`` (a file that grew past the cap since the
    ``stat`` is refused too)."""
    with open_regular(path, kind) as fh:
        try:
            data = read_at_most(fh, kind.max_bytes)
        except OSError as exc:
            raise FileRefused(f"cannot be read ({exc.strerror or exc})", file=path) from None
    if len(data) > kind.max_bytes:
        raise _too_large(Path(path), kind)
    return data
