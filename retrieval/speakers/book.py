"""Speakers as entities within one article: canonical names, aliases, roles, pronouns.

There is no coreference model offline, so mentions are linked by rules over the parse: a
surname links to the fullest name with that surname mentioned most recently; "he"/"she" to
the nearest compatible person, preferring subjects of recent sentences; "the senator" or
"the spokeswoman" to the nearest person holding that role. Organisations and anonymous
groups stay what they are and are never turned into a nearby person.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

import numpy
from spacy.attrs import LOWER, ORTH
from spacy.strings import get_string_id
from spacy.tokens import Doc, Span, Token

from retrieval.language.dateline import WEEKDAYS, dateline_end
from retrieval.language.doctokens import doc_text, doc_tokens
from retrieval.language.people import (
    BUSINESS_NOUNS,
    COLLECTIVE_NOUNS,
    EPITHET_NOUNS,
    FEMALE_WORDS,
    JOB_WORDS,
    KIN_WORDS,
    MALE_WORDS,
    NAME_PARTICLES,
    NAME_SUFFIXES,
    ORG_TYPES,
    PERSON_NOUNS,
    PERSON_TITLES,
    POSITION_WORDS,
    ROLE_KEYS,
    TITLES,
    gender_of_first_name,
    words,
)
from retrieval.language.verbs import SPEECH_VERBS
from retrieval.speakers.mentions import (
    COURTESY_TITLES,
    HEADLINE_VERBS,
    HOW_NOUNS,
    ORG_HEADS,
    ORG_NAME_ENDS,
    describes,
    middles_agree,
    np_tokens,
    punct_between,
    role_head,
    set_off,
    short_form,
    span_text,
    stated_age,
    strip_possessive,
    title_gender,
    title_line,
    without_det,
)
from retrieval.types import Speaker, SpeakerKind

SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})
PLURAL_PRONOUNS = frozenset({"they", "we"})


# "his plan", "her claim": a possessive pronoun refers back like its subject form, and so
# does an object one ("quoted him as saying").
_POSSESSIVE_PRONOUNS = {"his": "he", "her": "she", "their": "they", "him": "he", "them": "they"}


_COURTESY = frozenset({"mr", "mrs", "ms", "miss"})
_APPOS_MARKS = frozenset({",", "(", "—", "–", "--"})


def _comma_conj(t: Token) -> bool:
    """An apposition the parser made a conjunct: "the judge, Ada R. Voss of Circuit Court,
    said" (set off by a comma, with no "and" or "or" joining it)."""
    head = t.head
    return (
        t.dep_ == "conj"
        and t.i > head.i
        and t.ent_type_ == "PERSON"
        and t.doc[t.left_edge.i - 1].text == ","
        and not any(c.dep_ == "cc" for c in head.children)
    )


@dataclass
class Entity:
    """One speaker or mentioned person within an article."""

    name: str
    kind: SpeakerKind
    gender: str | None = None
    first: str | None = None
    last: str | None = None
    aliases: list[str] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)
    role_keys: set[str] = field(default_factory=set)
    mentions: int = 0
    quoted: bool = False
    nouns: set[str] = field(default_factory=set)  # what the text called it: league, group

    def add_alias(self, alias: str) -> None:
        alias = alias.strip()
        if alias and alias != self.name and alias not in self.aliases:
            self.aliases.append(alias)

    def add_role(self, role: str) -> None:
        role = role.strip(" ,")
        if not role or not any(c.isalpha() for c in role):
            return  # "Eleanor Brooks, 71," gives an age, not a role
        if role.lower().rstrip(".") in _COURTESY:
            # "Mr." tells a gender, not what the person does: never shown as a role
            g = "f" if role.lower().startswith(("mrs", "ms", "miss")) else "m"
            self.gender = self.gender or g
            return
        if role not in self.roles:
            self.roles.append(role)
        head = role_head(role)
        if head:
            self.role_keys.add(ROLE_KEYS.get(head, head))
        for word in role.lower().split():
            if word in ROLE_KEYS:
                self.role_keys.add(ROLE_KEYS[word])
            if self.gender is None and word in FEMALE_WORDS:
                self.gender = "f"
            elif self.gender is None and word in MALE_WORDS:
                self.gender = "m"


@dataclass
class Mention:
    token: int  # head token index
    entity: int
    sent: int
    subject: bool


def _determined(t: Token) -> bool:
    """'the man', 'a patient': a person named by what they are (not 'his wife', whom the
    text names elsewhere)."""
    return any(
        c.dep_ == "det" and c.lower_ in ("the", "a", "an", "this", "that") for c in t.children
    )


def _role_word(t: Token) -> bool:
    """A word that says what a person is, not who: a title, a job, a small word."""
    low = t.lower_
    return (
        low in TITLES
        or low in PERSON_NOUNS
        or low in JOB_WORDS
        or low in ROLE_KEYS
        or (t.text[:1].islower() and low not in NAME_PARTICLES)
    )


def _name_word(t: Token) -> bool:
    """A capitalised word that may be part of a name: not a title, a role or a stop word."""
    return (
        t.pos_ == "PROPN"
        and t.text[:1].isupper()
        and t.text[1:].islower()
        and t.text.isalpha()
        and t.lower_ not in TITLES
        and t.lower_ not in PERSON_NOUNS
        and t.lower_ not in JOB_WORDS
        and t.lower_ not in ROLE_KEYS
    )


def _without_place(toks: list[Token], head: Token) -> list[Token]:
    """'Nurses at Linden Clinic in Port Ellis, Ore.': where the group is is no part of its
    name (a later "the nurses" is the same group); 'residents of Port Ellis' keeps its "of"."""
    for i, t in enumerate(toks):
        if i > 1 and t.lower_ == "in" and t.dep_ == "prep" and head.i < t.i:
            objs = [c for c in t.children if c.dep_ == "pobj"]
            if objs and objs[0].ent_type_ in ("GPE", "LOC") and toks[-1].i <= t.right_edge.i:
                return toks[:i]
    return toks


