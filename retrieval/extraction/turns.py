"""Speaker turns: words that belong to whoever a label names, written without quote marks.

Transcripts label each turn with the speaker's name in capitals, often with a title, a job or
a party ("GRAHAM: Thank you.", "JAKE TAPPER, CNN ANCHOR: Good morning ...", "SEN. AMY X
(D), MINNESOTA: ..."); a turn runs over its paragraphs until the next label, and a web page
may run two turns into one line ("... about?    RICE: Well ..."). Interviews come as Q:/A:
lines (the answers are the interviewee's), or with the interviewer's name before each
question and the answers unlabelled. A headline may be a "Name: claim" label of one line.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from retrieval.language.people import TITLES, words

# A label in capitals: the name, then maybe ", ROLE" or "(PARTY-STATE)", then a colon.
_UPPER_LABEL = re.compile(r"(?m)(^|[ \t]{2,})[ \t]*([A-Z][^\n:a-z]{0,80}?)[ \t]*:[ \t]+(?=\S)")
# A full label ("NAME SURNAME, ROLE:") a page ran into the line before, after a finished
# sentence and one space: "... live from Charleston - Art. ART X, CNN CORRESPONDENT: Wolf, ...".
_INLINE_LABEL = re.compile(
    r"(?<=[a-z0-9][.?!] )()"  # after a finished sentence in small letters
    r"([A-Z][A-Z.'\-]*(?: [A-Z][A-Z.'\-]*)+, [A-Z][^\n:a-z]{0,60}?)[ \t]*:[ \t]+(?=\S)"
)
# A label alone on its line, the words from the next line on ("SALES:\n\nWhose fault ...").
_LINE_LABEL = re.compile(r"(?m)^[ \t]*()([A-Z][^\n:a-z]{0,80}?)[ \t]*:[ \t]*\n\s*(?=\S)")
_QA_LABEL = re.compile(r"(?m)^[ \t]*(Q|A|Question|Answer)[ \t]*[:.][ \t]+(?=\S)")
# A reporter's question in a briefing or press-conference transcript: "Q. How ...?",
# "Q    Thanks, Josh." (the asker unnamed); it ends the turn before it.
_QUESTION_LINE = re.compile(r"(?m)^[ \t]*Q(?:[ \t]*[:.][ \t]*|[ \t]{2,}|\t)(?=\S)")
NOT_LABELS = words(
    "update updated note editor related image photo source read watch listen correction video "
    "clarification disclosure caption credit advertisement date aired transcript breaking "
    "exclusive live analysis opinion warning"
)
_SENTENCE_END = tuple('.?!"\u201d\u2019)')
_OPENING_MARKS = frozenset('"\u201c')
_CLOSING_MARKS = frozenset('"\u201d')


@dataclass
class Turn:
    """One speaker's words: `name` is the label as written (None for an unlabelled answer,
    whose speaker is the interviewee), start/end the words' offsets."""

    name: str | None
    name_at: int  # offset of the label's name (or of the answer)
    start: int
    end: int
    role: str | None = None  # what the label says the speaker is: "CNN anchor"


def _label_name(label: str) -> str | None:
    """The name in a label in capitals ("REP. KEVIN X (R-CA)" -> "REP. KEVIN X"), or None
    when the label is no name: furniture ("UPDATED"), a time, a lone title."""
    name = re.split(r"[,(]", label)[0].strip()
    parts = name.split()
    if not 1 <= len(parts) <= 5 or not all(p[:1].isalpha() for p in parts):
        return None
    if parts[0].lower().rstrip(".") in NOT_LABELS:
        return None
    if not any(len(p.strip(".")) > 1 and p.lower() not in TITLES for p in parts):
        return None
    return name


def _label_role(label: str) -> str | None:
    """The job a label gives after the name ("JAKE X, CNN ANCHOR" -> "CNN anchor"), in
    small letters but for short words, which are most often initials (a party and a state
    in brackets, "(D), MINNESOTA", are no job)."""
    role = label.partition(",")[2]
    role = role.strip()
    if not role or "(" in label or not any(c.isalpha() for c in role):
        return None
    return " ".join(w if len(w) <= 3 else w.lower() for w in role.split())


def written_case(name: str, text: str) -> str:
    """A name from labels in capitals as the text writes it elsewhere ("MCCARTHY" ->
    "McCarthy"), else with capital initials ("DAVID O'NEIL" -> "David O'Neil")."""
    out = []
    for word in name.split():
        seen = (
            m.group(0)
            for m in re.finditer(r"(?<!\w)" + re.escape(word) + r"(?!\w)", text, re.IGNORECASE)
            if not m.group(0).isupper()
        )
        out.append(
            next(seen, None) or re.sub(r"[^\W\d_]+", lambda m: m.group(0).capitalize(), word)
        )
    return " ".join(out)


def _boundaries(text: str) -> list[int]:
    """Starts of lines with no small letters ("(END VIDEO CLIP)", "[18:00:36]", "BREAK IN
    TRANSCRIPT"): a turn never runs over them."""
    out = []
    for m in re.finditer(r"(?m)^[ \t]*(\S[^\n]*)$", text):
        line = m.group(1)
        if not any(c.islower() for c in line) and not _UPPER_LABEL.match(line):
            out.append(m.start(1))
    return out


def _end(text: str, start: int, stops: list[int]) -> int:
    end = min((s for s in stops if s > start), default=len(text))
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


