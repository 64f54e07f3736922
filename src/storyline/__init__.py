"""storyline: news articles from many outlets turned into stories (the articles that cover one event),
what their sources agree on, report alone and contradict, how each frames it, and cited summaries.

The Python API (:mod:`storyline.library`), for notebooks and apps::

    import storyline

    found = storyline.run(["corpus/"], db="news.db")  # list[storyline.contract.Story]

Its names are loaded on first use, so that ``import storyline`` (and the command line's worker
processes, which import this package first) stay fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = [
    "cluster_articles",
    "compare_articles",
    "document",
    "open_store",
    "read",
    "run",
    "stories",
    "summarize_articles",
]

if TYPE_CHECKING:
    from storyline.library import (
        cluster_articles,
        compare_articles,
        document,
        open_store,
        read,
        run,
        stories,
        summarize_articles,
    )


def __getattr__(name: str) -> Any:
    if name in __all__:
        from storyline import library

        return getattr(library, name)
    raise AttributeError(f"module 'storyline' has no attribute {name!r}")
