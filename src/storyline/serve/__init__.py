"""``storyline serve``: a JSON API and a server-rendered web UI over a storyline store."""

from .app import create_app

__all__ = ["create_app"]
