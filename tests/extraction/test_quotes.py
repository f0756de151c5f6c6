"""Quote extraction on the real spaCy model: one row per pattern, sentences written for the test."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from retrieval.errors import ModelError
from retrieval.extraction.extractor import extract, extract_many, load_nlp
from retrieval.types import Extraction, Quote
from tests.conftest import ROOT, SHARED

INTRO = "Senator Maria Lopez and Governor Tom Haley met on Monday.\n\n"


@pytest.fixture(scope="module")
def nlp():  # type: ignore[no-untyped-def]
    return load_nlp()


def find(ex: Extraction, text: str) -> Quote:
    hits = [q for q in ex.quotes if q.text == text]
    assert hits, f"{text!r} not in {[q.text for q in ex.quotes]}"
    return hits[0]


# (article, quote text, speaker, kind, cue)
CASES = [
    (  # quote then attribution with an addressee
        INTRO + '"We will win this race," Lopez told reporters.',
        "We will win this race,",
        "Maria Lopez",
        "direct",
        "told",
    ),
    (  # "said X" inversion
        INTRO + '"The budget is a disgrace," said Haley.',
        "The budget is a disgrace,",
        "Tom Haley",
        "direct",
        "said",
    ),
    (  # a quote introduced by a colon
        INTRO + 'Haley added: "Our roads are safer than they were a year ago."',
        "Our roads are safer than they were a year ago.",
        "Tom Haley",
        "direct",
        "added",
    ),
    (  # curly marks
        INTRO + "“Jobs are coming back to this state,” Lopez said.",
        "Jobs are coming back to this state,",
        "Maria Lopez",
        "direct",
        "said",
    ),
    (  # a headline in single marks after the speaker's name
        "Governor Tom Haley: 'We Will Not Raise Taxes' This Year\n\nHaley spoke on Monday.",
        "We Will Not Raise Taxes",
        "Tom Haley",
        "direct",
        None,
    ),
    (  # a short quote right before its attribution, in a tweet
        INTRO + '"Great crowd tonight!" Lopez wrote in a tweet.',
        "Great crowd tonight!",
        "Maria Lopez",
        "direct",
        "wrote",
    ),
    (  # an organisation's written statement
        INTRO + '"We reject these claims entirely," the Acme Corporation said in a statement.',
        "We reject these claims entirely,",
        "Acme Corporation",
        "direct",
        "said",
    ),
    (  # mixed: a quoted phrase inside reported speech
        INTRO + 'Lopez said the audit was "deeply flawed" and should be withdrawn.',
        'the audit was "deeply flawed" and should be withdrawn',
        "Maria Lopez",
        "mixed",
        "said",
    ),
    (  # mixed: a coined word after a naming verb, with a show title nearby
        INTRO + 'Haley branded the proposal a "boondoggle" on "Morning Drive."',
        'the proposal a "boondoggle"',
        "Tom Haley",
        "mixed",
        "branded",
    ),
    (  # indirect speech with "said"
        INTRO + "Lopez said she had met with the ambassador twice last year.",
        "she had met with the ambassador twice last year",
        "Maria Lopez",
        "indirect",
        "said",
    ),
    (  # "told NBC News that ..."
        INTRO + "Haley told WXYZ News that the vote would happen on Friday.",
        "the vote would happen on Friday",
        "Tom Haley",
        "indirect",
        "told",
    ),
    (  # "according to X"
        INTRO + "According to Lopez, the deal was signed in March.",
        "the deal was signed in March",
        "Maria Lopez",
        "indirect",
        "according to",
    ),
    (  # the clause first, the attribution after it
        INTRO + "The bridge will close for two weeks of repairs, Haley told reporters.",
        "The bridge will close for two weeks of repairs",
        "Tom Haley",
        "indirect",
        "told",
    ),
    (  # an anonymous source stays a group
        INTRO + "The inquiry was closed in May, officials with the Transportation Department said.",
        "The inquiry was closed in May",
        "officials with the Transportation Department",
        "indirect",
        "said",
    ),
    (  # the clause hangs on the statement noun: "said in a statement that ..."
        INTRO + "Haley said in a statement that the state would appeal the ruling.",
        "the state would appeal the ruling",
        "Tom Haley",
        "indirect",
        "said",
    ),
    (  # any verb with a subject and a "that" clause reports a stance
        INTRO + "Haley conceded on Tuesday that the budget would run short by spring.",
        "the budget would run short by spring",
        "Tom Haley",
        "indirect",
        "conceded",
    ),
    (  # a quote opening the sentence after a long attribution continues the statement
        INTRO + '"Subpoenas are not optional," Haley said after the witness failed to show up '
        "at the second hearing of the committee he had been summoned to over the past two "
        'weeks. "The witness is central to this inquiry."',
        "The witness is central to this inquiry.",
        "Tom Haley",
        "direct",
        "said",
    ),
    (  # "X said, adding ..."
        INTRO + '"I know the rules," Haley said, adding "nobody broke them on my watch."',
        "nobody broke them on my watch.",
        "Tom Haley",
        "direct",
        "adding",
    ),
    (  # a quote signed after a dash and a no-break space
        INTRO
        + "\u201cThe new bridge is a gift to this town.\u201d\u00a0\u2015\u00a0Rosa Delgado\n",
        "The new bridge is a gift to this town.",
        "Rosa Delgado",
        "direct",
        None,
    ),
    (  # a passive cue with a "by" agent reports its subject
        INTRO + "The pension shortfall was first disclosed by Lopez in a hearing.",
        "The pension shortfall",
        "Maria Lopez",
        "indirect",
        "disclosed",
    ),
    (  # a statement noun with a possessive speaker: its clause is what was said
        INTRO + "Haley spoke next. Few believed his claim that the roads were safer than ever.",
        "the roads were safer than ever",
        "Tom Haley",
        "indirect",
        "claim",
    ),
    (  # ... or its infinitive
        INTRO + "Lopez's plan to double the school budget passed the Senate.",
        "to double the school budget",
        "Maria Lopez",
        "indirect",
        "plan",
    ),
    (  # a headline label that is a surname the parser did not tag
        "Lopez: Our Roads Are Safer Than Ever Before\n\n" + INTRO,
        "Our Roads Are Safer Than Ever Before",
        "Maria Lopez",
        "indirect",
        None,
    ),
    (  # a headline label over a claim with a quoted word in it
        "Haley: State Budget Is \u2018Rock Solid\u2019 This Year\n\n" + INTRO,
        "State Budget Is \u2018Rock Solid\u2019 This Year",
        "Tom Haley",
        "mixed",
        None,
    ),
    (  # an object reported by a source that is not a person or group ("the ad features")
        INTRO + "A new campaign ad features images of firefighters greeting Lopez at a rally.",
        "images of firefighters greeting Lopez at a rally",
        "new campaign ad",
        "indirect",
        "features",
    ),
    (  # "X, he said, Y" where the attribution hangs on the subject noun X
        INTRO + "The trouble now, Haley told me on Tuesday, is that the road fund is empty.",
        "is that the road fund is empty",
        "Tom Haley",
        "indirect",
        "told",
    ),
]


@pytest.mark.parametrize(("article", "text", "speaker", "kind", "cue"), CASES)
def test_pattern(nlp, article: str, text: str, speaker: str, kind: str, cue: str | None) -> None:  # type: ignore[no-untyped-def]
    ex = extract(article, nlp)
    q = find(ex, text)
    assert (q.speaker, q.kind, q.cue) == (speaker, kind, cue)
    assert article[q.start : q.end] == q.text
    assert q.context_start <= q.start and q.end <= q.context_end


def test_split_statement_shares_a_group(nlp) -> None:  # type: ignore[no-untyped-def]
    ex = extract(INTRO + '"The plan is sound," Lopez said, "and we will fund it."', nlp)
    a, b = find(ex, "The plan is sound,"), find(ex, "and we will fund it.")
    assert a.group == b.group and a.speaker == b.speaker == "Maria Lopez"


@pytest.mark.parametrize(
    ("article", "text", "how"),
    [
        (
            INTRO + '"Great crowd tonight!" Lopez wrote in a tweet.',
            "Great crowd tonight!",
            "in a tweet",
        ),
        (
            INTRO + 'Haley said on "Morning Drive" that the vote would be close.',
            "the vote would be close",
            'on "Morning Drive"',
        ),
        (
            INTRO + '"We will win this race," Lopez told reporters.',
            "We will win this race,",
            "to reporters",
        ),
    ],
)
def test_how_the_statement_was_made(nlp, article: str, text: str, how: str) -> None:  # type: ignore[no-untyped-def]
    assert find(extract(article, nlp), text).how == how


def test_an_object_inside_a_reported_clause_is_not_a_second_statement(nlp) -> None:  # type: ignore[no-untyped-def]
    ex = extract(INTRO + "Lopez said she had opposed the new highway plan from the start.", nlp)
    assert [q.text for q in ex.quotes] == ["she had opposed the new highway plan from the start"]


def test_attribution_inside_the_statement_joins_both_sides(nlp) -> None:  # type: ignore[no-untyped-def]
    ex = extract(INTRO + "To keep costs down, Haley said, the state must close two prisons.", nlp)
    a = find(ex, "To keep costs down")
    b = find(ex, "the state must close two prisons")
    assert a.group == b.group and a.speaker == b.speaker == "Tom Haley"
    assert a.kind == b.kind == "indirect"


def test_quote_signed_after_a_dash(nlp) -> None:  # type: ignore[no-untyped-def]
    signed = "\u201cThe debate changed my mind about this race.\u201d \u2015 Ana Ruiz"
    ex = extract(INTRO + signed, nlp)
    q = find(ex, "The debate changed my mind about this race.")
    assert (q.speaker, q.kind) == ("Ana Ruiz", "direct")


def test_transcript_labels(nlp) -> None:  # type: ignore[no-untyped-def]
    article = (
        "Host Sam Baxter interviewed Senator Maria Lopez on Sunday.\n\n"
        "BAXTER: Will you run again next year?\n\n"
        "LOPEZ: I have not decided, and I will not decide before the budget passes."
    )
    ex = extract(article, nlp)
    q = find(ex, "I have not decided, and I will not decide before the budget passes.")
    assert (q.speaker, q.kind) == ("Maria Lopez", "direct")
    assert find(ex, "Will you run again next year?").speaker == "Sam Baxter"


def test_transcript_labels_with_titles_and_roles_run_over_paragraphs(nlp) -> None:  # type: ignore[no-untyped-def]
    """Broadcast transcripts label turns with a title, a job or a party; a turn runs over its
    paragraphs until the next label, and a host may read out someone else's words."""
    article = (
        "Evening Report transcript\n\n"
        "(BEGIN VIDEO CLIP)\n\n"
        "NORA QUILL, CHANNEL 9 CORRESPONDENT: The river crested overnight in Port Ellis.\n\n"
        "REP. DEXTER VALE (R-OH): We need the levee money now, not next spring.\n\n"
        "(END VIDEO CLIP)\n\n"
        "OWEN MARSH, HOST: Good evening, I'm Owen Marsh.\n\n"
        'The governor said in a statement, "Every town on the river will get help."\n\n'
        "MARSH: Congressman, welcome.    VALE: Thank you for having me."
    )
    ex = extract(article, nlp)
    q = find(ex, "The river crested overnight in Port Ellis.")
    assert (q.speaker, q.kind) == ("Nora Quill", "direct")
    assert find(ex, "We need the levee money now, not next spring.").speaker == "Dexter Vale"
    host = find(
        ex,
        "Good evening, I'm Owen Marsh.\n\nThe governor said in a statement, "
        '"Every town on the river will get help."',
    )
    assert host.speaker == "Owen Marsh"  # the body spells the name in ordinary case
    read_out = find(ex, "Every town on the river will get help.")
    assert read_out.speaker == "governor" and read_out.kind == "direct"
    assert find(ex, "Congressman, welcome.").speaker == "Owen Marsh"
    assert find(ex, "Thank you for having me.").speaker == "Dexter Vale"


