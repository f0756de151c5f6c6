"""A new `whosaid ask` process loads only what its question needs (issue 16's cold start):
no spaCy for any question (answering reads quotes stored at ingest), no torch with the onnx
embedder, no embedder at all for a what-did question, and the speakers' tables from the file
the ingest saved rather than from every speaker row."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("torch", "sentence_transformers", "transformers", "spacy", "onnxruntime")
CODE = """
import json, sys
import retrieval.speakers.merging as merging
built = []
init = merging.SpeakerRoster.__init__
def counting(self, rows):
    built.append(1)
    init(self, rows)
merging.SpeakerRoster.__init__ = counting
from bot.cli import main
code = main(["--data-dir", sys.argv[1], "ask", "--json", "--", sys.argv[2]])
mods = [m for m in sys.argv[3].split(",") if m in sys.modules]
print(json.dumps({"code": code, "loaded": mods, "rosters_built": len(built)}), file=sys.stderr)
"""


def _cold_ask(data_dir: Path, question: str) -> tuple[dict[str, object], dict[str, object]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WHOSAID_", "SLACK_"))}
    env.update(PYTHONPATH=str(ROOT), WHOSAID_EMBEDDING_BACKEND="onnx")
    out = subprocess.run(
        [sys.executable, "-c", CODE, str(data_dir), question, ",".join(HEAVY)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    answer = json.loads(out.stdout.splitlines()[0])
    report = json.loads(out.stderr.strip().splitlines()[-1])
    return answer, report


@pytest.mark.parametrize(
    ("question", "intent", "loaded"),
    [
        ("what did Chaffetz say?", "what_did", []),
        ("who said nothingburger?", "who_said", ["onnxruntime"]),
        ("What was said about the recusal?", "search", ["onnxruntime"]),
    ],
)
def test_a_cold_ask_loads_only_what_the_question_needs(
    seeded_copy: Path, question: str, intent: str, loaded: list[str]
) -> None:
    answer, report = _cold_ask(seeded_copy, question)
    assert answer["intent"] == intent and not answer["abstained"]
    assert report == {"code": 0, "loaded": loaded, "rosters_built": 0}


def test_without_the_saved_tables_a_cold_ask_builds_them_and_answers_the_same(
    seeded_copy: Path,
) -> None:
    question = "who said nothingburger?"
    with_file, _ = _cold_ask(seeded_copy, question)
    for path in seeded_copy.glob("speakers-*.pickle"):
        path.unlink()
    without, report = _cold_ask(seeded_copy, question)
    assert without == with_file and report["rosters_built"] == 1
    assert not list(seeded_copy.glob("speakers-*.pickle"))  # `ask` opens the store read-only
