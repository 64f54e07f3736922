"""Static token vectors distilled from the default MiniLM: a whole-article vector for ~1 ms of CPU.

Running MiniLM over every token of a 600-word article costs about 0.3 core-seconds on the CPUs we
target, more than everything else in enrichment together. Following Model2Vec (Tulkens & van Dongen,
2024), each WordPiece of MiniLM's vocabulary is run through MiniLM once, on its own; a text's vector is
then the IDF-weighted mean of its tokens' vectors: no attention, no context, but the whole text, and in
the same space as MiniLM's sentence vectors, so the two can be added.

Why not the ``model2vec`` package: its models are downloaded from a hub, and distilling our own needs
PyTorch. The distillation here is 30k forward passes of three tokens through the ONNX model we already
ship (~30 s, once per machine); the matrix is cached on disk (``STORYLINE_CACHE``, default
``~/.cache/storyline``), never downloaded. The IDF table ships in the package; ``bench/static_idf.py``
rebuilds it from the SemEval texts in ``../shared/data``.
"""

from __future__ import annotations

import os
import sys
from functools import cache
from importlib.resources import files
from pathlib import Path

import numpy as np

from storyline.enrich.embed import MiniLMEmbedder, normalise_rows

# Bump when the distillation changes, so stale caches are rebuilt rather than read.
VERSION = 1
NAME = f"{MiniLMEmbedder.name}-static-v{VERSION}"
IDF_FILE = "minilm-idf.npy"
_DISTIL_BATCH = 1024


def cache_dir() -> Path:
    return Path(os.environ.get("STORYLINE_CACHE") or Path.home() / ".cache" / "storyline")


def distil(model: MiniLMEmbedder) -> np.ndarray:
    """MiniLM's output vector for every vocabulary token, each seen alone between [CLS] and [SEP]."""
    tokenizer = model.tokenizer
    size = tokenizer.get_vocab_size()
    cls, sep = tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]")
    out = np.zeros((size, model.dim), dtype=np.float32)
    for start in range(0, size, _DISTIL_BATCH):
        ids = np.arange(start, min(size, start + _DISTIL_BATCH), dtype=np.int64)
        batch = np.stack([np.full_like(ids, cls), ids, np.full_like(ids, sep)], axis=1)
        feeds = {"input_ids": batch, "attention_mask": np.ones_like(batch)}
        if "token_type_ids" in model.input_names:
            feeds["token_type_ids"] = np.zeros_like(batch)
        out[start : start + len(ids)] = model.session.run(None, feeds)[0][:, 1, :]
    return out


def token_matrix(model: MiniLMEmbedder) -> np.ndarray:
    """The distilled matrix, from the disk cache or built (and cached) now."""
    path = cache_dir() / f"{NAME}.npy"
    if path.is_file():
        try:
            matrix = np.load(path)
            if matrix.shape == (model.tokenizer.get_vocab_size(), model.dim):
                return matrix.astype(np.float32)
        except (OSError, ValueError):
            pass  # a damaged cache file is rebuilt below
    print("storyline: distilling static token vectors from MiniLM (once per machine, ~30 s)", file=sys.stderr)
    # The run that distils uses the matrix as the cache holds it (float16), or its article vectors would
    # differ from those of every later run (by up to 1e-5), and so would its stories.
    matrix = distil(model).astype(np.float16)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written under a private name, then renamed: a concurrent reader never sees half a file.
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        with partial.open("wb") as fh:
            np.save(fh, matrix)
        partial.replace(path)
    except OSError as exc:  # a read-only home: work on, distil again next time
        print(f"storyline: cannot cache static vectors in {path.parent}: {exc}", file=sys.stderr)
    return matrix.astype(np.float32)


def idf_weights() -> np.ndarray:
    with files("storyline.enrich").joinpath("data", IDF_FILE).open("rb") as fh:
        return np.load(fh).astype(np.float32)


class StaticEmbedder:
    """IDF-weighted mean of distilled MiniLM token vectors, over the whole text (no 256-token window)."""

    dim = MiniLMEmbedder.dim

    def __init__(self, model: MiniLMEmbedder) -> None:
        from tokenizers import Tokenizer

        self.name = NAME
        # A tokenizer of its own: the model's truncates at 256 tokens, a static vector has no window.
        self.tokenizer = Tokenizer.from_file(str(model.vocab_path))
        self.tokenizer.no_truncation()
        self.tokenizer.no_padding()
        matrix, idf = token_matrix(model), idf_weights()
        if len(idf) != len(matrix):
            raise ValueError(f"IDF table has {len(idf)} entries for a vocabulary of {len(matrix)}")
        self.matrix = matrix * idf[:, None]

    def embed(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        encodings = self.tokenizer.encode_batch_fast(texts, add_special_tokens=False)
        for row, encoding in enumerate(encodings):
            if encoding.ids:
                out[row] = self.matrix[encoding.ids].mean(axis=0)
        return normalise_rows(out)


@cache
def static_embedder() -> StaticEmbedder:
    from storyline.enrich.embed import get_embedder

    model = get_embedder("minilm")
    assert isinstance(model, MiniLMEmbedder)
    return StaticEmbedder(model)
