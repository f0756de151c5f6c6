"""A process that ingests articles and says how far it got, for the crash tests to kill.

    python -m tests.ingest_worker DATA_DIR SOURCE...
    python -m tests.ingest_worker --reindex DATA_DIR

It loads both models first and prints `ready`, so a kill timed from `ready` lands in the
ingest itself (parsing, embedding, SQLite commits, FAISS writes), not in model loading. Then
it prints `progress DONE TOTAL` as the engine reports it and `done {report}` at the end.
"""

from __future__ import annotations

import json
import os
import sys

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def main(argv: list[str]) -> int:
    from retrieval.engine import Engine

    reindex = argv[:1] == ["--reindex"]
    data_dir, sources = (argv[1], []) if reindex else (argv[0], argv[1:])
    engine = Engine(data_dir)
    _ = engine.embedder.dim, engine.nlp  # load both models before saying ready
    print("ready", flush=True)

    def progress(done: int, total: int, _what: str) -> None:
        print(f"progress {done} {total}", flush=True)

    if reindex:
        report = engine.reindex(progress=progress)
    else:
        report = engine.ingest(sources, progress=progress)
    summary = {"added": len(report.added), "unchanged": len(report.unchanged)}
    summary["failed"] = len(report.failed)
    print("done " + json.dumps(summary), flush=True)
    engine.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
