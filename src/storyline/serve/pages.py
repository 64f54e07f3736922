"""The web UI: server-rendered pages (Jinja2 with autoescape) over the same read model as the API."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import HTMLResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from storyline.render import environment

from .api import MAX_QUERY_CHARS, catalog
from .catalog import Catalog, Filters, Snapshot, StoryEntry
from .views import article_href, article_page, entity_href, story_href, story_page

PAGE_SIZE = 20
MAX_PAGE_NUMBER = 100_000
_PAGE_NUMBER = re.compile(r"[0-9]{1,6}")  # int() would also take '1_000', '+7' and other scripts' digits
# Pages answer HEAD as well: FastAPI's routes, unlike Starlette's, do not add it to GET.
PAGE_METHODS = ["GET", "HEAD"]
# Rendered pages kept per version of the data; searches beyond this many are rendered every time.
MAX_CACHED_PAGES = 1_000

# The templates the HTML report renders too (storyline/templates), with the web UI's links.
_env = environment(story_href=story_href, article_href=article_href, entity_href=entity_href)

router = APIRouter(include_in_schema=False)


def _html(name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    return HTMLResponse(_env.get_template(name).render(**context), status_code=status_code)


def _not_found(what: str) -> HTMLResponse:
    return _html("not_found.html", 404, what=what)


async def html_errors(request: Request, exc: StarletteHTTPException) -> Response:
    """A page, not FastAPI's JSON, for a path no route serves (a mistyped link, a browser's favicon
    request); the API under /api keeps its JSON errors, and other statuses keep FastAPI's answer."""
    path = request.url.path
    if exc.status_code == 404 and not (path == "/api" or path.startswith("/api/")):
        return _not_found("page")
    return await http_exception_handler(request, exc)


# The list page reads its query string leniently: a browser user with a bad value gets the list without
# it and a notice saying what was ignored, where the API answers 422.


def _text(value: str, label: str, notices: list[str]) -> str:
    if len(value) > MAX_QUERY_CHARS:
        notices.append(f"{label} ignored: longer than {MAX_QUERY_CHARS} characters.")
        return ""
    return value.strip()


def _iso(value: str, label: str, notices: list[str]) -> str:
    """A date from a form field, or '' when it is blank or not a date."""
    if not value.strip():
        return ""
    try:
        return date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        notices.append(f"{label} ignored: not a date (YYYY-MM-DD).")
        return ""


def _page_number(value: str, notices: list[str]) -> int:
    value = value.strip()
    if not value:
        return 1
    if _PAGE_NUMBER.fullmatch(value) and 1 <= int(value) <= MAX_PAGE_NUMBER:
        return int(value)
    notices.append(f"Page ignored: not a number from 1 to {MAX_PAGE_NUMBER:,}; showing page 1.")
    return 1


@router.api_route("/", methods=PAGE_METHODS, response_class=HTMLResponse)
async def story_list(
    cat: Annotated[Catalog, Depends(catalog)],
    q: str = "",
    entity: str = "",
    source: str = "",
    since: str = "",
    until: str = "",
    storyline: str = "",
    page: str = "",
) -> HTMLResponse:
    notices: list[str] = []
    filters = Filters(
        _text(q, "Search", notices),
        _text(entity, "Entity", notices),
        _text(source, "Source", notices),
        _iso(since, "From", notices),
        _iso(until, "To", notices),
        _text(storyline, "Storyline", notices),
    )
    number = _page_number(page, notices)
    snapshot = cat.snapshot()
    key = "list:" + urlencode({**vars(filters), "page": number, "notices": notices}, doseq=True)
    if key not in snapshot.pages:
        html = _list_page(snapshot, filters, number, notices)
        if len(snapshot.pages) < MAX_CACHED_PAGES:
            snapshot.pages[key] = html
        return HTMLResponse(html)
    return HTMLResponse(snapshot.pages[key])


def _list_page(snapshot: Snapshot, filters: Filters, page: int, notices: list[str]) -> str:
    found = snapshot.search(filters)
    pages = max(1, -(-len(found) // PAGE_SIZE))
    page = min(page, pages)
    params = {k: v for k, v in vars(filters).items() if v}

    def page_link(n: int) -> str:
        return "/?" + urlencode({**params, "page": n})

    return _env.get_template("index.html").render(
        filters=filters,
        notices=notices,
        stories=found[(page - 1) * PAGE_SIZE : page * PAGE_SIZE],
        total=len(found),
        all_stories=len(snapshot.stories),
        sources=snapshot.all_sources(),
        storyline=snapshot.storylines.get(filters.storyline),
        storyline_of=snapshot.storyline_of,
        entities=snapshot.all_entities(),
        page=page,
        pages=pages,
        prev_link=page_link(page - 1) if page > 1 else None,
        next_link=page_link(page + 1) if page < pages else None,
    )


@router.api_route("/stories/{story_id}", methods=PAGE_METHODS, response_class=HTMLResponse)
async def story(story_id: str, cat: Annotated[Catalog, Depends(catalog)]) -> HTMLResponse:
    snapshot = cat.snapshot()
    entry = snapshot.by_id.get(story_id)
    if entry is None:
        return _not_found("story")
    key = "story:" + story_id
    if key not in snapshot.pages:
        snapshot.pages[key] = story_html(snapshot, entry)
    return HTMLResponse(snapshot.pages[key])


def story_html(snapshot: Snapshot, entry: StoryEntry) -> str:
    """The page of one story."""
    return _env.get_template("story.html").render(page=story_page(snapshot, entry))


@router.api_route("/articles/{article_id:path}", methods=PAGE_METHODS, response_class=HTMLResponse)
async def article(article_id: str, cat: Annotated[Catalog, Depends(catalog)]) -> HTMLResponse:
    snapshot = cat.snapshot()
    found = snapshot.articles.get(article_id)
    if found is None:
        return _not_found("article")
    return _html("article.html", page=article_page(snapshot, found))


@router.api_route("/docs", methods=PAGE_METHODS, response_class=HTMLResponse)
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
