"""The evaluation articles measure the extractor; their text must never enter the repo.

PolNeAR ships without a licence, so no test sentence, comment or rule may carry its wording:
every run of seven words in our code and tests is checked against its dev texts (read from
../shared at test time; skipped where that folder is absent). The seed article is ours to
ship and is left out of the comparison.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.conftest import ROOT, SHARED

POLNEAR = SHARED / "quote_data" / "PolNeAR" / "polnear_dev.jsonl"
RUN = 7
_WORD = re.compile(r"[a-z0-9']+")


def _runs(text: str) -> set[str]:
    words = _WORD.findall(text.lower())
    return {" ".join(words[i : i + RUN]) for i in range(len(words) - RUN + 1)}


def _ours() -> list[Path]:
    files = [p for d in ("bot", "retrieval", "tests", "benchmarks") for p in (ROOT / d).rglob("*")]
    return [p for p in files if p.is_file() and p.suffix in {".py", ".txt", ".md", ".jsonl"}]


@pytest.mark.skipif(not POLNEAR.exists(), reason="the evaluation data is not beside the repo")
def test_no_run_of_seven_words_from_the_evaluation_articles() -> None:
    theirs: set[str] = set()
    for line in POLNEAR.read_text(encoding="utf-8").splitlines():
        if line.strip():
            theirs |= _runs(json.loads(line)["text"])
    for seed in (ROOT / "seeds").glob("*.txt"):
        theirs -= _runs(seed.read_text(encoding="utf-8"))
    shared = {
        str(p.relative_to(ROOT)): sorted(_runs(p.read_text(encoding="utf-8")) & theirs)[:3]
        for p in _ours()
    }
    assert not {p: runs for p, runs in shared.items() if runs}