def test_a_pronoun_report_inside_a_turn_stays_the_turn_speakers(nlp) -> None:  # type: ignore[no-untyped-def]
    """'HOST: And he said ...': who "he" is lies in the conversation, not in the article's
    sentences; the words stay the host's, with no second speaker guessed for them."""
    article = (
        "Host Sam Baxter spoke with Senator Maria Lopez about the harbor budget.\n\n"
        "BAXTER: The treasurer Ivo Brandt wrote to the board. Tom Haley answered the letter.\n\n"
        "LOPEZ: Right.\n\n"
        "BAXTER: And he said the board would find the money by Friday.\n\n"
        "LOPEZ: We will see about that."
    )
    ex = extract(article, nlp)
    inner = [q for q in ex.quotes if "find the money" in q.text]
    assert [q.speaker for q in inner] == ["Sam Baxter"], [(q.text, q.speaker) for q in inner]


def test_turns_labelled_with_initials_and_written_in_marks(nlp) -> None:  # type: ignore[no-untyped-def]
    """A web transcript names each side once in full, then labels turns with initials ('JQ'
    for a hyphenated surname's parts too); a turn in quote marks is the words inside them,
    and the line of narration after it is nobody's statement."""
    article = (
        "A short hallway interview with Rep. Lena Ortiz-Vance on the ferry vote.\n"
        "Tom Brisco: \u201cGot a minute for the ferry vote?\u201d\n"
        "Lena Ortiz-Vance: \u201cOne minute, then I have a hearing.\u201d\n"
        "TB: \u201cWill you vote for the new fares on Friday?\u201d\n"
        "LOV: \u201cI will vote no unless the night boats stay.\u201d\n"
        "Ortiz-Vance walks into the chamber.\n"
        "TB: \u201cThanks for stopping, ma\u2019am.\u201d\n"
    )
    got = [(q.text, q.speaker) for q in extract(article, nlp).quotes]
    assert ("Will you vote for the new fares on Friday?", "Tom Brisco") in got, got
    assert ("I will vote no unless the night boats stay.", "Lena Ortiz-Vance") in got, got
    assert not [t for t, _ in got if "walks into" in t], got


