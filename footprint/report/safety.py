"""Text from uploaded files (tags, names, resource ids) made inert for each output format.

A spreadsheet reads a cell that starts with '=', '+', '-', '@', a tab or a carriage return as a formula
(or a DDE payload), so such text cells get a leading apostrophe, the convention spreadsheets themselves
use for "this is text"; numbers are written as numbers and stay numbers, negative ones included. The PDF
writer reads its text as markup, so text is escaped before it reaches a Paragraph. XLSX cannot hold
control characters at all; they are shown as U+FFFD instead of failing the file.
"""

from __future__ import annotations

import re
from xml.sax.saxutils import escape

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def spreadsheet_text(text: str) -> str:
    """A text cell no spreadsheet will evaluate: '=1+1' -> "'=1+1"."""
    return "'" + text if text.startswith(FORMULA_START) else text


def xlsx_text(text: str) -> str:
    """spreadsheet_text, with the control characters XML 1.0 cannot carry replaced."""
    return spreadsheet_text(_CONTROL.sub("\ufffd", text))


def pdf_text(text: str) -> str:
    """Text for a reportlab Paragraph: '<', '>' and '&' escaped, so tags in data print as written."""
    return escape(_CONTROL.sub("\ufffd", text))
