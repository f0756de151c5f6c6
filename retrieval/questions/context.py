"""What the conversation gives a question: "about it" is the topic asked before, "he" is the
speaker the thread is about, and a question that names nobody ("did anyone mention X?") asks
the topic of every speaker (leaving out who was just shown, for "anyone else"). Apart from
questions.py, which reads the question's own words.
"""

from __future__ import annotations

import re

from retrieval.questions.slots import ParsedQuestion, is_category, strip_det
from retrieval.speakers.directory import SpeakerDirectory
from retrieval.types import Context

__all__ = ["ask_everyone", "earlier_topic", "thread_speakers"]


# "about it", "mention that": a topic the conversation already named
_TOPIC_PRONOUN = re.compile(
    r"\b(?P<lead>about|on|regarding|mention(?:ed|s)?|discuss(?:ed|es)?|address(?:ed|es)?|"
    r"bring\s+up|brought\s+up|against|for|defend(?:ed|s)?|support(?:ed|s)?|back(?:ed|s)?|"
    r"prais(?:e|ed|es)|criti(?:ci[sz](?:e|ed|es))|oppos(?:e|ed|es)|attack(?:ed|s)?|"
    r"welcom(?:e|ed|es)|reject(?:ed|s)?|condemn(?:ed|s)?)\s+"
    r"(?:it|that|this|them|those|these|the\s+(?:issue|matter|topic))$",
    re.I,
)


def earlier_topic(body: str, context: Context | None) -> str:
    """'What did Ruiz say about it?' after a question about the levy asks about the levy."""
    if context is None or not context.topic:
        return body
    return _TOPIC_PRONOUN.sub(lambda m: f"{m.group('lead')} {context.topic}", body)


_ONE_PERSON = {"he", "she", "him", "her", "his", "hers", "it", "this person"}


def thread_speakers(phrase: str | None, context: Context) -> list[str]:
    """'What else did he say?' after several people sharing a surname continues with the one
    the thread is about (Context.focus); 'they' or no pronoun keeps them all."""
    if (phrase or "").lower() in _ONE_PERSON and context.focus is not None:
        return [context.focus]
    return list(context.speakers)


def ask_everyone(p: ParsedQuestion, d: SpeakerDirectory, context: Context | None) -> ParsedQuestion:
    """Nobody in particular was named: the topic over every speaker, else who was quoted."""
    p.speakers, p.unresolved, p.follow_up = [], None, False
    if p.topic is None and p.speaker_phrase and is_category(p.speaker_phrase):
        p.topic = strip_det(p.speaker_phrase)  # "what did the nurses say?"
    p.intent = "search" if p.topic else "who_quoted"
    topic = p.topic or ""
    hits = d.scan(topic)
    if len(hits) == 1 and (hits[0][0], hits[0][1]) == (0, len(topic)):
        p.exclude = hits[0][2]  # "what did people say about Okafor?": not Okafor's own words
    if context is not None and re.search(r"\b(?:else|other)", p.speaker_phrase or ""):
        p.exclude = [*p.exclude, *context.speakers]  # "did anyone else ...?"
    return p