def test_initials_that_fit_two_people_name_nobody_of_them(nlp) -> None:  # type: ignore[no-untyped-def]
    article = (
        "Tom Brisco and Tara Bellweather spoke with the mayor.\n"
        "Mayor Ines Goll: \u201cAsk me anything.\u201d\n"
        "TB: \u201cWill the night boats stay?\u201d\n"
        "IG: \u201cThey will stay through the winter.\u201d\n"
    )
    got = dict((q.text, q.speaker) for q in extract(article, nlp).quotes)
    assert got.get("Will the night boats stay?") not in ("Tom Brisco", "Tara Bellweather"), got
    assert got.get("They will stay through the winter.") == "Ines Goll", got


CONVERSATION = (
    "Evening Desk: Pelland talks to Senator Rhea Kowalczyk\n\n"
    "PELLAND: So, it is odd, because Dale Whitcombe said he is the one who made the call. "
    "He did phone the governor at one point.\n\n"
    "KOWALCZYK: Right.\n\n"
    "PELLAND: And he said the ferry board knew about the repairs.\n\n"
    "KOWALCZYK: Well, the whole thing is a sideshow."
)


def test_he_in_a_turn_is_the_person_the_conversation_last_reported(nlp) -> None:  # type: ignore[no-untyped-def]
    """Those in the conversation are 'I' and 'you': a 'he' two turns after the host reported
    Whitcombe's words is Whitcombe, and his words stay inside the host's turn as well."""
    ex = extract(CONVERSATION, nlp)
    said = [q for q in ex.quotes if "ferry board knew" in q.text]
    assert sorted((q.speaker, q.kind) for q in said) == [
        ("Dale Whitcombe", "indirect"),
        ("Pelland", "direct"),
    ], [(q.text, q.speaker) for q in said]