class SpeakerBook:
    """Every person, organisation and group an article names, with rules to resolve mentions."""

    def __init__(self, doc: Doc, in_quote: list[int], labels: set[int] | None = None) -> None:
        self.doc = doc
        # spaCy builds every entity span afresh on each `doc.ents`; the rules read them often
        self.ents: Sequence[Span] = doc.ents
        # each token's word as written and in lower case, for _written
        self._orths, self._lowers = doc.to_array(ORTH), doc.to_array(LOWER)
        self._ent_words: list[list[str]] | None = None  # each entity's words in lower case
        self._labels = labels or set()  # transcript labels' tokens: names, not mentions
        self.text = doc_text(doc)
        self.in_quote = in_quote
        self.entities: list[Entity] = []
        self.mentions: list[Mention] = []
        # (surname, gender) -> how often a courtesy title names them ("Mr. Okafor")
        self._title_count: Counter[tuple[str, str]] = Counter()
        self.by_token: dict[int, int] = {}  # token index -> entity index
        self._sent_of = [0] * len(doc)
        si = 0  # sentence numbers as doc.sents counts them, without building its spans
        for t in doc_tokens(doc):
            if t.i and t.is_sent_start:
                si += 1
            self._sent_of[t.i] = si
        self._site: dict[int, int] = {}  # token index -> organisation or group named there
        self._owned_roles: list[tuple[int, Token]] = []  # (person, role noun) to name owners
        self._person_roles: list[tuple[int, Token, Token]] = []  # ... owned by a person
        self._age_of: dict[int, str] | None = None  # person -> age stated ("Ana X, 31,")
        self._org_names = {  # organisations' names as the tagger found them, in full
            span_text([t for t in e if t.lower_ != "the"])
            for e in self.ents
            if e.label_ == "ORG" and len(e) > 1 and not e.text.isupper()
        }
        self._collect_people()
        self._collect_organisations()
        self._name_role_owners()
        self._resolve_subjects()

    # --- people -----------------------------------------------------------------------
    def _person_for(self, name_toks: list[Token], at: int) -> int:
        words = [t.text for t in name_toks]
        core = [w for w in words if w.lower() not in NAME_SUFFIXES] or words
        if len(core) < len(words) and len(core) == 1:
            # "Oduya Jr." is the junior of the article's Oduyas
            junior = [
                i
                for i, e in enumerate(self.entities)
                if e.kind == "person"
                and e.last == fold_name(core[0])
                and e.name.endswith(words[-1])
            ]
            if len(junior) == 1:
                return junior[0]
        if len(core) == 1:
            return self._single_name(core[0], at, title_gender(name_toks[0]))
        first, last = core[0], core[-1]
        tail = [w.lower() for w in core]
        for idx, e in enumerate(self.entities):
            parts = [w.lower() for w in e.name.split() if w.lower() not in NAME_SUFFIXES]
            if (
                e.kind == "person"
                and len(parts) > len(tail)
                and parts[-len(tail) :] == tail
                and (
                    gender_of_first_name(parts[0]) is not None
                    or (  # "Le Bret" of "Didier Le Bret"
                        gender_of_first_name(tail[0]) is None
                        and all(w[:1].isupper() or w in NAME_PARTICLES for w in e.name.split())
                    )
                )
            ):
                return idx  # "Bar Lev" after "Noa Bar Lev" (not "Crooked Ann X")
        if len(words) > 1:
            for idx, e in enumerate(self.entities):
                if (
                    e.kind == "person"
                    and e.last == fold_name(last)
                    and e.first == fold_name(first)
                    and middles_agree(e.name.split(), words)
                ):
                    full = span_text(name_toks)
                    # The fullest name wins, and a headline's capitals lose to body text.
                    longer = len(" ".join(words)) > len(e.name)
                    if (longer and not (full.isupper() and not e.name.isupper())) or (
                        e.name.isupper() and not full.isupper() and len(full) >= len(e.name)
                    ):
                        e.add_alias(e.name)
                        e.name = full
                    return idx
            g = gender_of_first_name(first)
            self.entities.append(
                Entity(span_text(name_toks), "person", g, fold_name(first), fold_name(last))
            )
            return len(self.entities) - 1
        return self._single_name(last, at)

    def _single_name(self, word: str, at: int, gender: str | None = None) -> int:
        """A bare surname is the person the article has established under it.

        With two people of one surname ("Marino's father, Sal Marino"), the one named more
        often before this point wins, so a relative mentioned in passing does not take the
        subject's later "Marino said"; a tie goes to the most recent. "Mr. Marino" never
        goes to a woman, nor "Mrs. Marino" to a man.
        """
        low = fold_name(word)
        cands = [i for i, e in enumerate(self.entities) if e.kind == "person" and e.last == low]
        if not cands:
            cands = [
                i for i, e in enumerate(self.entities) if e.kind == "person" and e.first == low
            ]
        if gender is not None and cands:
            cands = [i for i in cands if self.entities[i].gender in (None, gender)]
            if not cands:
                self.entities.append(Entity(word, "person", gender, None, low))
                return len(self.entities) - 1
        if len(cands) == 1:
            return cands[0]
        if cands:
            before = [m for m in self.mentions if m.token < at and m.entity in cands]
            if not before:
                return max(cands, key=lambda i: (self._title_votes(i), self.entities[i].mentions))
            count = {i: sum(1 for m in before if m.entity == i) for i in cands}
            last = {m.entity: m.token for m in before}
            return max(cands, key=lambda i: (count[i], last.get(i, -1)))
        self.entities.append(Entity(word, "person", None, None, low))
        return len(self.entities) - 1

    def _titled_people(self) -> None:
        """A titled surname no full name of the article can be ("Mr. Okafor" throughout,
        and the only full name "Diane Okafor" a woman's) is a person of its own from the
        start, so an untitled "Governor Okafor" before the first "Mr." can go to him."""
        toks = doc_tokens(self.doc)
        for title in self._written(COURTESY_TITLES):  # title_gender() of the word after each
            t = toks[title.i + 1] if title.i + 1 < len(toks) else None
            if t is not None and t.text[:1].isupper():
                self._title_count[(fold_name(t.text), COURTESY_TITLES[title.lower_])] += 1
        for (low, g), _ in self._title_count.most_common():
            people = [e for e in self.entities if e.kind == "person" and e.last == low]
            if people and not any(e.gender in (None, g) for e in people):
                word = next(t.text for t in doc_tokens(self.doc) if fold_name(t.text) == low)
                self.entities.append(Entity(word, "person", g, None, low))

    def _title_votes(self, idx: int) -> int:
        e = self.entities[idx]
        return self._title_count[(e.last, e.gender)] if e.last and e.gender else 0

    def _add_mention(self, head: Token, entity: int) -> None:
        if head.i in self._labels:
            return
        self.by_token[head.i] = entity
        e = self.entities[entity]
        e.mentions += 1
        # a name in apposition to the subject is the subject ("Ruiz's lawyer, Al Cobb,
        # argued that Ruiz was calm. He also said ...": he is Cobb)
        subject = head.dep_ in SUBJECT_DEPS or (
            head.dep_ == "appos" and head.head.dep_ in SUBJECT_DEPS
        )
        self.mentions.append(Mention(head.i, entity, self._sent_of[head.i], subject))

    def _collect_people(self) -> None:
        doc = self.doc
        orgs = {e.text.lower() + " " for e in self.ents if e.label_ == "ORG" and len(e) > 1}
        named = {t.lower_ for e in self.ents if e.label_ == "PERSON" and len(e) > 1 for t in e}
        orgs = {o for o in orgs if o.split()[0] not in named}  # "Kell" of "Ann Kell" stays
        spans: list[Span] = (
            [
                self._with_given_name(self._widened(e))
                for e in self.ents
                if (
                    e.label_ == "PERSON"
                    and not self._org_prefix(e, orgs)
                    and not self._medium(e)
                    and not (len(e) > 1 and e[-1].lower_ in ORG_NAME_ENDS)
                    and not (len(e) == 1 and e.root.tag_ == "NNS")  # "Scholars have argued"
                )
                or self._titled(e)
                or self._after_role(e)
                or self._role_described(e)
                or self._who_described(e)
                or self._owner_described(e)
                or self._self_reported(e)
                or self._particle_name(e)
                or self._person_by_surname(e)
            ]
            + self._untagged_names()
            + self._split_names()
        )
        # Full names first, so a bare surname before them still finds its person.
        full = [s for s in spans if len(self._name_tokens(s)) > 1]
        for s in full:
            idx = self._person_for(self._name_tokens(s), s.start)
            gender = _own_relative(s.root)
            if gender is not None:  # before "Mrs. X" and "Mr. X" look for their person
                self._teach_gender(idx, gender)
        toks = doc_tokens(doc)
        for t in toks:  # "Its head, Curtis Mbeki," whatever the tagger made of the name
            if t.dep_ == "appos" and t.head.pos_ == "NOUN" and t.ent_type_ != "PERSON":
                self._unnamed_person(t, t.head)
        self._titled_people()
        # as written: a curly apostrophe too (names compare with a straight one)
        surnames = {
            v for e in self.entities if e.last for v in (e.last, e.last.replace("'", "\u2019"))
        }
        taken: set[int] = set()
        for s in spans:
            name = self._name_tokens(s)
            if not name or (len(name) == 1 and title_line(s, self.text)):
                continue
            taken.update(t.i for t in s)
            idx = self._person_for(name, s.start)
            self._link_mention(s, name, idx)
        for t in self._written(surnames):  # the test below needs t.lower_ in surnames
            if t.i in taken or not t.text[:1].isupper():
                continue
            if t.ent_type_ in ("GPE", "LOC", "NORP") and not (
                t.ent_iob_ == "B" and (t.i + 1 >= len(doc) or toks[t.i + 1].ent_iob_ != "I")
            ):
                continue
            if t.lower_ in surnames and t.dep_ != "compound":
                given = self._given_name(t)
                if given is not None:  # "June Marsh", her month-like given name untagged
                    idx = self._person_for([given, t], given.i)
                else:
                    idx = self._single_name(t.text, t.i, title_gender(t))
                self._add_mention(t, idx)
        self.mentions.sort(key=lambda m: m.token)

    def _with_given_name(self, span: Span) -> Span:
        """A one-word name with its given name the tagger left out ("Son Tran")."""
        if len(span) == 1 and span.label_ == "PERSON":
            given = self._given_name(span[0])
            if given is not None:
                return self.doc[given.i : span.end]
        return span

    def _given_name(self, t: Token) -> Token | None:
        """The given name the tagger left out before a surname: "Son" of "Son Tran", a
        "June" it took for a month. A capitalised word the parser joined to the surname,
        not a title or a role, with no other name word before it, outside headlines."""
        prev = self.doc[t.i - 1] if t.i else None
        if (
            prev is None
            or prev.dep_ != "compound"
            or prev.head.i != t.i
            or not _name_word(prev)
            or (prev.i and _name_word(self.doc[prev.i - 1]))
            or prev.ent_type_ not in ("", "PERSON", "DATE")
            or (prev.ent_type_ == "DATE" and (prev.ent_iob_ != "B" or t.ent_iob_ == "I"))
            or self.in_quote[prev.i] != self.in_quote[t.i]
            or title_line(self.doc[prev.i : t.i + 1], self.text)
        ):
            return None
        if any(  # "Vanden Boom" after "Danny Vanden Boom": the end of a longer name
            e.label_ == "PERSON" and len(e) > 2 and [w.text for w in e[-2:]] == [prev.text, t.text]
            for e in self.ents
        ):
            return None
        return prev

    @staticmethod
    def _widened(span: Span) -> Span:
        """The whole name when the tagger took only its end: "Anouk van der Meer" for
        "Meer", "Rosa Delgado Brenner" for "Delgado Brenner" (one more capitalised word the
        parser joined to the name, untagged, not a title or a role)."""
        doc, start = span.doc, span.start
        i = start - 1
        while i > 0 and doc[i].lower_ in NAME_PARTICLES:
            i -= 1
        if i < start - 1 and _name_word(doc[i]):
            return doc[i : span.end]
        prev = doc[start - 1] if start > 0 else None
        if (
            span.label_ == "PERSON"
            and len(span) > 1
            and gender_of_first_name(span[0].text) is None  # "Crooked Hillary X" is Hillary X
            and prev is not None
            and _name_word(prev)
            and prev.ent_type_ in ("", "PERSON")
            and prev.dep_ == "compound"
            and prev.head.i in range(span.start, span.end)
            and (prev.i == 0 or not _name_word(doc[prev.i - 1]))
        ):
            return doc[prev.i : span.end]
        return span

    def _untagged_names(self) -> list[Span]:
        """Names the tagger missed behind a job: "Board Member Ann Ruiz", "Defensive end Al
        Bell" (two or more name words after a role word in one noun phrase)."""
        out = []
        for t in doc_tokens(self.doc):
            if t.pos_ != "PROPN" or t.dep_ == "compound" or t.ent_type_ not in ("", "ORG"):
                continue
            if t.ent_type_ == "ORG" and (t.ent_iob_ != "B" or _ent_goes_on(t)):
                continue  # a surname the tagger alone took for an organisation, no more
            run = [c for c in t.lefts if c.dep_ in ("compound", "amod")]
            if not run:
                continue
            toks = list(self.doc[run[0].i : t.i + 1])
            role = [
                i
                for i, w in enumerate(toks[:-2])
                if _role_word(w) and (w.text[:1].isupper() or w.tag_ == "NN")
            ]
            name = toks[role[-1] + 1 :] if role else []
            untagged = all(not w.ent_type_ for w in name[:-1])
            if 2 <= len(name) <= 3 and all(_name_word(w) for w in name) and untagged:
                out.append(Span(self.doc, name[0].i - 1, t.i + 1, label="PERSON"))
        return out

    def _split_names(self) -> list[Span]:
        """ "Ma'lik Fenwick" where the tagger saw no name in "Ma'lik" and a place in
        "Fenwick", but took "Ma'lik" alone for a person elsewhere ("Ma'lik, who wept, said"):
        that word and one capitalised word after it are a person's full name."""
        doc = self.doc
        alone = {e.text for e in self.ents if e.label_ == "PERSON" and len(e) == 1}
        # a surname of someone named in full is no given name ("Trump" of "Donald Trump")
        alone -= {e[-1].text for e in self.ents if e.label_ == "PERSON" and len(e) > 1}
        out: list[Span] = []
        if not alone:
            return out
        toks = doc_tokens(doc)
        for t in self._written(alone, ORTH):  # the test below needs t.text in alone
            if t.i >= len(toks) - 2:
                break
            nxt, after = toks[t.i + 1], toks[t.i + 2]
            if (
                t.text in alone
                and t.ent_type_ == ""
                and t.pos_ == "PROPN"
                and _name_word(nxt)
                # a surname the tagger took for a town, or any word after a known given name
                # (not "Talbot Tower" for a "Talbot" of unknown given name)
                and (nxt.ent_type_ == "GPE" or gender_of_first_name(t.text) is not None)
                and nxt.lower_ not in ORG_HEADS
                and after.ent_iob_ != "I"
                and not (after.pos_ == "PROPN" and after.text[:1].isupper())
            ):
                out.append(Span(doc, t.i, t.i + 2, label="PERSON"))
        return out

    def _person_by_surname(self, span: Span) -> bool:
        """'Ruben Amorim said ...' tagged an organisation once, where "Amorim" alone is a
        person later on: two name words, written in full only once, whose last word the
        tagger takes for a person by itself, are that person's full name."""
        if span.label_ not in ("ORG", "GPE") or len(span) != 2:
            return False
        first, last = span[0], span[1]
        if not (_name_word(first) and _name_word(last)) or last.lower_ in ORG_NAME_ENDS:
            return False
        if last.lower_ in ORG_HEADS or first.lower_ in ORG_HEADS:
            return False
        alone = [e for e in self.ents if e.label_ == "PERSON" and len(e) == 1]
        if not any(e[0].text == last.text for e in alone):
            return False
        # an organisation is named in full again; its first word is no name of its own
        return not any(
            e.start != span.start
            and (e.text == span.text or (len(e) == 1 and e[0].text == first.text))
            for e in self.ents
        )

    @staticmethod
    def _particle_name(span: Span) -> bool:
        """A name with a particle inside is a person's, whatever the tagger said: "Lieke de
        Wit", "Ana dos Santos"."""
        toks = list(span)
        return (
            span.label_ in ("ORG", "GPE")
            and 3 <= len(toks) <= 5
            and _name_word(toks[0])
            and _name_word(toks[-1])
            and any(t.lower_ in NAME_PARTICLES and t.text.islower() for t in toks[1:-1])
            and all(_name_word(t) or t.lower_ in NAME_PARTICLES for t in toks)
        )

    @staticmethod
    def _org_prefix(span: Span, orgs: set[str]) -> bool:
        """A one-word "person" that opens an organisation's name elsewhere in the article
        is that organisation's short name ("Northwind" for "Northwind Data"), not a person."""
        if len(span) != 1:
            return False
        word = span.text.lower().removesuffix("'s").removesuffix("’s")
        return any(org.startswith(word + " ") for org in orgs)

    @staticmethod
    def _medium(span: Span) -> bool:
        """A lone capitalised word met only as "on X" or "via X" ("weighed in on Twitter") is
        where something was said, not a person, unless the article names it again."""
        if len(span) != 1 or span.root.dep_ != "pobj" or span.root.head.lower_ not in ("on", "via"):
            return False
        return sum(1 for t in doc_tokens(span.doc) if t.text == span.text) == 1

    @staticmethod
    def _role_described(span: Span) -> bool:
        """A short proper name set off by a person's role is a person, whatever the tagger
        said: "Tess X, the bureau's president, said" (an organisation has no president)."""
        toks = [t for t in span if t.lower_ != "the"]
        return (
            span.label_ == "ORG"
            and 1 <= len(toks) <= 3
            and all(t.pos_ == "PROPN" and t.text[:1].isupper() for t in toks)
            and not any(t.lower_ in ORG_HEADS for t in toks)
            and any(
                c.dep_ == "appos" and c.tag_ == "NN" and c.lower_ in ROLE_KEYS
                for c in span.root.children
            )
        )

    @staticmethod
    def _owner_described(span: Span) -> bool:
        """A one-word name the tagger took for an organisation or a place is a person when
        its clause gives it 'his' or 'her' thing: 'Rider found her niche in a flower shop'
        (an organisation has 'its')."""
        root = span.root
        return (
            span.label_ in ("ORG", "GPE")
            and len(span) == 1
            and root.tag_ in ("NNP", "NN")  # a name opening its sentence may be tagged NN
            and root.text[:1].isupper()
            and not root.text.isupper()
            and root.lower_ not in ORG_HEADS
            and root.lower_ not in ORG_NAME_ENDS
            and root.dep_ == "nsubj"
            and any(
                g.dep_ == "poss" and g.lower_ in ("his", "her")
                for c in root.head.children
                if c.dep_ == "dobj"
                for g in c.children
            )
            and not any(  # a surname of people named in full is theirs to resolve
                e.label_ == "PERSON" and len(e) > 1 and any(t.lower_ == root.lower_ for t in e)
                for e in span.doc.ents
            )
        )

    @staticmethod
    def _self_reported(span: Span) -> bool:
        """A one-word name the tagger took for an organisation or a place is a person when it
        says something of itself as 'he' or 'she': 'Ferrand said he made the call' (an
        organisation says 'it' or 'we'). Not when a person is named earlier in the sentence,
        whom the pronoun may mean."""
        root = span.root
        verb = root.head
        if not (
            span.label_ in ("ORG", "GPE")
            and len(span) == 1
            and root.tag_ == "NNP"
            and root.text[:1].isupper()
            and not root.text.isupper()
            and root.lower_ not in ORG_HEADS
            and root.lower_ not in ORG_NAME_ENDS
            and root.dep_ == "nsubj"
            and verb.lemma_.lower() in SPEECH_VERBS
        ):
            return False
        pronoun = next(
            (
                w
                for c in verb.children
                if c.dep_ == "ccomp" and c.i > verb.i
                for w in c.children
                if w.dep_ in ("nsubj", "nsubjpass") and w.lower_ in ("he", "she")
            ),
            None,
        )
        ents = span.doc.ents
        return (
            pronoun is not None
            and not any(
                e.label_ == "PERSON" or (e.label_ in ("ORG", "GPE") and e.root.tag_ == "NNP")
                for e in ents
                if e.sent == root.sent and e.end <= pronoun.i and e.start != span.start
            )
            and not any(  # a surname of people named in full is theirs to resolve
                e.label_ == "PERSON" and len(e) > 1 and any(t.lower_ == root.lower_ for t in e)
                for e in ents
            )
        )

    @staticmethod
    def _who_described(span: Span) -> bool:
        """A short name the tagger took for an organisation is a person when a relative
        clause says "who" of it in the singular: '"...," said Brandt, who also had three
        catches' (an organisation is "which"; "the Rams, who have" is a team)."""
        toks = list(span)
        root = span.root
        return (
            span.label_ == "ORG"
            and 1 <= len(toks) <= 2
            and all(t.tag_ == "NNP" and t.text[:1].isupper() for t in toks)
            and not any(t.lower_ in ORG_HEADS for t in toks)
            and not any(c.dep_ == "det" for c in root.children)
            and any(
                c.dep_ == "relcl"
                and c.tag_ != "VBP"
                and any(w.dep_ == "nsubj" and w.lower_ == "who" for w in c.children)
                for c in root.children
            )
        )

    @staticmethod
    def _titled(span: Span) -> bool:
        """A personal title before one to three name words is a person, whatever the tagger
        said: "Councilwoman Ines Varga" is not an organisation."""
        toks = [t for t in strip_possessive(list(span)) if t.lower_ != "the"]
        # "Board Trustee Ilse X": the title may follow the body the person sits on
        role = [
            i
            for i, t in enumerate(toks[:-1])
            if t.lower_ in PERSON_TITLES or t.lower_ in PERSON_NOUNS or t.lower_ in JOB_WORDS
        ]
        if len(toks) < 2 or not role or not all(t.text[:1].isupper() for t in toks[: role[0]]):
            return False
        rest = toks[role[0] + 1 :]
        while rest and rest[0].lower_ in TITLES:
            rest = rest[1:]
        most = 3 if span.label_ == "ORG" else 4  # "Councilor Mary Ellen Daly O'Neill"
        return (
            0 < len(rest) <= most
            and all(t.pos_ == "PROPN" and t.text[:1].isupper() for t in rest)
            and not any(t.lower_ in ORG_HEADS or t.lower_ in TITLES for t in rest)
        )

    @staticmethod
    def _after_role(span: Span) -> bool:
        """Two or three name words right after a job written in small letters are a person,
        whatever the tagger said: 'said head coach Bronco Mendez' (a job is no
        organisation's title)."""
        doc = span.doc
        before = doc[span.start - 1] if span.start > 0 else None
        toks = list(span)
        return (
            span.label_ in ("ORG", "GPE", "PRODUCT")
            and before is not None
            and before.is_lower
            and (
                before.lower_ in PERSON_NOUNS
                or before.lower_ in JOB_WORDS
                or before.lower_ in ROLE_KEYS
            )
            and before.head.i == span.root.i
            and 2 <= len(toks) <= 3
            and all(t.pos_ == "PROPN" and t.text[:1].isupper() and not t.is_upper for t in toks)
            and not any(t.lower_ in ORG_HEADS or t.lower_ in ORG_NAME_ENDS for t in toks)
        )

    def _name_tokens(self, span: Span) -> list[Token]:
        toks = strip_possessive(list(span))
        while toks and (
            toks[0].lower_ in TITLES
            or not toks[0].text[:1].isupper()
            or toks[0].pos_ in ("CCONJ", "DET", "ADP", "PRON")  # "And Ostrander said"
        ):
            toks = toks[1:]
        # A job before the name is no part of it: "Board Member Ann X", "Drummer Al Y",
        # "Defensive end Jo Z" (a name has no small words but its particles).
        role = [i for i, t in enumerate(toks[:-1]) if _role_word(t)]
        if role:
            toks = toks[role[-1] + 1 :]
        cut = next((i for i, t in enumerate(toks) if i and t.lower_ in HEADLINE_VERBS), None)
        lead = bool(toks) and toks[0].pos_ in ("AUX", "VERB")
        if (cut is not None or lead) and title_line(span, self.text):
            # Headline casing hides verbs from the tagger: "Obama Says ..." names Obama,
            # and "City Will Sue" names nobody.
            toks = toks[:cut]
            while toks and toks[0].pos_ in ("AUX", "VERB"):
                toks = toks[1:]
        return [t for t in toks if (not t.is_punct or t.text == ".") and not t.is_space]

    def _link_mention(self, span: Span, name: list[Token], idx: int) -> None:
        e = self.entities[idx]
        head = name[-1]
        e.add_alias(span_text(name))
        if len(name) > 1:
            e.add_alias(name[-1].text)
        np = np_tokens(head)
        lead = [
            t
            for t in np
            if t.i < name[0].i
            and t.dep_ not in ("det", "poss", "case")
            and (t.ent_type_ != "PERSON" or t.i >= span.start)
        ]
        if lead and all(t.i < name[0].i for t in lead):
            role = span_text(lead)
            if (role and role[:1].isupper()) or role.lower() in ROLE_KEYS or describes(lead, name):
                e.add_role(role)
                if role.lower().split()[0] in ("mr.", "mr", "mrs.", "ms.", "mrs", "ms"):
                    e.add_role(role)
        after = head.doc[head.i + 1] if head.i + 1 < len(head.doc) else None
        for child in head.children:
            # "Ana Ruiz, the treasurer," — not "Ana Ruiz and her co-conspirators"
            if (
                child.dep_ == "appos"
                and child.ent_type_ != "PERSON"
                and after is not None
                and after.text in _APPOS_MARKS
            ):
                e.add_role(span_text(np_tokens(child)))
                self._owned_roles.append((idx, child))
        if head.dep_ == "appos" and head.head.pos_ == "NOUN" and set_off(head.head, name[0]):
            e.add_role(span_text(np_tokens(head.head)))
            self._owned_roles.append((idx, head.head))
        self._add_mention(head, idx)

    def _name_role_owners(self) -> None:
        """ "The hospital's chief executive" is also "chief executive of <the hospital's name>",
        so a question naming the organisation finds the person."""
        for idx, role in self._owned_roles:
            poss = next((c for c in role.children if c.dep_ == "poss"), None)
            if poss is not None and (poss.tag_ == "PRP$" or poss.pos_ == "PROPN"):
                # named once the whole article is read and its pronouns have taught genders
                self._person_roles.append((idx, role, poss))
                continue
            if poss is None or poss.tag_ != "NN" or poss.i in self.by_token:
                continue
            if not any(c.lower_ == "the" for c in poss.children):
                continue
            noun = poss.lemma_.lower()
            org = self._described(noun, poss.i)
            if org is None:
                org = self._typed(noun, poss.i)
            if org is None or self.entities[org].kind != "organization":
                continue
            tail = [t for t in np_tokens(role) if t.i > poss.i and t.tag_ != "POS"]
            if tail:
                self.entities[idx].add_role(f"{span_text(tail)} of {self.entities[org].name}")

    def _person_owns(self, idx: int, role: Token, poss: Token) -> None:
        """ "His attorney, Lars Odegaard," after a sentence about Tessa Brandt is also
        "attorney of Tessa Brandt", so "Brandt's attorney" finds him."""
        owner = self._owner(poss)
        tail = [t for t in np_tokens(role) if t.i > poss.i and t.tag_ != "POS"]
        if owner is not None and owner != idx and tail:
            self.entities[idx].add_role(f"{span_text(tail)} of {self.entities[owner].name}")

    # --- resolution -------------------------------------------------------------------
    def _resolve_subjects(self) -> None:
        """Resolve subject pronouns in reading order, so later pronouns can chain on them."""
        for t in doc_tokens(self.doc):
            if t.dep_ not in SUBJECT_DEPS or self.in_quote[t.i] >= 0 or t.i in self.by_token:
                continue
            if t.tag_ == "PRP":
                idx = self._pronoun(t)
                if idx is not None:
                    self._add_mention(t, idx)
            elif (
                t.tag_ in ("NNS", "NNPS")
                or t.ent_type_ == "ORG"
                or t.lower_ in ORG_HEADS
                or (t.tag_ == "NN" and t.lower_ in PERSON_NOUNS and _determined(t))
                or (t.tag_ == "NN" and t.lower_ in KIN_WORDS and _determined(t))
                or (t.tag_ == "NN" and t.lower_ in COLLECTIVE_NOUNS)
            ):
                # groups and organisations that "they" may point back to, and people named
                # by what they are ("the man") that "he" may
                self.resolve(t)
            else:
                continue
            self.mentions.sort(key=lambda m: m.token)

    def _pronoun(self, t: Token, sure: bool = False) -> int | None:
        """The entity a pronoun refers back to. `sure`: only a person it surely is (a "her"
        whose nearest candidate may be another woman is nobody), learning nothing."""
        low = _POSSESSIVE_PRONOUNS.get(t.lower_, t.lower_)
        if low in ("he", "she"):
            want = "m" if low == "he" else "f"
            kinds: tuple[str, ...] = ("person",)
        elif low == "they":
            want, kinds = "", ("group", "organization")
        elif low == "it":
            speaks = t.dep_ in SUBJECT_DEPS and t.head.lemma_.lower() in SPEECH_VERBS
            return self._it(t) if speaks else None  # not "it is worth noting", "it wants"
        else:
            return None
        sent = self._sent_of[t.i]
        before = [m for m in self.mentions if m.token < t.i and self.in_quote[m.token] < 0]
        for back in range(0, 6):
            in_sent = [m for m in before if m.sent == sent - back]
            if back == 0:
                in_sent = [m for m in in_sent if not _beside_pronoun(self.doc[m.token], t)]
                in_sent.sort(key=lambda m: (not m.subject, -m.token))
            else:
                # '"Were you forced?" X asked Ana. "No," she said.': who was asked answers
                in_sent.sort(key=lambda m: (not self._answers(m, t), not m.subject, m.token))
            for m in in_sent:
                e = self.entities[m.entity]
                if not want and back == 0 and _others_between(self.doc[m.token], t):
                    return None
                if _owner_of_person(self.doc[m.token]):
                    continue  # "an Annapolis mom explained why she ...": she is the mom
                if want and e.gender is None and self._org_like(m.entity):
                    continue
                # "Her family ... they said": a group the text names with a singular noun
                collective = not want and self.doc[m.token].lower_ in COLLECTIVE_NOUNS
                if (e.kind in kinds or collective) and (not want or e.gender in (None, want)):
                    if sure:
                        sure_of = self._sure(m.entity, m.sent, want, before, sent)
                        return m.entity if sure_of else None
                    if m.token in self.by_token and self.doc[m.token].tag_ != "PRP" and want:
                        self._teach_gender(m.entity, want)
                    return m.entity
        return None

    def _answers(self, m: Mention, pronoun: Token) -> bool:
        """The mention is whom a question was put to ("asked Ana") in the sentence before a
        pronoun that says something: the answer is theirs."""
        t = self.doc[m.token]
        return (
            m.sent == self._sent_of[pronoun.i] - 1
            and t.dep_ == "dobj"
            and t.head.lemma_.lower() in ASK_VERBS
            and pronoun.dep_ == "nsubj"
            and pronoun.head.lemma_.lower() in SPEECH_VERBS
        )

    def _it(self, t: Token) -> int | None:
        """'The company said it would pay. It said no customer lost money.': a subject 'it'
        is the organisation that was the subject of the last sentence with a subject of its
        own ('it' again goes further back); a thing there, as its subject or its object ('The
        tweet attached a link. It also noted ...', 'X posted the video. It shows ...'), means
        nobody. At most three sentences back."""
        return self._last_subject_org(t, things=True)

    def _last_subject_org(self, t: Token, things: bool) -> int | None:
        """The organisation that is the main subject of the nearest sentence before `t` with
        one (not 'it'), within three sentences; None when that subject is anything else, or,
        with `things`, when a thing stands there that an 'it' may mean instead."""
        mentioned = {m.token: m.entity for m in self.mentions}
        first = max(0, self._sent_of[t.i] - 3)
        for k in range(t.i - 1, -1, -1):
            w = self.doc[k]
            if self._sent_of[k] < first:
                return None
            if w.dep_ not in SUBJECT_DEPS or w.head.dep_ != "ROOT" or self.in_quote[k] >= 0:
                continue
            if w.lower_ == "it":
                continue
            idx = self.by_token.get(k, mentioned.get(k))
            if idx is None and not things and w.ent_type_ == "ORG" and w.pos_ == "PROPN":
                idx, _ = self.resolve(w)  # a business named, not yet met as a speaker
            root = w.head
            if things and (
                [c for c in root.children if c.dep_ == "dobj" and c.tag_ == "NN"]
                + [
                    c
                    for c in self.doc[root.sent.start : root.i]
                    if c.dep_ in SUBJECT_DEPS
                    and c.tag_ == "NN"
                    and c.i != k
                    and c.i not in mentioned
                    and self.in_quote[c.i] < 0
                ]
            ):
                return None  # "X posted the video. It shows ...", "The footage shows a van,
                # police said. It showed ...": the thing may be meant
            if idx is None:
                return None
            named_org = not things and w.ent_type_ == "ORG"  # "Ardent Foods" (plural: a group)
            return idx if self.entities[idx].kind == "organization" or named_org else None
        return None

    def _sure(self, idx: int, at: int, want: str, before: list[Mention], sent: int) -> bool:
        """Whether the pronoun's nearest candidate (met in sentence `at`) is surely its
        person: of that gender by the text, or with no other person it could be named in
        that sentence, the two before it or since."""
        if self.entities[idx].gender == want:
            return True
        return not any(
            m.entity != idx
            and at - 2 <= m.sent <= sent
            and self.entities[m.entity].kind == "person"
            and self.entities[m.entity].gender in (None, want)
            for m in before
        )

    def _org_like(self, idx: int) -> bool:
        """A "person" of no known gender the article treats as an organisation, so no
        "he"/"she" points back to it: a name that does something to "its" own things
        ("Quorvex sells its sensors")."""
        toks = doc_tokens(self.doc)
        for m in self.mentions:
            if m.entity != idx or not m.subject:
                continue
            verb = toks[m.token].head
            if any(
                g.lower_ == "its" and g.dep_ == "poss"
                for c in verb.children
                if c.dep_ in ("dobj", "attr", "pobj", "prep")
                for g in (c, *c.children)
            ):
                return True
        return False

    def _teach_gender(self, idx: int, gender: str) -> None:
        e = self.entities[idx]
        if e.gender is None:
            e.gender = gender

    def _role_entity(self, head: Token, definite: bool) -> int | None:
        """The person a role noun names: "the senator" for "Sen. X"; "the owner" for "team
        owner X" only when definite, since any noun can be a role once the text gives it."""
        key = ROLE_KEYS.get(head.lower_)
        if key is None:
            if not definite or head.tag_ != "NN":
                return None
            key = head.lower_
        holders = [i for i, e in enumerate(self.entities) if key in e.role_keys]
        holders = [i for i in holders if self._qualifier_fits(head, i)]
        if not holders and definite and head.lower_ in EPITHET_NOUNS:
            return self._epithet(head)
        if not holders and definite and head.lower_ in _DESCRIBED and _qualified(head):
            return self._epithet(head, _DESCRIBED[head.lower_])
        if definite:
            for m in reversed(self.mentions):
                if m.token < head.i and m.entity in holders:
                    return m.entity
        return holders[0] if len(holders) == 1 else None

    def _qualifier_fits(self, head: Token, idx: int) -> bool:
        """'the president of Freedonia' is no president the text named without Freedonia:
        a role's 'of <name>' must be in what the holder is called or follow a mention."""
        names = [
            g.text.lower()
            for c in head.children
            if c.dep_ == "prep" and c.lower_ == "of"
            for g in c.children
            if g.dep_ == "pobj" and g.pos_ == "PROPN"
        ]
        if not names:
            return True
        said = self._said_of(idx)
        return all(n in said for n in names)

    def _said_of(self, idx: int) -> str:
        """What the text calls entity `idx`, in lower case: its name, roles, aliases and the
        words at each mention."""
        e = self.entities[idx]
        said = [e.name, *e.roles, *e.aliases]
        said += [self.doc[m.token : m.token + 6].text for m in self.mentions if m.entity == idx]
        return " ".join(said).lower()

    def _epithet(self, head: Token, gender: str | None = None) -> int | None:
        """'Okafor scored twice ... "We earned it," the junior said': an epithet no one was given
        is the person last named before it, as "he" would be, and that is now their role.
        So is a described 'the Lakeside woman' (of that `gender`) for the person named
        before it, with no role kept."""
        for m in self._named_before(head):
            e = self.entities[m.entity]
            if gender is not None:
                if e.kind == "person" and e.gender in (None, gender) and e.name:
                    return m.entity
                continue
            if e.kind == "person" and not e.role_keys:  # the coach is no junior
                e.add_role(head.lower_)
                return m.entity
        return None

    def _named_before(self, head: Token) -> Iterator[Mention]:
        """Mentions outside quotes before `head`, nearest sentence first (its subjects
        first, then the latest), back to three sentences before it."""
        sent = self._sent_of[head.i]
        before = [m for m in self.mentions if m.token < head.i and self.in_quote[m.token] < 0]
        for back in range(0, 4):
            in_sent = [m for m in before if m.sent == sent - back]
            in_sent.sort(key=lambda m: (not m.subject, -m.token))
            yield from in_sent

    def _ages(self) -> dict[int, str]:
        """Each person's age as the text states it after a name ("Tom Ashby, 31, won")."""
        if self._age_of is None:
            doc, self._age_of = self.doc, {}
            for m in self.mentions:
                k = m.token
                if (
                    self.entities[m.entity].kind == "person"
                    and k + 3 < len(doc)
                    and doc[k + 1].text == ","
                    and doc[k + 2].like_num
                    and doc[k + 3].text in (",", ".")
                ):
                    self._age_of.setdefault(m.entity, doc[k + 2].text)
        return self._age_of

    def _aged(self, head: Token, age: str) -> int | None:
        """'"...," said the 29-year-old': the one person the text gave that age, else the
        person last named before it (as for "the junior"), unless the text gave them another
        age."""
        ages = self._ages()
        stated = [i for i, a in ages.items() if a == age]
        if len(stated) == 1:
            return stated[0]
        for m in self._named_before(head):
            e = self.entities[m.entity]
            if e.kind == "person" and e.name and ages.get(m.entity, age) == age:
                return m.entity
        return None

    def _author(self, head: Token, definite: bool) -> int | None:
        """Who issued "the statement" (or letter, report ...) that now "said" something: the
        possessor ("the league's statement"), else the subject of the verb the text gave it
        with ("X said in a statement ..."). A document is not a speaker of its own."""
        for c in head.children:
            if c.dep_ == "poss":
                return self._pronoun(c) if c.tag_ == "PRP$" else self.resolve(c)[0]
        for c in head.children:
            # "the Harbor Gazette review", "a report from the Harbor Gazette"
            named = (
                c.dep_ == "compound"
                and c.pos_ == "PROPN"
                and c.i < head.i
                and c.ent_type_ not in ("DATE", "TIME")  # "a Thursday statement from X"
            )
            source = c.dep_ == "prep" and c.lower_ in ("from", "by")
            obj = c if named else next((g for g in c.children if g.dep_ == "pobj"), None)
            if (named or source) and obj is not None and obj.pos_ == "PROPN":
                return self.resolve(obj)[0]
        if not definite and not (head.i and self.doc[head.i - 1].lower_ in ("the", "this")):
            return None  # ('"...," the letter read': the parse may hang "the" on the verb)
        noun = head.lemma_.lower()
        for t in reversed(doc_tokens(self.doc)[max(0, head.i - 400) : head.i]):
            if t.lemma_.lower() != noun or self.in_quote[t.i] >= 0:
                continue
            owner = next((c for c in t.children if c.dep_ == "poss"), None)
            if owner is not None:  # "the league's statement said ... the statement said"
                return self._pronoun(owner) if owner.tag_ == "PRP$" else self.resolve(owner)[0]
            writer = self._clause_author(t)
            if writer is not None:
                return writer
            verb = t.head.head if t.dep_ == "pobj" else t.head
            subjects = [c for c in verb.children if c.dep_ in SUBJECT_DEPS]
            if verb.pos_ in ("VERB", "AUX") and subjects and subjects[0].i != head.i:
                idx, _ = self.resolve(subjects[0])
                return idx
            return None
        return None

    def _clause_author(self, doc_noun: Token) -> int | None:
        """'a letter was posted in which the strikers claimed ...': the speaker of a speech
        verb in a relative clause on the document is its author."""
        for w in doc_noun.sent:
            if w.i <= doc_noun.i or w.tag_ != "WDT":
                continue
            verb = w.head.head if w.dep_ == "pobj" else w.head
            subjects = [c for c in verb.children if c.dep_ == "nsubj" and c.i != w.i]
            if verb.pos_ == "VERB" and verb.lemma_.lower() in SPEECH_VERBS and subjects:
                return self.resolve(subjects[0])[0]
        return None

    def _group(self, toks: list[Token], head: Token, kind: SpeakerKind) -> int:
        while len(toks) > 1 and toks[0].pos_ == "CCONJ":
            toks = toks[1:]  # "And Ostrander"
        toks = _without_place(toks, head)
        # an organisation keeps its name as written ("Cole's campaign" is "the Cole campaign")
        bare = without_det(toks)
        name = span_text(bare) if kind == "organization" else self._owners_named(bare)
        name = name or head.text
        if kind == "group":
            name = self._body_named(toks, head) or name
        full = self._full_org_name(name) if kind in ("organization", "unknown") else None
        if full is not None:
            # "Bloomberg" where the article also writes "Bloomberg News", before or after,
            # and whatever the tagger made of the short name: one outlet, its full name
            name, kind = full, "organization"
        noun = head.lemma_.lower()
        # "the campaign" may be one named before; "the Lopez campaign" names its own
        named = any(t.pos_ == "PROPN" and t.i != head.i for t in toks)
        definite = bool(toks) and toks[0].lower_ in ("the", "this", "that") and not named
        if definite and head.pos_ == "NOUN":
            described = self._described(noun, head.i)
            if described is None:
                described = self._typed(noun, head.i)
            if described is not None:
                self.entities[described].add_alias(span_text(toks))
                return described
        if noun in BUSINESS_NOUNS and toks and toks[0].lower_ == "the" and kind != "group":
            # "Ardent Foods lost money. The Ohio food maker said ...": the business just named
            latest = self._last_subject_org(head, things=False)
            if latest is not None and not self._not_business(self.entities[latest].name):
                self.entities[latest].add_alias(span_text(toks))
                return latest
        for i, e in enumerate(self.entities):
            if e.kind == kind and (e.name == name or (definite and e.last == noun)):
                e.add_alias(span_text(toks))
                self._describe(i, head)
                return i
        self.entities.append(Entity(name, kind, last=noun))
        self.entities[-1].add_alias(span_text(without_det(toks)))  # "Brandt's family" as written
        self._describe(len(self.entities) - 1, head)
        return len(self.entities) - 1

    def _full_org_name(self, name: str) -> str | None:
        """The one organisation named in the article whose full name this is short for."""
        found = [f for f in self._org_names if len(f) > len(name) and short_form(name, f)]
        return found[0] if len(found) == 1 else None

    def _owners_named(self, toks: list[Token]) -> str:
        """A group's name with the person it belongs to named in full: "Lawyers defending her"
        is "Lawyers defending Tessa Brandt", "Brandt's family" "Tessa Brandt's family" (out of
        the article "her" or a surname names nobody)."""
        if not toks:
            return ""
        out = []
        for t in self.doc[toks[0].i : toks[-1].i + 1]:
            owner = self._owner(t)
            if owner is None:
                out.append(t.text_with_ws)
                continue
            full = self.entities[owner].name
            out.append((f"{full}'s" if t.tag_ == "PRP$" else full) + t.whitespace_)
        return "".join(out).strip()

    def _body_named(self, toks: list[Token], head: Token) -> str | None:
        """ "city council members" in a story about the Harlow City Council are "Harlow City
        Council members": words before a group's noun that end the name of one place or
        organisation of the article say whose group it is. A bare "Commissioners" is named
        so when the article writes the noun with such words elsewhere ("county
        commissioners" in a story about Marsh County), and with no others that would."""
        mods = self._modifiers(head)
        if mods:
            body = self._body(mods)
            rest = span_text(list(self.doc[head.i : toks[-1].i + 1]))
            return f"{span_text(body)} {rest}" if body else None
        if len(toks) != 1 or head.tag_ not in ("NNS", "NNPS"):
            return None
        found = {
            span_text(body)
            for t in self._written([head.lower_])
            if t.i != head.i
            for mods in [self._modifiers(t)]
            if mods
            for body in [self._body(mods)]
            if body
        }
        noun = head.lower_ if head.text[1:].islower() else head.text
        return f"{found.pop()} {noun}" if len(found) == 1 else None

    def _written(self, words: Iterable[str], attr: int = LOWER) -> list[Token]:
        """The tokens that read one of `words` in lower case (or as written, with ORTH), in
        text order: found in one array, without a Python step per token of the article."""
        ids = numpy.array([get_string_id(w) for w in words], dtype=numpy.uint64)
        written = self._lowers if attr == LOWER else self._orths
        found = written == ids[0] if len(ids) == 1 else numpy.isin(written, ids)
        toks = doc_tokens(self.doc)
        return [toks[i] for i in numpy.flatnonzero(found)]

    def _modifiers(self, head: Token) -> list[Token]:
        """The lower-case words right before a noun that modify it ("city council")."""
        mods = [c for c in head.lefts if c.dep_ in ("compound", "amod")]
        if not mods or mods[-1].i != head.i - 1:
            return []
        words = list(self.doc[mods[0].i : head.i])
        if any(t.text[1:] != t.text[1:].lower() or not t.is_alpha for t in words):
            return []  # "NATO officials" are not named after anything else
        return words

    def _body(self, words: list[Token]) -> list[Token] | None:
        """The one place or organisation of the article whose name ends with the words."""
        low = [t.lower_ for t in words]
        if self._ent_words is None:
            self._ent_words = [[t.lower_ for t in e] for e in self.ents]
        bodies = {
            " ".join(w for w in ent_words if w != "the"): e
            for e, ent_words in zip(self.ents, self._ent_words, strict=True)
            if e.label_ in ("ORG", "GPE")
            and len(e) > len(low)
            and ent_words[-len(low) :] == low
            and not e.text.isupper()
        }
        if len(bodies) != 1:
            return None
        return [t for t in next(iter(bodies.values())) if t.lower_ != "the"]

    def _owner(self, t: Token) -> int | None:
        """The person a pronoun or bare surname inside a group's name stands for."""
        if t.tag_ in ("PRP", "PRP$") and t.lower_ in ("his", "her", "him"):
            idx = self._pronoun(t, sure=True)
        elif t.pos_ == "PROPN" and t.i + 1 < len(self.doc) and self.doc[t.i + 1].tag_ == "POS":
            idx = self.by_token.get(t.i)
            idx = self.surname(t.text) if idx is None else idx
            if idx is not None and self.entities[idx].last != fold_name(t.text):
                return None  # "Kell's" is Ann Kell's; a first name or a title stays as written
        else:
            return None
        if idx is None or self.entities[idx].kind != "person" or " " not in self.entities[idx].name:
            return None
        if self.entities[idx].name.split()[-1].lower() in NAME_SUFFIXES and t.pos_ == "PROPN":
            return None  # "Jary's family" beside a "Norm Jary Jr.": maybe the father's
        return idx

    def _typed(self, noun: str, before: int) -> int | None:
        """The most recent organisation whose own name says it is a `noun`: "the bureau" after
        "the Valley Farm Bureau" (the name's head word), "the hospital" after "St. Ann
        Medical Center said" (a word that marks hospitals), when the text never described
        anything as one."""
        signs = ORG_TYPES.get(noun, frozenset())

        def says(words: set[str], head: str) -> bool:
            return bool(signs & words) or (head == noun and len(words) > 1)

        for m in reversed(self.mentions):
            e = self.entities[m.entity]
            if (
                m.token < before
                and e.kind == "organization"
                and e.name.lower() != noun
                and says(set(e.name.lower().split()), e.last or "")
            ):
                break
        else:
            m = None
        for ent in reversed(self.ents):
            if m is not None and ent.end <= m.token:
                break
            if ent.label_ != "ORG" or ent.end > before or self.in_quote[ent.start] >= 0:
                continue
            toks = [t for t in ent if t.lower_ != "the" and t.tag_ != "POS"]
            head = ent.root
            heads = [k for k, t in enumerate(toks) if t.lower_ == noun]
            if (
                heads
                and heads[-1] < len(toks) - 1
                and all(t.text[:1].isupper() for t in toks[heads[-1] + 1 :])  # not "of ..."
            ):
                # "the fire department" of "Danville Fire Department Battalion Chief Al X":
                # the name ends at the noun, before the rank the tagger ran into it
                toks = toks[: heads[-1] + 1]
                head = toks[-1]
            if toks and says({t.lower_ for t in toks}, head.lemma_.lower()):
                return self._group(toks, head, "organization")
        return m.entity if m is not None else None

    def _describe(self, idx: int, head: Token) -> None:
        """Remember what the text calls an organisation: its head noun and appositives
        ("the Taxpayers League, a group that ...", "Local 12, the union representing ...")."""
        e = self.entities[idx]
        e.nouns.add(head.lemma_.lower())
        for child in head.children:
            if child.dep_ == "appos" and child.pos_ == "NOUN":
                e.nouns.add(child.lemma_.lower())
            elif (
                child.dep_ == "compound"
                and child.lower_ in BUSINESS_NOUNS
                and e.kind == "organization"
            ):
                e.nouns.add(child.lower_)  # "the tablet maker Zentrix"
        if self._site.get(head.i) is None:
            self._site[head.i] = idx

    @staticmethod
    def _not_business(name: str) -> bool:
        """An organisation whose name says it is a union, an agency, a school, a team ...:
        'the company' never means it."""
        said = set(name.lower().split())
        kinds = [
            signs for noun, signs in ORG_TYPES.items() if noun not in ("company", "bank", "airline")
        ]
        return bool(said & (ORG_HEADS - BUSINESS_NOUNS - {"group"})) or any(
            said & signs for signs in kinds
        )

    def _described(self, noun: str, before: int) -> int | None:
        """The most recent organisation or group the text described as `noun` ("the group")."""
        for i in sorted((i for i in self._site if i < before), reverse=True):
            e = self.entities[self._site[i]]
            kin = BUSINESS_NOUNS if e.kind == "organization" and noun in BUSINESS_NOUNS else {noun}
            if e.kind != "person" and kin & e.nouns and e.name.lower() != noun:
                return self._site[i]
        return None

    def _collect_organisations(self) -> None:
        """Organisations introduced with a description, so a later "the group" finds them:
        "X, a group that ...", "the union, Local 9, ...", "X is an advocacy group"."""
        for toks, desc in self._descriptions():
            name = toks[-1]
            if (
                any(t.i in self.by_token for t in toks)
                or not toks[0].text[:1].isupper()
                or name.tag_ in ("PRP", "DT")
                or name.ent_type_ in ("PERSON", "GPE", "NORP", "DATE", "TIME", "CARDINAL")
                or self.in_quote[name.i] >= 0
            ):
                continue
            noun = desc.lemma_.lower()
            if name.ent_type_ != "ORG" and noun not in ORG_HEADS:
                continue
            idx = self._group(toks, name, "organization")
            self.entities[idx].kind = "organization"
            self.entities[idx].nouns.add(noun)
            role = without_det(np_tokens(desc))
            if len(role) > 1:  # "advocacy group" says something; a bare "group" does not
                self.entities[idx].add_role(span_text(role))
            self._site.setdefault(desc.i, idx)
            self.by_token.setdefault(desc.i, idx)  # "a group that opposed ..." is X
            for t in toks:
                self.by_token.setdefault(t.i, idx)
            self._add_mention(name, idx)
        self.mentions.sort(key=lambda m: m.token)

    def _descriptions(self) -> list[tuple[list[Token], Token]]:
        """(name tokens, description head) pairs: an appositive either way round, a copula
        ("X is a group"), or a description set off by commas after a sentence-opening name
        ("X, the group that ..., said"), which the parser often splits oddly when the name
        is made of common words."""
        pairs: list[tuple[list[Token], Token]] = []
        for t in doc_tokens(self.doc):
            if t.dep_ == "appos" and t.pos_ == "NOUN" and t.tag_ == "NN":
                if (end := dateline_end(t.head)) is not None and t.i > end:
                    continue  # "LAKEVILLE, Ohio - One resident said": no resident's name
                pairs.append((self._name_span(t.head), t))
            elif t.dep_ == "appos" and t.pos_ == "PROPN" and t.head.tag_ == "NN":
                pairs.append((self._name_span(t), t.head))
            elif t.dep_ in SUBJECT_DEPS and t.tag_ == "NN":
                name = self._opening_name(t)
                if name:
                    pairs.append((name, t))
            if t.lemma_ == "be" and t.pos_ in ("VERB", "AUX"):
                attrs = [c for c in t.children if c.dep_ == "attr" and c.tag_ == "NN"]
                left = [
                    c for c in t.children if c.i < t.i and c.dep_ in ("nsubj", "advmod", "npadvmod")
                ]
                if attrs and left and any(d.dep_ == "det" for d in attrs[0].children):
                    pairs.append((self._name_span(left[-1]), attrs[0]))
        return pairs

    def _name_span(self, head: Token) -> list[Token]:
        """A named organisation's words: the tagger's entity when it found one (the parser
        may hang half a name elsewhere), else the head's noun phrase."""
        if head.ent_type_ == "ORG":
            ent = next((e for e in self.ents if e.start <= head.i < e.end), None)
            if ent is not None:
                return [t for t in ent if t.lower_ != "the" and t.tag_ != "POS"]
        return np_tokens(head)

    def _opening_name(self, desc: Token) -> list[Token]:
        """The capitalised words that open the sentence before ", the group ...", if any."""
        comma = desc.left_edge.i - 1
        if comma <= 0 or self.doc[comma].text != "," or desc.left_edge.tag_ != "DT":
            return []
        i = comma - 1
        while i >= 0 and (
            self.doc[i].text[:1].isupper() or self.doc[i].lower_ in ("of", "for", "and", "&")
        ):
            i -= 1
        if i >= 0 and not (self.doc[i].is_punct or self.doc[i].is_space):
            return []  # the capitals do not open a sentence: "... said Fair Fares Now, ..."
        toks = list(self.doc[i + 1 : comma])
        if toks and toks[0].lower_ == "the":
            toks = toks[1:]
        return toks if 0 < len(toks) <= 6 and toks[-1].text[:1].isupper() else []

    def resolve(self, head: Token) -> tuple[int | None, str]:
        """(entity index or None, mention as written) for the subject `head` of a cue."""
        if head.tag_ in ("WP", "WDT") and head.head.dep_ in ("relcl", "acl"):
            head = head.head.head
        whose = next((c for c in head.children if c.tag_ == "WP$" and c.i < head.i), None)
        if whose is not None and whose.i >= 2 and self.doc[whose.i - 1].text == ",":
            # "Ruiz, whose party has held power ..., claimed": the parser gave the verb the
            # relative clause's subject; the one the clause is about speaks
            head = self.doc[whose.i - 2]
        if head.ent_type_ == "DATE" and head.lower_ in WEEKDAYS:
            return None, ""  # "Apple Inc. Wednesday announced": a day says nothing
        toks = np_tokens(head)
        mention = span_text(toks)
        position = _position_after(head)
        if position:
            toks = [*toks, *position]
            player = self._player(toks, position[-1])
            self._add_mention(head, player)
            return player, span_text(toks)
        if head.i in self.by_token:
            return self.by_token[head.i], mention
        age = stated_age(head)
        lo = toks[0].i
        if age is not None and "the" in (toks[0].lower_, self.doc[max(lo - 1, 0)].lower_):
            aged = self._aged(head, age)
            if aged is not None:
                self._add_mention(head, aged)
                return aged, mention
        if head.tag_ in ("PRP", "PRP$"):
            idx = self._pronoun(head)
            if idx is not None:
                self._add_mention(head, idx)
            return idx, mention
        for t in [c for c in head.children if c.dep_ == "compound"]:
            if t.i in self.by_token:
                idx = self.by_token[t.i]
                # not "one Annapolis mom", "a Clinton aide": a person noun is someone else
                kin = head.lower_ in PERSON_NOUNS or head.lower_ in JOB_WORDS
                if (
                    self.entities[idx].kind == "person"
                    and head.lower_ not in ORG_HEADS
                    and not (kin or head.lower_ in ROLE_KEYS)
                ):
                    return idx, mention
        definite = bool(toks) and toks[0].lower_ in ("the", "this", "that")
        if head.lemma_.lower() in HOW_NOUNS and head.tag_ == "NN":
            author = self._author(head, definite)
            if author is not None:
                self._add_mention(head, author)
                return author, mention
        role_idx = self._role_entity(head, definite)
        if role_idx is not None:
            self.entities[role_idx].add_alias(span_text(without_det(toks)))
            self._add_mention(head, role_idx)
            return role_idx, mention
        for t in [c for c in head.children if c.dep_ == "appos" or _comma_conj(c)]:
            # "The company's chief executive, Jo X, said": the named person speaks.
            app = self.by_token.get(t.i)
            if app is None and t.ent_type_ != "PERSON":
                app = self._unnamed_person(t, head)
            if app is not None and self.entities[app].kind == "person":
                return app, mention
        for named in (self._unit_head, self._name_set_before):
            idx = named(head, toks)
            if idx is not None:
                return idx, mention
        known = None
        if head.pos_ == "PROPN" and len(toks) == 1:
            # a person named in full after the names were collected, or by first name only
            known = self.surname(head.text)
            if known is None and (head.ent_type_ in ("", "PERSON") or self._alone(head.text)):
                known = self._first_name(head.text)
        if known is not None:
            self._add_mention(head, known)
            return known, mention
        if (head.ent_type_ in ("ORG", "GPE", "NORP") and head.tag_ != "NNPS") or (
            head.lower_ in ORG_HEADS
        ):
            idx = self._group(toks, head, "organization")
        elif head.tag_ in ("NNS", "NNPS") or head.lower_ in PLURAL_PRONOUNS:
            toks = self._defined_group(toks, head)
            mention = span_text(toks)
            idx = self._group(toks, head, "group")
        elif head.pos_ in ("NOUN", "PROPN"):
            noun = head.lower_ in PERSON_NOUNS or head.lower_ in JOB_WORDS
            person = head.lower_ in ROLE_KEYS or (noun and head.is_lower)
            kind: SpeakerKind = "person" if person else "unknown"
            idx = self._group(toks, head, kind)
        else:
            return None, mention
        self._add_mention(head, idx)
        return idx, mention

    def _player(self, toks: list[Token], position: Token) -> int:
        """The player a team's position names ("the Rovers forward"): the one the text gave
        that position, else a person known only by the phrase (the player the story just
        named, most likely, but a tagger that calls teams people makes guessing unsafe).
        Never the team."""
        word = position.lower_
        team = " ".join(t.lower_ for t in toks if t.pos_ == "PROPN")
        holders = [
            i
            for i, e in enumerate(self.entities)
            if word in e.role_keys and team in self._said_of(i)
        ]
        for m in reversed(self.mentions):
            if m.token < position.i and m.entity in holders:
                return m.entity
        if len(holders) == 1:
            return holders[0]
        name = span_text(without_det(toks))
        for i, e in enumerate(self.entities):
            if e.kind == "person" and e.name == name:
                return i
        self.entities.append(Entity(name, "person", last=word))
        return len(self.entities) - 1

    def _name_set_before(self, head: Token, toks: list[Token]) -> int | None:
        """'"...," Ana Ruiz, lead author of the paper, said': when the parser makes the role
        the subject, the person's name set off before it in the same phrase speaks."""
        first = toks[0] if toks else head
        name_end = first.i
        while name_end + 1 < head.i and self.doc[name_end + 1].ent_type_ == "PERSON":
            name_end += 1
        idx = self.by_token.get(name_end)
        if (
            idx is None
            or first.ent_type_ != "PERSON"
            or name_end >= head.i
            or self.entities[idx].kind != "person"
            or self.doc[name_end + 1].text != ","
            or not (head.lower_ in ROLE_KEYS or head.lower_ in PERSON_NOUNS)
        ):
            return None
        self._add_mention(head, idx)
        return idx

    def _unit_head(self, head: Token, toks: list[Token]) -> int | None:
        """'said Harbor Telecom president of mobile networks business Dana Moon': a role
        noun whose "of" phrase runs from the unit's common words straight into a person's
        name is that person with the role (not 'the daughter of Dana Moon', whose "of"
        holds the name alone, nor 'a spokesman for Dana Moon')."""
        last = toks[-1] if toks else head
        idx = self.by_token.get(last.i)
        if (
            (head.lower_ not in ROLE_KEYS and head.lower_ not in TITLES)
            or last.i <= head.i + 2
            or last.ent_type_ != "PERSON"
            or idx is None
            or self.entities[idx].kind != "person"
        ):
            return None
        start = last.i
        while start > head.i and self.doc[start].ent_iob_ == "I":
            start -= 1
        unit = self.doc[head.i + 1 : start]
        if (
            len(unit) < 2
            or unit[0].lower_ != "of"
            or not all(t.pos_ in ("NOUN", "PROPN", "ADJ") for t in unit[1:])
            or not any(t.pos_ == "NOUN" and t.is_lower for t in unit[1:])
        ):
            return None
        self._add_mention(head, idx)
        return idx

    def _defined_group(self, toks: list[Token], head: Token) -> list[Token]:
        """'Lawyers defending her said': a bare plural is named by the participle that says
        which ones ("Lawyers defending her", not any "Lawyers")."""
        if toks[0].i != head.i or head.i + 1 >= len(self.doc):
            return toks
        acl = self.doc[head.i + 1]
        if acl.dep_ != "acl" or acl.head.i != head.i or acl.tag_ not in ("VBG", "VBN"):
            return toks
        if acl.right_edge.i - head.i > 4 or any(t.is_punct for t in acl.subtree):
            return toks
        return list(self.doc[head.i : acl.right_edge.i + 1])

    def _unnamed_person(self, t: Token, noun: Token) -> int | None:
        """A name the tagger took for a place or left untyped, set off after a noun only a
        person can be ("Its head, Curtis Mbeki,"), or led by a known first name."""
        name = [c for c in t.lefts if c.dep_ == "compound" and c.pos_ == "PROPN"] + [t]
        if (
            len(name) < 2
            or len(name) > 3
            or t.ent_type_ == "ORG"
            or not all(w.pos_ == "PROPN" and w.text[:1].isupper() for w in name)
            or not punct_between(noun, name[0])
        ):
            return None
        person_noun = noun.tag_ == "NN" and (
            noun.lower_ in PERSON_NOUNS or noun.lower_ in ROLE_KEYS
        )
        if not person_noun and gender_of_first_name(name[0].text) is None:
            return None
        if t.i in self.by_token:
            return self.by_token[t.i]
        idx = self._person_for(name, t.i)
        self._add_mention(t, idx)
        for w in name:
            self.by_token.setdefault(w.i, idx)
        return idx

    def labelled(self, toks: list[Token]) -> int:
        """The person a transcript label names ("REP. KEVIN X", "GRAHAM"): the article's
        person of that full name or surname, else a new one. A label is no mention in the
        discourse, so pronouns never point back to it."""
        toks = [t for t in toks if not t.is_punct or t.text == "."]
        # a title, or a job written as one ("COACH X", "DETECTIVE Y")
        while len(toks) > 1 and (toks[0].lower_ in TITLES or toks[0].lower_ in PERSON_NOUNS):
            toks = toks[1:]
        toks = [t for t in toks if t.text != "."]
        if len(toks) > 1:
            return self._person_for(toks, toks[0].i)
        low = fold_name(toks[0].text)
        full = [i for i, e in enumerate(self.entities) if e.kind == "person" and e.last == low]
        named = [i for i in full if self.entities[i].first]  # "VALE" is "DEXTER VALE"
        if len(named) == 1:
            return named[0]
        known = self.surname(toks[0].text)
        if known is None:
            known = self._named_anywhere(low)
        if known is None and toks[0].text.isupper():
            known = self._by_initials(low)
        return known if known is not None else self._single_name(toks[0].text, toks[0].i)

    def _by_initials(self, low: str) -> int | None:
        """'ML:' after 'Mara Lind: ...': a transcript may label turns with the initials of a
        person it has named in full ('CHS' for a hyphenated surname's two parts). Only one
        person of the article may have those initials."""
        if not 2 <= len(low) <= 4 or not low.isalpha():
            return None
        found = [
            i
            for i, e in enumerate(self.entities)
            if e.kind == "person"
            and e.first
            and "".join(w[0] for w in re.split(r"[\s\-]+", e.name.lower()) if w) == low
        ]
        return found[0] if len(found) == 1 else None

    def _named_anywhere(self, low: str) -> int | None:
        """'MACCALLUM:' in the transcript of '"The Story with Martha MacCallum"': a label's
        surname may be spelled out in full only inside a show's title (a given name and the
        surname, whatever the tagger made of them)."""
        toks = doc_tokens(self.doc)
        found = [
            [toks[t.i - 1], t]
            for t in toks
            if t.lower_ == low
            and not t.is_upper
            and t.i > 0
            and gender_of_first_name(toks[t.i - 1].text) is not None
        ]
        if len({(a.text, b.text) for a, b in found}) != 1:
            return None
        return self._person_for(found[0], found[0][0].i)

    def interviewee(self, before: int, asking: set[str | None]) -> int | None:
        """The person an interview is with: the one the text names most before the first
        answer (token index `before`), the first named on a tie; never one who asks, nor
        the reporter ("sat down with crime reporter Ana X"). With no name left, a person the
        introduction's subject names by what they are ("The city's new police chief sat
        down with ...")."""
        count: Counter[int] = Counter()
        first: dict[int, int] = {}
        for m in self.mentions:
            e = self.entities[m.entity]
            if m.token < before and e.kind == "person" and e.name not in asking:
                if any(w in ASKER_WORDS for r in e.roles for w in r.lower().split()):
                    continue
                count[m.entity] += 1
                first.setdefault(m.entity, m.token)
        if count:
            return max(count, key=lambda i: (count[i], -first[i]))
        for t in doc_tokens(self.doc)[:before]:
            if t.dep_ != "nsubj" or self.in_quote[t.i] >= 0 or t.pos_ != "NOUN":
                continue
            if t.lower_ in PERSON_NOUNS or t.lower_ in JOB_WORDS or t.lower_ in ROLE_KEYS:
                idx, _ = self.resolve(t)
                if idx is not None and self.entities[idx].kind == "person":
                    return idx
        return None

    def _alone(self, word: str) -> bool:
        """Whether the tagger takes the word alone for a person somewhere in the article
        ("said Zhao"), so where it calls it an organisation ("Zhao said") it is wrong."""
        return any(e.label_ == "PERSON" and len(e) == 1 and e.text == word for e in self.ents)

    def _first_name(self, word: str) -> int | None:
        """The one person of the article with this first name ("said Maria, 54")."""
        low = fold_name(word)
        hits = [i for i, e in enumerate(self.entities) if e.kind == "person" and e.first == low]
        return hits[0] if len(hits) == 1 else None

    def surname(self, word: str) -> int | None:
        """The person whose surname is `word` in any case ("PENCE" in a transcript)."""
        low = fold_name(word)
        hits = [i for i, e in enumerate(self.entities) if e.kind == "person" and e.last == low]
        return hits[0] if len(hits) == 1 else None

    def speakers(self) -> list[Speaker]:
        """Quoted speakers and every person merely mentioned. A name that is an entity of its
        own here ("Obama", kept apart from "Michelle Obama") is no alias of another."""
        while self._person_roles:
            self._person_owns(*self._person_roles.pop(0))
        out = []
        names = {e.name for e in self.entities}
        for e in self.entities:
            if e.kind != "person" and not e.quoted:
                continue
            out.append(
                Speaker(
                    name=e.name,
                    kind=e.kind,
                    aliases=[a for a in e.aliases if a not in names],
                    roles=list(e.roles),
                    quoted=e.quoted,
                    mentions=e.mentions,
                )
            )
        return out


