"""Plain data shared by the retrieval modules and, through the engine, by the bot."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

QuoteKind = Literal["direct", "mixed", "indirect"]
SpeakerKind = Literal["person", "organization", "group", "unknown"]
Intent = Literal["what_did", "who_said", "who_quoted", "search"]


@dataclass
class Article:
    """A cleaned article ready to index. `text` is what is stored; quotes are substrings of it."""

    text: str
    source_key: str
    title: str | None = None
    url: str | None = None
    source: str | None = None
    published: str | None = None  # YYYY-MM-DD
    # Offsets of the stored text inside the text as read (None for HTML): each entry maps
    # stored[start:end] to raw[raw_start:raw_start + (end - start)].
    spans: list[tuple[int, int, int]] | None = None


@dataclass
class Quote:
    """One statement (or one piece of a split statement) found in an article's text."""

    text: str
    start: int
    end: int
    kind: QuoteKind
    speaker: str | None  # canonical name ("Maria Lopez", "White House", "officials ...")
    speaker_mention: str | None  # as written at the attribution ("Ohio Rep. Maria Lopez", "she")
    cue: str | None  # the speech verb as written ("said", "told", "according to")
    group: int | None = None  # pieces of one split statement share a group
    context_start: int = 0  # the sentence(s) around the quote
    context_end: int = 0
    how: str | None = None  # "in a tweet", "on MSNBC", "in a statement"
    speaker_kind: SpeakerKind = "unknown"


@dataclass
class Speaker:
    """A speaker (or a person merely mentioned) as one entity within one article."""

    name: str  # the fullest name the article gives
    kind: SpeakerKind = "person"
    aliases: list[str] = field(default_factory=list)  # other ways the article names them
    roles: list[str] = field(default_factory=list)  # "spokeswoman", "Utah Rep.", ...
    quoted: bool = False
    mentions: int = 0


@dataclass
class Extraction:
    """Everything quote extraction learns about one article."""

    quotes: list[Quote]
    speakers: list[Speaker]


@dataclass
class ArticleRef:
    id: str
    title: str | None
    url: str | None
    source: str | None
    published: str | None
    # the url opened at the quote (a text fragment); None for file-only articles
    link: str | None = None


@dataclass
class Answer:
    speaker: str | None
    role: str | None
    quote: str
    fragments: list[str]
    kind: QuoteKind
    cue: str | None
    how: str | None
    context: str
    article: ArticleRef
    score: float
    count: int | None = None
    also_in: list[ArticleRef] = field(default_factory=list)  # same words in other articles

    @property
    def manner(self) -> str:
        """How it was said, as a phrase: "said on MSNBC", "told NBC News", "said in a tweet"."""
        how = self.how or ""
        if self.cue and self.cue.lower() in {"told", "tells", "tell"} and how.startswith("to "):
            how = how[3:]  # "told to reporters" reads "told reporters"
        return " ".join(p for p in (self.cue, how) if p)


@dataclass
class AskResult:
    question: str
    intent: Intent
    speakers: list[str]
    abstained: bool
    message: str
    answers: list[Answer]
    topic: str | None = None  # what the question was about, for a follow-up's "it"
    # the publication dates the question asked about ({"from", "to"}, either may be None)
    time: dict[str, str | None] | None = None
    # when nothing matched the time: the quotes closest to it, apart from the answers
    nearest: list[Answer] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out.pop("topic", None)  # not part of the `ask --json` contract
        for a in out["answers"] + out["nearest"]:
            a.pop("also_in", None)
        return out


MAX_SHOWN = 500  # a conversation's memory of shown quotes, bounded


@dataclass
class Context:
    """Conversation state carried between questions (a chat session, a Slack thread)."""

    speakers: list[str] = field(default_factory=list)
    topic: str | None = None
    # (article id, quote) already shown of these speakers, so "what else" keeps moving on
    shown: list[tuple[str, str]] = field(default_factory=list)

    @property
    def focus(self) -> str | None:
        """The one speaker the thread is about ("what else did she say?"): the first of
        `speakers`, which `after` keeps first (stored threads keep the order)."""
        return self.speakers[0] if self.speakers else None

    def after(self, result: AskResult, *, seen: int | None = None) -> Context:
        """The context for the next question: the latest topic; an answer without a speaker
        keeps these speakers; more of the same speakers (or of some of them) adds to what
        they have been shown — the first `seen` answers when only those were put in front of
        the person (a page; see `saw` for the next). When several speakers answer (a shared
        surname), the one the thread was about stays first: the last single speaker named,
        else the first shown."""
        topic = result.topic or self.topic
        if not result.speakers:
            return Context(speakers=self.speakers, topic=topic, shown=self.shown)
        before = self.shown if set(result.speakers) <= set(self.speakers) else []
        shown = result.answers if seen is None else result.answers[:seen]
        new = [(a.article.id, a.quote) for a in shown if a.speaker in result.speakers]
        speakers = list(result.speakers)
        if len(speakers) > 1:
            named = [a.speaker for a in result.answers if a.speaker in speakers]
            focus = self.focus if self.focus in speakers else (named[0] if named else None)
            if focus is not None:
                speakers = [focus, *(n for n in speakers if n != focus)]
        return Context(speakers, topic, (before + new)[-MAX_SHOWN:])

    def saw(self, answers: list[Answer]) -> Context:
        """The same conversation once these answers (a further page) were shown too."""
        new = [(a.article.id, a.quote) for a in answers if a.speaker in self.speakers]
        shown = [pair for pair in self.shown if pair not in new] + new
        return Context(self.speakers, self.topic, shown[-MAX_SHOWN:])


@dataclass
class FileQuote:
    """One quote of `whosaid quotes --jsonl`: offsets into the file's text as read (None for
    HTML, whose cleaned text is not the file's)."""

    text: str
    start: int | None
    end: int | None
    speaker: str | None
    speaker_mention: str | None
    cue: str | None
    kind: str
    group: int | None


@dataclass
class FileExtraction:
    """The quotes of one file or URL extracted without indexing, or why it could not be read."""

    source: str
    quotes: list[FileQuote] = field(default_factory=list)
    error: str | None = None


@dataclass
class ExportRow:
    """One quote of `whosaid export` (a CSV row or a JSON line)."""

    speaker: str
    role: str
    quote: str
    kind: str
    how: str
    article: str
    link: str
    published: str
