"""The FastAPI application behind ``storyline serve``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from storyline import contract

from . import api, pages
from .catalog import Catalog
from .security import DEFAULT_MAX_BODY_BYTES, BodyLimit, SecurityHeaders

STATIC = Path(__file__).parent / "static"


def _version() -> str:
    try:
        return version("storyline")
    except PackageNotFoundError:
        return "0"


def create_app(
    db: str | Path, token: str | None = None, max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
) -> FastAPI:
    """The app over the store at ``db``. Without ``token``, ``POST /api/articles`` is refused (403)."""
    catalog = Catalog(str(db))

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        catalog.close()

    app = FastAPI(
        title="storyline",
        version=_version(),
        description="Stories from many outlets: clusters, cross-source comparison, cited summaries.",
        docs_url=None,  # Swagger UI and ReDoc load from a CDN; /docs is our own page
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.catalog = catalog
    app.state.token = token or None
    app.include_router(api.router)

    @app.get("/schema", include_in_schema=False)
    async def stories_schema() -> JSONResponse:
        """The JSON Schema of stories.json (docs/stories.schema.json in the repository)."""
        return JSONResponse(contract.schema(), media_type="application/schema+json")

    app.include_router(pages.router)
    # Starlette's class, not FastAPI's subclass: unmatched paths raise the former.
    app.add_exception_handler(StarletteHTTPException, pages.html_errors)
    # StaticFiles resolves every path and refuses any outside STATIC (no traversal).
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    # The last added is outermost: even a 413 carries the security headers.
    app.add_middleware(BodyLimit, max_bytes=max_body_bytes)
    app.add_middleware(SecurityHeaders)
    return app
