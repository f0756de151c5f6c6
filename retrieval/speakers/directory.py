"""The speakers a question can name: every known name, alias and role, matched leniently.

Built from the index's speakers, so "Sen. Cruz", "cruz", "Cruz's" and "Cruzz" all find Ted
Cruz, "the spokeswoman" finds whoever the articles call that, and "Johnson" finds every
Johnson. Matching is rules plus difflib for small typos; no model, no new package.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, cast

from retrieval.language.people import (
    DETERMINERS,
    NAME_SUFFIXES,
    ORG_HEADS,
    ORG_NAME_TAILS,
    PRONOUNS,
    TITLE_ROLES,
    words,
)
from retrieval.language.tokens import STOP_WORDS, WORD, fold, tokens
from retrieval.types import SpeakerKind

_KINDS = {"person", "organization", "group", "unknown"}
# A bare surname goes to one person when they are named in this many articles at least and
# in DOMINANT_RATIO times as many as anyone else of that name.
DOMINANT_MIN = 4
DOMINANT_RATIO = 4


@dataclass(frozen=True)
class DirectoryEntry:
    """One known speaker (or mentioned person) and every way the articles name them."""

    name: str
    kind: SpeakerKind = "person"
    aliases: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    quoted: bool = True
    reach: int = 0  # articles that name them (0: not known)


_ROLE_SHORT = {"ceo": ("chief", "executive"), "coo": ("chief", "operating", "officer")}
# Roles whose holders speak for the body named before them ("White House spokesperson").
_SPEAKING_ROLES = words("spokesperson spokesman spokeswoman spokespeople secretary representative")


def _role_word(word: str) -> str:
    """A title as the word a role would use: 'sen' -> 'senator', 'gov.' -> 'governor'.

    'Councilwoman' stays itself: the shorter word would also match 'Councilman'.
    """
    full = TITLE_ROLES.get(word) or TITLE_ROLES.get(word + ".") or word
    return word if word.startswith(full) else full


def _role_tokens(role: str) -> tuple[str, ...]:
    return tuple(_role_word(t.rstrip(".")) for t in tokens(role))


# A role's head ends where what it is of begins: 'spokeswoman for the Sheriff's Department'
# is a spokeswoman, 'analyst at BGC Partners' an analyst, neither a department nor partners.
_ROLE_PREPOSITIONS = ("of", "for", "at", "with")


def _split_role(rt: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A role's tokens as (head, what it is of): ('analyst',), ('bgc', 'partners')."""
    for i, t in enumerate(rt[1:-1], start=1):
        if t in _ROLE_PREPOSITIONS:
            head = tuple(x for x in rt[:i] if x not in DETERMINERS)
            return head, tuple(x for x in rt[i + 1 :] if x not in DETERMINERS)
    return rt, ()


def _key(text: str) -> str:
    return " ".join(t.rstrip(".") for t in tokens(text))


_ROLE_OF = re.compile(
    r"^(?:(?:the|a|an)\s+)?(?P<head>[^\W\d_][\w\-]*(?:\s+[^\W\d_][\w\-]*){0,2}?)\s+"
    r"(?:of|for|at|with)\s+(?P<q>.+)$",
    re.I,
)
_ROLE_PLACE = re.compile(r"\s+(in|at|from)\s+", re.I)
_ROLE_POSSESSIVE = re.compile(r"^(?:the\s+)?(?P<q>.+?)(?:'s|(?<=s)')\s+(?P<head>[^']+)$", re.I)


def role_parts(phrase: str) -> tuple[str, str, bool] | None:
    """A role and what qualifies it, however it is worded: 'owner of the Herons', "the
    Herons' owner" and 'Herons owner' all give ('owner', 'Herons'); 'spokesman for the
    governor' ('spokesman', 'governor'). The flag says the qualifier came after a
    preposition (then it must fit: 'the governor of Texas' is no other governor)."""
    text = fold(phrase).strip()
    m = _ROLE_OF.match(text)
    if m:
        q = re.sub(r"^(?:the|a|an)\s+", "", m.group("q").strip(), flags=re.I)
        return (m.group("head"), q, True) if q else None
    m = _ROLE_POSSESSIVE.match(text)
    if m:
        # "NewsNet's correspondent in Lagos": where the role is qualifies it too
        head, *place = _ROLE_PLACE.split(m.group("head").strip(), maxsplit=1)
        where = place[-1] if place else ""
        return head.strip(), f"{m.group('q').strip()} {where}".strip(), False
    words = re.sub(r"^(?:the|a|an)\s+", "", text, flags=re.I).split()
    if len(words) >= 2:
        return words[-1], " ".join(words[:-1]), False
    return None


