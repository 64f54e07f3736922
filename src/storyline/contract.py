"""The typed contract of everything that leaves the engine: ``stories.json``, the API's stories, the
``storyline compare`` block.

Every field is required (a value may be ``null`` where the model says so), and no other field is
allowed, so the JSON Schema generated from these models (``docs/stories.schema.json``, served at
``/schema``) says exactly what a consumer may rely on. Regenerate it after changing a model::

    python -m storyline.contract > docs/stories.schema.json
"""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

ConflictType = Literal["number", "date", "age", "person", "place", "organisation", "other"]
Genre = Literal["report", "opinion", "analysis"]


class Contract(BaseModel):
    """A part of the contract: no field may be missing and none may be added."""

    model_config = ConfigDict(extra="forbid")


class Citation(Contract):
    """Where a statement comes from: an exact span of one article's text (whitespace may be collapsed)."""

    article_id: str
    quote: str


class Claim(Contract):
    """A cited quote and the value it asserts ("12 dead", "Finance Minister Petra Havel", "2024-09")."""

    article_id: str
    quote: str
    value: str


class ArticleRef(Contract):
    """An article as a story lists it."""

    id: str
    title: str | None
    source: str | None
    url: str | None
    published: str | None = Field(description="ISO 8601 date (YYYY-MM-DD), or null when undated.")
    language: str | None = Field(description="ISO 639-1 code, or null when it could not be told.")


class SummarySentence(Contract):
    text: str
    citations: list[Citation] = Field(description="The source sentences this summary sentence rests on.")
    conflicts: list[Conflict] = Field(
        description="The disagreements of the sources on what this sentence states, each value with its "
        "source; the summary states one side and flags the disagreement here, never both as plain "
        "sentences. Empty where the sources agree."
    )


class SharedFact(Contract):
    """A fact stated by two or more independent sources (syndicated copies count once)."""

    claim: str
    citations: list[Citation]


class UniqueFact(Contract):
    """A fact only one source reports."""

    claim: str
    citations: list[Citation]


class Conflict(Contract):
    """Statements of the same thing with incompatible values."""

    type: ConflictType
    about: str = Field(description='What the values disagree on, e.g. "number of dead".')
    claims: list[Claim]


class Update(Contract):
    """A value that changed over time (a toll that rose), not a contradiction."""

    about: str
    claims: list[Claim]


class Voice(Contract):
    """Someone the article quotes or credits with a statement."""

    name: str
    quote: str


class Framing(Contract):
    """How one article presents the story."""

    article_id: str
    genre: Genre
    tone: float | None = Field(
        ge=-1, le=1, description="-1 negative … 1 positive; null for a language the tone model does not read."
    )
    tone_sentences: list[str] = Field(description="The article's own sentences that drive its tone most.")
    tone_note: str | None = Field(description="Why there is no tone, where there is none.")
    quoted_sources: list[str] = Field(description="Who the article quotes.")
    voices: list[Voice] = Field(description="The people and organisations quoted, each with a quote.")
    own_views: list[str] = Field(description="The author's own subjective sentences.")


class TimelineEntry(Contract):
    date: str = Field(description="ISO 8601 at the precision the sources give: YYYY, YYYY-MM or YYYY-MM-DD.")
    text: str
    citations: list[Citation]


class TimeSpan(Contract):
    start: str
    end: str


class Comparison(Contract):
    """What the sources of one story agree on, report alone, contradict, update, and how they frame it
    (the output of ``storyline compare``)."""

    shared: list[SharedFact]
    unique: list[UniqueFact]
    conflicts: list[Conflict]
    updates: list[Update]
    framing: list[Framing]
    timeline: list[TimelineEntry]


class _StoryHead(Contract):
    id: str
    title: str
    storyline: str | None = Field(description="The id of the storyline this story belongs to, if any.")
    articles: list[ArticleRef]
    summary: list[SummarySentence]


# Pydantic orders fields from the last base to the first: the head, then the comparison, then the rest.
class Story(Comparison, _StoryHead):
    """One event as several outlets cover it."""

    key_entities: list[str] = Field(description="Who and what the story is about, most covered first.")
    time_span: TimeSpan | None = Field(description="First and last publication date, null when undated.")
    source_count: int = Field(ge=0, description="Independent sources: syndicated copies count once.")


class Storyline(Contract):
    """A thread of stories over days or weeks."""

    id: str
    title: str
    stories: list[str] = Field(description="Story ids, in time order.")
    time_span: TimeSpan | None


class Duplicate(Contract):
    id: str
    duplicate_of: str


class Rejection(Contract):
    input: str = Field(description="The record: file, line, item, member.")
    reason: str


class Ingest(Contract):
    """What became of every input record."""

    ingested: int = Field(ge=0)
    duplicates: list[Duplicate]
    rejected: list[Rejection]


class StoriesDocument(Contract):
    """``stories.json``: the stories of a run, their storylines, and what became of the input."""

    generated: str = Field(description="When the document was written, ISO 8601 with time zone.")
    storylines: list[Storyline]
    stories: list[Story]
    ingest: Ingest


def schema() -> dict[str, Any]:
    """The JSON Schema of ``stories.json``."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        **StoriesDocument.model_json_schema(),
    }


def schema_text() -> str:
    return json.dumps(schema(), ensure_ascii=False, indent=2) + "\n"


if __name__ == "__main__":
    print(schema_text(), end="")
