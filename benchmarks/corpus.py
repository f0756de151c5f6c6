"""A corpus builder for scale: real news paragraphs recombined into synthetic articles.

The extractor and the index should see realistic text (quotes, speech verbs, pronouns, names),
so articles are assembled from runs of consecutive paragraphs of real articles: the seed
articles in `seeds/` and the PolNeAR dev texts, read at run time from the shared folder and
never copied into the repository. Keeping runs of 2-5 consecutive paragraphs keeps most "he
said" next to the person it refers to. The same seed gives the same corpus.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from benchmarks.common import REPO, SHARED

POLNEAR_TEXT = SHARED / "quote_data" / "PolNeAR" / "dev" / "text"
SOURCES = ("Daily Ledger", "Capitol Wire", "Morning Post", "Evening Courier", "Metro Herald")
_MIN_PARAGRAPH = 60  # shorter lines are headings, captions and section labels
_QUOTE_MARK = re.compile(r"[\"\u201c\u201d]|''|\b(?:said|told|says)\b")


@dataclass(frozen=True)
class SourceText:
    title: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class SyntheticArticle:
    name: str
    title: str
    source: str
    published: str
    text: str


def read_sources(shared: Path = POLNEAR_TEXT, seeds: Path = REPO / "seeds") -> list[SourceText]:
    """The real articles the corpus is made from; PolNeAR is skipped when absent."""
    files = sorted(seeds.glob("*.txt"))
    if shared.is_dir():
        files += sorted(shared.glob("*.txt"))
    out = []
    for path in files:
        lines = [ln.strip() for ln in path.read_text(encoding="utf-8").splitlines()]
        lines = [ln for ln in lines if ln]
        if not lines:
            continue
        paragraphs = tuple(
            ln
            for ln in lines[1:]
            if len(ln) >= _MIN_PARAGRAPH and not ln.startswith(("Image:", "Related:"))
        )
        if paragraphs:
            out.append(SourceText(lines[0].rstrip("."), paragraphs))
    return out


def build_corpus(
    n_articles: int, seed: int = 7, sources: list[SourceText] | None = None
) -> list[SyntheticArticle]:
    """`n_articles` articles of 8-16 paragraphs each, from runs of real paragraphs."""
    rng = random.Random(seed)
    texts = sources if sources is not None else read_sources()
    if not texts:
        raise SystemExit("no source texts: seeds/ is empty and the shared folder is absent")
    start = date(2016, 9, 1)
    out = []
    for i in range(n_articles):
        target = rng.randint(8, 16)
        paragraphs: list[str] = []
        first = rng.choice(texts)
        while len(paragraphs) < target:
            src = first if not paragraphs else rng.choice(texts)
            run = rng.randint(2, 5)
            at = rng.randrange(max(1, len(src.paragraphs) - run + 1))
            paragraphs.extend(src.paragraphs[at : at + run])
        out.append(
            SyntheticArticle(
                name=f"a{i:05d}",
                title=first.title,
                source=SOURCES[i % len(SOURCES)],
                published=(start + timedelta(days=rng.randrange(120))).isoformat(),
                text=first.title + ".\n\n" + "\n\n".join(paragraphs[:target]) + "\n",
            )
        )
    return out


def quote_share(articles: list[SyntheticArticle]) -> float:
    """Share of paragraphs with a quote mark or a speech verb (a sanity figure for the table)."""
    paras = [p for a in articles for p in a.text.split("\n\n")[1:]]
    return sum(1 for p in paras if _QUOTE_MARK.search(p)) / max(1, len(paras))


def write_corpus(articles: list[SyntheticArticle], folder: Path) -> list[Path]:
    """Write `NAME.txt` with a `NAME.meta.json` sidecar per article, as `whosaid index` reads."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for a in articles:
        path = folder / f"{a.name}.txt"
        path.write_text(a.text, encoding="utf-8")
        meta = {"title": a.title, "source": a.source, "url": None, "published": a.published}
        (folder / f"{a.name}.meta.json").write_text(json.dumps(meta), encoding="utf-8")
        paths.append(path)
    return paths
