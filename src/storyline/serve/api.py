"""The JSON API under ``/api``: read endpoints are open; ``POST /api/articles`` needs the bearer token.

A story is returned as ``storyline.contract.Story``, the model ``stories.json`` is checked against, so the
OpenAPI schema and the published ``/schema`` describe stories alike."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, HTTPException, Query, Request, status
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials
from pydantic import BaseModel, ConfigDict, Field

from storyline.contract import ArticleRef, Duplicate, Rejection, Story

from . import engine
from .catalog import Catalog, Filters, StoryItem
from .security import bearer, require_token

MAX_PAGE = 100
MAX_TEXT_CHARS = 200_000  # one article's text; far beyond a long feature (~10k words)
MAX_FIELD_CHARS = 2_000
MAX_ARTICLES_PER_POST = 1_000
MAX_QUERY_CHARS = 200
NON_BLANK = r"\S"  # a text must have something besides whitespace

router = APIRouter(prefix="/api", tags=["api"])


class Message(BaseModel):
    detail: Any


class StoryList(BaseModel):
    total: int
    limit: int
    offset: int
    stories: list[StoryItem]


class Sentence(BaseModel):
    start: int
    end: int
    text: str


class ArticleOut(ArticleRef):
    author: str | None
    duplicate_of: str | None
    story: str | None
    text: str
    sentences: list[Sentence]


class ArticleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(min_length=1, max_length=MAX_TEXT_CHARS, pattern=NON_BLANK)
    id: str | None = Field(None, min_length=1, max_length=MAX_FIELD_CHARS, pattern=NON_BLANK)
    title: str | None = Field(None, max_length=MAX_FIELD_CHARS)
    url: str | None = Field(None, max_length=MAX_FIELD_CHARS)
    source: str | None = Field(None, max_length=MAX_FIELD_CHARS)
    published: str | None = Field(None, max_length=64, description="A date, ISO 8601 preferred.")
    language: str | None = Field(None, max_length=16)
    author: str | None = Field(None, max_length=MAX_FIELD_CHARS)


ArticleBatch = Annotated[list[ArticleIn], Field(min_length=1, max_length=MAX_ARTICLES_PER_POST)]


class ArticleFate(BaseModel):
    input: str
    status: str
    id: str | None
    duplicate_of: str | None
    reason: str | None
    story: str | None


class IngestOut(BaseModel):
    ingested: int
    duplicates: list[Duplicate]
    rejected: list[Rejection]
    articles: list[ArticleFate]


class PairIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text1: str = Field(min_length=1, max_length=MAX_TEXT_CHARS, pattern=NON_BLANK)
    text2: str = Field(min_length=1, max_length=MAX_TEXT_CHARS, pattern=NON_BLANK)
    lang1: str | None = Field(None, max_length=16)
    lang2: str | None = Field(None, max_length=16)


class PairScores(BaseModel):
    """SemEval-2022 Task 8 scale: 1 = very similar … 4 = very dissimilar."""

    overall: float
    geography: float
    entities: float
    time: float
    narrative: float
    style: float
    tone: float
    explanation: dict[str, Any]


async def catalog(request: Request) -> Catalog:
    return request.app.state.catalog


def token_required(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
) -> None:
    # A dependency runs before the body is validated: without the token, no 422 tells what a body needs.
    require_token(request, credentials)


NOT_FOUND = {404: {"model": Message, "description": "No such id."}}


@router.get("/stories", response_model=StoryList, summary="List and search stories")
async def list_stories(
    cat: Annotated[Catalog, Depends(catalog)],
    q: Annotated[str, Query(max_length=MAX_QUERY_CHARS, description="Words in titles/summary")] = "",
    entity: Annotated[str, Query(max_length=MAX_QUERY_CHARS, description="A key entity (part of)")] = "",
    source: Annotated[str, Query(max_length=MAX_QUERY_CHARS, description="An outlet's name")] = "",
    since: Annotated[date | None, Query(description="Stories that run on or after this date")] = None,
    until: Annotated[date | None, Query(description="Stories that start on or before this date")] = None,
    storyline: Annotated[
        str, Query(max_length=MAX_QUERY_CHARS, description="A storyline's id: its stories in time order")
    ] = "",
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 20,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> dict[str, Any]:
    filters = Filters(
        q, entity, source, since.isoformat() if since else "", until.isoformat() if until else "", storyline
    )
    found = cat.snapshot().search(filters)
    return {
        "total": len(found),
        "limit": limit,
        "offset": offset,
        "stories": [s.listing() for s in found[offset : offset + limit]],
    }


@router.get("/stories/{story_id}", response_model=Story, responses=NOT_FOUND, summary="One story")
async def get_story(story_id: str, cat: Annotated[Catalog, Depends(catalog)]) -> Story:
    entry = cat.snapshot().by_id.get(story_id)
    if entry is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such story")
    return entry.story


@router.get(
    "/articles/{article_id:path}", response_model=ArticleOut, responses=NOT_FOUND, summary="One article"
)
async def get_article(article_id: str, cat: Annotated[Catalog, Depends(catalog)]) -> dict[str, Any]:
    snapshot = cat.snapshot()
    article = snapshot.articles.get(article_id)
    if article is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such article")
    return {
        **article.summary(),
        "author": article.author,
        "duplicate_of": article.duplicate_of,
        "story": snapshot.story_of.get(article.id),
        "text": article.text,
        "sentences": [{"start": s.start, "end": s.end, "text": s.text} for s in article.sentences],
    }


@router.post(
    "/similarity",
    response_model=PairScores,
    responses={413: {"model": Message, "description": "Body too large."}},
    summary="Score two texts on the seven SemEval-2022 Task 8 dimensions",
)
async def post_similarity(pair: PairIn) -> dict[str, Any]:
    return await run_in_threadpool(engine.similarity, pair.text1, pair.text2, pair.lang1, pair.lang2)


@router.post(
    "/articles",
    response_model=IngestOut,
    status_code=status.HTTP_201_CREATED,
    responses={
        401: {"model": Message, "description": "No bearer token."},
        403: {"model": Message, "description": "Wrong token, or the server has none."},
        413: {"model": Message, "description": "Body too large."},
    },
    summary="Ingest one article or a list; they join stories at once",
    dependencies=[Depends(token_required)],
)
async def post_articles(
    request: Request, body: Annotated[ArticleIn | ArticleBatch, Body()]
) -> dict[str, Any]:
    items = body if isinstance(body, list) else [body]
    records = [item.model_dump(exclude_none=True) for item in items]
    catalog = request.app.state.catalog
    try:
        return await run_in_threadpool(engine.ingest, catalog.location, records)
    finally:
        catalog.changed()
