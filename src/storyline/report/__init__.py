"""Report renderers: a ``stories.json`` document (``contract.StoriesDocument``) as Markdown or as one
self-contained HTML page."""

from .html import render_html
from .markdown import render_markdown, render_story_markdown

__all__ = ["render_html", "render_markdown", "render_story_markdown"]
