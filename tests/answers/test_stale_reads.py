"""An answer reads ids first (a speaker's quote list, cached for the store's generation) and
rows later; rows a write removed in between are left out, never an error (real models, a
private copy of the seeded store)."""

from __future__ import annotations

from pathlib import Path

from retrieval.engine import Engine


def test_quotes_gone_after_their_ids_were_read_are_left_out(seeded_copy: Path) -> None:
    engine = Engine(seeded_copy)
    question = "what did Sessions say about the election?"
    before = engine.ask(question)
    assert before.answers and all("Sessions" in (a.speaker or "") for a in before.answers)
    # a write this process has not seen yet: the rows go, the cached quote list stays
    engine.store.conn.execute(
        "DELETE FROM quotes WHERE speaker_id IN "
        "(SELECT id FROM speakers WHERE name LIKE '%Sessions%')"
    )
    after = engine.ask(question)
    assert not any("Sessions" in (a.speaker or "") for a in after.answers)
    engine.close()
