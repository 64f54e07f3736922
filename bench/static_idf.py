"""Rebuild the IDF table of the static embedder (src/storyline/enrich/data/minilm-idf.npy).

    python bench/static_idf.py

Document frequencies of MiniLM's WordPieces over every text of ../shared/data/semeval8/pairs.dev.jsonl
(both sides of each pair, all languages; the labels are not read). That file is not used by the
clustering benchmarks, so the table carries nothing from the sets clustering is measured on. Smoothed
IDF, ``log((1 + N) / (1 + df)) + 1``; special tokens and lone punctuation weigh nothing. Deterministic:
the same input gives the same bytes.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from tokenizers import Tokenizer

from common import DATA, ROOT, read_jsonl
from storyline.enrich.embed import get_embedder
from storyline.enrich.static import IDF_FILE

OUT = ROOT / "src" / "storyline" / "enrich" / "data" / IDF_FILE


def main() -> None:
    tokenizer = Tokenizer.from_file(str(get_embedder("minilm").vocab_path))
    tokenizer.no_truncation()
    texts = [
        row[side] for row in read_jsonl(DATA / "semeval8" / "pairs.dev.jsonl") for side in ("text1", "text2")
    ]
    size = tokenizer.get_vocab_size()
    df = np.zeros(size, dtype=np.float64)
    for encoding in tokenizer.encode_batch(texts, add_special_tokens=False):
        df[np.unique(encoding.ids)] += 1
    idf = np.log((1 + len(texts)) / (1 + df)) + 1
    for token, i in tokenizer.get_vocab().items():
        if token.startswith("[") or (len(token) == 1 and not token.isalnum()):
            idf[i] = 0.0
    OUT.parent.mkdir(parents=True, exist_ok=True)
    np.save(OUT, idf.astype(np.float16))
    print(f"{Path(OUT).relative_to(ROOT)}: {size} weights from {len(texts)} texts")


if __name__ == "__main__":
    main()
