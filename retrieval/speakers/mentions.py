"""How a text writes a person: the noun phrase of a mention, where a name ends, the role
words before or beside it, courtesy titles, how a statement was made ("in a statement", "on
MSNBC"). Token-level helpers, no state: speakers.py links these mentions into entities."""

from __future__ import annotations

from spacy.tokens import Span, Token

from retrieval.language.doctokens import doc_text, doc_tokens
from retrieval.language.people import (
    FEMALE_NAMES,
    MALE_NAMES,
    ORG_HEADS,
    ORG_NAME_TAILS,
    ROLE_KEYS,
    TITLE_ROLES,
    TITLES,
    words,
)
from retrieval.language.verbs import NAMING_VERBS, SPEECH_VERBS, XCOMP_VERBS, inflections

# Clause-like or descriptive parts of a subject that are not part of the mention.
DROP_DEPS = frozenset({"appos", "relcl", "acl", "advcl", "punct", "cc", "conj", "parataxis"})


# The last words of an organisation's name that no surname is: a "person" the tagger found
# ending in one is the organisation ("Pine Hollow Fire District"); "Court" and "House" are
# surnames too, so they are not here.
ORG_NAME_ENDS = words(
    """
    district department office agency ministry committee commission association foundation
    institute university council bureau coalition corporation inc inc. corp corp. llc
    """
)


# What an outlet or a company leaves off its name when it is named again: "Bloomberg" for
# Bloomberg News, "Acme" for Acme Corp.
_SHORT_FORM_TAILS = ORG_NAME_TAILS | words("news inc. corp. co.")


def short_form(a: str, b: str) -> bool:
    """Whether one organisation's name is the other's without a last word it may drop."""
    short, long_ = sorted((a.split(), b.split()), key=len)
    return (
        len(long_) == len(short) + 1
        and long_[:-1] == short
        and long_[-1].lower().rstrip(",") in _SHORT_FORM_TAILS
    )


_MARKS = frozenset('"\u201c\u201d')


HOW_NOUNS = words(
    """
    statement tweet tweets interview email e-mail letter post posts speech release op-ed
    memo book ad remarks conference briefing message note video podcast column essay
    rally appearance call filing report editorial blog broadcast hearing testimony review
    """
)


# Words that end a name in a headline-cased line: "Senator Says Tax Plan Will Pass" names
# no "Senator Says". Speech verbs as headlines inflect them, irregular pasts and finite
# auxiliaries; never a given name ("Will" and "Hope" can start a name, so only words after
# the first are cut).
HEADLINE_VERBS = (
    (
        inflections(SPEECH_VERBS | XCOMP_VERBS | NAMING_VERBS | words("speak"), ("s", "ed"))
        | words("is was are were will would has had have does did can could should")
    )
    - FEMALE_NAMES
    - MALE_NAMES
)


_ROLE_ENDS = frozenset({"of", "for", "at", "from", "in", "with", "on", "who", "that", ","})


def role_head(role: str) -> str | None:
    """The noun a role is about, which a later "the <noun>" can use: "owner" in "team
    owner", "director" in "executive director of the alliance", "executive" in "the
    company's chief executive"."""
    out: list[str] = []
    for word in role.lower().replace(",", " , ").split():
        if word in _ROLE_ENDS:
            break
        out.append(word)
    if not out:
        return None
    head = out[-1].removesuffix("'s").removesuffix("’s").strip(".")
    if not head.isalpha() or (head in TITLES and head not in ROLE_KEYS) or head in ORG_HEADS:
        return None  # "Dr." is a courtesy, not a role; "the group" is never a person
    return head


def strip_possessive(tokens: list[Token]) -> list[Token]:
    return [t for t in tokens if t.tag_ != "POS" and t.text not in ("'s", "’s", "'", "’")]


# "the father during the hearing", "a witness after the crash": when and where someone
# spoke is no part of who they are
OCCASION_PREPS = frozenset({"during", "after", "before", "following", "amid", "outside"})


def np_tokens(head: Token) -> list[Token]:
    """The head's noun phrase without appositives, relative clauses or trailing punctuation."""
    keep = [head]
    stack = [
        c
        for c in head.children
        if c.dep_ not in DROP_DEPS and not (c.dep_ == "prep" and c.lower_ in OCCASION_PREPS)
    ]
    doc = head.doc
    while stack:
        t = stack.pop()
        keep.append(t)
        # ", who spoke on condition of anonymity" ends the mention even when the parser
        # hangs it on a deeper noun ("an aide to the governor, who ...").
        stack.extend(
            c
            for c in t.children
            if not (
                c.dep_ in ("relcl", "appos", "acl")
                and c.left_edge.i > 0
                and doc[c.left_edge.i - 1].text == ","
            )
        )
    lo, hi = min(t.i for t in keep), max(t.i for t in keep)
    toks = doc_tokens(doc)[lo : hi + 1]
    # '"...," Ana Ruiz, lead author, said': a parse that hangs the quote on the speaker's
    # noun does not make the quote part of the speaker's name
    # (a title in marks inside the phrase stays: 'his "Open Mic" radio show')
    closing = [k for k, t in enumerate(toks) if t.tag_ == "''" and t.i < head.i]
    if closing and not any(t.tag_ == "``" for t in toks[: closing[-1]]):
        toks = toks[closing[-1] + 1 :]
    while toks and (toks[-1].is_punct or toks[-1].tag_ == "POS"):
        toks.pop()
    while toks and toks[0].is_punct:
        toks.pop(0)
    return toks or [head]


