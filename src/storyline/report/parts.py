"""A story as every report shows it, rendered once: its object in ``stories.json``, its line in the HTML
contents and its HTML section, its row in the Markdown table and its Markdown section, and the few facts
the pages' headers count.

A report is its parts put together (:func:`storyline.report.html.html_page`,
:func:`storyline.report.markdown.markdown_page`), so a later run can keep the parts of the stories that
did not change (:class:`PartsCache`) and render only the new ones: on a store of thousands of stories a
run that adds ten articles changes a handful. A part does not know its story's place in the report: it
is rendered with :data:`NUMBER_MARK` where the number goes (``story-…``, ``s…-q3``) and numbered when
the report is put together (:meth:`StoryPart.numbered`).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import asdict, dataclass, replace
from functools import cache
from pathlib import Path

from storyline.contract import Story
from storyline.render import TEMPLATES
from storyline.render.story import source_count, source_names, story_span, unsourced_articles

# Stands for the story's number in a part: nine digits no count or date in a story comes to. A story
# whose own text holds them is rendered with its number instead and not kept (:func:`story_part`).
NUMBER_MARK = 987654321
# What a report's parts depend on besides the story: the code and templates that render them.
_RENDERERS = (
    "contract.py",
    "model.py",
    "store/sql.py",
    "report/html.py",
    "report/markdown.py",
    "report/parts.py",
    "render/story.py",
)


# The texts of a part, kept in columns of their own.
_TEXTS = ("json", "html_toc", "html_section", "md_row", "md_section")
_COLUMNS = ("facts", *_TEXTS)
# The layout of the cache's table; raise it when _COLUMNS change.
_LAYOUT = 2


@dataclass(frozen=True)
class StoryPart:
    """One story rendered for every report, with what the reports' headers and ``storyline run``'s
    table count of it."""

    id: str
    title: str
    articles: int  # as listed
    cards: int  # distinct articles (the HTML's source cards)
    sources: list[str]
    source_count: int
    unsourced: int
    conflicts: int
    span: tuple[str, str] | None  # (first, last) date, as the reports show it
    titles: dict[str, str]  # article id -> title, for the ingest ledger
    json: str  # the story's object as stories.json holds it, indented for its place
    html_toc: str
    html_section: str
    md_row: str
    md_section: str
    number: int = NUMBER_MARK

    def numbered(self, number: int) -> StoryPart:
        """The part as the ``number``-th story of a report."""
        if self.number == number:
            return self
        mark, value = str(self.number), str(number)
        return replace(
            self,
            html_toc=self.html_toc.replace(mark, value),
            html_section=self.html_section.replace(mark, value),
            md_row=self.md_row.replace(mark, value),
            md_section=self.md_section.replace(mark, value),
            number=number,
        )

    def to_row(self) -> list[str]:
        """The part as :class:`PartsCache` keeps it: its facts as JSON, then its texts as they are (the
        texts are most of it, and need no parsing back)."""
        facts = {k: v for k, v in asdict(self).items() if k not in _TEXTS}
        return [json.dumps(facts, ensure_ascii=False), *(getattr(self, name) for name in _TEXTS)]

    @classmethod
    def from_row(cls, facts: str, texts: list[str]) -> StoryPart:
        data = json.loads(facts)
        data["span"] = tuple(data["span"]) if data["span"] else None
        return cls(**data, **dict(zip(_TEXTS, texts, strict=True)))


def story_json(story: Story) -> str:
    """The story's object in ``stories.json`` (two-space indent, at the depth of the stories list)."""
    text = json.dumps(story.model_dump(mode="json"), ensure_ascii=False, indent=2)
    # json.dumps escapes a newline inside a string, so every line break here is the layout's.
    return text.replace("\n", "\n    ")


