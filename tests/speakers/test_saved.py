"""The speakers' tables saved beside the store per generation (speakers.saved): what the file
holds, when it is not read, and that answers are the same with it and without."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from retrieval.engine import Engine
from retrieval.speakers import saved
from retrieval.speakers.merging import SpeakerRoster
from tests.conftest import HashEmbedder


def _row(aid: str, name: str, kind: str = "person", **extra: object) -> dict[str, object]:
    return {
        "article_id": aid,
        "name": name,
        "kind": kind,
        "roles": json.dumps(extra.get("roles", [])),
        "aliases": json.dumps(extra.get("aliases", [])),
        "quoted": extra.get("quoted", True),
    }


ROWS = [
    _row("a1", "Dana J. Whitlow", roles=["harbor commissioner"], aliases=["Whitlow"]),
    _row("a1", "Whitlow"),
    _row("a2", "Dana Whitlow", aliases=["Whitlow"]),
    _row("a3", "Whitlow", quoted=False),
    _row("a3", "the Harbor Board", kind="organization"),
]


def _same(a: SpeakerRoster, b: SpeakerRoster) -> None:
    assert a.speakers == b.speakers
    assert a.canonical == b.canonical
    assert dict(a.raw_names) == dict(b.raw_names)
    assert a.directory.entries == b.directory.entries
    assert a.directory.resolve("Whitlow") == b.directory.resolve("Whitlow")


def test_saved_tables_load_as_built(tmp_path: Path) -> None:
    built = SpeakerRoster(ROWS)
    saved.save(built, tmp_path, 7)
    loaded = saved.load(tmp_path, 7)
    assert loaded is not None
    _same(loaded, built)
    assert saved.load(tmp_path, 8) is None  # another generation: none saved


def test_a_newer_generation_removes_older_files(tmp_path: Path) -> None:
    roster = SpeakerRoster(ROWS)
    saved.save(roster, tmp_path, 3)
    saved.save(roster, tmp_path, 4)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["speakers-4.pickle"]


def test_tables_of_other_code_or_a_damaged_file_are_not_read(tmp_path: Path) -> None:
    saved.save(SpeakerRoster(ROWS), tmp_path, 5)
    path = saved.path_for(tmp_path, 5)
    body = path.read_bytes().split(b"\n", 1)[1]
    path.write_bytes(b"whosaid-speakers 0123abcd\n" + body)  # a changed merging rule
    assert saved.load(tmp_path, 5) is None and not saved.is_saved(tmp_path, 5)
    path.write_bytes(saved._stamp() + body[: len(body) // 2])
    assert saved.load(tmp_path, 5) is None


ARTICLES = {
    "a.txt": (
        "Port fees to rise\n\n"
        'Harbor commissioner Dana J. Whitlow defended the plan. "The docks need repairs," '
        "Whitlow said.\n"
    ),
    "b.txt": (
        'Shippers object\n\n"Nobody likes a fee," Dana Whitlow said on Tuesday at the pier.\n'
    ),
}
QUESTIONS = ["what did Whitlow say?", "who said the docks need repairs?", "what did Ola say?"]


@pytest.fixture
def indexed(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    src.mkdir()
    for name, text in ARTICLES.items():
        (src / name).write_text(text, encoding="utf-8")
    data = tmp_path / "data"
    engine = Engine(data, embedder=HashEmbedder())
    engine.ingest([str(src / "a.txt")])
    engine.ingest([str(src / "b.txt")])
    engine.close()
    return data


def test_ingest_saves_the_tables_and_answers_are_the_same_without_them(indexed: Path) -> None:
    gen_files = sorted(p.name for p in indexed.glob("speakers-*.pickle"))
    assert gen_files == ["speakers-2.pickle"]  # the first ingest's file was replaced

    def answers() -> list[str]:
        engine = Engine(indexed, embedder=HashEmbedder(), read_only=True)
        try:
            return [repr(engine.ask(q)) for q in QUESTIONS]
        finally:
            engine.close()

    with_file = answers()
    path = saved.path_for(indexed, 2)
    path.write_bytes(b"whosaid-speakers 0123abcd\n")  # another code's: rebuilt, replaced
    assert answers() == with_file
    assert not saved.is_saved(indexed, 2)  # a read-only process saves nothing
    engine = Engine(indexed, embedder=HashEmbedder())
    engine.ask(QUESTIONS[0])  # a process that may write saves what it built
    engine.close()
    assert saved.is_saved(indexed, 2)
