"""`Engine.load` answers a question of each kind once (engine.WARM_UP), so the first real
question pays nothing any first answer pays: here, the patterns questions are read with,
compiled on first use."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from retrieval.engine import Engine


@pytest.mark.parametrize(
    "question",
    [
        'Who said "the tram depot will close in spring"?',
        "What did the port captain say about the tram depot?",
        "What was said about tram depots?",
    ],
)
def test_the_first_question_after_load_compiles_no_pattern(
    seeded_copy: Path, monkeypatch: pytest.MonkeyPatch, question: str
) -> None:
    re.purge()  # as in a fresh process: no pattern compiled yet
    engine = Engine(seeded_copy)
    engine.load()
    compiled: list[str] = []
    real = re._compiler.compile  # type: ignore[attr-defined]

    def spy(pattern: str, flags: int) -> object:
        compiled.append(pattern)
        return real(pattern, flags)

    monkeypatch.setattr(re._compiler, "compile", spy)  # type: ignore[attr-defined]
    engine.ask(question)
    assert compiled == []


def test_load_reads_the_common_words_of_the_stores_generation(seeded_copy: Path) -> None:
    """So that the first questions count the rows of none of their rare words."""
    engine = Engine(seeded_copy)
    engine.load()
    assert list(engine.store._common) == [engine.store.generation()]  # type: ignore[attr-defined]