def story_part(story: Story, number: int | None = None) -> StoryPart:
    """``story`` rendered for every report: as the ``number``-th story, or with :data:`NUMBER_MARK` to be
    numbered later (unless its text holds the mark: then as the first, and :attr:`StoryPart.number` says
    so)."""
    from storyline.report import html, markdown

    body = story_json(story)
    if number is None:
        number = 1 if str(NUMBER_MARK) in body else NUMBER_MARK
    toc, section = html.story_html(story, number)
    titles: dict[str, str] = {}
    for article in story.articles:
        title = (article.title or "").strip()
        if title:
            titles.setdefault(article.id, title)
    return StoryPart(
        id=story.id,
        title=story.title,
        articles=len(story.articles),
        cards=len(dict.fromkeys(a.id for a in story.articles)),
        sources=source_names(story),
        source_count=source_count(story),
        unsourced=unsourced_articles([story]),
        conflicts=len(story.conflicts),
        span=story_span(story),
        titles=titles,
        json=body,
        html_toc=toc,
        html_section=section,
        md_row=markdown.story_row(story, number),
        md_section=markdown.story_section(story, number),
        number=number,
    )


def numbered_parts(stories: list[Story]) -> list[StoryPart]:
    """The parts of a report's stories, each with its number."""
    return [story_part(story, n) for n, story in enumerate(stories, 1)]


@cache
def renderer() -> str:
    """A digest of what renders the parts (code and templates): a kept part is only reused by the same."""
    root = TEMPLATES.parent
    digest = hashlib.sha256()
    for path in [*(root / name for name in _RENDERERS), *sorted(TEMPLATES.iterdir())]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


class PartsCache:
    """The parts of a report's stories, kept beside the report (``OUT/.report-parts.db``) by the digest
    of what each was rendered from (:func:`storyline.pipeline.write_store_reports`).

    Only a cache: a missing, stale or unreadable file costs a full rendering, never a wrong report.
    """

    FILE = ".report-parts.db"

    def __init__(self, out: Path) -> None:
        self.path = out / self.FILE
        try:
            self.db: sqlite3.Connection | None = sqlite3.connect(self.path)
            if self.db.execute("PRAGMA user_version").fetchone()[0] != _LAYOUT:
                # Written by another version of this cache (or not one at all): start it again.
                self.db.execute("DROP TABLE IF EXISTS parts")
                self.db.execute(f"PRAGMA user_version = {_LAYOUT}")
            columns = ", ".join(f"{c} TEXT NOT NULL" for c in _COLUMNS)
            self.db.execute(f"CREATE TABLE IF NOT EXISTS parts (key TEXT PRIMARY KEY, {columns})")
        except sqlite3.Error:
            self.db = None  # a read-only or damaged folder: render everything

    def get(self, keys: list[str]) -> dict[str, StoryPart]:
        if self.db is None or not keys:
            return {}
        found: dict[str, StoryPart] = {}
        try:
            for start in range(0, len(keys), 500):
                chunk = keys[start : start + 500]
                marks = ",".join("?" * len(chunk))
                query = f"SELECT key, {', '.join(_COLUMNS)} FROM parts WHERE key IN ({marks})"
                for key, facts, *texts in self.db.execute(query, chunk):
                    found[key] = StoryPart.from_row(facts, texts)
        except (sqlite3.Error, ValueError, TypeError, KeyError):
            return {}
        return found

    def keep(self, keys: list[str], new: dict[str, StoryPart]) -> None:
        """Keep the parts of ``keys`` and nothing else: ``new`` (key -> part) goes in, the parts of
        stories gone are dropped."""
        if self.db is None:
            return
        try:
            with self.db:
                self.db.execute("CREATE TEMP TABLE IF NOT EXISTS wanted (key TEXT PRIMARY KEY)")
                self.db.execute("DELETE FROM wanted")
                self.db.executemany("INSERT OR IGNORE INTO wanted VALUES (?)", [(k,) for k in keys])
                self.db.execute("DELETE FROM parts WHERE key NOT IN (SELECT key FROM wanted)")
                self.db.executemany(
                    f"INSERT OR REPLACE INTO parts VALUES (?{', ?' * len(_COLUMNS)})",
                    [(k, *p.to_row()) for k, p in new.items() if p.number == NUMBER_MARK],
                )
        except sqlite3.Error:
            pass  # a cache that cannot be written is rendered again next time

    def close(self) -> None:
        if self.db is not None:
            self.db.close()


def part_key(revision: str) -> str:
    """The key of a stored story's part: the renderer's digest and the story's ``revision`` (the digest of
    its stored row, :attr:`storyline.model.Story.revision`)."""
    return hashlib.sha256(f"{renderer()}\0{revision}".encode()).hexdigest()
