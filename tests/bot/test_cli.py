"""The `whosaid` command line: contract, exit codes, pure JSON on stdout, bad input."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main
from tests.conftest import ROOT, SEED, SEEDS

GOOD = 'Mayor Dana Ruiz said the budget was "balanced at last," and the council agreed.\n'


def _run(*args: str, data_dir: Path, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "WHOSAID_"))}
    env["WHOSAID_DATA_DIR"] = str(data_dir)
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        input=stdin,
        timeout=300,
    )


def test_index_stats_and_idempotence_in_a_real_process(data_dir: Path) -> None:
    first = _run("index", str(SEEDS), "--json", data_dir=data_dir)
    assert first.returncode == 0, first.stderr
    summary = json.loads(first.stdout)
    assert len(summary["added"]) == 1 and summary["failed"] == []
    stats = _run("--data-dir", str(data_dir), "stats", "--json", data_dir=data_dir / "x")
    assert stats.returncode == 0
    assert next(json.loads(line) for line in stats.stdout.splitlines())["articles"] == 1
    again = _run("index", str(SEEDS), "--json", data_dir=data_dir)
    assert json.loads(again.stdout)["added"] == []
    assert len(json.loads(again.stdout)["unchanged"]) == 1


@pytest.mark.parametrize("where", ["before", "after"])
def test_data_dir_before_or_after_the_subcommand(
    where: str, seeded_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["--data-dir", str(seeded_dir)]
    argv = [*args, "stats", "--json"] if where == "before" else ["stats", "--json", *args]
    assert main(argv) == 0
    assert json.loads(capsys.readouterr().out)["articles"] == 1


def test_articles_and_quotes_listing(seeded_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["articles", "--json", "--data-dir", str(seeded_dir)]) == 0
    [row] = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert row["source"] == "NBC News" and row["quotes"] > 0
    assert main(["quotes", "--article", row["id"], "--data-dir", str(seeded_dir)]) == 0
    assert "nothingburger" in capsys.readouterr().out
    assert main(["quotes", "--article", "nope", "--data-dir", str(seeded_dir)]) == 2


def test_remove_unknown_id_is_exit_2(seeded_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["remove", "deadbeef", "--data-dir", str(seeded_copy)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "no article" in err


def _bad_inputs(tmp: Path) -> dict[str, str]:
    (tmp / "empty.txt").write_text("")
    (tmp / "binary.txt").write_bytes(bytes(range(256)) * 40)
    (tmp / "latin1.txt").write_bytes('Der Bürgermeister sagte: "Nein".'.encode("latin-1"))
    with open(tmp / "huge.txt", "wb") as fh:
        fh.write(b"All work and no play makes a dull article. " * 1_200_000)
    (tmp / "nothing").mkdir()
    (tmp / "nothing" / "notes.pdf").write_bytes(b"%PDF-1.4")
    return {
        "empty": str(tmp / "empty.txt"),
        "binary": str(tmp / "binary.txt"),
        "encoding": str(tmp / "latin1.txt"),
        "huge": str(tmp / "huge.txt"),
        "empty folder": str(tmp / "nothing"),
        "missing": str(tmp / "missing.txt"),
        "scheme": "ftp://example.com/story.txt",
        "malformed url": "http://",
        "refused url": "http://127.0.0.1:9/story",
        "metadata url": "http://169.254.169.254/latest/meta-data/",
    }


def test_each_bad_input_is_one_line_exit_2_and_the_good_ones_still_land(
    tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = _bad_inputs(tmp_path)
    good = tmp_path / "good.txt"
    good.write_text(GOOD)
    code = main(["index", *bad.values(), str(good), "--data-dir", str(data_dir), "--json"])
    out, err = capsys.readouterr()
    assert code == 2
    summary = json.loads(out)
    assert len(summary["added"]) == 1
    failed = {f["source"]: f["error"] for f in summary["failed"]}
    assert set(failed) == set(bad.values())
    lines = [line for line in err.splitlines() if line.startswith("whosaid: error:")]
    assert len(lines) == len(bad)
    for name, source in bad.items():
        assert failed[source] and "\n" not in failed[source], name
    assert main(["stats", "--json", "--data-dir", str(data_dir)]) == 0
    assert json.loads(capsys.readouterr().out)["articles"] == 1


def test_ask_json_is_pure_and_in_order(seeded_dir: Path) -> None:
    questions = ["what did Chaffetz say?", "-- who said nothingburger?", ""]
    proc = _run("ask", "--json", "--", *questions, data_dir=seeded_dir)
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [r["question"] for r in rows] == questions
    assert rows[2]["abstained"]
    for r in rows:
        assert set(r) >= {"question", "intent", "speakers", "abstained", "message", "answers"}


def test_chat_answers_each_line_from_a_pipe(seeded_dir: Path) -> None:
    proc = _run(
        "chat", data_dir=seeded_dir, stdin="what did Chaffetz say?\nwhat else did he say?\n"
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count("? ") >= 2 and "Jason Chaffetz" in proc.stdout
    # The follow-up keeps the speaker, and says so when everything was shown already.
    assert "That is everything Jason Chaffetz said" in proc.stdout


def test_chat_lists_the_articles_and_explains_itself(seeded_dir: Path) -> None:
    proc = _run("chat", data_dir=seeded_dir, stdin="articles\nhelp\n")
    assert proc.returncode == 0, proc.stderr
    listed = _run("articles", data_dir=seeded_dir).stdout.strip()
    assert listed and listed in proc.stdout, "the chat lists what `whosaid articles` lists"
    assert "what else did he say?" in proc.stdout and "quit" in proc.stdout


def test_quotes_jsonl_offsets_point_into_the_raw_file(tmp_path: Path) -> None:
    missing = tmp_path / "missing.txt"
    proc = _run("quotes", "--jsonl", str(SEED), str(missing), data_dir=tmp_path / "d")
    assert proc.returncode == 0, proc.stderr
    seed_row, missing_row = (json.loads(line) for line in proc.stdout.splitlines())
    raw = SEED.read_text(encoding="utf-8")
    assert seed_row["quotes"]
    for q in seed_row["quotes"]:
        assert raw[q["start"] : q["end"]] == q["text"]
    assert missing_row["quotes"] == [] and missing_row["error"]
    assert not (tmp_path / "d" / "whosaid.db").exists()


def test_bad_settings_are_one_line_exit_2(tmp_path: Path) -> None:
    env_dir = tmp_path / "d"
    proc = subprocess.run(
        [sys.executable, "-m", "bot.cli", "stats"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={
            **os.environ,
            "WHOSAID_DATA_DIR": str(env_dir),
            "WHOSAID_EMBEDDING_MODEL": "/no/such/model",
        },
        timeout=120,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip().startswith("whosaid: error: WHOSAID_EMBEDDING_MODEL:")
    assert proc.stderr.strip().count("\n") == 0


def test_readme_quick_start_make_run_answers_from_a_pipe(tmp_path: Path) -> None:
    """The README's first command: `echo QUESTION | make run` indexes seeds/ and answers."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "WHOSAID_"))}
    env["WHOSAID_DATA_DIR"] = str(tmp_path / "data")
    env.pop("MAKEFLAGS", None)
    proc = subprocess.run(
        ["make", "--no-print-directory", "run"],
        input="what did Chaffetz say?\n",
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.startswith("? what did Chaffetz say?\nJason Chaffetz:")
    assert "because of how he answered his question in his testimony" in proc.stdout


@pytest.mark.parametrize(
    "argv",
    [["ask", "who said it?"], ["stats"], ["articles"], ["chat"], ["remove", "abc"], ["reindex"]],
    ids=lambda a: a[0],
)
def test_reading_a_data_dir_that_holds_no_store_is_an_error_not_a_new_store(
    argv: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nowhere"
    assert main([*argv, "--data-dir", str(missing)]) == 2
    err = capsys.readouterr().err.strip()
    assert err == f"whosaid: error: no whosaid store at {missing} (index articles first)"
    assert not missing.exists(), "nothing was created"
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main([*argv, "--data-dir", str(empty)]) == 2
    assert list(empty.iterdir()) == []


def test_index_still_creates_the_store(tmp_path: Path) -> None:
    target = tmp_path / "new" / "data"
    (tmp_path / "a.txt").write_text(GOOD)
    assert main(["index", str(tmp_path / "a.txt"), "--data-dir", str(target)]) == 0
    assert (target / "whosaid.db").is_file()


def _files(root: Path) -> dict[str, tuple[int, int]]:
    return {p.name: (p.stat().st_size, p.stat().st_mtime_ns) for p in root.iterdir()}


def test_a_read_only_store_can_be_queried_and_is_never_written(seeded_dir: Path) -> None:
    """Files owned by someone else with no write permission, as on read-only media; the
    FAISS cache is gone, so it is rebuilt in memory and not written."""
    import tempfile

    # pytest's own temporary folders are private to their owner: use one anybody may enter
    holder = Path(tempfile.mkdtemp(prefix="whosaid-ro-"))
    holder.chmod(0o755)
    seeded_copy = holder / "data"
    shutil.copytree(seeded_dir, seeded_copy)
    for cache in seeded_copy.glob("*.faiss"):
        cache.unlink()
    before = _files(seeded_copy)
    for path in [seeded_copy, *seeded_copy.iterdir()]:
        path.chmod(0o555 if path.is_dir() else 0o444)
    prefix: list[str] = []
    if os.geteuid() == 0:  # root writes anywhere: ask as an unprivileged user instead
        if shutil.which("setpriv") is None:
            pytest.skip("needs setpriv to drop root")
        prefix = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "WHOSAID_"))}
    env.update(HOME=str(seeded_copy.parent), PYTHONPATH=str(ROOT))
    try:
        for argv in (["ask", "--json", "who said nothingburger?"], ["stats", "--json"]):
            done = subprocess.run(
                [*prefix, sys.executable, "-m", "bot.cli", "--data-dir", str(seeded_copy), *argv],
                capture_output=True,
                text=True,
                env=env,
                cwd=ROOT,
                timeout=300,
            )
            assert done.returncode == 0, done.stderr
            assert json.loads(done.stdout.splitlines()[0])
        assert "Cruz" in done.stdout or json.loads(done.stdout)["articles"] == 1
    finally:
        for path in [seeded_copy, *seeded_copy.iterdir()]:
            path.chmod(0o755 if path.is_dir() else 0o644)
    assert _files(seeded_copy) == before, "nothing written, no cache saved"
    shutil.rmtree(holder)


