"""A speaker's quotes as a file: CSV for spreadsheets, JSON lines for tools.

Cells that begin with "=", "+", "-" or "@" (or a tab or carriage return) would run as
formulas in a spreadsheet; they are written with a leading apostrophe, which spreadsheets
show as plain text.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import asdict, fields

from retrieval.types import ExportRow

FORMATS = ("csv", "jsonl")
COLUMNS = [f.name for f in fields(ExportRow)]
_ACTIVE = ("=", "+", "-", "@", "\t", "\r")


def inert(cell: str) -> str:
    """A cell a spreadsheet shows as text, never runs."""
    return "'" + cell if cell.startswith(_ACTIVE) else cell


def render_rows(rows: Sequence[ExportRow], fmt: str) -> str:
    if fmt == "jsonl":
        return "".join(json.dumps(asdict(r), ensure_ascii=False) + "\n" for r in rows)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for r in rows:
        writer.writerow([inert(str(getattr(r, c))) for c in COLUMNS])
    return out.getvalue()
