"""Questions that ask for a side: "who defended the levy?", "did Okafor back the plan?",
"what did the levy's critics say?".

Which side is asked (+1 for, -1 against: the verb families of retrieval/stance.py) goes into
ParsedQuestion.stance and what it is taken on into the topic, so that answers.py ranks the
quotes by side (retrieval/sides.py), not by the topic alone. Apart from questions.py so that
the side grammar reads in one place.
"""

from __future__ import annotations

import re

from retrieval.language.stance import side_words
from retrieval.questions.slots import MEDIUM_NOUN, WHEN, ParsedQuestion, content_words, strip_det
from retrieval.speakers.directory import SpeakerDirectory

__all__ = ["named_side", "side_group", "who_side"]

_SIDE_GROUP = re.compile(
    r"^(?:(?:the|its|their)\s+)?(?:(?P<q1>[^']+?)(?:'s|')\s+)?(?:(?:many|some|other|main|"
    r"fiercest|loudest|biggest|strongest)\s+)?(?P<g>critics|opponents|detractors|skeptics|"
    r"sceptics|naysayers|foes|supporters|backers|proponents|defenders|advocates|champions|"
    r"allies|boosters)(?:\s+(?:of|to)\s+(?P<q2>.+))?$",
    re.I,
)
_FOR_GROUPS = {
    "supporters", "backers", "proponents", "defenders", "advocates", "champions", "allies",
    "boosters",
}  # fmt: skip


def side_group(p: ParsedQuestion) -> None:
    """'What did critics say about the levy?', 'the levy's supporters', 'opponents of the
    bill': everyone on that side of the topic (answers.py ranks by side), not a speaker."""
    m = _SIDE_GROUP.match((p.speaker_phrase or "").strip())
    if m is None:
        return
    topic = strip_det(m.group("q1") or m.group("q2") or p.topic or "")
    if not content_words(topic):
        return
    p.stance = 1 if m.group("g").lower() in _FOR_GROUPS else -1
    p.intent, p.topic, p.anyone = "search", topic, True


def who_side(verb: str, rest: str, body: str, p: ParsedQuestion, d: SpeakerDirectory) -> bool:
    """'who defended the levy?', 'who spoke out against it?', 'who is for the plan?' (a "who"
    question's verb and the words after it): the quotes on the topic that take that side
    (answers.py ranks by side, not topic alone). False when the words take no side."""
    if re.search(r'["\u201c]', body):
        return False  # quoted words are words to find: "who called it 'a giveaway'?"
    side = side_words(verb, rest)
    if side is None or not content_words(side[1]):
        return False
    p.intent, p.verb, p.stance = "who_said", verb.lower(), side[0]
    p.phrase = f"{p.verb} {rest.strip()}"
    p.topic = _side_topic(side[1], p)
    # "who criticised Okafor (on the levy)?": someone other than Okafor
    whom = re.split(r"\s+(?:on|about|over|regarding|for|in)\s+", side[1], maxsplit=1)[0]
    p.exclude = d.resolve(whom)
    return True


def _side_topic(words: str, p: ParsedQuestion) -> str:
    """What a side is taken on: 'the plan to rebuild the pier' whole, less when and where it
    was said ('in a statement' is the medium), and 'X on the levy' is the levy."""
    words = re.sub(r"\s+", " ", WHEN.sub(" ", words)).strip(" ,")
    nm = MEDIUM_NOUN.search(words)
    if nm:
        word = nm.group("m").lower()
        p.medium = "tweet" if word in {"tweet", "tweets", "twitter"} else word
        words = (words[: nm.start()] + words[nm.end() :]).strip(" ,")
    about = re.search(r"(?:^|\s)(?:on|about|over|regarding)\s+(?P<t>.+)$", words, re.I)
    if about and content_words(about.group("t")):
        words = about.group("t")
    return strip_det(words)


def named_side(verb: str, rest: str, p: ParsedQuestion) -> str | None:
    """'Did Okafor defend the levy?': her quotes on the levy, and whether they read as that
    side (answers.py says so). What the side is taken on, when there is one."""
    side = side_words(verb, rest) if rest.strip() else None
    if side is None:
        return None
    p.stance = side[0]
    return side[1]
