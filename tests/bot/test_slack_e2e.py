"""The Slack bot end to end: signed requests over HTTP to the bot on waitress, a fake Slack
Web API on loopback, the real engine (real models, SQLite, FAISS) over the seed article.
"""

from __future__ import annotations

import json
import re
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import urlencode

import pytest

from bot.blocks import MORE_ACTION, REMOVE_ACTION, SHARE_ACTION
from bot.state import BotState
from tests.articleserver import ArticleServer
from tests.conftest import SEED
from tests.conftest_slack import (
    ADMIN,
    CHANNEL,
    DM,
    SIGNING_SECRET,
    USER,
    SlackDriver,
    quotes_in,
    section_texts,
    sent_to,
)
from tests.fakeslack import BOT_ID, BOT_TOKEN, BOT_USER_ID, Call, FakeSlack

SEED_TEXT = SEED.read_text(encoding="utf-8")
pytest_plugins = ["tests.conftest_slack"]

QUESTION = "what did Sessions say about the Russians?"
QUIET_S = 1.5  # how long "nothing happened" is watched for


def assert_verbatim(blocks: list[dict[str, Any]], text: str = SEED_TEXT) -> list[str]:
    """Every quote shown is (pieces of) the article's own words."""
    shown = quotes_in(blocks)
    assert shown, f"no quote in {json.dumps(blocks)[:500]}"
    for quote in shown:
        for piece in quote.removesuffix("…").split(" … "):
            assert piece.strip() in text, piece
    return shown


def answer_in_thread(fake: FakeSlack, thread_ts: str, timeout: float = 60) -> Call:
    calls = fake.wait_for(
        "chat.postMessage", lambda c: c.params.get("thread_ts") == thread_ts, timeout=timeout
    )
    return calls[0]


def response(
    fake: FakeSlack, url: str, count: int = 1, timeout: float = 60, **match: Any
) -> list[Call]:
    """The calls to one response_url, with these values in their body."""

    def wanted(call: Call) -> bool:
        return url.endswith(call.path) and all(call.params.get(k) == v for k, v in match.items())

    return fake.wait_for("response_url", wanted, count=count, timeout=timeout)


# -- mentions, threads, DMs ------------------------------------------------------------------


def test_mention_is_answered_in_thread_with_eyes_while_working(slack: SlackDriver) -> None:
    ts, reply = slack.mention(QUESTION)
    assert reply.status == 200
    call = answer_in_thread(slack.fake, ts)
    assert call.params["channel"] == CHANNEL
    assert call.headers["authorization"] == f"Bearer {BOT_TOKEN}"
    assert call.params["text"], "text fallback set"
    assert "Sessions" in json.dumps(call.params["blocks"])
    assert_verbatim(call.params["blocks"])
    slack.fake.wait_for("reactions.remove", lambda c: c.params.get("timestamp") == ts)
    added = slack.fake.of("reactions.add", lambda c: c.params.get("timestamp") == ts)
    assert added and added[0].params["name"] == "eyes"
    assert added[0].at < call.at, "the :eyes: reaction shows before the answer"


def test_follow_up_in_thread_needs_no_mention_and_keeps_the_speaker(slack: SlackDriver) -> None:
    ts, _ = slack.mention(QUESTION)
    first = answer_in_thread(slack.fake, ts)
    assert "Sessions" in section_texts(first.params["blocks"])[0]
    follow_ts, reply = slack.message("what else did he say?", thread_ts=ts)
    assert reply.status == 200
    calls = slack.fake.wait_for(
        "chat.postMessage", lambda c: c.params.get("thread_ts") == ts, count=2
    )
    second = calls[1]
    head = section_texts(second.params["blocks"])[0]
    # The follow-up stays with the speaker: more of their quotes, or, when the first answer
    # already showed every one, a note saying so.
    if "everything Jeff Sessions said" not in head:
        assert head.startswith("*Jeff Sessions*"), head
        assert_verbatim(second.params["blocks"])
    assert slack.fake.of("reactions.add", lambda c: c.params.get("timestamp") == follow_ts)


