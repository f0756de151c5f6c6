"""What surrounds a question: greetings, politeness, typos, a question inside a sentence.

People type to a bot the way they talk ("hey bot, can you tell me what the mayor said,
thanks!"). These rules peel that off before retrieval.questions.parsing reads the question itself,
and recognise a message that asks nothing at all ("thanks!", "hi").
"""

from __future__ import annotations

import re

__all__ = ["chatter_reply", "fix_typos", "is_chatter", "question_core"]

_CHATTER = re.compile(
    r"^(?:(?:thanks?|thank\s+you|thx|ty|cheers|hi|hello|hey|yo|ok(?:ay)?|cool|great|nice|"
    r"awesome|perfect|got\s+it|good\s+(?:morning|afternoon|evening|night)|bye|goodbye|lol|"
    r"haha|hmm+|yes|no|yeah|nope|sure|help|never\s*mind|that(?:'s|\s+is|\s+was)\s+"
    r"(?:helpful|great|perfect|useful|it|all|fine|good)|that\s+helps|(?:much\s+)?appreciated|"
    r"appreciate\s+it|well\s+done|good\s+(?:job|bot))\b[\s,!.]*)+"
    r"(?:bot|whosaid|@whosaid|a\s+lot|again|very\s+much|so\s+much|there|all|guys|everyone|"
    r"man|mate)?[\s,!.]*$",
    re.I,
)

_LEAD_CHATTER = re.compile(
    r"^(?:(?:(?:hey|hi|hello)(?:\s+there)?|yo|ok(?:ay)?|so|um+|uh+|well|quick\s+question|"
    r"question|@?whosaid|bot)\b[\s,:;!.\-]*)+",
    re.I,
)

_POLITE = re.compile(
    r"^(?:(?:(?:can|could|would|will)\s+you\s+|please\s+|pls\s+|plz\s+)+)"
    r"(?=(?:tell|show|give|find|get|list|let|check|look|see)\b)",
    re.I,
)

_LEAD_IN = re.compile(
    r"^(?:is\s+it\s+true|is\s+it\s+right|did\s+i\s+hear\s+right|i\s+heard|i\s+read|"
    r"apparently|supposedly|so\s+i\s+heard)\s*(?:that\s+|,\s*)?(?=\S)|"
    r"^(?:summari[sz]e|recap|explain|describe|list|give\s+me|show\s+me|remind\s+me(?:\s+of)?)"
    r"\s+(?=(?:what|who|how)\b)",
    re.I,
)

# "do you know who said X?", "any idea what Y said?": the question is what follows
_DO_YOU_KNOW = re.compile(
    r"^(?:(?:do|does|did)\s+(?:you|anyone|anybody|someone|somebody)\s+(?:know|remember|recall)|"
    r"(?:have\s+you\s+)?any\s+idea|i\s+(?:wonder|am\s+wondering|was\s+wondering))\s+"
    r"(?=(?:what|who|which|how|whether|if)\b)",
    re.I,
)
# "who's the one who said X?", "who was it that said X?": who said X
_WHO_CLEFT = re.compile(
    r"^who(?:'s|\s+is|\s+was)\s+(?:the\s+(?:one|person|guy|woman|man|official)|it)\s+"
    r"(?:who|that)\s+",
    re.I,
)

_POLITE_TAIL = re.compile(
    r"[\s,]+(?:please|pls|plz|thanks|thank\s+you|thx|for\s+me)(?:[\s,!.?]+|$)$", re.I
)

_EMBEDDED = re.compile(
    r"\b(?:wonder(?:ing|ed)?|know|curious(?:\s+about)?|tell\s+me|ask(?:ing)?|find\s+out|"
    r"check|see|remind\s+me|recall|remember|understand|learn)\s+"
    r"(?P<q>(?:what|who|how|whether|if)\b.+)$",
    re.I,
)

# A question after a preamble: "I was reading the paper over coffee, what did Odum say?"
_AFTER_PREAMBLE = re.compile(
    r"[,.;:!?]\s+(?:(?:and|so|but)\s+)?(?P<q>(?:what|who|which|how|why|when|did|does|has|have|"
    r"was|were)\b\s+\S.+)$",
    re.I,
)
# A scope said first: "in the fire stories, ...", "from the stadium article: ..."
_LEAD_SCOPE = re.compile(
    r"^(?P<scope>(?:in|from|across)\s+(?:the|this|that|these|those)\s+[^,;:?]{1,60}?\s+"
    r"(?:articles?|stor(?:y|ies)|pieces?|reports?|coverage))\s*[,;:]\s*(?=\S)",
    re.I,
)

# Typed fast: misspelt question words (names are matched leniently by the directory).
_TYPOS = {
    "wat": "what", "waht": "what", "whta": "what", "hwat": "what", "wht": "what",
    "whut": "what", "wut": "what", "whats": "what is", "wats": "what is", "hwo": "who",
    "woh": "who", "whos": "who is", "abuot": "about", "abotu": "about", "abt": "about",
    "bout": "about", "baout": "about", "aobut": "about", "sya": "say", "siad": "said",
    "sayd": "said", "ddi": "did", "didd": "did", "teh": "the", "hte": "the",
}  # fmt: skip


def chatter_reply(text: str) -> str:
    """A short reply to a message that asks nothing ('thanks!', 'hi')."""
    low = text.lower()
    if re.search(r"\b(?:thank|thanks|thx|ty|cheers|appreciate|helpful|helps|great|perfect)", low):
        lead = "You're welcome!"
    elif re.search(r"\b(?:bye|goodbye|good\s+night)\b", low):
        lead = "Bye!"
    elif re.search(r"\b(?:hi|hello|hey|yo|morning|afternoon|evening)\b", low):
        lead = "Hi!"
    else:
        lead = ""
    tip = "Ask me who said what, for example: what did the mayor say?"
    return f"{lead} {tip}".strip()


def fix_typos(text: str) -> str:
    """Misspelt question words put right; names are left to the directory's lenient match."""
    return re.sub(
        r"[^\W\d_]+", lambda m: _TYPOS.get(m.group().lower(), m.group()), text, flags=re.U
    )


def question_core(text: str) -> str:
    """The question inside the chatter: 'hey bot, can you tell me what X said, please?'."""
    text = _LEAD_CHATTER.sub("", text).strip(" ,")
    text = _POLITE.sub("", text).strip()
    text = _LEAD_IN.sub("", text).strip()
    text = _DO_YOU_KNOW.sub("", text).strip()
    text = _WHO_CLEFT.sub("who ", text).strip()
    for _ in range(2):
        text = _POLITE_TAIL.sub("", text).strip(" ,")
    text = re.sub(
        r"^(anyone|anybody|someone|somebody|everyone|everybody)\b", r"did \1", text, flags=re.I
    )
    scope = _LEAD_SCOPE.match(text)
    if scope:  # "in the fire stories, what did the chief say?": the scope goes last
        text = f"{text[scope.end() :]} {scope.group('scope')}"
    if not re.match(r"^(?:what|who|which|how|did|does|do|has|have|is|was|were)\b", text, re.I):
        m = _EMBEDDED.search(text) or _AFTER_PREAMBLE.search(text)
        if m:
            text = m.group("q")
    return text


def is_chatter(text: str) -> bool:
    """A message that asks nothing: thanks, greetings, 'ok', 'help'."""
    return _CHATTER.match(text) is not None
