"""Which side a quote takes: "who defended the levy?" and "who criticised the levy?" are
different questions about the same topic.

Meaning vectors put a defence and an attack of one thing almost equally close to the
question, so the side is read from words: the question's verb family (defend, praise, back
... against criticise, attack, oppose ...), and for each quote its speech verb, evaluative
words in the quote and around it (a "not" turns the next few words round: "not a giveaway"
defends), phrases aimed at the topic ("voted for the levy", "in support of the levy") and
the sentence that introduces it ("Not everyone was persuaded.").

+1 is for, -1 against, 0 neither. Rules, not a model: fast, predictable, and wrong only in
ways a reader can see (an answer's side is shown as found, never invented).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from retrieval.language.wording import stems

__all__ = [
    "AGAINST",
    "FOR",
    "Lean",
    "aimed",
    "aimed_at",
    "cue_stance",
    "lean",
    "polarity",
    "side_words",
    "verb_stance",
]

FOR = 1
AGAINST = -1

# Verbs that take a side, as a question asks them or an article writes its speech verb: the
# start of the word and the endings it takes ('prais' for praise, praised, praising).
_FOR_STEMS = (
    "defend", "support", "back", "prais", "endors", "welcom", "applaud", "hail", "champion",
    "laud", "commend", "celebrat", "favor", "favour", "advocat", "tout", "cheer", "embrac",
    "salut", "promot",
)  # fmt: skip
_AGAINST_STEMS = (
    "critic", "attack", "oppos", "condemn", "reject", "slam", "blast", "denounc", "decr",
    "lambast", "object", "protest", "fault", "assail", "derid", "mock", "ridicul", "rebuk",
    "dismiss", "disparag", "disput", "fight", "fought", "resist", "complain", "warn",
    "question", "challeng", "scold", "accus",
)  # fmt: skip
_ENDINGS = (
    "", "e", "s", "es", "ed", "d", "ing", "ied", "ies", "y", "med", "ion", "ions", "ition",
    "ism", "ise", "ised", "ising", "ize", "ized", "izing", "al", "ement", "ation", "er", "ers",
)  # fmt: skip
_SIDE_VERB = (
    rf"(?:{'|'.join(_FOR_STEMS + _AGAINST_STEMS)})"
    rf"(?:{'|'.join(sorted(_ENDINGS, key=len, reverse=True))})"
)
_AGAINST_PHRASES = re.compile(
    r"^(?:push(?:ed|es|ing)?|hit(?:s|ting)?|fir(?:e|ed|es|ing))\s+back|"
    r"^t(?:ake|ook|akes)\s+issue",
    re.I,
)
_FOR_PHRASES = re.compile(
    r"^(?:st(?:and|ood|ands)|sid(?:e|ed|es))\s+(?:up\s+)?(?:for|by|with)", re.I
)
# "argued for", "spoke in favour of", "came out against": a side given by a preposition.
_SIDE_PHRASE = re.compile(
    r"^(?:out\s+|up\s+)?(?P<side>in\s+(?:support|favou?r|defen[cs]e)\s+of|"
    r"in\s+opposition\s+to|opposed\s+to|critical\s+of|supportive\s+of|against|for)\s+",
    re.I,
)
# Verbs that take a side only through a preposition ("argued for", "spoke out against")...
_PREP_VERBS = {
    "argued", "argue", "argues", "spoke", "speak", "speaks", "came", "come", "comes",
    "campaigned", "campaign", "pushed", "push", "fought", "fight", "lobbied", "rallied",
    "voted", "vote", "stood", "stand", "is", "was", "are", "were", "weighed", "been", "went",
}  # fmt: skip
# ... of which these take one with a plain "for": "argued for the levy" takes a side, "spoke
# for the hospital" speaks on its behalf.
_FOR_VERBS_PLAIN = {
    "argued", "argue", "argues", "campaigned", "campaign", "pushed", "push", "fought",
    "fight", "lobbied", "rallied", "voted", "vote", "stood", "stand", "is", "was", "are",
    "were",
}  # fmt: skip
_STEM_SIDE = re.compile(rf"^{_SIDE_VERB}$", re.I)


def _stem_side(word: str) -> int:
    w = word.lower()
    if not _STEM_SIDE.match(w):
        return 0
    return FOR if any(w.startswith(st) for st in _FOR_STEMS) else AGAINST


# Evaluative words, as written in news quotes and the sentences around them.
_FOR_WORDS = re.compile(
    r"\b(?:support(?:s|ed|ing|ers?|ive)?|backers?|backing|favou?r(?:s|ed|able)?|"
    r"welcom(?:e|es|ed|ing)|prais(?:e|es|ed|ing)|applaud(?:s|ed|ing)?|hail(?:s|ed)?|"
    r"champion(?:s|ed)?|laud(?:s|ed)?|commend(?:s|ed)?|celebrat(?:e|es|ed|ing)|"
    r"endors(?:e|es|ed|ing|ement)|defend(?:s|ed|ing)?|proud|pleased|glad|delighted|thrilled|"
    r"grateful|great|good|excellent|smart|fair|necessary|essential|vital|victory|"
    r"success(?:ful)?|progress|benefits?|protects?|protected|promise\s+kept|turning\s+point|"
    r"milestone|historic|breakthrough|sensible|reasonable|persuaded|convinced|relief|"
    r"opportunit(?:y|ies)|investment|win(?:s|ning)?|worth\s+it|beautiful|wonderful|"
    r"amazing|terrific|fantastic|love[ds]?|confidence|trust(?:ed|s)?)\b",
    re.I,
)
_AGAINST_WORDS = re.compile(
    r"\b(?:oppos(?:e|es|ed|ing|ition)|opponents?|critics?|critical|critici[sz](?:e|es|ed|ing)|"
    r"criticism|reject(?:s|ed|ing)?|condemn(?:s|ed|ing)?|denounc(?:e|es|ed|ing)|"
    r"slam(?:s|med)?|blast(?:s|ed)?|attack(?:s|ed|ing)?|object(?:s|ed|ion|ions)|"
    r"decr(?:y|ies|ied)|lambast(?:e|es|ed)|warn(?:s|ed|ing)?|worr(?:y|ies|ied)|worrying|"
    r"concerns?|concerned|fears?|feared|harm(?:s|ful)?|hurts?|damag(?:e|es|ing)|"
    r"burdens?|hardest|unfair|unjust|wrong|mistakes?|bad|terrible|disast(?:er|rous)|"
    r"reckless|irresponsible|wast(?:e|eful)|giveaway|boondoggle|handout|scam|sham|"
    r"outrage(?:ous)?|ridiculous|absurd|dangerous|costly|unaffordable|skeptic(?:s|al)?|"
    r"sceptic(?:s|al)?|doubts?|doubtful|disappoint(?:ed|ing)|troubling|alarming|flawed|"
    r"misguided|short-?sighted|dismiss(?:es|ed)|disputed?|blank\s+check|gift\s+to|awful|"
    r"horrible|ugly|hate[ds]?|misleading|dishonest|lie[ds]?|lying)\b",
    re.I,
)
_NEGATION = re.compile(
    r"\b(?:not|never|no|nobody|nothing|hardly|neither|nor|without|cannot)\b|n't\b", re.I
)
# A "not" turns round a word at most this many words on: "not a giveaway", "Not everyone was
# persuaded", but not "won't vote for a blank check" (the object of a verb it negates).
_NEGATION_REACH = 3
# A side aimed at something: "voted for the levy", "in support of the levy", "dismissed
# the proposal" (any side-taking verb), "opposed to it".
_AIMED = re.compile(
    r"\b(?P<side>(?:vot(?:e|ed|es|ing)|argu(?:e|ed|es|ing)|campaign(?:s|ed|ing)?|"
    r"lobb(?:y|ied|ies|ying)|push(?:ed|es|ing)?|rall(?:y|ied|ies|ying)|spoke|speak(?:s|ing)?|"
    r"call(?:s|ed|ing)?)\s+for|in\s+(?:support|favou?r|defen[cs]e)\s+of|supportive\s+of|"
    r"against|in\s+opposition\s+to|opposition\s+to|opposed\s+to|critical\s+of|"
    rf"{_SIDE_VERB})"
    r"\s+(?P<obj>(?:[\w'\-$]+\s+){0,5}[\w'\-$]+)",
    re.I,
)


def _aimed_side(words: str) -> int:
    w = words.lower()
    if re.match(r"against|in\s+opp|opposition|opposed|critical", w):
        return AGAINST
    if re.match(r"\w+\s+for|in\s|supportive", w):
        return FOR
    return _stem_side(w)


# Weights: the speech verb and words aimed at the topic say most; the introducing sentence
# least (it may speak of someone else).
W_CUE = 1.5
W_AIMED = 2.0
W_QUOTE = 1.0
W_LEAD = 1.0  # the attribution before the quote: "X hailed the project, saying ..."
W_CONTEXT = 0.7  # the rest of its sentence
W_BEFORE = 1.0  # a short sentence introducing a side: "Not everyone was persuaded."
W_BEFORE_LONG = 0.3  # a longer one is mostly about something else
TRANSITION_WORDS = 8


def verb_stance(verb: str) -> int:
    """The side a question's verb asks for: 'defended' +1, 'criticised' -1, 'said' 0."""
    v = re.sub(r"\s+", " ", verb.strip().lower())
    if _AGAINST_PHRASES.match(v):
        return AGAINST
    if _FOR_PHRASES.match(v):
        return FOR
    return _stem_side(v.split(" ", 1)[0]) if v else 0


