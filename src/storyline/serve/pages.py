"""The web UI: server-rendered pages (Jinja2 with autoescape) over the same read model as the API."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

import jinja2
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from .api import MAX_QUERY_CHARS, catalog
from .catalog import Catalog, Filters, Snapshot
from .views import article_href, article_page, story_href, story_page

PAGE_SIZE = 20
# Rendered pages kept per version of the data; searches beyond this many are rendered every time.
MAX_CACHED_PAGES = 1_000
TEMPLATES = Path(__file__).parent / "templates"

_env = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES),
    autoescape=True,  # every {{ value }} is HTML-escaped: article data is untrusted
    trim_blocks=True,
    lstrip_blocks=True,
)
_env.globals.update(story_href=story_href, article_href=article_href)

router = APIRouter(include_in_schema=False)


def _html(name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    return HTMLResponse(_env.get_template(name).render(**context), status_code=status_code)


def _not_found(what: str) -> HTMLResponse:
    return _html("not_found.html", 404, what=what)


def _iso(value: str) -> str:
    """A date from a form field, or '' when it is not one (a bad date filters nothing)."""
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        return ""


@router.get("/", response_class=HTMLResponse)
async def story_list(
    cat: Annotated[Catalog, Depends(catalog)],
    q: Annotated[str, Query(max_length=MAX_QUERY_CHARS)] = "",
    entity: Annotated[str, Query(max_length=MAX_QUERY_CHARS)] = "",
    source: Annotated[str, Query(max_length=MAX_QUERY_CHARS)] = "",
    since: Annotated[str, Query(max_length=10)] = "",
    until: Annotated[str, Query(max_length=10)] = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> HTMLResponse:
    snapshot = cat.snapshot()
    filters = Filters(q.strip(), entity.strip(), source.strip(), _iso(since), _iso(until))
    key = "list:" + urlencode({**vars(filters), "page": page})
    if key not in snapshot.pages:
        html = _list_page(snapshot, filters, page)
        if len(snapshot.pages) < MAX_CACHED_PAGES:
            snapshot.pages[key] = html
        return HTMLResponse(html)
    return HTMLResponse(snapshot.pages[key])


def _list_page(snapshot: Snapshot, filters: Filters, page: int) -> str:
    found = snapshot.search(filters)
    pages = max(1, -(-len(found) // PAGE_SIZE))
    page = min(page, pages)
    params = {k: v for k, v in vars(filters).items() if v}

    def page_link(n: int) -> str:
        return "/?" + urlencode({**params, "page": n})

    return _env.get_template("index.html").render(
        filters=filters,
        stories=found[(page - 1) * PAGE_SIZE : page * PAGE_SIZE],
        total=len(found),
        all_stories=len(snapshot.stories),
        sources=snapshot.all_sources(),
        entities=snapshot.all_entities(),
        page=page,
        pages=pages,
        prev_link=page_link(page - 1) if page > 1 else None,
        next_link=page_link(page + 1) if page < pages else None,
    )


@router.get("/stories/{story_id}", response_class=HTMLResponse)
async def story(story_id: str, cat: Annotated[Catalog, Depends(catalog)]) -> HTMLResponse:
    snapshot = cat.snapshot()
    entry = snapshot.by_id.get(story_id)
    if entry is None:
        return _not_found("story")
    key = "story:" + story_id
    if key not in snapshot.pages:
        snapshot.pages[key] = _env.get_template("story.html").render(page=story_page(snapshot, entry))
    return HTMLResponse(snapshot.pages[key])


@router.get("/articles/{article_id:path}", response_class=HTMLResponse)
async def article(article_id: str, cat: Annotated[Catalog, Depends(catalog)]) -> HTMLResponse:
    snapshot = cat.snapshot()
    found = snapshot.articles.get(article_id)
    if found is None:
        return _not_found("article")
    return _html("article.html", page=article_page(snapshot, found))


@router.get("/docs", response_class=HTMLResponse)
async def api_docs(request: Request) -> HTMLResponse:
    """The API's OpenAPI schema as a page of our own (Swagger UI would load its code from a CDN)."""
    schema = request.app.openapi()
    operations = [
        {"path": path, "method": method.upper(), **op}
        for path, methods in schema.get("paths", {}).items()
        for method, op in methods.items()
    ]
    return _html(
        "docs.html",
        info=schema.get("info", {}),
        operations=operations,
        schemas=schema.get("components", {}).get("schemas", {}),
    )