def test_message_in_a_thread_the_bot_is_not_in_is_ignored(slack: SlackDriver) -> None:
    thread = slack.new_ts()
    _, reply = slack.message("what did Sessions say?", thread_ts=thread)
    assert reply.status == 200
    _, reply = slack.message("what did Sessions say?")  # top level, no mention
    assert reply.status == 200
    time.sleep(QUIET_S)
    assert not slack.fake.of("chat.postMessage")


def test_direct_message_is_answered_in_the_dm(slack: SlackDriver) -> None:
    _, reply = slack.message(QUESTION, channel=DM, channel_type="im")
    assert reply.status == 200
    call = slack.fake.wait_for("chat.postMessage", lambda c: c.params.get("channel") == DM)[0]
    assert not call.params.get("thread_ts"), "a top-level DM is answered at top level"
    assert_verbatim(call.params["blocks"])


def test_bots_and_the_bot_itself_are_ignored(slack: SlackDriver) -> None:
    slack.message(QUESTION, channel=DM, channel_type="im", bot_id="BOTHER01")
    slack.message(QUESTION, channel=DM, channel_type="im", user=BOT_USER_ID, bot_id=BOT_ID)
    slack.message(QUESTION, channel=DM, channel_type="im", subtype="bot_message")
    slack.message(QUESTION, channel=DM, channel_type="im", subtype="message_changed")
    time.sleep(QUIET_S)
    assert not slack.fake.of("chat.postMessage")


def test_mention_with_help_shows_usage(slack: SlackDriver) -> None:
    ts, _ = slack.mention("help")
    call = answer_in_thread(slack.fake, ts)
    assert "/whosaid what did" in section_texts(call.params["blocks"])[0]


def test_anyone_can_list_the_articles_without_remove_buttons(
    slack: SlackDriver, slack_engine: Any
) -> None:
    titles = {a.title for a in slack_engine.articles()}
    ts, _ = slack.mention("which articles do you have?")
    listing = answer_in_thread(slack.fake, ts).params
    shown = json.dumps(listing["blocks"], ensure_ascii=False)
    assert titles and all(t in shown for t in titles)
    assert not any("accessory" in b for b in listing["blocks"]), "removing is for admins"
    url, reply = slack.command("articles")
    assert reply.status == 200
    private = response(slack.fake, url)[0].params
    assert private["response_type"] == "ephemeral"
    assert all(t in json.dumps(private["blocks"], ensure_ascii=False) for t in titles)
    assert not any("accessory" in b for b in private["blocks"])


def test_question_nobody_answers_abstains_politely(slack: SlackDriver) -> None:
    ts, _ = slack.mention("what did Zebulon Quarrington say about turnips?")
    call = answer_in_thread(slack.fake, ts)
    texts = section_texts(call.params["blocks"])
    assert texts[0].startswith(":mag: "), texts
    assert call.params["text"]


# -- retries and the mention + message pair --------------------------------------------------


def test_a_retry_is_not_answered_twice(slack: SlackDriver) -> None:
    ts, first = slack.mention(QUESTION, event_id="EvRETRY0001")
    _, again = slack.mention(QUESTION, ts=ts, event_id="EvRETRY0001", retry=1)
    _, third = slack.mention(QUESTION, ts=ts, event_id="EvRETRY0001", retry=2)
    assert {first.status, again.status, third.status} == {200}
    answer_in_thread(slack.fake, ts)
    time.sleep(QUIET_S)
    assert len(slack.fake.of("chat.postMessage", lambda c: c.params.get("thread_ts") == ts)) == 1


def test_mention_and_message_events_for_one_post_answer_once(slack: SlackDriver) -> None:
    ts, _ = slack.mention(QUESTION)
    answer_in_thread(slack.fake, ts)
    # A mention inside the bot's thread arrives twice: as message.channels and app_mention.
    post = slack.new_ts()
    text = f"<@{BOT_USER_ID}> what else did he say?"
    slack.message(text, ts=post, thread_ts=ts)
    slack.mention("what else did he say?", ts=post, thread_ts=ts)
    slack.message("what else did he say?", ts=post, thread_ts=ts)  # and once without
    slack.fake.wait_for("chat.postMessage", lambda c: c.params.get("thread_ts") == ts, count=2)
    time.sleep(QUIET_S)
    assert len(slack.fake.of("chat.postMessage", lambda c: c.params.get("thread_ts") == ts)) == 2
    assert len(slack.fake.of("reactions.add", lambda c: c.params.get("timestamp") == post)) == 1