def test_a_surname_tagged_as_organisation_that_says_he_is_a_person(nlp) -> None:  # type: ignore[no-untyped-def]
    """A bare surname the tagger may take for an organisation is a person when it reports
    itself as 'he': a later 'he' in the conversation can then be that person."""
    article = CONVERSATION.replace("Dale Whitcombe said", "Ferrand said")
    ex = extract(article, nlp)
    said = [q for q in ex.quotes if "ferry board knew" in q.text]
    assert sorted(q.speaker for q in said) == ["Ferrand", "Pelland"], [
        (q.text, q.speaker) for q in said
    ]
    assert any(s.name == "Ferrand" and s.kind == "person" for s in ex.speakers), ex.speakers


@pytest.mark.parametrize(
    "between",
    [
        "Then Marco Ferrante called the office. ",  # another name, subject of a sentence
        "Then the mayor called the office. ",  # a person named by a noun
    ],
)
def test_he_in_a_turn_is_nobody_when_someone_else_came_up_since(nlp, between: str) -> None:  # type: ignore[no-untyped-def]
    article = CONVERSATION.replace("He did phone", between + "He did phone")
    ex = extract(article, nlp)
    said = [q for q in ex.quotes if "ferry board knew" in q.text]
    assert [q.speaker for q in said] == ["Pelland"], [(q.text, q.speaker) for q in said]


def test_a_label_takes_the_full_name_a_show_title_gives(nlp) -> None:  # type: ignore[no-untyped-def]
    article = (
        'Harbor TV "The Story with Sam Baxter" - Transcript: Interview with Sen. Maria Lopez\n\n'
        "BAXTER: Will you run again next year?\n\n"
        "LOPEZ: I have not decided yet."
    )
    ex = extract(article, nlp)
    assert find(ex, "Will you run again next year?").speaker == "Sam Baxter"


def test_one_capitalised_label_is_no_transcript(nlp) -> None:  # type: ignore[no-untyped-def]
    article = INTRO + "UPDATED: Lopez said on Tuesday that the budget vote would be delayed."
    assert all(q.speaker != "UPDATED" for q in extract(article, nlp).quotes)


def test_headlines_in_capitals_with_a_colon_are_no_transcript(nlp) -> None:  # type: ignore[no-untyped-def]
    article = (
        INTRO + "HARBOR BOARD: NO NEW FEES THIS YEAR\n\nThe board met on Monday.\n\n"
        "PORT ELLIS MAYOR: WE WILL APPEAL\n\nThe city filed its appeal on Friday."
    )
    got = [q.text for q in extract(article, nlp).quotes]
    assert not [t for t in got if "met on Monday" in t or "filed its appeal" in t], got


def test_question_and_answer_interview(nlp) -> None:  # type: ignore[no-untyped-def]
    """Q:/A: interviews: each answer, over all its paragraphs, is the interviewee's."""
    article = (
        "Q&A with Imelda Farrow\n\n"
        "Imelda Farrow has written a history of the harbor towns. Farrow lives in Port Ellis.\n\n"
        "Q: What drew you to the harbor towns?\n\n"
        "A: My grandfather worked the docks for forty years.\n\n"
        "I spent two winters reading his letters.\n\n"
        "Q: What surprised you?\n\n"
        "A: How much the towns relied on one another."
    )
    ex = extract(article, nlp)
    a = find(
        ex,
        "My grandfather worked the docks for forty years.\n\nI spent two winters reading his "
        "letters.",
    )
    assert (a.speaker, a.kind) == ("Imelda Farrow", "direct")
    assert find(ex, "How much the towns relied on one another.").speaker == "Imelda Farrow"
    assert not [q for q in ex.quotes if "What drew you" in q.text]


def test_interview_with_named_questions_and_unlabelled_answers(nlp) -> None:  # type: ignore[no-untyped-def]
    """The interviewer's name opens each question; the answers stand unlabelled and belong
    to the interviewee. An editor's note in brackets is nobody's answer."""
    article = (
        "Interview with Dario Pell\n\n"
        "Dario Pell is running for mayor of Port Ellis. This interview with Mr. Pell was "
        "edited.\n\n"
        "Lena Ortiz: Thank you for coming. Why do you want the job?\n\n"
        "I love this city, and I know how to fix its buses.\n\n"
        "[Mr. Pell ran the transit agency for six years.]\n\n"
        "And the buses are where people feel the city every day.\n\n"
        "Sam Reyes: What would you do first?\n\n"
        "I would hire more drivers."
    )
    ex = extract(article, nlp)
    assert find(ex, "Thank you for coming. Why do you want the job?").speaker == "Lena Ortiz"
    for text in (
        "I love this city, and I know how to fix its buses.",
        "And the buses are where people feel the city every day.",
        "I would hire more drivers.",
    ):
        q = find(ex, text)
        assert (q.speaker, q.kind) == ("Dario Pell", "direct")
    assert find(ex, "What would you do first?").speaker == "Sam Reyes"
    assert not [q for q in ex.quotes if "transit agency" in q.text and q.speaker == "Dario Pell"]


