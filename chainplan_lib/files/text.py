"""Text files as offices save them: one decoder for every kind of input (target tables, register and 统计月报 CSV
files, cleaned tables given back to us).

Accepted: UTF-8, UTF-8 with a byte-order mark, UTF-16 with a byte-order mark, and GB18030 (which includes GBK
and GB 2312) — tried in that order, the same for every kind of file. A byte-order mark decides; otherwise UTF-8
is tried, then GB18030. Text holding NUL characters is refused (binary data, or UTF-16 saved without a
byte-order mark). Errors are one :class:`~chainplan_lib.errors.InputError` naming the file, the byte offset and
the line.

:func:`sniff_encoding` decides from the first bytes of a file too large to decode whole (a register streamed in
parts); :func:`decode` and :func:`read_text` decode a whole file.
"""

from __future__ import annotations

import codecs
from pathlib import Path
from typing import NamedTuple

from ..errors import InputError
from .limits import Kind
from .regular import read_bytes

__all__ = ["ACCEPTED", "Decoded", "sniff_encoding", "decode", "read_text"]

ACCEPTED = "UTF-8, UTF-8 with BOM, UTF-16 with BOM or GB18030/GBK"
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig", "utf-8", "UTF-8"), (codecs.BOM_UTF16_LE, "utf-16", "utf-16-le", "UTF-16"),
         (codecs.BOM_UTF16_BE, "utf-16", "utf-16-be", "UTF-16"))


class Decoded(NamedTuple):
    """A file's text and the codec that decoded it (``utf-8``, ``utf-8-sig``, ``utf-16`` or ``gb18030``)."""

    text: str
    encoding: str


def _line_at(data: bytes, offset: int, encoding: str) -> int:
    """1-based line of byte ``offset``."""
    if encoding == "utf-16":
        return data[:offset].decode("utf-16", errors="replace").count("\n") + 1
    return data.count(b"\n", 0, offset) + 1


def _bom(data: bytes) -> tuple[bytes, str, str, str] | None:
    return next((b for b in _BOMS if data.startswith(b[0])), None)


def _check_no_nul(text: str, data: bytes, encoding: str, file) -> None:
    at = text.find("\x00")
    if at >= 0:
        offset = len(text[:at].encode(encoding.replace("-sig", ""), errors="replace"))
        line = text.count("\n", 0, at) + 1
        raise InputError(f"not text: a NUL character at offset {offset} (binary data, or UTF-16 saved without a "
                         f"byte-order mark); save it as {ACCEPTED}", file=file, line=line)


def _decode(data: bytes, file, partial: bool) -> Decoded:
    bom = _bom(data)
    if bom is not None:
        mark, enc, codec, name = bom
        try:
            text = codecs.getincrementaldecoder(codec)("strict").decode(data[len(mark):], final=not partial)
        except UnicodeDecodeError as exc:
            at = exc.start + len(mark)
            raise InputError(f"starts with a {name} byte-order mark but is not {name}: invalid bytes at offset "
                             f"{at}; save it as {ACCEPTED}", file=file, line=_line_at(data, at, enc)) from None
        _check_no_nul(text, data, enc, file)
        return Decoded(text, enc)
    errors = []
    for enc in ("utf-8", "gb18030"):
        try:
            text = codecs.getincrementaldecoder(enc)("strict").decode(data, final=not partial)
        except UnicodeDecodeError as exc:
            errors.append(exc.start)
            continue
        _check_no_nul(text, data, enc, file)
        return Decoded(text, enc)
    at_utf8, at_gb = errors
    raise InputError(f"cannot decode the text: not UTF-8 (invalid byte at offset {at_utf8}, line "
                     f"{_line_at(data, at_utf8, 'utf-8')}) and not GB18030/GBK either (offset {at_gb}); save it as "
                     f"{ACCEPTED}", file=file, line=_line_at(data, max(at_utf8, at_gb), "utf-8")) from None


def sniff_encoding(head: bytes, *, file: str | Path | None = None, complete: bool = True) -> str:
    """The codec of a file from its first bytes ``head`` (the whole file when ``complete``; otherwise a
    character cut at the end of ``head`` is not an error). Raises :class:`InputError` as :func:`decode` does."""
    return _decode(head, file, partial=not complete).encoding


def decode(data: bytes, *, file: str | Path | None = None) -> Decoded:
    """The text of a whole file's bytes and its codec (see the module docstring); a BOM is not part of the text."""
    return _decode(data, file, partial=False)


def read_text(path: str | Path, kind: Kind) -> Decoded:
    """The regular file at ``path`` (within ``kind``'s size cap) decoded."""
    return decode(read_bytes(path, kind), file=path)