def test_rate_limited_call_is_retried_after_retry_after(slack: SlackDriver) -> None:
    slack.fake.rate_limit_once("chat.postMessage", retry_after=1)
    ts, _ = slack.mention(QUESTION)
    calls = slack.fake.wait_for(
        "chat.postMessage", lambda c: c.params.get("thread_ts") == ts, count=2
    )
    assert calls[1].at - calls[0].at >= 1.0, "waited for Retry-After"
    time.sleep(QUIET_S)
    assert len(slack.fake.of("chat.postMessage")) == 2, "one 429, one success, no more"


# -- /whosaid ----------------------------------------------------------------------------------


def test_slash_command_answers_privately_and_share_posts_publicly(slack: SlackDriver) -> None:
    url, reply = slack.command(QUESTION)
    assert reply.status == 200 and reply.elapsed_s < 3
    assert "Looking" in reply.body and reply.json()["response_type"] == "ephemeral"
    private = response(slack.fake, url)[0].params
    assert private["response_type"] == "ephemeral"
    assert QUESTION in json.dumps(private["blocks"])
    shown = assert_verbatim(private["blocks"])
    actions = next(b for b in private["blocks"] if b["type"] == "actions")["elements"]
    share = next(a for a in actions if a["action_id"] == SHARE_ACTION)
    assert share["text"]["text"] == "Share in channel"

    share_url, click = slack.click(SHARE_ACTION, share["value"])
    assert click.status == 200
    public = response(slack.fake, share_url, response_type="in_channel")[0].params
    assert quotes_in(public["blocks"]) == shown
    assert f"<@{USER}> asked" in json.dumps(public["blocks"])
    assert not [b for b in public["blocks"] if b["type"] == "actions"], "no buttons in public"
    response(slack.fake, share_url, delete_original=True)


def test_slash_command_with_a_dead_response_url_answers_by_post_ephemeral(
    slack: SlackDriver,
) -> None:
    url, reply = slack.command(QUESTION, response=f"expired{time.monotonic_ns()}")
    assert reply.status == 200 and "Looking" in reply.body
    tried = response(slack.fake, url)[0]
    assert tried.params["response_type"] == "ephemeral", "the response_url was tried first"
    calls = slack.fake.wait_for("chat.postEphemeral", lambda c: c.params.get("user") == USER)
    assert calls[0].params["channel"] == CHANNEL
    assert calls[0].params["text"], "text fallback set"
    assert_verbatim(calls[0].params["blocks"])
    time.sleep(QUIET_S)
    assert not slack.fake.of("chat.postMessage"), "a private answer never goes public"


@pytest.mark.parametrize("text", ["", "help", "  HELP  "])
def test_slash_command_help_shows_usage_with_examples(slack: SlackDriver, text: str) -> None:
    url, reply = slack.command(text)
    assert reply.status == 200
    body = reply.json()
    assert body["response_type"] == "ephemeral"
    assert "/whosaid what did" in json.dumps(body["blocks"])
    time.sleep(0.3)
    assert not slack.fake.of("response_url", sent_to(url)), "help is the ack itself"


HOSTILE_QUESTIONS = [
    'who said "*" NEAR "--"?',
    "what did x say? OR 1=1; DROP TABLE quotes; --",
    "\x00\x07\x1b[2J\u200b what did Sessions say?",
    "what did " + "Sessions " * 600,  # about 5,000 characters
    "<!channel> <@U0OTHER1> <#C0OTHER1|general> what did Sessions say?",
    "🙂" * 300,
]


@pytest.mark.parametrize("question", HOSTILE_QUESTIONS, ids=lambda q: repr(q[:20]))
def test_hostile_questions_get_a_polite_answer(slack: SlackDriver, question: str) -> None:
    url, reply = slack.command(question)
    assert reply.status == 200 and reply.elapsed_s < 3
    answer = response(slack.fake, url)[0].params
    assert answer["text"] and not answer["text"].startswith("Sorry"), answer["text"]
    dumped = json.dumps(answer["blocks"])
    assert "<!channel>" not in dumped and "<@U0OTHER1>" not in dumped
    assert slack.get("/healthz").status == 200


