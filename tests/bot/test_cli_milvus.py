"""`WHOSAID_VECTOR_URI` from the settings to the engine, and the command line over Milvus Lite
in real processes (a Milvus Lite file serves one process at a time)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import engine_from_settings
from bot.config import Settings, load_settings
from retrieval.errors import WhosaidError
from retrieval.storage.milvus import MilvusBackend
from tests.conftest import ROOT, SEEDS


@pytest.mark.parametrize(
    "value", ["./data/vectors", "ftp://milvus.example:19530", "milvus://", "vectors.sqlite"]
)
def test_a_bad_vector_uri_is_one_line_naming_the_variable(value: str) -> None:
    with pytest.raises(WhosaidError, match=r"^WHOSAID_VECTOR_URI: .*\.db"):
        load_settings(WHOSAID_VECTOR_URI=value)


@pytest.mark.parametrize(
    "value",
    ["", "./data/vectors.db", "/srv/whosaid/vectors.db", "milvus://milvus:19530", "https://m.io"],
)
def test_good_vector_uris_reach_the_engine(value: str, data_dir: Path) -> None:
    settings = Settings(_env_file=None, WHOSAID_DATA_DIR=data_dir, WHOSAID_VECTOR_URI=value)  # type: ignore[call-arg]
    engine = engine_from_settings(settings)
    try:
        assert engine.vectors.vector_uri == value
    finally:
        engine.close()


def _run(*args: str, data_dir: Path, uri: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "WHOSAID_"))}
    env.update(WHOSAID_DATA_DIR=str(data_dir), WHOSAID_VECTOR_URI=uri)
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=300,
    )


def test_index_then_ask_in_real_processes(data_dir: Path, tmp_path: Path) -> None:
    uri = str(tmp_path / "vectors.db")
    indexed = _run("index", str(SEEDS), "--json", data_dir=data_dir, uri=uri)
    assert indexed.returncode == 0, indexed.stderr
    asked = _run("ask", "--json", "who said nothingburger?", data_dir=data_dir, uri=uri)
    assert asked.returncode == 0, asked.stderr
    answer = json.loads(asked.stdout)
    assert not answer["abstained"] and answer["answers"][0]["speaker"] == "Ted Cruz"
    assert (tmp_path / "vectors.db").is_dir()

    held = MilvusBackend(uri)  # this process holds the file now
    try:
        refused = _run("ask", "--json", "who said nothingburger?", data_dir=data_dir, uri=uri)
    finally:
        held.close()
    # `ask` answers every question: this one says why it cannot search (the bot's reply too)
    said = json.loads(refused.stdout)
    assert said["abstained"] and "another process" in said["message"], said
    assert "Traceback" not in refused.stderr