def _own_relative(name: Token) -> str | None:
    """'Stanley Okafor and his wife', 'Ana Ruiz and her son': the possessive on the relative
    joined to a name is that person's, so it tells their gender."""
    for c in name.children:
        if c.dep_ == "conj" and c.lower_ in PERSON_NOUNS:
            own = [p.lower_ for p in c.children if p.dep_ == "poss"]
            if own in (["his"], ["her"]) and c.i - name.i <= 3:
                return "m" if own == ["his"] else "f"
    return None


# Verbs that put a question to their object
ASK_VERBS = words("ask question press quiz prod")

# Who asks in an interview, not who answers
ASKER_WORDS = words(
    "reporter journalist correspondent editor writer columnist host anchor interviewer "
    "producer presenter"
)


def _ent_goes_on(t: Token) -> bool:
    """The entity that starts at `t` runs on past it."""
    nxt = t.doc[t.i + 1] if t.i + 1 < len(t.doc) else None
    return nxt is not None and nxt.ent_iob_ == "I"


def _owner_of_person(t: Token) -> bool:
    """A name that only qualifies a person noun ("a Clinton aide", "one Annapolis mom",
    whatever the tagger made of the name): the person meant is the noun's."""
    head = t.head
    low = head.lower_
    return (
        t.dep_ == "compound"
        and head.i > t.i
        and (low in PERSON_NOUNS or low in JOB_WORDS or low in ROLE_KEYS)
    )


