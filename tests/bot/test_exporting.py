"""Export files: spreadsheet formulas made inert, every column present."""

from __future__ import annotations

import csv
import io
import json

import pytest

from bot.exporting import COLUMNS, inert, render_rows
from retrieval.types import ExportRow

ROW = ExportRow(
    speaker="Ada Quill",
    role="council member",
    quote='=HYPERLINK("http://x.example","click")',
    kind="direct",
    how="said",
    article="Council votes",
    link="https://news.example.org/vote#:~:text=a",
    published="2024-05-01",
)


@pytest.mark.parametrize(
    "cell,want",
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-cmd", "'-cmd"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("plain words", "plain words"),
        ("", ""),
    ],
)
def test_a_cell_that_would_run_is_made_inert(cell: str, want: str) -> None:
    assert inert(cell) == want


def test_csv_has_every_column_and_no_live_formula() -> None:
    rows = list(csv.reader(io.StringIO(render_rows([ROW], "csv"))))
    assert rows[0] == COLUMNS
    assert rows[1][COLUMNS.index("quote")].startswith("'=")


def test_jsonl_keeps_the_words_as_they_are() -> None:
    (line,) = render_rows([ROW], "jsonl").splitlines()
    assert json.loads(line)["quote"] == ROW.quote