@pytest.mark.parametrize(
    ("intro", "speaker"),
    [
        (
            "Imelda Farrow, who wrote a history of the harbor towns, sat down with Gazette "
            "reporter Lena Ortiz.",
            "Imelda Farrow",
        ),
        (
            "The harbor's new fire chief sat down with Port Ellis Herald reporter Lena Ortiz "
            "to talk about his plans.",
            "harbor\u2019s new fire chief",
        ),
    ],
)
def test_interview_with_question_lines_and_unlabelled_answers(
    nlp, intro: str, speaker: str
) -> None:  # type: ignore[no-untyped-def]
    """ "Q:" lines with no "A:": the paragraphs after each question are the interviewee's
    answer, never the reporter's; the questions are no statement of anyone's."""
    article = (
        f"{intro}\n\n"
        "Q: What is your first priority?\n\n"
        "Hiring. We are short of staff on every shift.\n\n"
        "Q: Do you think the station on Pier Road should close?\n\n"
        "No. It answers more calls than any other."
    ).replace("harbor's", "harbor\u2019s")
    ex = extract(article, nlp)
    for text in ("Hiring. We are short of staff on every shift.", "No. It answers more calls"):
        q = next(q for q in ex.quotes if q.text.startswith(text))
        assert (q.speaker, q.kind) == (speaker, "direct")
    assert not [q for q in ex.quotes if "Pier Road should close" in q.text]


def test_quote_running_over_paragraphs_keeps_its_speaker(nlp) -> None:  # type: ignore[no-untyped-def]
    article = (
        INTRO + '"We have cut the deficit in half over four years.\n\n'
        '"And we did it without raising taxes," Haley said.'
    )
    ex = extract(article, nlp)
    a = find(ex, "We have cut the deficit in half over four years.")
    b = find(ex, "And we did it without raising taxes,")
    assert a.speaker == b.speaker == "Tom Haley" and a.group == b.group


def test_an_unpaired_mark_does_not_spoil_the_article(nlp) -> None:  # type: ignore[no-untyped-def]
    article = INTRO + 'Lopez called it "a start.\n\n"We are ready for the vote," Haley said.'
    q = find(extract(article, nlp), "We are ready for the vote,")
    assert q.speaker == "Tom Haley"


@pytest.mark.parametrize(
    "article",
    [
        INTRO + 'The senators appeared on "Meet the Press" on Sunday.',
        INTRO + "Haley's aides said little about the '90s, and the Lopez' campaign didn't either.",
        INTRO + 'The committee read "The Long Road Home" before the hearing.',
    ],
)
def test_titles_and_apostrophes_are_not_direct_quotes(nlp, article: str) -> None:  # type: ignore[no-untyped-def]
    ex = extract(article, nlp)
    assert [q for q in ex.quotes if q.kind == "direct"] == []
    assert "Meet the Press" not in [q.text for q in ex.quotes]


def test_extract_many_matches_extract(nlp) -> None:  # type: ignore[no-untyped-def]
    texts = [c[0] for c in CASES[:4]]
    assert extract_many(texts, nlp, batch_size=2) == [extract(t, nlp) for t in texts]


def test_load_nlp_caches_and_reports_a_missing_model() -> None:
    assert load_nlp() is load_nlp()
    assert "senter" not in load_nlp().pipe_names
    with pytest.raises(ModelError, match="no_such_model_xyz"):
        load_nlp("no_such_model_xyz")