def _beside_pronoun(name: Token, pronoun: Token) -> bool:
    """'Leaving the talks with Ruiz, he said ...': a phrase with no subject of its own on
    the pronoun's verb is something the pronoun's person does, so the people in it are
    others with them, not who the pronoun means."""
    verb = pronoun.head
    for a in name.ancestors:
        if a.head == verb and a.dep_ in ("advcl", "prep") and a.i < pronoun.i:
            clause = (
                a if a.dep_ == "advcl" else next((c for c in a.children if c.dep_ == "pcomp"), None)
            )
            return clause is not None and not any(
                c.dep_ in ("nsubj", "nsubjpass") for c in clause.children
            )
        if a == verb:
            return False
    return False


# Nouns that describe a person already named when qualified ("the Yackandandah woman", "the
# 54-year-old man"), with the gender they need.
_DESCRIBED = {"woman": "f", "man": "m"}


def _position_after(head: Token) -> list[Token]:
    """'The Lakers forward said', 'the Eagles running back said': a position the parser
    read as an adverb between a team's name (the subject) and the verb."""
    verb = head.head
    if head.pos_ != "PROPN" or head.dep_ != "nsubj" or not head.i < verb.i:
        return []
    between = list(head.doc[head.i + 1 : verb.i])
    if not 0 < len(between) <= 2 or not all(t.is_lower and t.is_alpha for t in between):
        return []
    return between if between[-1].lower_ in POSITION_WORDS else []


def fold_name(word: str) -> str:
    """A name word as names are compared: in small letters, a curly apostrophe written
    straight ("O’Leary" is "O'Leary")."""
    return word.lower().replace("\u2019", "'")


def _others_between(named: Token, they: Token) -> bool:
    """'Police fired tear gas at the marchers as they tried to ...': a "they" in a clause
    that begins with "as", "when", ... may mean the people named in between as well as the
    subject before them; it names neither."""
    verb = they.head
    if they.dep_ not in ("nsubj", "nsubjpass") or verb.dep_ != "advcl":
        return False
    if not any(c.dep_ == "mark" for c in verb.children):
        return False
    return any(
        w.tag_ == "NNS" and w.dep_ in ("dobj", "pobj") for w in named.doc[named.i + 1 : they.i]
    )


def _qualified(noun: Token) -> bool:
    """'the Lakeside woman', 'the 54-year-old man' (not 'the other woman', 'the woman')."""
    return any(
        c.dep_ in ("compound", "amod", "nmod") and c.lower_ not in ("other", "second", "first")
        for c in noun.children
        if c.i < noun.i
    )