_BE = {"is", "are", "was", "were", "has", "have", "had", "been"}
_CONTENT_CLAUSE = re.compile(r"^(?:that|whether|if|how|what|why|when)\b", re.I)


def side_words(verb: str, rest: str) -> tuple[int, str] | None:
    """A question's side and what it is taken on: ('argued', 'against the levy') gives
    (-1, 'the levy'); ('defended', 'the levy') (+1, 'the levy'); ('pushed', 'back on the
    levy') (-1, 'the levy'). None when the words take no side."""
    rest = rest.strip()
    ing = re.match(r"^(?:been\s+)?(?P<v>[a-z]+ing)\b\s*(?P<rest>.*)$", rest, re.I)
    if verb.lower() in _BE and ing and verb_stance(ing.group("v")):
        verb, rest = ing.group("v"), ing.group("rest")  # "who is backing the plan?"
    if _CONTENT_CLAUSE.match(rest):
        return None  # "who warned that the bridge could fail?" asks for words said
    whole = f"{verb} {rest}"
    side = verb_stance(whole)
    m = _SIDE_PHRASE.match(rest + " ")
    word = m.group("side").lower() if m else ""
    plain_for = word == "for" and not rest.lower().startswith("out")
    if m and (verb.lower() in _PREP_VERBS or side == 0):
        if plain_for and verb.lower() not in _FOR_VERBS_PLAIN:
            return None  # "spoke for the hospital" is on its behalf, not a side
        side = AGAINST if re.match(r"against|in\s+opp|opposed|critical", word) else FOR
        rest = rest[m.end() :]
    elif m and word != "for":
        rest = rest[m.end() :]  # "warned against the merger": the verb's side, on the merger
    elif side and (_AGAINST_PHRASES.match(whole) or _FOR_PHRASES.match(whole)):
        rest = re.sub(r"^(?:back|issue|up)?\s*(?:on|with|against|at|to|for|by)?\s+", "", f"{rest} ")
    rest = rest.strip()
    return (side, rest) if side and rest else None