class SpeakerDirectory:
    """Names, aliases and roles of the indexed speakers, for matching what a question says."""

    def __init__(self, entries: Iterable[DirectoryEntry]) -> None:
        self.entries: dict[str, DirectoryEntry] = {}
        self._alias: dict[str, set[str]] = {}  # normalised alias -> canonical names
        self._first: dict[str, set[str]] = {}  # first names, a last resort
        self._roles: list[tuple[tuple[str, ...], str]] = []
        self._org_kinds: dict[str, set[str]] = {}  # "union": the organisations named "... Union"
        for entry in entries:
            self._add(entry)

    @classmethod
    def from_rows(cls, rows: Iterable[Mapping[str, Any]]) -> SpeakerDirectory:
        """Build from plain rows: name, kind, aliases, roles, quoted (missing keys default)."""
        entries: dict[str, DirectoryEntry] = {}
        for row in rows:
            name = str(row.get("name") or "").strip()
            if not name:
                continue
            old = entries.get(name)
            aliases = tuple(str(a) for a in row.get("aliases") or ())
            roles = tuple(str(r) for r in row.get("roles") or ())
            kind = str(row.get("kind") or "person")
            if kind not in _KINDS:
                kind = "unknown"
            quoted = bool(row.get("quoted", True))
            if old is not None:
                aliases = old.aliases + aliases
                roles = old.roles + roles
                quoted = quoted or old.quoted
            entries[name] = DirectoryEntry(name, cast(SpeakerKind, kind), aliases, roles, quoted)
        return cls(entries.values())

    def __len__(self) -> int:
        return len(self.entries)

    def _index(self, alias: str, name: str) -> None:
        key = _key(alias)
        if key and key not in DETERMINERS and key not in PRONOUNS:
            self._alias.setdefault(key, set()).add(name)

    def _add(self, entry: DirectoryEntry) -> None:
        name = entry.name
        if name in self.entries:
            old = self.entries[name]
            entry = DirectoryEntry(
                name,
                entry.kind,
                old.aliases + entry.aliases,
                old.roles + entry.roles,
                old.quoted or entry.quoted,
                old.reach + entry.reach,
            )
        self.entries[name] = entry
        for alias in (name, *entry.aliases):
            toks = [t for t in tokens(alias) if t.rstrip(".") not in DETERMINERS]
            if not toks:
                continue
            self._index(" ".join(toks), name)
            # "Ohio Rep. Maria Lopez" as an alias also yields "Maria Lopez" (but "the
            # mayor's spokeswoman" does not yield "spokeswoman": that is a role, matched below).
            while toks and (toks[0] in TITLE_ROLES or toks[0][:1].isdigit()):
                toks = toks[1:]
            # An office is not a titled person: "mayor's office" does not yield "office".
            if toks and set(toks) <= set(tokens(name)) and entry.kind != "organization":
                self._index(" ".join(toks), name)
        raw = tokens(name)
        # "Councilwoman Ines Varga" is a person whatever kind the extractor gave it.
        titled = len(raw) > 1 and raw[0] in TITLE_ROLES and len(raw) <= 4 and "'" not in fold(name)
        if entry.kind == "person" or titled:
            toks = [t for t in raw if t not in NAME_SUFFIXES and t not in TITLE_ROLES]
            if toks:
                self._index(toks[-1], name)
                if len(toks) > 2:
                    self._index(f"{toks[0]} {toks[-1]}", name)
                if len(toks) > 1:
                    self._first.setdefault(toks[0], set()).add(name)
        elif entry.kind == "organization":
            toks = [t for t in tokens(name) if t not in DETERMINERS]
            for i in range(1, len(toks) - 1):  # "Taxpayers League" for the full name
                self._index(" ".join(toks[i:]), name)
            if len(toks) > 2 and toks[-1] in ORG_NAME_TAILS:  # "Harlow Police" for "... Department"
                self._index(" ".join(toks[:-1]), name)
            if len(toks) > 1 and toks[-1] in ORG_HEADS:  # "the union" for "the RMT union"
                self._org_kinds.setdefault(toks[-1], set()).add(name)
        elif entry.kind == "group":
            toks = tokens(name)
            # "officials with the Justice Department" are "officials"; "Lopez's supporters"
            # are not "Lopez"
            if toks and not fold(name).split()[0].endswith(("'s", "s'")):
                self._index(toks[0], name)
        name_toks = set(tokens(name))
        # Aliases that are descriptions, not the name with a title ("Ohio Rep. Maria Lopez").
        descriptions = [a for a in entry.aliases if not name_toks & set(tokens(a))]
        for role in (*entry.roles, *descriptions):  # "mayor's spokeswoman" is a role too
            rt = _role_tokens(role)
            if not rt:
                continue
            head, tail = _split_role(rt)
            self._roles.append((head, name))
            if tail:  # "president of the Harbor Union" is the "union president"
                self._roles.append((tail + head, name))

    # -- matching ---------------------------------------------------------------------------

    def resolve(self, phrase: str) -> list[str]:
        """Canonical names a phrase ("Sen. Cruz", "the spokeswoman", "Chafetz") refers to.

        Speakers who were quoted come before, and push out, people who were only mentioned:
        "Marino" is the Marino who spoke, not his late father.
        """
        found = self._resolve(phrase)
        quoted = [n for n in found if self.entries[n].quoted]
        found = quoted or found
        # A mention the extractor could not place ("the hospital's chief executive") gives
        # way to the person whose role that is.
        known = [n for n in found if self.entries[n].kind != "unknown"]
        return self._dominant(phrase, known or found)

    def _dominant(self, phrase: str, found: list[str]) -> list[str]:
        """A bare surname most of the articles use for one person is that person: in a
        year of campaign coverage "Okafor" is the candidate named in 40 articles, not the
        relative named in two (asked by full name, the relative is still found)."""
        words = [t for t in tokens(phrase) if t not in DETERMINERS]
        if len(found) < 2 or len(words) != 1:
            return found
        if not all(self.entries[n].kind == "person" and words[0] in tokens(n) for n in found):
            return found  # "the spokeswoman": a role several hold, not a surname
        ranked = sorted(found, key=lambda n: -self.entries[n].reach)
        top, second = self.entries[ranked[0]].reach, self.entries[ranked[1]].reach
        if top >= DOMINANT_MIN and top >= DOMINANT_RATIO * second:
            return ranked[:1]
        return found

    def _resolve(self, phrase: str) -> list[str]:
        raw = [t.rstrip(".") for t in tokens(phrase)]
        while raw and raw[0] in DETERMINERS:
            raw = raw[1:]
        if not raw or " ".join(raw) in PRONOUNS:
            return []
        whole = " ".join(raw)
        found = self._exact(whole)
        unplaced = all(self.entries[n].kind == "unknown" for n in found)
        if found and (unplaced or not any(set(raw) <= set(tokens(n)) for n in found)):
            # Not a name but a description ("spokeswoman"): everyone with that role.
            roles = self._roles_match(raw)
            found = self._order([*found, *roles], primary=roles) if roles else found
        if found:
            return found
        titles: list[str] = []
        toks = list(raw)
        while len(toks) > 1 and (toks[0] in TITLE_ROLES or toks[0] + "." in TITLE_ROLES):
            titles.append(TITLE_ROLES.get(toks[0], TITLE_ROLES.get(toks[0] + ".", "")))
            toks = toks[1:]
        if toks != raw:
            found = self._exact(" ".join(toks))
        if not found:
            found = self._roles_match(raw)
        if not found:
            found = self._spoken_for(raw)
        if not found and len(raw) == 1:
            found = self._order(self._org_kinds.get(raw[0], ()))
        if not found and len(raw) > 1:
            found = self._role_head(raw)
        if not found and len(toks) > 1:
            found = self._surname(toks)
        if not found:
            found = self._fuzzy(toks)
        if not found and len(toks) == 1:
            found = sorted(self._first.get(toks[0], ()))
        return self._by_title(found, [t for t in titles if t])

    def _exact(self, key: str) -> list[str]:
        names = set(self._alias.get(key, ()))
        if not names:
            return []
        # An organisation also answers through the people who speak for it.
        for name in list(names):
            if self.entries[name].kind == "organization":
                org = tuple(_key(name).split())
                org = org[1:] if org and org[0] == "the" else org
                for rt, who in self._roles:
                    if rt[: len(org)] == org and len(rt) > len(org):
                        names.add(who)
        return self._order(names, primary=self._alias[key])

    def _spoken_for(self, toks: list[str]) -> list[str]:
        """'the White House' when only its spokesperson was quoted: an organisation the text
        never quotes by name answers through the people whose role is to speak for it."""
        org = tuple(t for t in toks if t not in DETERMINERS)
        if not org:
            return []
        return self._order(
            who
            for rt, who in self._roles
            if len(rt) > len(org) and rt[: len(org)] == org and rt[-1] in _SPEAKING_ROLES
        )

    def _order(self, names: Iterable[str], primary: Iterable[str] = ()) -> list[str]:
        first = set(primary)
        return sorted(set(names), key=lambda n: (n not in first, not self.entries[n].quoted, n))

    def _roles_match(self, toks: list[str]) -> list[str]:
        """'spokeswoman' matches the role 'Justice Department spokeswoman'; 'senator' 'Sen.'."""
        t = tuple(x for w in toks for x in _ROLE_SHORT.get(w, (_role_word(w),)))
        hits = {who for rt, who in self._roles if rt == t or rt[-len(t) :] == t}
        return self._order(hits)

    def role_holders(self, head: str) -> list[str]:
        """Everyone whose role ends with these words ('owner' -> 'team owner', 'Pelicans team
        owner'), as role, not name: 'Johnson' holds no role."""
        toks = [t.rstrip(".") for t in tokens(head) if t not in DETERMINERS]
        if not toks:
            return []
        # 'CEO' is written out or not
        ts = {tuple(x for w in toks for x in _ROLE_SHORT.get(w, (_role_word(w),)))}
        ts.add(tuple(_role_word(w) for w in toks))
        # Roles are indexed by their head ('president of the bureau' holds no 'bureau' role),
        # and as 'bureau president', which is a president too.
        return self._order(who for rt, who in self._roles for t in ts if rt[-len(t) :] == t)

    def groups_called(self, head: str) -> list[str]:
        """The groups a plural names by their first word: 'lawyers' -> 'Lawyers defending
        Tessa Brandt' (a group holds no role, but its name says what it is)."""
        toks = [t for t in tokens(head) if t not in DETERMINERS]
        if len(toks) != 1:
            return []
        return self._order(
            n for n in self._alias.get(toks[0], ()) if self.entries[n].kind == "group"
        )

    def knows(self, phrase: str) -> bool:
        """Whether the phrase is a known name or alias as written ('the Valley Farm Bureau')."""
        return bool(
            self._alias.get(
                _key(" ".join(t for t in tokens(phrase) if t.rstrip(".") not in DETERMINERS))
            )
        )

    def _role_head(self, toks: list[str]) -> list[str]:
        """'the governor's spokesman' finds the role 'spokesman'; the other words choose."""
        head = _role_word(toks[-1])
        if toks[-1] in self._alias:  # "Angela Johnson" is a name, not a role ending in Johnson
            return []
        hits = {who for rt, who in self._roles if rt and rt[-1] == head}
        if len(hits) > 1:
            words = set(toks[:-1])
            narrowed = {who for rt, who in self._roles if who in hits and words & set(rt)}
            hits = narrowed or hits
        return self._order(hits)

    def _surname(self, toks: list[str]) -> list[str]:
        """'Maria Lopez' -> 'Maria Elena Lopez'; 'Angela Johnson' is not 'Ron Johnson'."""
        last = toks[-1]
        out = []
        for name in self._alias.get(last, ()):
            entry = self.entries[name]
            if entry.kind != "person":
                continue
            given = [t for t in tokens(name) if t not in TITLE_ROLES]
            first = toks[0]
            if len(given) > 1 and not (given[0].startswith(first) or first.startswith(given[0])):
                continue
            out.append(name)
        return self._order(out)

    def _fuzzy(self, toks: list[str]) -> list[str]:
        """Small typos: 'Lopezz' -> 'Lopez'. Short words are never guessed at."""
        whole = " ".join(toks)
        keys = list(self._alias)
        if len(whole) >= 5:
            close = difflib.get_close_matches(whole, keys, n=3, cutoff=0.85)
            if close:
                names: set[str] = set()
                for k in close[:1]:
                    names |= self._alias[k]
                return self._order(names)
        if len(toks) > 1 and len(toks[-1]) >= 5:
            close = difflib.get_close_matches(toks[-1], keys, n=1, cutoff=0.85)
            if close:
                return self._surname([*toks[:-1], close[0]])
        return []

    def _by_title(self, names: list[str], titles: list[str]) -> list[str]:
        """'Senator Johnson' keeps the Johnson whose role says senator, when one does."""
        if len(names) < 2 or not titles:
            return names
        keep = []
        for name in names:
            roles = " ".join(" ".join(tokens(r)) for r in self.entries[name].roles)
            words = {TITLE_ROLES.get(w, w) for w in roles.split()} | set(roles.split())
            if all(t in words for t in titles):
                keep.append(name)
        return keep or names

    def scan(self, text: str) -> list[tuple[int, int, list[str]]]:
        """Known names inside free text, longest first: (start, end, names) spans.

        A one-word name only counts when written with a capital, so a speaker called Price
        does not answer "what is the price of oil".
        """
        folded = fold(text)
        spans = [(m.start(), m.end(), m.group()) for m in WORD.finditer(folded)]
        out: list[tuple[int, int, list[str]]] = []
        i = 0
        while i < len(spans):
            hit = None
            for n in range(min(6, len(spans) - i), 0, -1):
                words = [w for _, _, w in spans[i : i + n]]
                key = _key(" ".join(words))
                names = self._alias.get(key)
                if not names:
                    continue
                if n == 1 and not words[0][:1].isupper():
                    continue
                if n == 1 and key in STOP_WORDS:
                    continue
                # As resolve() ranks them: a name the extractor could not place gives way.
                names_here = self.resolve(" ".join(words)) or self._exact(key)
                hit = (spans[i][0], spans[i + n - 1][1], names_here, n)
                break
            if hit:
                out.append(hit[:3])
                i += hit[3]
            else:
                i += 1
        return out
