"""Every answer to the seed, own QA and real-news questions, dumped to compare two versions or
two embedding backends: same speakers and quotes, same scores.

    python -m benchmarks.answers_diff dump OUT.jsonl [--backend onnx|torch] [--stores PREFIX]
                                                     [--postgres] [--milvus]
    python -m benchmarks.answers_diff compare A.jsonl B.jsonl

`--postgres` answers from a copy of each SQLite store (`whosaid migrate`) in a throwaway
PostgreSQL server, `--milvus` with the vectors in a Milvus Lite file, so one store's answers
can be compared across backends.

The stores are built once per PREFIX (PREFIX-seed, PREFIX-qa, PREFIX-realnews); the question
files and real-news texts are read from ../shared and ../realnews-texts at run time (skipped
when absent).
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path
from typing import Any

from benchmarks.common import REPO

SHARED = REPO.parent / "shared"
SETS = [
    ("seed", [REPO / "seeds"], SHARED / "eval" / "seed_questions.jsonl"),
    ("qa", [REPO / "tests" / "qa" / "articles"], REPO / "tests" / "qa" / "questions.jsonl"),
    (
        "realnews",
        [REPO / "seeds", REPO.parent / "realnews-texts" / "articles"],
        SHARED / "eval" / "realnews" / "questions.jsonl",
    ),
]


def dump(
    out: Path, backend: str, prefix: str, *, postgres: bool = False, milvus: bool = False
) -> None:
    from contextlib import ExitStack

    rows = []
    with ExitStack() as stack:
        admin = ""
        if postgres:
            from benchmarks.vector_backends import postgres_server

            admin = stack.enter_context(postgres_server())
        for name, sources, questions in SETS:
            if not questions.exists() or not all(s.exists() for s in sources):
                continue
            engine = _engine(Path(f"{prefix}-{name}"), sources, backend, admin, milvus)
            rows += _answers(engine, name, questions)
    out.write_text("".join(json.dumps(r) + "\n" for r in rows))


def _engine(path: Path, sources: list[Path], backend: str, admin: str, milvus: bool) -> Any:
    """The store at `path` (indexed first when empty), or its copy in a new database of the
    server at `admin`; with the vectors in a new Milvus Lite file when `milvus`."""
    from retrieval.engine import Engine

    engine = Engine(path, embedding_backend=backend)
    if not engine.store.counts()["articles"]:
        engine.ingest([str(s) for s in sources])
    if not admin and not milvus:
        return engine
    url = None
    if admin:
        from tests.pgserver import new_database

        url = new_database(admin)
        engine.migrate(url)
    engine.close()
    where = Path(tempfile.mkdtemp(prefix="whosaid-answers-backend-"))
    uri = str(where / "vectors.db") if milvus else ""
    return Engine(
        where if url else path, embedding_backend=backend, database_url=url, vector_uri=uri
    )


def _answers(engine: Any, name: str, questions: Path) -> list[dict[str, Any]]:
    rows = []
    for line in questions.read_text().splitlines():
        q = json.loads(line)
        r = engine.ask(q["question"])
        answers = [[a.speaker, a.quote, round(a.score, 4)] for a in r.answers]
        rows.append(
            {"set": name, "id": q["id"], "speakers": r.speakers, "abstained": r.abstained,
             "message": r.message, "answers": answers}
        )  # fmt: skip
    engine.close()
    return rows


def compare(a_path: Path, b_path: Path) -> int:
    def load(p: Path) -> dict[tuple[str, str], dict]:  # type: ignore[type-arg]
        return {(r["set"], r["id"]): r for r in map(json.loads, p.read_text().splitlines())}

    a, b = load(a_path), load(b_path)
    differ = scores = 0
    for key, x in a.items():
        y = b.get(key)
        if y is None:
            print("missing", key)
            differ += 1
            continue
        said = [(s, q) for s, q, _ in x["answers"]], [(s, q) for s, q, _ in y["answers"]]
        if (x["speakers"], x["abstained"], said[0]) != (y["speakers"], y["abstained"], said[1]):
            differ += 1
            print("DIFF", key, x["speakers"], y["speakers"])
        elif x["answers"] != y["answers"] or x["message"] != y["message"]:
            scores += 1
    print(f"{len(a)} questions: {differ} differ in speakers/quotes, {scores} in score or wording")
    return 1 if differ else 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("dump")
    d.add_argument("out", type=Path)
    d.add_argument("--backend", default="onnx")
    d.add_argument("--stores", default=None)
    d.add_argument("--postgres", action="store_true", help="answer from a PostgreSQL copy")
    d.add_argument("--milvus", action="store_true", help="vectors in a Milvus Lite file")
    c = sub.add_parser("compare")
    c.add_argument("a", type=Path)
    c.add_argument("b", type=Path)
    args = ap.parse_args(argv)
    if args.cmd == "compare":
        return compare(args.a, args.b)
    prefix = args.stores or tempfile.mkdtemp(prefix="whosaid-answers-")
    dump(args.out, args.backend, prefix, postgres=args.postgres, milvus=args.milvus)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