def _score(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the shared scorer against the real `whosaid quotes --jsonl` command."""
    whosaid = Path(sys.executable).parent / "whosaid"
    if not whosaid.exists():
        whosaid_path = shutil.which("whosaid")
        if whosaid_path is None:
            pytest.skip("the whosaid command is not installed")
        whosaid = Path(whosaid_path)
    return subprocess.run(
        [
            sys.executable,
            str(SHARED / "tools" / "score_quotes.py"),
            *args,
            "--cmd",
            f"{whosaid} quotes --jsonl",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=900,
    )


@pytest.mark.skipif(not SHARED.is_dir(), reason="shared/ evaluation data is absent")
def test_seed_scorer_through_the_cli() -> None:
    proc = _score(
        "--seed",
        str(SHARED / "eval" / "seed_quotes.jsonl"),
        "--article",
        str(ROOT / "seeds" / "000_b0c62a38ccee3fea.txt"),
    )
    assert "gold quotes found: 33/33; with the right speaker: 33/33" in proc.stdout, proc.stdout
    assert "not quotes extracted: 0; not verbatim: 0" in proc.stdout, proc.stdout


@pytest.mark.heavy
@pytest.mark.skipif(not SHARED.is_dir(), reason="shared/ evaluation data is absent")
def test_polnear_dev_does_not_regress() -> None:
    """Floors just under the measured figures (F1@0.3 0.764, speaker 0.945), so a change
    that loses ground fails; the issue's goals (0.80 / 0.90) are tracked in the report."""
    gold = SHARED / "quote_data" / "PolNeAR" / "polnear_dev.jsonl"
    proc = _score("--gold", str(gold), "--min-f1", "0.75", "--min-speaker", "0.93")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "not found verbatim in the article: 0" in proc.stdout


# --- spans: precision and boundaries of statements (engineer "spans") -------------------
# (article, quote texts that must be extracted, quote texts that must not be)
SPAN_CASES = [
    (  # an intention inside what someone said is part of that statement, not a second one
        INTRO + "Lopez said she plans to cut property taxes for retirees next year.",
        ["she plans to cut property taxes for retirees next year"],
        ["to cut property taxes for retirees next year"],
    ),
    (  # a second speech verb joined to the statement's verb starts a second statement
        INTRO + "Lopez said the city would appeal the ruling and warned of higher fees.",
        ["the city would appeal the ruling"],
        ["the city would appeal the ruling and warned of higher fees"],
    ),
    (  # a joined verb that is not speech stays in the statement
        INTRO + "Lopez said the council approved the budget and cut the fees for residents.",
        ["the council approved the budget and cut the fees for residents"],
        [],
    ),
    (  # the same with "wants to" after "told"
        INTRO + "Haley told reporters that the governor wants to close two prisons by March.",
        ["the governor wants to close two prisons by March"],
        ["to close two prisons by March"],
    ),
]


# A quoted sentence with no cue after a reported statement goes on with it: (article,
# the reported words, the quote, its speaker).
CONTINUED = [
    (
        INTRO + 'Taxes will have to rise next year, Lopez said. "We have no other choice."',
        "Taxes will have to rise next year",
        "We have no other choice.",
        "Maria Lopez",
    ),
    (
        INTRO + 'The budget is "simply broken," says Haley. "Nobody wants to admit it."',
        'The budget is "simply broken,"',
        "Nobody wants to admit it.",
        "Tom Haley",
    ),
    (
        INTRO + 'Haley said the deal was dead.\n\n"We walked away and we are not going back."',
        "the deal was dead",
        "We walked away and we are not going back.",
        "Tom Haley",
    ),
]


@pytest.mark.parametrize(("article", "reported", "quoted", "speaker"), CONTINUED)
def test_a_cueless_quote_continues_the_statement_before_it(  # type: ignore[no-untyped-def]
    nlp, article: str, reported: str, quoted: str, speaker: str
) -> None:
    ex = extract(article, nlp)
    a, b = find(ex, reported), find(ex, quoted)
    assert a.group == b.group and a.speaker == b.speaker == speaker and b.kind == "direct"


def test_a_cueless_quote_after_someone_else_is_left_alone(nlp) -> None:  # type: ignore[no-untyped-def]
    article = INTRO + 'Lopez said taxes would rise. Haley disagreed. "Nobody wants that."'
    ex = extract(article, nlp)
    assert all(q.speaker != "Maria Lopez" for q in ex.quotes if "Nobody" in q.text)


# A quote that runs on from a clause reported by another verb is a piece of that statement:
# (article, the whole statement, its speaker).
REPORTED_QUOTES = [
    (
        "The city council met on Monday.\n\nThe council pledged to double the fines as a "
        'signal against what it termed "an open threat to the harbor district."',
        'to double the fines as a signal against what it termed "an open threat to the harbor '
        'district."',
        "city council",
    ),
    (
        INTRO + "Lopez said she hoped to visit young voters and tell them flatly that "
        '"this fight is far from over."',
        'she hoped to visit young voters and tell them flatly that "this fight is far from over."',
        "Maria Lopez",
    ),
]


@pytest.mark.parametrize(("article", "text", "speaker"), REPORTED_QUOTES)
def test_a_quote_inside_a_reported_clause_is_part_of_it(  # type: ignore[no-untyped-def]
    nlp, article: str, text: str, speaker: str
) -> None:
    ex = extract(article, nlp)
    q = find(ex, text)
    assert (q.kind, q.speaker) == ("mixed", speaker)
    assert not [p for p in ex.quotes if p.kind == "direct"], ex.quotes


@pytest.mark.parametrize("joint", ["but", "and"])
def test_a_statement_goes_on_after_its_cue_and_a_conjunction(nlp, joint: str) -> None:  # type: ignore[no-untyped-def]
    article = (
        INTRO + f'"I respect the governor," Lopez said, {joint} "when it comes to schools, '
        'he has no plan at all."'
    )
    ex = extract(article, nlp)
    a = find(ex, "I respect the governor,")
    b = find(ex, "when it comes to schools, he has no plan at all.")
    assert a.group == b.group and b.kind == "direct" and b.speaker == "Maria Lopez"


def test_a_quote_after_a_long_clause_and_a_conjunction_is_not_a_new_statement(nlp) -> None:  # type: ignore[no-untyped-def]
    article = (
        INTRO + "Lopez says the schools have been neglected for a decade, and "
        '"we are going to fix" them if she wins.'
    )
    ex = extract(article, nlp)
    assert not [q for q in ex.quotes if q.kind == "direct"], ex.quotes


def test_a_reported_statement_never_ends_inside_a_quotation(nlp) -> None:  # type: ignore[no-untyped-def]
    article = (
        INTRO + 'Lopez said the governor "has broken every promise he made, and he has no '
        'plan for the schools."'
    )
    quotes = extract(article, nlp).quotes
    assert [(q.kind, q.text) for q in quotes] == [
        (
            "mixed",
            'the governor "has broken every promise he made, and he has no plan for the schools."',
        )
    ]


@pytest.mark.parametrize(("article", "present", "absent"), SPAN_CASES)
def test_statement_spans(nlp, article: str, present: list[str], absent: list[str]) -> None:  # type: ignore[no-untyped-def]
    texts = [q.text for q in extract(article, nlp).quotes]
    for text in present:
        assert any(text in t for t in texts), (text, texts)
    for text in absent:
        assert text not in texts, (text, texts)


# --- indirect speech: recall of reported statements (engineer "indirect") ---------------
# (article, quote text, speaker, cue)
INDIRECT_CASES = [
    (  # the subject of the verb a gerund hangs on: "stopped short of calling"
        INTRO + "Lopez stopped short of calling the new tax plan a betrayal of rural voters.",
        "the new tax plan a betrayal of rural voters",
        "Maria Lopez",
        "calling",
    ),
    (  # "by telling them that ..."
        INTRO + "Haley opened the debate by telling voters that the state budget was balanced.",
        "the state budget was balanced",
        "Tom Haley",
        "telling",
    ),
    (  # the subject of "was able to"
        INTRO + "Lopez was able to brag about her record on rural hospitals all week.",
        "her record on rural hospitals",
        "Maria Lopez",
        "brag",
    ),
    (  # a "that" clause hanging on the addressee of "told"
        INTRO + "Haley told a meeting of county clerks that the new voting machines were safe.",
        "the new voting machines were safe",
        "Tom Haley",
        "told",
    ),
    (  # an instruction: "told X to ..."
        INTRO + "Lopez told her aides to draft a bill that would cap tuition increases.",
        "her aides to draft a bill that would cap tuition increases",
        "Maria Lopez",
        "told",
    ),
    (  # "hoped" (the model's lemma is "hop")
        INTRO + "Haley hoped the legislature would approve the bridge repairs before winter.",
        "the legislature would approve the bridge repairs before winter",
        "Tom Haley",
        "hoped",
    ),
    (  # "X's view is that ...": a statement noun as the subject of "is"
        INTRO + "Lopez's view is that the state should sell the old bridge.",
        "the state should sell the old bridge",
        "Maria Lopez",
        "view",
    ),
    (  # a statement noun whose source follows it: "warnings from X that ..."
        INTRO + "Haley ignored repeated warnings from Lopez that the bridge was unsafe.",
        "the bridge was unsafe",
        "Maria Lopez",
        "warnings",
    ),
    (  # a stance adjective with a clause
        INTRO + "Lopez was afraid that the bill would fail in the House.",
        "the bill would fail in the House",
        "Maria Lopez",
        "afraid",
    ),
    (  # "made it clear ..."
        INTRO + "Haley made it clear he would veto the budget.",
        "he would veto the budget",
        "Tom Haley",
        "clear",
    ),
    (  # an object ends before the writer's aside on it (", which ...")
        INTRO + "Lopez praised the new transit plan, which passed the House in May.",
        "the new transit plan",
        "Maria Lopez",
        "praised",
    ),
    (  # a response given "with" something
        INTRO + "Haley responded with attacks on the senator's voting record.",
        "attacks on the senator's voting record",
        "Tom Haley",
        "responded",
    ),
    (  # "painted X as Y"
        INTRO + "Lopez painted the governor as a friend of the oil industry.",
        "the governor as a friend of the oil industry",
        "Maria Lopez",
        "painted",
    ),
    (  # "responded by saying X": the inner cue reports X
        INTRO + "Haley responded by saying the budget was balanced.",
        "the budget was balanced",
        "Tom Haley",
        "saying",
    ),
    (  # the object with what it is accused of
        INTRO + "Lopez accused the governor of hiding the audit from voters.",
        "the governor of hiding the audit from voters",
        "Maria Lopez",
        "accused",
    ),
    (  # "was heard shouting that ...": the passive's subject speaks
        INTRO + "Haley could be heard shouting that the vote was rigged.",
        "the vote was rigged",
        "Tom Haley",
        "shouting",
    ),
    (  # "X added:" ending a paragraph introduces the next one, even without marks
        INTRO
        + "Haley added:\n\nThe budget is balanced. Nobody will pay more.\n\nThe vote is on Friday.",
        "The budget is balanced. Nobody will pay more",
        "Tom Haley",
        "added",
    ),
    (  # a statement noun as the object of a light verb: "made the case that ..."
        INTRO + "Lopez made the case that the tax would hurt small farms.",
        "the tax would hurt small farms",
        "Maria Lopez",
        "case",
    ),
    (  # "sees X as Y" is a view; "sees X" alone is not
        INTRO + "Lopez sees the new tax as a threat to rural life.",
        "the new tax as a threat to rural life",
        "Maria Lopez",
        "sees",
    ),
    (  # "linked X to Y"
        INTRO + "Haley linked the budget gap to the senator's tax cuts.",
        "the budget gap to the senator's tax cuts",
        "Tom Haley",
        "linked",
    ),
    (  # "according to X, Y" where the parser hung Y on X after the comma
        INTRO + "According to local radio host Tom Haley, the budget reeks of waste and greed.",
        "the budget reeks of waste and greed",
        "Tom Haley",
        "according to",
    ),
    (  # a reflexive object with its "as" complement
        INTRO + "Haley portrayed himself as a friend of rural hospitals.",
        "himself as a friend of rural hospitals",
        "Tom Haley",
        "portrayed",
    ),
    (  # "charged X with Y"
        INTRO + "Lopez charged the governor with misleading the auditors.",
        "the governor with misleading the auditors",
        "Maria Lopez",
        "charged",
    ),
    (  # an "as X noted" aside attributes the clause it hangs on
        INTRO + "As Lopez noted, the budget is a mess from top to bottom.",
        "the budget is a mess from top to bottom",
        "Maria Lopez",
        "noted",
    ),
    (  # "as she put it"
        INTRO + "The budget is a mess from top to bottom, as Lopez put it.",
        "The budget is a mess from top to bottom",
        "Maria Lopez",
        "put",
    ),
    (  # a fronted phrase without a verb before ", X said."
        INTRO + "Lower taxes for every family in the state, Haley said.",
        "Lower taxes for every family in the state",
        "Tom Haley",
        "said",
    ),
]


@pytest.mark.parametrize(("article", "text", "speaker", "cue"), INDIRECT_CASES)
def test_indirect_pattern(nlp, article: str, text: str, speaker: str, cue: str) -> None:  # type: ignore[no-untyped-def]
    q = find(extract(article, nlp), text)
    assert (q.speaker, q.kind, q.cue) == (speaker, "indirect", cue)
    assert article[q.start : q.end] == q.text


def test_fronted_clause_joins_the_statement_around_the_attribution(nlp) -> None:  # type: ignore[no-untyped-def]
    article = (
        INTRO + "If the talks fail, Lopez argues, the state has other tools to collect the debt."
    )
    pieces = [q for q in extract(article, nlp).quotes if q.cue == "argues"]
    assert [q.text for q in pieces] == [
        "If the talks fail",
        "the state has other tools to collect the debt",
    ]
    assert {q.speaker for q in pieces} == {"Maria Lopez"} and len({q.group for q in pieces}) == 1


def test_as_clause_of_time_and_put_without_it_are_not_statements(nlp) -> None:  # type: ignore[no-untyped-def]
    article = INTRO + (
        "As Lopez welcomed the guests, the band played a march for the new bridge.\n\n"
        "Haley put the bill on the table before the recess."
    )
    assert extract(article, nlp).quotes == []


def test_second_speech_verb_the_parser_put_inside_the_first_statement(nlp) -> None:  # type: ignore[no-untyped-def]
    """'said X and warned Y': two statements by the same speaker, no dangling 'and'."""
    article = (
        INTRO + "Lopez said the state would pay for the bridge and warned against cuts to schools."
    )
    got = {(q.text, q.speaker, q.cue) for q in extract(article, nlp).quotes}
    assert got == {
        ("the state would pay for the bridge", "Maria Lopez", "said"),
        ("cuts to schools", "Maria Lopez", "warned"),
    }


@pytest.mark.parametrize("label", ["CLARIFICATION", "DISCLOSURE", "Caption"])
def test_furniture_labels_are_not_speakers(nlp, label: str) -> None:  # type: ignore[no-untyped-def]
    article = (
        INTRO + f"{label}: An earlier version of this story misstated the date of the vote "
        "on the county budget."
    )
    ex = extract(article, nlp)
    assert not [q for q in ex.quotes if q.text.startswith("An earlier version")], ex.quotes


@pytest.mark.parametrize(
    ("article", "text", "speaker"),
    [
        (
            INTRO + 'Lopez had a one-line answer for her critics: "We are not moving the plant."',
            "We are not moving the plant.",
            "Maria Lopez",
        ),
        (
            INTRO + 'Haley is rolling out a new campaign message: "This race is about you."',
            "This race is about you.",
            "Tom Haley",
        ),
    ],
)
def test_a_quote_after_a_colon_belongs_to_the_clause_subject(  # type: ignore[no-untyped-def]
    nlp, article: str, text: str, speaker: str
) -> None:
    q = find(extract(article, nlp), text)
    assert (q.kind, q.speaker) == ("direct", speaker)


def test_a_colon_after_an_empty_subject_names_nobody(nlp) -> None:  # type: ignore[no-untyped-def]
    ex = extract(INTRO + 'There is one problem: "We are not moving the plant."', nlp)
    assert all(q.speaker is None for q in ex.quotes), ex.quotes


def test_an_embedded_post_signed_on_the_next_line_is_its_authors(nlp) -> None:  # type: ignore[no-untyped-def]
    article = (
        "The chief executive of Harbor Mobile, Ana Ruiz, posted a photo on Monday.\n"
        "These are the phones I am using #today and I love them :) pic.twitter.com/AbC123\n"
        "\u2014 Ana Ruiz (@AnaRuiz) October 21, 2013\n"
        "The post was removed an hour later.\n"
    )
    q = find(extract(article, nlp), "These are the phones I am using #today and I love them :)")
    assert (q.speaker, q.kind) == ("Ana Ruiz", "direct")