def cue_stance(cue: str | None) -> int:
    """The side a speech verb takes ('praised' +1, 'warned' -1); most take none ('said')."""
    return verb_stance(cue) if cue else 0


_CONTRAST = re.compile(r"\b(?:but|however|yet|although|though)\b", re.I)
CONCEDED = 0.5  # "They're good people, but ...": what comes before a "but" counts half


def _word_score(text: str) -> float:
    """Evaluative words, for minus against; a negation turns the next few words round; the
    words before a 'but' count half (the point comes after it)."""
    if not text:
        return 0.0
    cut = [m.start() for m in _CONTRAST.finditer(text)]
    if cut:
        return CONCEDED * _words(text[: cut[-1]]) + _words(text[cut[-1] :])
    return _words(text)


def _words(text: str) -> float:
    negs = [m.end() for m in _NEGATION.finditer(text)]
    score = 0.0
    for pattern, sign in ((_FOR_WORDS, 1.0), (_AGAINST_WORDS, -1.0)):
        for m in pattern.finditer(text):
            flip = any(
                m.start() - end >= 0 and len(text[end : m.start()].split()) < _NEGATION_REACH
                for end in negs
            )
            score += -sign if flip else sign
    return score


def aimed(text: str) -> tuple[tuple[int, frozenset[str]], ...]:
    """Sides aimed at something in the text, each with the stems of what it is aimed at:
    'voted for the levy', 'opposed public money for the stadium'."""
    return tuple(
        (_aimed_side(m.group("side")), frozenset(stems(_target(m.group("obj")))))
        for m in _AIMED.finditer(text)
    )


