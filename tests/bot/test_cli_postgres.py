"""The command line over PostgreSQL: WHOSAID_DATABASE_URL chooses the store, a database
without whosaid's schema is the same one-line error as an empty data dir, and
`whosaid migrate --to` copies a store there and back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main
from retrieval.engine import open_store
from tests.storage.test_store_contract import _prep


@pytest.mark.parametrize(
    "argv",
    [["ask", "who said it?"], ["stats"], ["articles"], ["remove", "abc"], ["reindex"]],
    ids=lambda a: a[0],
)
def test_a_database_without_a_store_is_an_error_and_stays_empty(
    argv: list[str],
    postgres_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import psycopg

    monkeypatch.setenv("WHOSAID_DATABASE_URL", postgres_url)
    assert main([*argv, "--data-dir", str(tmp_path / "cache")]) == 2
    err = capsys.readouterr().err.strip()
    assert err == f"whosaid: error: no whosaid store at {postgres_url} (index articles first)"
    with psycopg.connect(postgres_url) as conn:
        tables = conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname='public'")
        assert tables.fetchone() == (0,)


def test_migrate_there_and_back_from_the_command_line(
    postgres_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    source = tmp_path / "source"
    store = open_store(source)
    store.put_article(_prep())
    store.close()
    assert main(["migrate", "--to", postgres_url, "--json", "--data-dir", str(source)]) == 0
    there = json.loads(capsys.readouterr().out)
    assert there["rows"]["quotes"] == 3
    # a second copy into the same database is refused, in one line
    assert main(["migrate", "--to", postgres_url, "--data-dir", str(source)]) == 2
    assert capsys.readouterr().err.count("\n") == 1
    monkeypatch.setenv("WHOSAID_DATABASE_URL", postgres_url)
    assert main(["stats", "--json", "--data-dir", str(tmp_path / "cache")]) == 0
    assert json.loads(capsys.readouterr().out)["quotes"] == 3
    back = tmp_path / "back"
    assert main(["migrate", "--to", str(back), "--json", "--data-dir", str(tmp_path / "c")]) == 0
    assert json.loads(capsys.readouterr().out)["checksum"] == there["checksum"]
    assert (back / "whosaid.db").is_file()


@pytest.mark.parametrize("target", ["mysql://db.example/x", "postgresql://127.0.0.1:1/none"])
def test_migrate_to_a_bad_target_is_one_line(
    target: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    open_store(tmp_path / "source").close()
    assert main(["migrate", "--to", target, "--data-dir", str(tmp_path / "source")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("whosaid: error: ") and err.count("\n") == 1
