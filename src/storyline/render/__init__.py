"""One set of Jinja templates (``storyline/templates``) for every page the engine writes: the
self-contained HTML report and the web UI render stories through the same macros (``_story.html``),
from the same view (:mod:`storyline.render.story`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2

from .story import plural

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def environment(**globals_: Any) -> jinja2.Environment:
    """The templates with autoescape on (every ``{{ value }}`` is HTML-escaped: article data is
    untrusted) and ``globals_`` (a page's link helpers) available to every template."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(plural=plural, **globals_)
    return env