def stated_age(t: Token) -> str | None:
    """The age in 'the 31-year-old' (`t` is "old") or 'the 31-year-old winger' (`t` is the
    noun), as written; else None."""
    old = t if t.lower_ == "old" else next((c for c in t.children if c.lower_ == "old"), None)
    if old is None or not (old.i == t.i or old.dep_ == "amod"):
        return None
    for year in old.children:
        if year.lower_ in ("year", "years") and year.i < old.i:
            for num in year.children:
                if num.like_num and num.i < year.i:
                    return num.text
    return None


def describes(lead: list[Token], name: list[Token]) -> bool:
    """A common noun written right before a name says what the person is ("team owner
    Vincent X", "economist Jo Y", "longtime resident Al Z"): a role, as a title would be;
    so does a title the tagger reads as a name ("hospital CEO Jo Y")."""
    last = lead[-1]
    return (
        ((last.pos_ == "NOUN" and last.tag_ == "NN") or bool(TITLE_ROLES.get(last.lower_)))
        and last.i == name[0].i - 1
        and all(t.dep_ in ("compound", "amod", "nmod", "nn") for t in lead)
    )


def title_line(span: Span, text: str) -> bool:
    """The span sits in a headline-like line where most words are capitalised."""
    a = text.rfind("\n", 0, span.start_char) + 1
    b = text.find("\n", span.end_char)
    words = text[a : b if b >= 0 else len(text)].split()
    caps = sum(1 for w in words if w[:1].isupper())
    return len(words) >= 3 and caps >= 0.7 * len(words)


COURTESY_TITLES = {"mr.": "m", "mr": "m", "mrs.": "f", "mrs": "f", "ms.": "f", "ms": "f"}


def title_gender(name: Token) -> str | None:
    """'m' or 'f' when a gendered courtesy title stands right before the name ("Mrs. X")."""
    if name.i == 0:
        return None
    return COURTESY_TITLES.get(doc_tokens(name.doc)[name.i - 1].lower_)


def set_off(noun: Token, name: Token) -> bool:
    """A noun is one person's role when punctuation sets the name off ("the council's
    treasurer, Ana Ruiz") or, run straight into the name, when it is singular ("longtime
    resident Ana Ruiz"); a plural run into a name is a misparse ("close loopholes Ana Ruiz
    used")."""
    return noun.tag_ != "NNS" or punct_between(noun, name)


def punct_between(a: Token, b: Token) -> bool:
    """Punctuation stands between two tokens ("the treasurer, Ana Ruiz")."""
    lo, hi = sorted((a.i, b.i))
    return any(t.is_punct for t in a.doc[lo + 1 : hi])


def middles_agree(a: list[str], b: list[str]) -> bool:
    """Two names with the same first and last word are one person unless both carry a
    middle name or initial and these differ ("Alan P. Marsh" is not "Alan R. Marsh"; "Alan
    Marsh" may be either, and "Alan R. Marsh" is "Alan Robert Marsh")."""
    ma = [w.strip(".").lower() for w in a[1:-1] if w.strip(".")]
    mb = [w.strip(".").lower() for w in b[1:-1] if w.strip(".")]
    if not ma or not mb:
        return True
    return ma[0][0] == mb[0][0] and (len(ma[0]) == 1 or len(mb[0]) == 1 or ma[0] == mb[0])


def span_text(tokens: list[Token]) -> str:
    if not tokens:
        return ""
    first, last = tokens[0], tokens[-1]
    # a line break the tagger kept inside a name ("― Ann Ruiz\n") is not part of it
    return doc_text(first.doc)[first.idx : last.idx + len(last.text)].strip()


def without_det(tokens: list[Token]) -> list[Token]:
    while (
        tokens
        and tokens[0].dep_ in ("det", "poss")
        and tokens[0].lower_
        in (
            "the",
            "a",
            "an",
            "another",
            "one",
        )
    ):
        tokens = tokens[1:]
    return tokens


def how_of(verb: Token) -> str | None:
    """The manner of a statement when the text gives it: "in a statement", "on MSNBC"."""
    for child in verb.children:
        if child.dep_ == "prep" and child.lower_ in ("in", "on", "during", "at", "via"):
            objs = [c for c in child.children if c.dep_ == "pobj"]
            if not objs:
                continue
            obj = objs[0]
            if (
                obj.lemma_.lower() in HOW_NOUNS
                or obj.ent_type_ in ("ORG", "WORK_OF_ART")
                or (child.lower_ == "on" and obj.pos_ == "PROPN")
            ):
                toks = sorted([child, *np_tokens(obj)], key=lambda t: t.i)
                text = span_text(toks)
                nxt = toks[-1].i + 1
                odd = sum(text.count(m) for m in _MARKS) % 2
                if odd and nxt < len(verb.doc) and verb.doc[nxt].text in _MARKS:
                    text = span_text([*toks, verb.doc[nxt]])  # on "Show" keeps its closing mark
                return text
        if child.dep_ in ("dative", "dobj") and verb.lemma_ == "tell":
            return "to " + span_text(np_tokens(child))
    return None
