"""Word knowledge is typed once and both sides of whosaid read it the same way."""

from __future__ import annotations

import ast

import pytest

from retrieval.language.people import ROLE_KEYS, TITLE_ROLES, TITLES
from retrieval.language.verbs import (
    LIGHT_VERBS,
    OBJECT_VERBS,
    PLAIN_SAYING,
    PREP_VERBS,
    QUESTION_VERBS,
    SPEECH_VERBS,
    XCOMP_VERBS,
    alternation,
    inflections,
)
from tests.conftest import ROOT


def _word_literals() -> list[tuple[str, int, list[str]]]:
    """Every `words("...")` list written in retrieval/ (module, line, its words)."""
    out = []
    for path in sorted((ROOT / "retrieval").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "words"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                out.append((path.name, node.lineno, node.args[0].value.split()))
    return out


@pytest.mark.parametrize("module,line,listed", _word_literals())
def test_a_word_list_names_each_word_once(module, line, listed):
    repeated = sorted({w for w in listed if listed.count(w) > 1})
    assert not repeated, f"{module}:{line} repeats {repeated}"


@pytest.mark.parametrize(
    "lemma,forms,want",
    [
        ("say", ("s", "ed", "ing"), {"says", "said", "saying"}),
        ("deny", ("s", "ed"), {"denies", "denied"}),
        ("push", ("s",), {"pushes"}),
        ("note", ("ed", "ing"), {"noted", "noting"}),
        ("admit", ("ed", "ing"), {"admitted", "admitting"}),
        ("write", ("ed",), {"wrote", "written"}),
        ("agree", ("ing",), {"agreeing"}),
        ("warn", ("base", "s"), {"warn", "warns"}),
    ],
)
def test_inflections_are_generated(lemma, forms, want):
    assert inflections([lemma], forms) == want


def test_an_alternation_tries_longer_forms_first():
    assert alternation(["say", "says", "said"]).split("|") == ["said", "says", "say"]


def test_every_verb_a_question_asks_with_is_a_cue_at_ingest():
    """A question "who warned ..." finds only what ingest took as a statement: its verbs must
    be cues there. 'mean' and 'react' ask about what was said, not how it was reported."""
    cues = SPEECH_VERBS | OBJECT_VERBS | PREP_VERBS | XCOMP_VERBS | LIGHT_VERBS
    assert QUESTION_VERBS - cues == {"mean", "react"}
    assert PLAIN_SAYING <= SPEECH_VERBS


def test_ingest_and_questions_read_titles_from_one_table():
    assert all(ROLE_KEYS[t] == TITLE_ROLES[t] for t in ROLE_KEYS)
    # a title ingest strips from a name is one a question recognises too, or a word that is
    # never a role ("former", "first lady", "acting", "u.s.")
    not_roles = {"former", "first", "lady", "acting", "u.s.", "us", "state", "house", "senate"}
    role_like = {t for t in TITLES - not_roles if t.isalpha() and len(t) > 3 and t in ROLE_KEYS}
    assert role_like <= set(TITLE_ROLES)
    assert TITLE_ROLES["chairwoman"] == TITLE_ROLES["chair"] == "chair"
    assert TITLE_ROLES["sen."] == TITLE_ROLES["senator"] == "senator"


def test_a_possessive_s_is_no_word_to_match() -> None:
    """'Okafor's plan' and 'it's late' share no word: the 's' of each is nothing."""
    from retrieval.language.wording import stems

    assert stems("the mayor's plan") == {"mayor", "plan"}
    assert not stems("Okafor's plan") & stems("it's late")
