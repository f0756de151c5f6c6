"""The bot's state, in SQLite and in a real PostgreSQL: one answer per delivery across
threads and processes, thread context, stored answers; plus the manifest declaring what the
bot listens to."""

from __future__ import annotations

import multiprocessing
import sqlite3
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from pathlib import Path

import pytest

from bot import state as state_module
from bot.runtime import clean_question, unwrap_slack_text
from bot.state import BotState, open_state
from retrieval.types import Context
from tests.bot.test_blocks import make_answer, make_result
from tests.conftest import ROOT

Opener = Callable[[], BotState]


@pytest.fixture(params=["sqlite", "postgres"])
def where(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, str]:
    """(database URL, data dir): the state's home on each backend."""
    url = request.getfixturevalue("postgres_url") if request.param == "postgres" else ""
    return url, str(tmp_path)


@pytest.fixture
def opener(where: tuple[str, str]) -> Iterator[Opener]:
    """Opens handles on one state, as separate workers or replicas would."""
    opened: list[BotState] = []

    def open_one() -> BotState:
        opened.append(open_state(*where))
        return opened[-1]

    yield open_one
    for state in opened:
        state.close()


def test_a_claim_is_won_once_among_many_threads(opener: Opener) -> None:
    state = opener()
    with ThreadPoolExecutor(max_workers=16) as pool:
        wins = list(pool.map(lambda _: state.claim("msg:C1:1.0001"), range(64)))
    assert wins.count(True) == 1
    assert state.claim("msg:C1:1.0002") is True


def _claim_in_process(where: tuple[str, str], key: str, queue: multiprocessing.Queue) -> None:
    state = open_state(*where)
    queue.put(state.claim(key))
    state.close()


def test_a_claim_is_won_once_among_processes(where: tuple[str, str]) -> None:
    """Several HTTP workers (or replicas) share the state: a retry landing on another one is
    dropped."""
    open_state(*where).close()
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    procs = [ctx.Process(target=_claim_in_process, args=(where, "ev:Ev1", queue)) for _ in range(4)]
    for proc in procs:
        proc.start()
    results = [queue.get(timeout=60) for _ in procs]
    for proc in procs:
        proc.join(30)
    assert sorted(results) == [False, False, False, True]


def test_thread_context_keeps_speakers_and_what_they_were_shown(opener: Opener) -> None:
    state = opener()
    assert state.thread_context("C1", "1.0") is None, "not in the thread yet"
    kept = Context(speakers=["Mara Quill"], topic="the ferry", shown=[("a1", "We won.")])
    state.remember_thread("C1", "1.0", kept)
    assert state.thread_context("C1", "1.0") == kept
    state.remember_thread("C1", "1.0", Context(speakers=["Ivo Brandt"]))
    again = opener().thread_context("C1", "1.0")
    assert again == Context(speakers=["Ivo Brandt"]), "another process reads the same thread"


def test_a_state_file_from_before_shown_is_upgraded_in_place(tmp_path: Path) -> None:
    path = tmp_path / "slack.db"
    with closing(sqlite3.connect(path)) as db, db:
        db.execute(
            "CREATE TABLE threads (channel TEXT NOT NULL, thread_ts TEXT NOT NULL, "
            "speakers TEXT NOT NULL, at REAL NOT NULL, PRIMARY KEY (channel, thread_ts))"
        )
        row = ("C1", "1.0", '["Mara Quill"]', time.time())
        db.execute("INSERT INTO threads VALUES (?, ?, ?, ?)", row)
    state = BotState(path)
    assert state.thread_context("C1", "1.0") == Context(speakers=["Mara Quill"])
    state.remember_thread("C1", "1.0", Context(speakers=["Mara Quill"], shown=[("a1", "Yes.")]))
    assert state.thread_context("C1", "1.0").shown == [("a1", "Yes.")]  # type: ignore[union-attr]


def test_answers_are_stored_for_buttons_and_expire(
    opener: Opener, monkeypatch: pytest.MonkeyPatch
) -> None:
    state = opener()
    result = make_result([make_answer(), make_answer("Second.")])
    answer_id = state.save_answer(result, "U0ASKER1")
    stored = state.load_answer(answer_id)
    assert stored is not None and stored.result == result and stored.asked_by == "U0ASKER1"
    assert state.load_answer("nope") is None
    state.claim("old")
    later = time.time() + 60 * 24 * 3600
    monkeypatch.setattr(state_module.time, "time", lambda: later)
    state.prune()
    monkeypatch.undo()
    assert state.load_answer(answer_id) is None
    assert state.claim("old") is True, "old claims are forgotten"


def test_unwritable_state_is_a_store_error(tmp_path: Path) -> None:
    from retrieval.errors import StoreError

    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StoreError):
        BotState(blocker / "slack.db")


@pytest.mark.parametrize(
    ("raw", "question"),
    [
        ("<@UBOT> what did Quill say?", "what did Quill say?"),
        ("<@UBOT|whosaid>   who said &lt;that&gt; &amp; this?", "who said <that> & this?"),
        (
            "ask <@U0OTHER1> about <https://x.example/a|x.example/a>",
            "ask about https://x.example/a",
        ),
        ("<!channel> hi", "hi"),
    ],
)
def test_questions_are_cleaned_of_slack_markup(raw: str, question: str) -> None:
    assert clean_question(raw, "UBOT") == question


def test_links_are_unwrapped() -> None:
    assert unwrap_slack_text("add <https://a.example/x?y=1&amp;z=2>") == (
        "add https://a.example/x?y=1&z=2"
    )


def test_manifest_declares_what_the_bot_handles() -> None:
    yaml = pytest.importorskip("yaml")
    manifest = yaml.safe_load((ROOT / "manifest.yml").read_text())
    commands = {c["command"] for c in manifest["features"]["slash_commands"]}
    assert commands == {"/whosaid", "/whosaid-admin", "/whosaid-export"}
    settings = manifest["settings"]
    events = set(settings["event_subscriptions"]["bot_events"])
    assert {"app_mention", "message.channels", "message.im", "message.mpim"} <= events
    assert settings["interactivity"]["is_enabled"] is True
    assert settings["socket_mode_enabled"] is True
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    needed = {
        "app_mentions:read",
        "chat:write",
        "commands",
        "im:history",
        "reactions:write",
        "files:read",
        "channels:history",
        "mpim:history",  # group DMs are answered like DMs
        "chat:write.public",  # Share in a public channel the bot was not invited to
        "files:write",  # /whosaid-export sends a file
        "im:write",  # ... to the asker's DM
    }
    assert needed <= scopes
    urls = [c["url"] for c in manifest["features"]["slash_commands"]]
    urls += [
        settings["event_subscriptions"]["request_url"],
        settings["interactivity"]["request_url"],
    ]
    assert all(u.endswith("/slack/events") for u in urls)