def test_more_button_shows_the_next_page(slack: SlackDriver, slack_data_dir: Any) -> None:
    from tests.bot.test_blocks import make_answer, make_result

    result = make_result([make_answer(f"Numbered statement {i}.") for i in range(5)])
    answer_id = BotState(slack_data_dir / "slack.db").save_answer(result, USER)
    # A private answer: the next page replaces it in place.
    url, click = slack.click(MORE_ACTION, f"{answer_id}:3")
    assert click.status == 200
    page = response(slack.fake, url)[0].params
    assert quotes_in(page["blocks"]) == ["Numbered statement 3.", "Numbered statement 4."]
    assert page["replace_original"] is True
    # A public answer in a thread: the next page goes to the thread, the button goes away.
    message = {
        "ts": slack.new_ts(),
        "thread_ts": "1700000000.000001",
        "text": "t",
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": "x"}},
            {"type": "actions", "elements": []},
        ],
    }
    slack.click(MORE_ACTION, f"{answer_id}:3", ephemeral=False, message=message)
    post = slack.fake.wait_for("chat.postMessage")[0].params
    assert post["thread_ts"] == "1700000000.000001"
    assert quotes_in(post["blocks"])[0] == "Numbered statement 3."
    update = slack.fake.wait_for("chat.update")[0].params
    assert update["ts"] == message["ts"]
    assert "actions" not in [b["type"] for b in update["blocks"]], "the button is gone"
    assert quotes_in(update["blocks"]) == [f"Numbered statement {i}." for i in range(3)]


def test_a_group_dm_is_answered_like_a_dm(slack: SlackDriver) -> None:
    group = "G0GROUPDM1"
    slack.message(QUESTION, channel=group, channel_type="mpim")
    call = slack.fake.wait_for("chat.postMessage", lambda c: c.params.get("channel") == group)[0]
    assert not call.params.get("thread_ts")
    assert_verbatim(call.params["blocks"])


def test_share_in_a_private_channel_the_bot_is_not_in_says_why(slack: SlackDriver) -> None:
    url, _ = slack.command(QUESTION)
    private = response(slack.fake, url)[0]
    answer_id = private.params["blocks"][-1]["elements"][-1]["value"].split(":")[0]
    slack.fake.private_channels.add(CHANNEL)
    try:
        # The button's response_url has expired, so the bot would have to post itself.
        payload_url = slack.fake.response_url("expired-share")
        slack.fake.reset()
        _click_with_response_url(slack, SHARE_ACTION, f"{answer_id}:0", payload_url)
        told = slack.fake.wait_for("chat.postEphemeral")[0].params
    finally:
        slack.fake.private_channels.discard(CHANNEL)
    assert "not a member" in told["text"] and "/invite @whosaid" in told["text"], told["text"]
    assert slack.fake.of("chat.postMessage"), "it tried to post"


def _click_with_response_url(slack: SlackDriver, action: str, value: str, url: str) -> None:
    payload = {
        "type": "block_actions",
        "user": {"id": USER, "team_id": "T0TESTTEAM"},
        "team": {"id": "T0TESTTEAM"},
        "api_app_id": "A0WHOSAID",
        "token": "legacy-unused",
        "container": {"type": "message", "channel_id": CHANNEL, "is_ephemeral": True},
        "channel": {"id": CHANNEL},
        "response_url": url,
        "trigger_id": "trig-share",
        "actions": [{"type": "button", "action_id": action, "block_id": "b1", "value": value}],
    }
    body = urlencode({"payload": json.dumps(payload)})
    assert slack.post(body, "application/x-www-form-urlencoded").status == 200


