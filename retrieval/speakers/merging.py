"""One speaker across articles: "Dana J. Cole" and "Dana Cole", a bare "Cole" from an
article that never names her in full, an organisation with and without a possessive.

Each article's speaker book (speakers.book) already joins the names of one article; this
joins them across the store, once per store generation.
"""

from __future__ import annotations

import itertools
import json
import sys
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from retrieval.language.people import NAME_SUFFIXES, gender_of_first_name
from retrieval.language.tokens import tokens
from retrieval.speakers.directory import DirectoryEntry, SpeakerDirectory

Row = Mapping[str, Any]  # article_id, name, kind, roles (JSON), aliases (JSON), quoted


@dataclass
class SpeakerInfo:
    """What the index knows about one canonical speaker across articles."""

    name: str
    kind: str
    quoted_in: set[str] = field(default_factory=set)  # article ids
    mentioned_in: set[str] = field(default_factory=set)
    roles: dict[str, list[str]] = field(default_factory=dict)  # article id -> roles
    aliases: set[str] = field(default_factory=set)


class SpeakerRoster:
    """Every speaker of the store once, with their articles, roles and aliases, after merging
    the names that are one person across articles. Built from the store's (article, speaker)
    rows in article order."""

    def __init__(self, rows: Iterable[Row]) -> None:
        self.speakers: dict[str, SpeakerInfo] = {}
        # (article id, raw name) -> the name it was merged into; absent when it is its own
        self.canonical: dict[tuple[str, str], str] = {}
        # name -> the raw names merged into it, so finding a speaker's quotes does not scan
        # every (article, name) pair of the store
        self.raw_names: dict[str, set[str]] = defaultdict(set)
        by_article = (
            (sys.intern(aid), list(group))
            for aid, group in itertools.groupby(rows, key=lambda r: str(r["article_id"]))
        )
        # The same roles and aliases recur across articles (and a speaker's name in many):
        # each JSON list and alias key is read once, not once per row (100k chunks: 15 s).
        self._lists: dict[str | None, tuple[str, ...]] = {}
        self._keys: dict[str | None, frozenset[str]] = {}
        self._name_keys: dict[str, str] = {}
        for aid, group in by_article:
            people = [r for r in group if r["kind"] == "person" and len(r["name"].split()) > 1]
            for r in group:
                name = self._merge_target(r, people)
                if name != r["name"]:  # only merged names: lookups default to the raw name
                    self.canonical[(aid, r["name"])] = name
                self.raw_names[name].add(r["name"])
                info = self.speakers.get(name)
                if info is None:
                    kind = r["kind"] if name == r["name"] else "person"
                    info = self.speakers[name] = SpeakerInfo(name, kind)
                (info.quoted_in if r["quoted"] else info.mentioned_in).add(aid)
                info.roles.setdefault(aid, [])
                for role in self._list(r["roles"]):
                    if role not in info.roles[aid]:
                        info.roles[aid].append(role)
                info.aliases.update(self._list(r["aliases"]))
        del self._lists, self._keys, self._name_keys
        self._merge_variants()
        self.directory = SpeakerDirectory(
            DirectoryEntry(
                name=i.name,
                kind=i.kind if i.kind in {"person", "organization", "group"} else "unknown",  # type: ignore[arg-type]
                aliases=tuple(sorted(i.aliases)),
                # each role once: a role repeated in every article adds nothing to matching
                roles=tuple(dict.fromkeys(r for rs in i.roles.values() for r in rs)),
                quoted=bool(i.quoted_in),
                reach=len(i.quoted_in | i.mentioned_in),
            )
            for i in self.speakers.values()
        )

    def _list(self, raw: str | None) -> tuple[str, ...]:
        found = self._lists.get(raw)
        if found is None:
            found = self._lists[raw] = tuple(_loads(raw))
        return found

    def _alias_keys(self, raw: str | None) -> frozenset[str]:
        found = self._keys.get(raw)
        if found is None:
            found = self._keys[raw] = frozenset(" ".join(tokens(a)) for a in self._list(raw))
        return found

    def _merge_variants(self) -> None:
        """One speaker across articles, written two ways: "Dana J. Cole" in one article and
        "Dana Cole" in another, when a middle initial is the only difference and only one
        initialled form exists ("George W. Bush" and "George H. W. Bush" stay apart, and a
        plain "George Bush" joins neither); an organisation written with and without a
        possessive ("the Cole campaign", "Cole's campaign"). The form met in most articles
        is kept."""
        groups: dict[tuple[str, str], list[str]] = defaultdict(list)
        for name, info in self.speakers.items():
            toks = tokens(name)
            if info.kind == "person":
                bare = tuple(t for t in toks if len(t) > 1)
                if len(bare) >= 2:
                    groups[("person", " ".join(bare))].append(name)
            elif info.kind in {"organization", "group"} and toks:
                groups[(info.kind, " ".join(toks))].append(name)
        for (kind, _), names in groups.items():
            if len(names) < 2:
                continue
            if kind == "person" and sum(1 for n in names if _has_initial(n)) != 1:
                continue
            keep = max(names, key=lambda n: (self._reach(n), not _has_initial(n), n))
            for name in names:
                if name != keep:
                    self._merge_into(name, keep)
        self._merge_surnames()

    def _merge_surnames(self) -> None:
        """A bare surname from articles that never give the full name ("Okafor said") is the
        one person of the index with that surname, unless the word is also a first name
        ("James"); with several, the one who shares a role with it ("President Okafor" and
        "President Diane Okafor"): the only one, or one met in three times as many articles
        as any other."""
        by_last: dict[str, list[str]] = defaultdict(list)
        for name, info in self.speakers.items():
            toks = tokens(name)
            while len(toks) > 2 and toks[-1] in NAME_SUFFIXES:  # "Joseph R. Biden Jr."
                toks.pop()
            if info.kind == "person" and len(toks) >= 2:
                by_last[toks[-1]].append(name)
        bare = [  # a capitalised word the article never typed is most likely a surname too
            n
            for n, i in self.speakers.items()
            if i.kind in ("person", "unknown") and len(tokens(n)) == 1 and n[:1].isupper()
        ]
        for name in bare:
            cands = by_last.get(tokens(name)[0], [])
            if len(cands) == 1 and gender_of_first_name(name) is None:
                self._merge_into(name, cands[0])
                continue
            mine = self._role_words(name)
            sharing = sorted(
                (c for c in cands if mine & self._role_words(c)), key=self._reach, reverse=True
            )
            # one of them, or one named in three times as many articles as any other
            if sharing and (
                len(sharing) == 1 or self._reach(sharing[0]) >= 3 * self._reach(sharing[1])
            ):
                self._merge_into(name, sharing[0])

    def _role_words(self, name: str) -> set[str]:
        roles = (r for rs in self.speakers[name].roles.values() for r in rs)
        return {w for r in roles for w in tokens(r)} - _ROLE_FILLER

    def _reach(self, name: str) -> int:
        info = self.speakers[name]
        return len(info.quoted_in | info.mentioned_in)

    def _merge_into(self, name: str, keep: str) -> None:
        gone, info = self.speakers.pop(name), self.speakers[keep]
        info.quoted_in |= gone.quoted_in
        info.mentioned_in |= gone.mentioned_in
        for aid, roles in gone.roles.items():
            mine = info.roles.setdefault(aid, [])
            mine += [r for r in roles if r not in mine]
        info.aliases |= gone.aliases | {name}
        articles = gone.quoted_in | gone.mentioned_in
        for raw in self.raw_names.pop(name, set()):
            self.raw_names[keep].add(raw)
            for aid in articles:
                if self.canonical.get((aid, raw), raw) == name:
                    self.canonical[(aid, raw)] = keep

    def _merge_target(self, row: Row, people: list[Row]) -> str:
        """A one-word speaker ("Okafor") that is another person's alias in the same
        article is that person: the extractor sometimes keeps a short name apart."""
        name = row["name"]
        if len(name.split()) > 1 and row["kind"] == "person":
            return str(name)
        key = self._name_keys.get(name)
        if key is None:
            key = self._name_keys[name] = " ".join(tokens(name))
        hits = [
            p["name"] for p in people if p["name"] != name and key in self._alias_keys(p["aliases"])
        ]
        return str(hits[0]) if len(hits) == 1 else str(name)


# words of a role that say nothing of which person holds it
_ROLE_FILLER = frozenset(
    {"the", "a", "an", "of", "for", "and", "in", "on", "at", "former", "his", "her", "their"}
)


def _has_initial(name: str) -> bool:
    return any(len(t) == 1 for t in tokens(name))


def _loads(raw: str | None) -> list[str]:
    try:
        value = json.loads(raw or "[]")
    except ValueError:
        return []
    return [str(v) for v in value] if isinstance(value, list) else []
