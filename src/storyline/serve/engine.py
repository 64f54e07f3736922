"""What the API asks of the engine beyond reading: ingesting posted articles and scoring text pairs.

Both are CPU-heavy, so each runs one at a time (a lock per kind): concurrent requests queue instead of
fighting over the cores, and two ingests never interleave their writes.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import Any

from storyline import pipeline
from storyline.ingest import Ingestor, IngestResult
from storyline.ingest.readers import record_from_json
from storyline.model import Article, content_hash
from storyline.similarity import score_pair
from storyline.store import open_store

_ingest_lock = threading.Lock()
_score_lock = threading.Lock()


def ingest(location: str, records: list[dict[str, Any]]) -> dict[str, Any]:
    """Add the records to the store and update the stories; each record's fate, with its story."""
    run_id = "api-" + datetime.now(UTC).isoformat()
    with _ingest_lock, open_store(location) as store:
        parsed = []
        for n, obj in enumerate(records):
            # Without an id, the text names the article: posting it again finds the same one.
            fallback = "api-" + content_hash(str(obj.get("text", "")))[:12]
            parsed.append(record_from_json(obj, f"api#{n}", fallback))
        result = IngestResult()
        pipeline.store_records(store, Ingestor(store), parsed, run_id, result)
        entries = result.entries
        if store.stale():
            pipeline.update_stories(store)
        story_of = {a: s.id for s in store.stories() for a in s.article_ids}
    return {
        **result.to_dict(),
        "articles": [
            {
                "input": e.input,
                "status": e.status,
                "id": e.article_id,
                "duplicate_of": e.duplicate_of,
                "reason": e.reason,
                "story": story_of.get(e.article_id or ""),
            }
            for e in entries
        ],
    }


def similarity(text1: str, text2: str, lang1: str | None, lang2: str | None) -> dict[str, Any]:
    """The seven SemEval-2022 Task 8 dimensions for two texts, with what the scores rest on."""
    a = Article(id="text1", text=text1, language=lang1)
    b = Article(id="text2", text=text2, language=lang2)
    with _score_lock:
        result = score_pair(a, b)
    # The explanation's fields belong to the similarity module; pass along whatever it gives.
    explanation = {k: _plain(v) for k, v in vars(result).items() if k != "scores"}
    return {**{k: float(v) for k, v in result.scores.items()}, "explanation": explanation}


def _plain(value: Any) -> Any:
    """``value`` with numpy numbers and tuples turned into JSON types."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if hasattr(value, "item"):  # numpy scalar
        return value.item()
    return value