def test_only_what_was_seen_counts_as_shown_in_a_thread(slack: SlackDriver) -> None:
    """12 answers are fetched, 3 shown: "what else" moves on from the 3, and a More page
    opened in the thread counts as seen too."""
    ts, _ = slack.mention("what did Sessions say?")
    first = answer_in_thread(slack.fake, ts).params
    seen = quotes_in(first["blocks"])
    more = [
        e
        for b in first["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == MORE_ACTION
    ]
    assert len(seen) == 3 and more, "the seed has more than a page of Sessions quotes"

    def follow_up(count: int) -> list[str]:
        slack.message("what else did he say?", thread_ts=ts)
        calls = slack.fake.wait_for(
            "chat.postMessage", lambda c: c.params.get("thread_ts") == ts, count=count
        )
        head = section_texts(calls[-1].params["blocks"])[0]
        assert "all shown already" not in head, head
        return quotes_in(calls[-1].params["blocks"])

    second = follow_up(2)
    assert second and not set(second) & set(seen), "what else shows what was not seen"
    # Open the first answer's next page in the thread, then ask again.
    message = {"ts": first.get("ts") or slack.new_ts(), "thread_ts": ts, "text": "", "blocks": []}
    slack.click(MORE_ACTION, more[0]["value"], ephemeral=False, message=message)
    page = slack.fake.wait_for(
        "chat.postMessage", lambda c: c.params.get("thread_ts") == ts, count=3
    )[-1]
    paged = quotes_in(page.params["blocks"])
    slack.fake.wait_for("chat.update")  # the page was posted and counted before this
    slack.message("what else did he say?", thread_ts=ts)
    last = slack.fake.wait_for(
        "chat.postMessage", lambda c: c.params.get("thread_ts") == ts, count=4
    )[-1]
    third = quotes_in(last.params["blocks"])
    assert not set(third) & set(paged), "a More page opened in the thread counts as seen"


def test_twenty_concurrent_slash_commands_all_acked_fast_and_answered(
    slack: SlackDriver,
) -> None:
    questions = [
        QUESTION,
        "who said “I will recuse myself”?",
        "what did Sessions say?",
        "who talked about the Russian government?",
    ] * 5

    def send(i: int) -> tuple[str, Any]:
        return slack.command(questions[i], response=f"load{i}-{time.monotonic_ns()}")

    with ThreadPoolExecutor(max_workers=20) as pool:
        sent = list(pool.map(send, range(20)))
    acks = sorted(reply.elapsed_s for _, reply in sent)
    assert all(reply.status == 200 for _, reply in sent)
    assert acks[-1] < 3.0, f"slowest ack {acks[-1]:.2f}s"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        done = [u for u, _ in sent if slack.fake.of("response_url", sent_to(u))]
        if len(done) == 20:
            break
        time.sleep(0.1)
    for url, _ in sent:
        calls = slack.fake.of("response_url", sent_to(url))
        assert len(calls) == 1, f"{url}: {len(calls)} answers"
        assert calls[0].params["blocks"]


# -- admin -----------------------------------------------------------------------------------

ARTICLE = """<html><head><title>Lighthouse keepers win a reprieve in Port Elsinore</title>
</head><body><article>
<h1>Lighthouse keepers win a reprieve in Port Elsinore</h1>
<p>The county board voted on Tuesday to keep the Port Elsinore lighthouse staffed by keepers
for another ten years, rejecting a plan to replace them with an automated beacon.</p>
<p>"We have kept this light burning for ninety years and we are not about to stop now," said
Odile Varga, the head keeper, after the vote.</p>
<p>Board member Tomas Lindqvist said the savings from automation had been overstated.
"The numbers never added up," he told reporters outside the chamber.</p>
<p>The board will review the staffing arrangement again in 2034.</p>
</article></body></html>"""


def test_admin_adds_an_article_by_url_then_it_is_answered(
    slack: SlackDriver, slack_engine: Any
) -> None:
    before = slack_engine.stats()["articles"]
    articles = ArticleServer()
    articles.add("/lighthouse", ARTICLE)
    with articles as base:
        url = f"{base}/lighthouse"
        response_url, ack = slack.command(f"add <{url}>", user=ADMIN, command="/whosaid-admin")
        assert ack.status == 200 and ack.elapsed_s < 3
        assert "Adding" in ack.body
        queued = re.search(r"job `(\d+)`", ack.body)
        assert queued is not None, "the ack names the queued job"
        done = response(slack.fake, response_url, timeout=120)[-1].params
    assert "Added 1" in json.dumps(done["blocks"]), done
    assert "Lighthouse keepers" in json.dumps(done["blocks"])
    assert slack_engine.stats()["articles"] == before + 1
    url, _ = slack.command("status", user=ADMIN, command="/whosaid-admin")
    status = json.dumps(response(slack.fake, url)[0].params["blocks"])
    assert "Jobs: " in status and f"`{queued.group(1)}` add" in status
    assert "done 1/1" in status, status

    url2, _ = slack.command("what did Odile Varga say?")
    answer = response(slack.fake, url2)[0].params
    shown = quotes_in(answer["blocks"])
    assert any("kept this light burning" in q for q in shown), shown
    assert "Odile Varga" in section_texts(answer["blocks"])[0]


def test_admin_add_of_a_bad_url_reports_why_and_changes_nothing(
    slack: SlackDriver, slack_engine: Any
) -> None:
    before = slack_engine.stats()
    articles = ArticleServer()
    articles.add("/gone", "nothing here", status=404, content_type="text/plain")
    with articles as base:
        url, ack = slack.command(f"add {base}/gone", user=ADMIN, command="/whosaid-admin")
        assert ack.status == 200
        done = response(slack.fake, url, timeout=60)[-1].params
    assert "finished with errors" in done["blocks"][0]["text"]["text"]
    assert "/gone" in done["blocks"][0]["text"]["text"]
    _, usage = slack.command("add not-a-url", user=ADMIN, command="/whosaid-admin")
    assert "Usage" in usage.body
    assert slack_engine.stats() == before


def test_admin_reindex_reports_the_result(slack: SlackDriver, slack_engine: Any) -> None:
    articles = slack_engine.stats()["articles"]
    url, ack = slack.command("reindex", user=ADMIN, command="/whosaid-admin")
    assert ack.status == 200 and ack.elapsed_s < 3 and "Reindexing" in ack.body
    # progress notes ("1 of 1 done …") may come first on a loaded machine: wait for the end
    done = slack.fake.wait_for(
        "response_url",
        lambda c: url.endswith(c.path) and "*Reindex*" in str(c.params.get("blocks")),
        timeout=300,
    )[-1].params
    assert "*Reindex* done" in done["blocks"][0]["text"]["text"], done
    assert slack_engine.stats()["articles"] == articles
    ts, _ = slack.mention(QUESTION)
    assert_verbatim(answer_in_thread(slack.fake, ts).params["blocks"])


def test_non_admins_are_refused_and_nothing_changes(slack: SlackDriver, slack_engine: Any) -> None:
    before = slack_engine.stats()
    article_id = slack_engine.articles()[0].id
    for text in ("add https://example.com/x", "reindex", f"remove {article_id}", "list"):
        url, reply = slack.command(text, command="/whosaid-admin")
        assert reply.status == 200
        assert "only whosaid admins" in reply.body
    # The Remove button is checked too, not only the command.
    url, reply = slack.click(REMOVE_ACTION, article_id)
    assert reply.status == 200
    refusal = response(slack.fake, url)[0].params
    assert "only whosaid admins" in refusal["text"]
    # And an article file sent in a DM.
    slack.fake.add_file("F0NOTADMIN", "story.txt", b"Someone said nothing.")
    slack.message(
        "",
        channel=DM,
        channel_type="im",
        subtype="file_share",
        files=[{"id": "F0NOTADMIN", "name": "story.txt"}],
    )
    post = slack.fake.wait_for("chat.postMessage", lambda c: c.params.get("channel") == DM)
    assert "only whosaid admins" in post[0].params["text"]
    time.sleep(0.5)
    assert not slack.fake.of("file_download") and not slack.fake.of("files.info")
    assert slack_engine.stats() == before


def test_admin_list_status_and_help(slack: SlackDriver, slack_engine: Any) -> None:
    url, reply = slack.command("list", user=ADMIN, command="/whosaid-admin")
    assert reply.status == 200
    listing = response(slack.fake, url)[0].params
    buttons = [b["accessory"] for b in listing["blocks"] if "accessory" in b]
    assert {b["value"] for b in buttons} == {a.id for a in slack_engine.articles()}
    url, _ = slack.command("status", user=ADMIN, command="/whosaid-admin")
    status = response(slack.fake, url)[0].params
    assert f"articles: *{slack_engine.stats()['articles']}*" in json.dumps(status["blocks"])
    _, reply = slack.command("help", user=ADMIN, command="/whosaid-admin")
    assert "reindex" in reply.body and "remove ID" in reply.body


def test_admin_sends_an_article_file_in_a_dm(slack: SlackDriver, slack_engine: Any) -> None:
    text = (
        "Ferry fares to rise in spring\n\n"
        "The island ferry company will raise fares by four percent in April.\n\n"
        '"Fuel has never been this expensive," said Linnea Haughton, the company\'s '
        "operations director. She said the timetable would not change.\n"
    )
    slack.fake.add_file("F0FERRY001", "ferry_fares.txt", text.encode("utf-8"))
    before = slack_engine.stats()["articles"]
    ts, _ = slack.message(
        "",
        channel=DM,
        channel_type="im",
        user=ADMIN,
        subtype="file_share",
        files=[{"id": "F0FERRY001", "name": "ferry_fares.txt"}],
    )
    post = slack.fake.wait_for(
        "chat.postMessage", lambda c: c.params.get("channel") == DM, timeout=120
    )[0].params
    assert "Added 1" in json.dumps(post["blocks"]), post
    download = slack.fake.of("file_download")[0]
    assert download.headers["authorization"] == f"Bearer {BOT_TOKEN}"
    assert slack_engine.stats()["articles"] == before + 1
    assert slack.fake.of("reactions.add", lambda c: c.params.get("timestamp") == ts)


def test_admin_remove_button_removes(slack: SlackDriver, slack_engine: Any) -> None:
    infos = [a for a in slack_engine.articles() if "ferry" in (a.source_key or "").lower()]
    if not infos:
        pytest.skip("needs the article from test_admin_sends_an_article_file_in_a_dm")
    url, reply = slack.click(REMOVE_ACTION, infos[0].id, user=ADMIN)
    assert reply.status == 200
    done = response(slack.fake, url)[0].params
    assert "Removed" in done["text"]
    assert infos[0].id not in {a.id for a in slack_engine.articles()}


# -- HTTP edges ------------------------------------------------------------------------------


def test_bad_signature_and_stale_timestamp_are_401(slack: SlackDriver) -> None:
    event = {"type": "app_mention", "user": USER, "text": "secret words", "ts": "1.000001"}
    body = json.dumps({"type": "event_callback", "event_id": "EvX", "event": event})
    assert slack.post(body, "application/json", secret="not-the-secret").status == 401
    assert slack.post(body, "application/json", timestamp=int(time.time()) - 600).status == 401
    assert slack.post(body, "application/json", signed=False).status == 401
    assert slack.post(body, "application/json").status == 200


def test_malformed_bodies_get_4xx_and_the_server_keeps_running(slack: SlackDriver) -> None:
    assert slack.post("{not json", "application/json").status == 400
    assert slack.post("payload=%7Bbroken", "application/x-www-form-urlencoded").status == 400
    assert slack.post(
        "\udcff".encode("utf-8", "surrogateescape").decode("latin-1"), "text/plain"
    ).status in (400, 401, 404)
    assert slack.get("/healthz").status == 200


def test_health_and_routes(slack: SlackDriver) -> None:
    health = slack.get("/healthz")
    assert health.status == 200 and health.json() == {"ok": True}
    assert slack.get("/slack/events").status == 405
    assert slack.get("/nope").status == 404


def test_url_verification_challenge(slack: SlackDriver) -> None:
    body = json.dumps({"type": "url_verification", "challenge": "abc123", "token": "x"})
    reply = slack.post(body, "application/json")
    assert reply.status == 200 and "abc123" in reply.body


def test_logs_hold_no_tokens_and_no_message_text(slack: SlackDriver, session_logs: Any) -> None:
    ts, _ = slack.mention("what did Sessions say about the election?")
    answer_in_thread(slack.fake, ts)
    joined = "\n".join(session_logs.lines)
    assert "answered a message" in joined, "the bot does log its work"
    for secret in (BOT_TOKEN, SIGNING_SECRET, "xoxb-"):
        assert secret not in joined
    for text in (QUESTION, "about the election", "secret words", "kept this light", "Fuel has"):
        assert text not in joined


# -- escaping: nothing from an article, a question, a file name or an error pings anyone -----

CONTROL = (
    "<!channel>",
    "<!here>",
    "<!everyone>",
    "<@U123>",
    "<#C123>",
    "<https://x.example|click>",
)
HOSTILE_QUOTE = (
    "Tell <!channel>, <!here> and <!everyone> that <@U123> posted in <#C123> and "
    "<https://x.example|click> shows a &lt; sign"
)
HOSTILE_ARTICLE = (
    "Harbour master warns <!everyone> about the tide tables\n\n"
    "The harbour board met on Tuesday to talk about the new tide tables.\n\n"
    f'"{HOSTILE_QUOTE}," said Orla Venn, the harbour master.\n\n'
    "Venn said the tables would be printed again before the summer.\n"
)
_MARKUP = re.compile(r"<([^<>]*)>")


def _sent_texts(call: Call) -> list[str]:
    """What Slack parses for markup in one call: the text and every mrkdwn text object."""
    texts = [call.params.get("text") or ""]
    stack: list[Any] = [call.params.get("blocks") or []]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            if item.get("type") == "mrkdwn" and isinstance(item.get("text"), str):
                texts.append(item["text"])
            stack.extend(v for v in item.values() if isinstance(v, (dict, list)))
    return texts


def _assert_no_control_sequences(texts: list[str], links: set[str]) -> None:
    """Only markup whosaid means: links to known article URLs and the sharer's mention."""
    for text in texts:
        for inner in _MARKUP.findall(text):
            url = inner.split("|", 1)[0]
            assert url in links or inner == f"@{USER}", f"raw control sequence <{inner}> in {text}"


def _unescaped(texts: list[str]) -> str:
    return "\n".join(texts).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def test_nothing_sent_to_slack_carries_a_control_sequence(
    slack: SlackDriver, slack_engine: Any
) -> None:
    links = {a.url for a in slack_engine.articles() if a.url}
    # An admin sends a file whose name is hostile and a hostile article.
    slack.fake.add_file("F0BADNAME1", "<!here> notes.pdf", b"not an article")
    slack.fake.add_file("F0HOSTILE1", "tides.txt", HOSTILE_ARTICLE.encode("utf-8"))
    slack.message(
        "",
        channel=DM,
        channel_type="im",
        user=ADMIN,
        subtype="file_share",
        files=[{"id": "F0BADNAME1", "name": "x"}, {"id": "F0HOSTILE1", "name": "tides.txt"}],
    )
    report = slack.fake.wait_for(
        "chat.postMessage", lambda c: c.params.get("channel") == DM, timeout=120
    )[0]
    assert "Added 1" in json.dumps(report.params["blocks"]), report.params
    # Questions that carry the sequences (Slack sends typed "<" as "&lt;"), about the article.
    typed = "who said &lt;!channel&gt; &lt;@U123&gt; &lt;#C123&gt; &lt;https://x.example|click&gt;?"
    ts, _ = slack.mention(typed)
    answer_in_thread(slack.fake, ts)
    ts, _ = slack.mention("what did Orla Venn say about &lt;!here&gt; &amp;lt;?")
    venn = answer_in_thread(slack.fake, ts)
    url, reply = slack.command("what did Orla Venn say? &lt;!everyone&gt;")
    private = response(slack.fake, url)[0]
    answer_id = private.params["blocks"][-1]["elements"][-1]["value"].split(":")[0]
    slack.click(SHARE_ACTION, f"{answer_id}:0")
    slack.fake.wait_for("response_url", lambda c: c.params.get("response_type") == "in_channel")
    # An admin error that repeats what was typed.
    add_url, add_reply = slack.command(
        "add http://127.0.0.1:9/&lt;!channel&gt;", user=ADMIN, command="/whosaid-admin"
    )
    response(slack.fake, add_url, count=1, timeout=60)
    time.sleep(0.5)
    calls = [
        c
        for c in slack.fake.calls
        if c.method in ("chat.postMessage", "chat.postEphemeral", "chat.update", "response_url")
    ]
    texts = [t for c in calls for t in _sent_texts(c)]
    acks = [json.loads(r.body) for r in (reply, add_reply) if r.body.startswith("{")]
    texts += [t for ack in acks for t in _sent_texts(Call("ack", ack, {}))]
    _assert_no_control_sequences(texts, links)
    shown = _unescaped(texts)
    # The words still read right: the sequences are shown as the article and question wrote them.
    for sequence in CONTROL:
        assert sequence in shown, sequence
    assert "a &lt; sign" in shown, "an escape written in the article is shown as written"
    assert "<!here> notes.pdf" in shown, "the hostile file name is named in the report"
    assert "Orla Venn" in json.dumps(venn.params["blocks"])
