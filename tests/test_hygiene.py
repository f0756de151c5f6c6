"""The evaluation articles measure the extractor; their text must never enter the repo.

PolNeAR ships without a licence, and the real-news articles are third-party pages, so no test
sentence, comment or rule may carry their wording: every run of seven words in our code, tests,
benchmarks and top-level documents is checked against PolNeAR's dev texts (read from ../shared)
and the rebuilt real-news texts (../realnews-texts/articles), each test skipped where its folder
is absent. The seed article is ours to ship and is left out of the comparison.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.conftest import ROOT, SHARED

POLNEAR = SHARED / "quote_data" / "PolNeAR" / "polnear_dev.jsonl"
REALNEWS = ROOT.parent / "realnews-texts" / "articles"
RUN = 7
_WORD = re.compile(r"[a-z0-9']+")


def _runs(text: str) -> set[str]:
    words = _WORD.findall(text.lower())
    return {" ".join(words[i : i + RUN]) for i in range(len(words) - RUN + 1)}


def _ours() -> list[Path]:
    files = [p for d in ("bot", "retrieval", "tests", "benchmarks") for p in (ROOT / d).rglob("*")]
    files += [p for p in ROOT.iterdir() if p.name != ".env"]
    return [p for p in files if p.is_file() and p.suffix in {".py", ".txt", ".md", ".jsonl"}]


def _shared_with(theirs: set[str]) -> dict[str, list[str]]:
    """Our files that hold any of `theirs`, with up to three of the runs found."""
    for seed in (ROOT / "seeds").glob("*.txt"):
        theirs = theirs - _runs(seed.read_text(encoding="utf-8"))
    shared = {
        str(p.relative_to(ROOT)): sorted(_runs(p.read_text(encoding="utf-8")) & theirs)[:3]
        for p in _ours()
    }
    return {p: runs for p, runs in shared.items() if runs}


@pytest.mark.skipif(not POLNEAR.exists(), reason="the evaluation data is not beside the repo")
def test_no_run_of_seven_words_from_the_evaluation_articles() -> None:
    theirs: set[str] = set()
    for line in POLNEAR.read_text(encoding="utf-8").splitlines():
        if line.strip():
            theirs |= _runs(json.loads(line)["text"])
    assert not _shared_with(theirs)


@pytest.mark.skipif(not REALNEWS.is_dir(), reason="the real-news texts are not rebuilt here")
def test_no_run_of_seven_words_from_the_real_news_articles() -> None:
    theirs: set[str] = set()
    for page in REALNEWS.glob("*.txt"):
        theirs |= _runs(page.read_text(encoding="utf-8"))
    assert theirs, "the real-news folder holds no texts"
    assert not _shared_with(theirs)