def _write_articles(folder: Path, n: int) -> Path:
    """`n` small invented articles; the same councillor speaks in the first two."""
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        speaker = "Councillor Bram Oduya" if i < 2 else f"Resident Number{i} Talvik"
        (folder / f"story_{i:02d}.txt").write_text(
            f"Market street report {i}\n\n"
            f'"The stalls on row {i} will open at dawn," said {speaker}. '
            f"Traders in row {i} said they welcomed the change.\n",
            encoding="utf-8",
        )
    return folder


def test_ctrl_c_during_index_says_what_was_committed_and_exits_130(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import bot.cli

    folder = _write_articles(tmp_path / "in", 20)
    data = tmp_path / "data"

    def ctrl_c_after_the_first_batch() -> Any:
        def update(done: int, total: int, what: str) -> None:
            if done == 17:  # the first batch of 16 is committed, the 17th is pending
                raise KeyboardInterrupt

        return update

    monkeypatch.setattr(bot.cli, "_progress_lines", ctrl_c_after_the_first_batch)
    assert main(["index", str(folder), "--data-dir", str(data)]) == 130
    out, err = capsys.readouterr()
    assert out == "", "no success line"
    assert err.strip() == "whosaid: interrupted: 16 of 20 articles indexed; run again to finish"
    monkeypatch.undo()
    assert main(["stats", "--json", "--data-dir", str(data)]) == 0
    assert json.loads(capsys.readouterr().out)["articles"] == 16
    assert main(["index", str(folder), "--json", "--data-dir", str(data)]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert len(summary["added"]) == 4 and len(summary["unchanged"]) == 16


def test_a_ctrl_c_just_after_an_article_commits_is_counted_with_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A real SIGINT landing between an article's commit and its count: the article counts,
    so the line says what the store holds (once it said one fewer)."""
    import signal
    import time

    from retrieval.storage.store import Store

    folder = _write_articles(tmp_path / "in", 6)
    data = tmp_path / "data"
    monkeypatch.setenv("WHOSAID_INGEST_WORKERS", "1")
    put = Store.put_article
    calls = []

    def put_then_ctrl_c(self: Store, prep: Any) -> Any:
        result = put(self, prep)
        calls.append(prep)
        if len(calls) == 3:
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.2)  # the handler runs here, after the commit, before the count
        return result

    monkeypatch.setattr(Store, "put_article", put_then_ctrl_c)
    assert main(["index", str(folder), "--data-dir", str(data)]) == 130
    _, err = capsys.readouterr()
    assert err.strip() == "whosaid: interrupted: 3 of 6 articles indexed; run again to finish"
    monkeypatch.undo()
    assert main(["stats", "--json", "--data-dir", str(data)]) == 0
    assert json.loads(capsys.readouterr().out)["articles"] == 3


def test_progress_without_a_terminal_logs_lines_and_the_summary_counts_speakers_as_stats(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import bot.cli

    folder = _write_articles(tmp_path / "in", 5)
    data = tmp_path / "data"
    monkeypatch.setattr(bot.cli, "LOG_EVERY_S", 0.0)
    assert main(["index", str(folder), "--data-dir", str(data)]) == 0
    out, err = capsys.readouterr()
    lines = err.strip().splitlines()
    assert len(lines) == 5, err
    assert re.fullmatch(r"indexing: 1/5 articles, [\d.]+/s, ETA \d+:\d\d", lines[0]), lines[0]
    assert lines[-1].startswith("indexing: 5/5 articles")
    assert main(["stats", "--json", "--data-dir", str(data)]) == 0
    speakers = json.loads(capsys.readouterr().out)["speakers"]
    # the councillor quoted in two articles is one speaker, in the summary as in stats
    assert out.strip().endswith(f"{speakers} speakers."), out


def test_the_terminal_progress_bar_shows_an_eta(monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from bot.cli import _progress

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    screen = Terminal()
    monkeypatch.setattr(sys, "stderr", screen)
    with _progress(10) as update:
        update(5, 10, "story.txt")
    assert "ETA" in screen.getvalue() and "5/10" in screen.getvalue()


def test_a_real_ctrl_c_during_index_leaves_what_it_reports(tmp_path: Path) -> None:
    """SIGINT to a real `whosaid index` once its first batch is committed: exit 130, and
    the count it prints is what the store holds."""
    import signal
    import sqlite3
    import time

    folder = _write_articles(tmp_path / "in", 64)
    data = tmp_path / "data"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "WHOSAID_"))}
    # One process: with workers, the batches after the first are parsed by the time it is
    # committed, and 64 small articles can all be written before the signal lands.
    env["WHOSAID_INGEST_WORKERS"] = "1"
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "index", str(folder), "--data-dir", str(data)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )
    deadline = time.monotonic() + 240
    committed = 0
    while committed == 0 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
        try:
            with sqlite3.connect(f"file:{data / 'whosaid.db'}?mode=ro", uri=True) as db:
                committed = db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
        except sqlite3.Error:
            continue
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert out == "", "no success line"
    found = re.search(r"interrupted: (\d+) of 64 articles indexed; run again to finish", err)
    assert found, err
    with sqlite3.connect(f"file:{data / 'whosaid.db'}?mode=ro", uri=True) as db:
        stored = db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    assert int(found.group(1)) == stored and 0 < stored < 64
