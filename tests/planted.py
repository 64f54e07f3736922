"""The hand-written story pairs with planted agreements, conflicts and compatible wordings
(tests/fixtures/compare, fictional): read by the tests and by bench/conflicts.py."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from storyline.model import Article

FOLDER = Path(__file__).parent / "fixtures" / "compare"


def planted_stories(split: str = "all") -> list[dict[str, Any]]:
    """The stories of a split ("dev", "heldout" or "all"), each with its ``gold``; their ``articles``
    are the records of stories.json (see :func:`articles_of`)."""
    stories = json.loads((FOLDER / "stories.json").read_text(encoding="utf-8"))
    gold = json.loads((FOLDER / "gold.json").read_text(encoding="utf-8"))
    return [{**s, "gold": gold[s["story"]]} for s in stories if split in ("all", s["split"])]


def articles_of(story: dict[str, Any]) -> list[Article]:
    """A story's articles as ingest would make them."""
    return [
        Article(
            id=a["id"],
            source=a["source"],
            published=a["published"],
            title=a["title"],
            text=" ".join(a["sentences"]),
            language="en",
            duplicate_of=a.get("copy_of"),  # what ingest marks for a verbatim copy
        )
        for a in story["articles"]
    ]
