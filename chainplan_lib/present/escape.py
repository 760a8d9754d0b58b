"""Text from input files (file and sheet names, headers, enterprise names, cells) is shown, never run.

Every string that comes from input reaches a page through one of these: :func:`html_text` for HTML,
:func:`md_text` for Markdown that a notebook displays (nbconvert passes raw HTML inside Markdown through,
so ``<svg onload=…>`` in a file name would be live markup, and ``[x](javascript:…)`` a live link).
"""

from __future__ import annotations

import html
import re

__all__ = ["html_text", "md_text"]

# CommonMark: any ASCII punctuation may be backslash-escaped; these are the ones that start markup.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~])")


def html_text(text: object) -> str:
    """Text for an HTML element or attribute value: ``& < > " '`` escaped; None → ''."""
    return "" if text is None else html.escape(str(text), quote=True)


def md_text(text: object) -> str:
    """Text for Markdown: markup characters backslash-escaped, ``& < >`` as HTML entities, newlines as spaces."""
    if text is None:
        return ""
    s = re.sub(r"[\r\n]+", " ", str(text))
    s = _MD_SPECIAL.sub(r"\\\1", s)
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