_NOT_GERUNDS = {"during", "including", "regarding", "concerning", "according", "following"}


def _target(words: str) -> str:
    """What a side is aimed at: "supports Sessions' decision" is aimed at the decision and
    "supports Sessions recusing himself" at an event, neither at Sessions."""
    out: list[str] = []
    for i, w in enumerate(words.split()):
        if w.endswith(("'s", "'", "\u2019s", "\u2019")):
            out = []  # the thing of theirs is the target
            continue
        low = w.lower()
        if i and low.endswith("ing") and low not in _NOT_GERUNDS:
            return ""  # an event: "X recusing himself"
        out.append(w)
    return " ".join(out)


def aimed_at(found: Iterable[tuple[int, frozenset[str]]], topic: set[str]) -> float:
    """-1..1: the sides in `aimed(...)` whose object shares a word with the topic."""
    score = sum(side for side, obj in found if obj & topic)
    return W_AIMED * max(-1.0, min(1.0, score))


@dataclass(frozen=True)
class Lean:
    """A quote's side before the topic is known (cacheable per quote): what its words say,
    the sides it aims at things, and its speech verb's side with what that verb is aimed at
    (the quote itself: "criticized | the parking plan")."""

    words: float
    aims: tuple[tuple[int, frozenset[str]], ...]
    cue: int = 0
    cue_object: frozenset[str] | None = None  # None: a verb of manner ("warned that ...")

    def on(self, topic: set[str]) -> float:
        """How far the quote is for (> 0) or against (< 0) the topic."""
        cue = W_CUE * self.cue
        if self.cue_object is not None and not self.cue_object & topic:
            cue *= OFF_TARGET  # "accused lawmakers of ...": a side on them, not on the topic
        return self.words + cue + aimed_at(self.aims, topic)


# A verb aimed at something else than the topic keeps this share of its side.
OFF_TARGET = 0.2
# Speech verbs of manner: their side is the side of what is said ("warned that ...").
_MANNER_STEMS = ("warn", "complain", "object", "protest", "question", "cheer", "celebrat", "tout")


def lean(quote: str, context: str, before: str, cue: str | None) -> Lean:
    """A quote's lean from its speech verb, its words, the words around it (the attribution
    before it in full, the rest of its sentence less) and the sentence before (in full when
    short, a transition: "Others welcomed the project."; else mostly about something else)."""
    at = context.find(quote) if quote else -1
    lead, tail = (context[:at], context[at + len(quote) :]) if at >= 0 else ("", context)
    transition = len(before.split()) <= TRANSITION_WORDS
    words = (
        W_QUOTE * _word_score(quote)
        + W_LEAD * _word_score(lead)
        + W_CONTEXT * _word_score(tail)
        + (W_BEFORE if transition else W_BEFORE_LONG) * _word_score(before)
    )
    side = cue_stance(cue)
    manner = cue is not None and cue.lower().startswith(_MANNER_STEMS)
    target = None if manner or not side else frozenset(stems(_target(quote)))
    return Lean(words, aimed(f"{before} {context}" if transition else context), side, target)


def polarity(quote: str, context: str, before: str, cue: str | None, topic: Iterable[str]) -> float:
    """How far a quote is for (> 0) or against (< 0) a topic (see `lean`)."""
    return lean(quote, context, before, cue).on(set(topic))
