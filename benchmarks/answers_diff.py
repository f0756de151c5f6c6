"""Every answer to the seed, own QA and real-news questions, dumped to compare two versions or
two embedding backends: same speakers and quotes, same scores.

    python -m benchmarks.answers_diff dump OUT.jsonl [--backend onnx|torch] [--stores PREFIX]
    python -m benchmarks.answers_diff compare A.jsonl B.jsonl

The stores are built once per PREFIX (PREFIX-seed, PREFIX-qa, PREFIX-realnews); the question
files and real-news texts are read from ../shared and ../realnews-texts at run time (skipped
when absent).
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

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


def dump(out: Path, backend: str, prefix: str) -> None:
    from retrieval.engine import Engine

    rows = []
    for name, sources, questions in SETS:
        if not questions.exists() or not all(s.exists() for s in sources):
            continue
        engine = Engine(Path(f"{prefix}-{name}"), embedding_backend=backend)
        if not engine.store.counts()["articles"]:
            engine.ingest([str(s) for s in sources])
        for line in questions.read_text().splitlines():
            q = json.loads(line)
            r = engine.ask(q["question"])
            answers = [[a.speaker, a.quote, round(a.score, 4)] for a in r.answers]
            rows.append(
                {"set": name, "id": q["id"], "speakers": r.speakers, "abstained": r.abstained,
                 "message": r.message, "answers": answers}
            )  # fmt: skip
        engine.close()
    out.write_text("".join(json.dumps(r) + "\n" for r in rows))


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
    c = sub.add_parser("compare")
    c.add_argument("a", type=Path)
    c.add_argument("b", type=Path)
    args = ap.parse_args(argv)
    if args.cmd == "compare":
        return compare(args.a, args.b)
    dump(args.out, args.backend, args.stores or tempfile.mkdtemp(prefix="whosaid-answers-"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
