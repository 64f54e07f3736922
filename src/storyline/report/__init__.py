"""Report renderers: turn a ``stories.json`` document into Markdown or a self-contained HTML page."""

from .html import render_html
from .markdown import render_markdown

__all__ = ["render_html", "render_markdown"]