def transcript_turns(text: str) -> list[Turn]:
    """Turns under labels in capitals: at least two of them make a transcript."""
    found = []
    matches = sorted(
        [*_UPPER_LABEL.finditer(text), *_INLINE_LABEL.finditer(text)], key=lambda m: m.start(2)
    )
    for m in [*matches, *_line_labels(text)]:
        if m.group(1) and not text[: m.start()].rstrip().endswith(_SENTENCE_END):
            continue  # a label inside a line follows a finished sentence
        name = _label_name(m.group(2))
        line_end = text.find("\n", m.end())
        said = text[m.end() : line_end if line_end >= 0 else len(text)]
        if name is not None and any(c.islower() for c in said):  # not a headline in capitals
            found.append((m.start(2), name, m.end(), _label_role(m.group(2))))
    found.sort()
    if len(found) < 2:
        return []
    asked = {m.start() for m in _QUESTION_LINE.finditer(text)}
    stops = sorted({f[0] for f in found} | set(_boundaries(text)) | asked)
    return [
        Turn(name, at, *_in_marks(text, start, _end(text, start, stops)), role)
        for at, name, start, role in found
    ]


def _line_labels(text: str) -> list[re.Match[str]]:
    """Labels alone on their lines, when they read as a conversation: two speakers or more,
    and one of them speaking again (capitalised headings of an article repeat none)."""
    found = [m for m in _LINE_LABEL.finditer(text) if _label_name(m.group(2)) is not None]
    names = Counter(_label_name(m.group(2)) for m in found)
    if len(names) < 2 or max(names.values()) < 2:
        return []
    return found


def _in_marks(text: str, start: int, end: int) -> tuple[int, int]:
    """'JL: “Not today.”' then 'Ross walks off.': a turn written inside quote marks is
    the words inside them, and a line after the closing mark that opens with none is the
    transcript's narration, not the speaker's. Turns of several quoted paragraphs stay."""
    if text[start : start + 1] not in _OPENING_MARKS:
        return start, end
    line_end = text.find("\n", start, end)
    first = text[start : line_end if line_end >= 0 else end].rstrip()
    if (
        len(first) < 3
        or first[-1] not in _CLOSING_MARKS
        or any(c in _OPENING_MARKS or c in _CLOSING_MARKS for c in first[1:-1])
    ):
        return start, end
    rest = [p.strip() for p in text[start + len(first) : end].split("\n") if p.strip()]
    if rest and all(p[0] in _OPENING_MARKS for p in rest):
        return start, end
    return start + 1, start + len(first) - 1


def qa_turns(text: str) -> list[Turn]:
    """The answers of a Q:/A: interview (the questions' asker is rarely named)."""
    found = [(m.group(1)[0], m.start(1), m.end()) for m in _QA_LABEL.finditer(text)]
    if not {"Q", "A"} <= {k for k, _, _ in found}:
        return []
    stops = sorted({a for _, a, _ in found} | set(_boundaries(text)))
    return [Turn(None, at, start, _end(text, start, stops)) for k, at, start in found if k == "A"]


def question_lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of each "Q:" line of an interview whose answers carry no label: two or
    more questions and no "A:" line at all."""
    found = list(_QA_LABEL.finditer(text))
    if any(m.group(1)[0] == "A" for m in found):
        return []
    lines = []
    for m in found:
        end = text.find("\n", m.end())
        lines.append((m.start(1), end if end >= 0 else len(text)))
    return lines if len(lines) >= 2 else []


def unlabelled_answers(text: str, questions: list[tuple[int, int]]) -> list[Turn]:
    """Interviews that name the interviewer before each question, (start, end) of each
    labelled paragraph: the unlabelled paragraphs after a question, up to the next label,
    are the interviewee's answer; an editor's note in brackets splits it."""
    out: list[Turn] = []
    starts = sorted(text.rfind("\n", 0, a) + 1 for a, _ in questions)  # the label lines
    for a, b in questions:
        if "?" not in text[a:b]:
            continue
        stop = min((s for s in starts if s > b), default=len(text))
        run: tuple[int, int] | None = None
        for m in re.finditer(r"(?m)^[ \t]*(\S[^\n]*?)[ \t]*$", text[:stop]):
            if m.start() <= b:
                continue
            line = m.group(1)
            note = line.startswith("[") and line.endswith("]")
            if note or not any(c.islower() for c in line):
                if run:
                    out.append(Turn(None, run[0], run[0], run[1]))
                run = None
                continue
            run = (run[0] if run else m.start(1), m.end(1))
        if run:
            out.append(Turn(None, run[0], run[0], run[1]))
    return out


# An embedded post signed on the line after it: "— Ana Ruiz (@anaruiz) May 3, 2024".
_SIGNATURE = re.compile(
    r"(?m)^[ \t]*[\u2014\u2013-]+[ \t]*([A-Z][^\n(@]{1,60}?)[ \t]*\(@\w+\)[^\n]*$"
)
# A post's trailing link to its picture or to itself is no part of what was said.
_POST_LINK = re.compile(r"\s*(?:pic\.twitter\.com/|https?://t\.co/)\S*\s*$")


def signed_posts(text: str) -> list[Turn]:
    """Posts embedded in a page, each signed with its author's name and handle on the line
    after it: the line before the signature is the author's, without its trailing link."""
    out = []
    for m in _SIGNATURE.finditer(text):
        end = text.rfind("\n", 0, m.start())
        while end > 0 and text[end - 1] in " \t\n":
            end -= 1
        start = text.rfind("\n", 0, end) + 1
        link = _POST_LINK.search(text, start, end)
        if link is not None:
            end = link.start()
        if end - start > 1:
            out.append(Turn(m.group(1).strip(), m.start(1), start, end))
    return out
