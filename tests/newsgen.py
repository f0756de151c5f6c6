"""Small news-style articles written from templates, for the reliability and load tests.

Each article has its own main speaker (a full name used nowhere else), so a question about
that person has exactly one right article. The text is invented here: no evaluation data and
no seed sentences, so tests built on it do not lean on what the scorers check.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path

FIRST = [
    "Marisol",
    "Tobias",
    "Ingrid",
    "Desmond",
    "Priya",
    "Anselm",
    "Lucinda",
    "Oskar",
    "Yolanda",
    "Hamish",
    "Beatrix",
    "Rafael",
    "Noor",
    "Cornelius",
    "Delphine",
    "Emeka",
    "Solveig",
    "Bartholomew",
    "Keiko",
    "Ignatius",
    "Rosalind",
    "Thaddeus",
    "Mireille",
    "Augustin",
    "Wilhelmina",
    "Casimir",
    "Odalys",
    "Leopold",
    "Svetlana",
    "Fitzgerald",
    "Anouk",
    "Benedikt",
    "Philippa",
    "Evander",
    "Rosamund",
    "Lazarus",
    "Henrietta",
    "Maximilian",
    "Ottilie",
    "Jerome",
    "Clementine",
    "Barnaby",
    "Esperanza",
    "Florian",
    "Genevieve",
    "Horatio",
    "Isadora",
    "Jasper",
    "Leonora",
    "Montgomery",
    "Nerissa",
    "Octavian",
    "Perpetua",
    "Quentin",
    "Rowena",
    "Sebastian",
    "Tamsin",
    "Ulysses",
    "Valentina",
    "Winslow",
]
LAST = [
    "Quennell",
    "Abernathy",
    "Okonkwo-Reyes",
    "Vasquez-Lind",
    "Tremblay",
    "Halvorsen",
    "Pemberton",
    "Castellanos",
    "Drummond",
    "Achterberg",
    "Moreau",
    "Kowalczyk",
    "Ferreira",
    "Lindqvist",
    "Oyelaran",
    "Beaumont",
    "Szabo",
    "Whitcombe",
    "Nakashima",
    "Delacroix",
    "Grunewald",
    "Mbeki-Hart",
    "Rasmussen",
    "Vukovic",
    "Ellingham",
    "Montague",
    "Zielinski",
    "Carraway",
    "Thistlewood",
    "Iskander",
    "Petrakis",
    "Holloway",
    "Albrecht",
    "Bannerman",
    "Cheswick",
    "Dunleavy",
    "Eckersley",
    "Fairweather",
    "Gallagher-Moss",
    "Hargreaves",
    "Ingersoll",
    "Jablonski",
    "Kilbride",
    "Lockhart",
    "Maplethorpe",
    "Northcote",
    "Ostrander",
    "Pendlebury",
    "Quigley",
    "Rathbone",
    "Sandoval",
    "Tolliver",
    "Underhill",
    "Vandermeer",
    "Wainwright",
    "Yarborough",
    "Zabriskie",
    "Ashcombe",
    "Brackenridge",
    "Coldwell",
]
CITIES = [
    "Harrowgate",
    "Port Linden",
    "Millbrook",
    "Eastvale",
    "Corran Falls",
    "Wexford Bay",
    "Aldermoor",
    "Brightwater",
    "Stonehaven",
    "Kellington",
]
PROJECTS = [
    ("a new light rail line", "the rail line", "commuters"),
    ("a desalination plant", "the plant", "farmers"),
    ("a downtown stadium", "the stadium", "small businesses"),
    ("a children's hospital wing", "the new wing", "families"),
    ("a flood barrier on the river", "the barrier", "homeowners"),
    ("a public library renovation", "the renovation", "students"),
    ("a wind farm off the coast", "the wind farm", "fishermen"),
    ("a bus rapid transit corridor", "the corridor", "shift workers"),
    ("a regional airport expansion", "the expansion", "nearby residents"),
    ("a municipal broadband network", "the network", "rural households"),
]
ROLES = [
    ("Mayor", "mayor"),
    ("Councilwoman", "councilwoman"),
    ("Councilman", "councilman"),
    ("State Sen.", "state senator"),
    ("Transportation Director", "transportation director"),
    ("Finance Chair", "finance chair"),
]
OPPONENT_ROLES = ["union leader", "neighborhood association president", "budget analyst"]
SUPPORT = [
    "This is the most important investment {city} has made in a generation",
    "We cannot keep asking {people} to wait another decade for {short}",
    "Every dollar we put into {short} comes back to {city} many times over",
    "I have never been more certain that a vote was the right one",
]
SUPPORT_TAIL = [
    "We owe it to the people who will live here after us",
    "The numbers have been checked three times and they hold up",
    "Nobody on this council wants to explain another delay to {people}",
]
INDIRECT = [
    "construction would begin in the spring and finish within four years",
    "the city had secured most of the money from state and federal grants",
    "an independent auditor would review the spending every six months",
]
DOUBT = [
    "They are spending money we do not have on promises nobody can keep",
    "Ask {people} whether they wanted this and you will hear a different story",
    "The estimates were drawn up to win a vote, not to survive contact with reality",
]
DOUBT_INDIRECT = [
    "the cost of {short} would double before the first ribbon is cut",
    "the council had ignored hundreds of letters from residents",
    "the group would ask a judge to pause the work",
]
MONTHS = {"March": 3, "April": 4, "May": 5, "June": 6, "September": 9, "October": 10}


@dataclass
class GeneratedArticle:
    path: Path
    title: str
    speaker: str  # the main speaker's full name: unique to this article
    surname: str
    opponent: str
    text: str


def _people(rng: random.Random, n: int) -> list[tuple[str, str]]:
    """`n` people; no first name and no surname is used twice, so names never overlap."""
    if n > min(len(FIRST), len(LAST)):
        raise ValueError(f"at most {min(len(FIRST), len(LAST))} distinct people")
    return list(zip(rng.sample(FIRST, n), rng.sample(LAST, n), strict=True))


def write_articles(folder: Path, n: int = 30, seed: int = 7) -> list[GeneratedArticle]:
    """Write `n` articles (`NN_slug.txt` + `.meta.json`) into `folder`; return what was written."""
    rng = random.Random(seed)
    persons = _people(rng, 2 * n)
    folder.mkdir(parents=True, exist_ok=True)
    out: list[GeneratedArticle] = []
    for i in range(n):
        (first, last), (ofirst, olast) = persons[i], persons[n + i]
        city = CITIES[i % len(CITIES)]
        project, short, people = PROJECTS[(i * 3) % len(PROJECTS)]
        role, role_lc = ROLES[i % len(ROLES)]
        opp_role = OPPONENT_ROLES[i % len(OPPONENT_ROLES)]
        fill = {"city": city, "short": short, "people": people}
        votes_for = 5 + i % 4
        votes_against = 1 + i % 3
        title = f"{city} approves {project} after {votes_for}-{votes_against} vote"
        day = 1 + (i * 7) % 27
        month = list(MONTHS)[i % len(MONTHS)]
        support = SUPPORT[i % len(SUPPORT)].format(**fill)
        tail = SUPPORT_TAIL[(i // 2) % len(SUPPORT_TAIL)].format(**fill)
        doubt = DOUBT[i % len(DOUBT)].format(**fill)
        million = 40 + rng.randrange(5, 900)
        text = (
            f"{title}\n\n"
            f"{city.upper()}, {month} {day} — The {city} city council voted {votes_for} to "
            f"{votes_against} on Tuesday night to approve {project}, ending months of argument "
            f"over a plan expected to cost ${million} million.\n\n"
            f'"{support}," said {role} {first} {last}, who led the push for {short}. '
            f'"{tail}."\n\n'
            f"{last} said {INDIRECT[i % len(INDIRECT)]}. The {role_lc} added that the first "
            f"public hearing on the design would be held before the end of {month}.\n\n"
            f'Not everyone was persuaded. "{doubt}," said {ofirst} {olast}, a local '
            f"{opp_role}.\n\n"
            f"{olast} told reporters that "
            f"{DOUBT_INDIRECT[i % len(DOUBT_INDIRECT)].format(**fill)}.\n\n"
            f"The council is expected to approve the first contracts for {short} next month.\n"
        )
        slug = f"{i:02d}_{city.lower().replace(' ', '_')}_{last.lower()}"
        path = folder / f"{slug}.txt"
        path.write_text(text, encoding="utf-8")
        meta = {
            "title": title,
            "source": "Reliability Test Gazette",
            "url": f"https://news.example.org/{slug}",
            "published": f"2024-{MONTHS[month]:02d}-{day:02d}",
        }
        (folder / f"{slug}.meta.json").write_text(json.dumps(meta), encoding="utf-8")
        out.append(
            GeneratedArticle(path, title, f"{first} {last}", last, f"{ofirst} {olast}", text)
        )
    return out


LONG_OPENERS = [
    "The debate over {short} in {city} went on into the evening.",
    "In {city}, the argument over {short} reached the council chamber again.",
    "Officials in {city} returned to {project} on the next day of hearings.",
]


def long_article(size: int, seed: int = 11) -> str:
    """One invented article of at most `size` bytes in UTF-8 (the unit of the file limit): a
    long report made of sections, each with a few named people quoted directly (some across
    two paragraphs, some split by their attribution), reported statements, pronouns and roles
    that refer back, and paragraphs of varied length. Deterministic for a seed; names repeat
    across sections as they would in a long report."""
    rng = random.Random(seed)
    paras: list[str] = ["Council hearings: a long report\n"]
    total = len(paras[0].encode())
    while total < size:
        city = rng.choice(CITIES)
        project, short, people = rng.choice(PROJECTS)
        fill = {"city": city, "short": short, "people": people, "project": project}
        role, role_lc = rng.choice(ROLES)
        first, last = rng.choice(FIRST), rng.choice(LAST)
        ofirst, olast = rng.choice(FIRST), rng.choice(LAST)
        opp_role = rng.choice(OPPONENT_ROLES)
        section = [
            rng.choice(LONG_OPENERS).format(**fill),
            f'"{rng.choice(SUPPORT).format(**fill)}," said {role} {first} {last}. '
            f'"{rng.choice(SUPPORT_TAIL).format(**fill)}."',
            f"{last} said {rng.choice(INDIRECT)}. The {role_lc} added that a hearing on "
            f"{short} would be held within weeks.",
            f'"{rng.choice(DOUBT).format(**fill)}," {ofirst} {olast}, a {opp_role}, told the '
            f'council. "We will be back every week until someone listens.',
            f'"{rng.choice(SUPPORT_TAIL).format(**fill)}," {olast} said.',
            f"According to {olast}, {rng.choice(DOUBT_INDIRECT).format(**fill)}.",
            f"{role} {last} was asked about that on Wednesday: "
            f'"{rng.choice(SUPPORT).format(**fill)}."',
        ]
        if rng.random() < 0.5:
            section.append(
                f'"I think {short} is a mistake," said {rng.choice(FIRST)} {rng.choice(LAST)}, '
                f'who lives near the site, "but I will not stand in its way."'
            )
        if rng.random() < 0.3:
            section.append(f"{city.upper()} — The meeting ended without a second vote.")
        for p in section:
            if total + len(p.encode()) + 2 > size:
                return "".join(paras)
            paras.append(p + "\n\n")
            total += len(p.encode()) + 2
    return "".join(paras)
