"""Render a ``stories.json`` document (:class:`~storyline.contract.StoriesDocument`) as a Markdown report.

Stories are rendered from the view the HTML report and the web UI render (:mod:`storyline.render.story`),
so the three number citations, name sources and group facts alike.
"""

from __future__ import annotations

import re

from storyline.contract import Ingest, StoriesDocument, Story
from storyline.render.story import (
    StoryView,
    format_span,
    http_url,
    plural,
    short_date,
    source_count,
    span_of,
    story_span,
    story_view,
    threads,
)
from storyline.report.parts import StoryPart, numbered_parts

NONE_LINE = "_None._"


# --------------------------------------------------------------------------- Markdown escaping


# What turns inline text into markup: a raw tag, emphasis, code, a link or image, strikethrough, or
# a character reference. Backslashes too, so an existing ``\<`` cannot cancel the escape.
_INLINE_MARKUP = re.compile(r"[\\`*_\[\]<~]|&(?=#?\w+;)")
# What a line may start with to open a heading, quote or list instead of a paragraph.
_BLOCK_MARKER = re.compile(r"^(?:[#>+-]|\d{1,9}[.)](?=\s|$))")


def _inline(value: str | int | None) -> str:
    """Make untrusted text safe to embed in a Markdown line.

    Whitespace is collapsed so the text cannot start new lines, and markup characters are
    backslash-escaped so a Markdown viewer shows them as text: a headline can neither inject a raw
    tag nor a link or a remote image of its own.
    """
    return _INLINE_MARKUP.sub(
        lambda found: "\\" + found.group(), " ".join(("" if value is None else str(value)).split())
    )


def _line_start(line: str) -> str:
    """Escape a block marker that untrusted text puts at the start of a line (``3.``, ``-``, ``#``)."""
    found = _BLOCK_MARKER.match(line)
    if found is None:
        return line
    # The escape goes before the character that makes the marker: ``\#`` but ``3\.``.
    at = found.end() - 1
    return f"{line[:at]}\\{line[at:]}"


def _heading(value: str) -> str:
    """Keep a trailing ``#`` of a heading's text, which Markdown would drop as a closing sequence."""
    return value[:-1] + "\\#" if value.endswith("#") else value


def _cell(value: str | int | None) -> str:
    """Make text safe inside a table cell, where an unescaped ``|`` would start a new column."""
    return _inline(value).replace("|", "\\|") or "—"


def _link_target(url: str) -> str:
    # Percent-encode the characters that would end a Markdown link destination early.
    for char, code in (("(", "%28"), (")", "%29"), ("<", "%3C"), (">", "%3E")):
        url = url.replace(char, code)
    return url


def _quote(value: str) -> str:
    quote = _inline(value)
    return f"“{quote}”" if quote else "(no quote)"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return [*lines, ""]


# --------------------------------------------------------------------------- rendering


def render_markdown(doc: StoriesDocument) -> str:
    """The whole document as a Markdown report."""
    return "".join(markdown_page(doc, numbered_parts(doc.stories)))


def markdown_page(doc: StoriesDocument, parts: list[StoryPart]) -> list[str]:
    """The report of ``doc``'s storylines and ingest ledger with its stories' ``parts``, numbered in
    order (``doc.stories`` is not read: a later run keeps most parts rather than the stories), as the
    pieces that make it up (the parts as they are, not copied into one string)."""
    article_total = sum(p.articles for p in parts)
    all_sources = {name for p in parts for name in p.sources}

    lines = ["# Storyline report", ""]
    if doc.generated.strip():
        lines += [f"_Generated {_inline(doc.generated)}_", ""]
    unsourced = sum(p.unsourced for p in parts)
    without = f" ({plural(unsourced, 'article')} without a source)" if unsourced else ""
    counts = [
        plural(len(parts), "story", "stories"),
        plural(article_total, "article"),
        plural(len(all_sources), "source"),
    ]
    lines += [" · ".join(counts) + without, ""]

    lines += ["## Stories", ""]
    if parts:
        lines += [
            *_table(["#", "Story", "Articles", "Sources", "Time span"], [])[:-1],
            *(p.md_row for p in parts),
            "",
        ]
    else:
        lines += [NONE_LINE, ""]

    lines += _storylines(doc, parts)
    lines += [p.md_section for p in parts]
    titles: dict[str, str] = {}
    for part in parts:
        for article_id, title in part.titles.items():
            titles.setdefault(article_id, title)
    lines += _ingest(doc.ingest, titles)
    # The report ends with one line break: the ledger's last lines are short, and are all that is trimmed.
    while lines and not lines[-1].strip():
        lines.pop()
    if lines:
        lines[-1] = lines[-1].rstrip()
    return [piece for line in lines for piece in (line, "\n")]


def story_row(story: Story, number: int) -> str:
    """The story's row in the report's table of stories."""
    cells = [
        str(number),
        _cell(story.title or f"Story {number}"),
        str(len(story.articles)),
        str(source_count(story)),
        _cell(format_span(story_span(story))),
    ]
    return "| " + " | ".join(cells) + " |"


def story_section(story: Story, number: int) -> str:
    """The story's section of the report, as the ``number``-th story."""
    return "\n".join(_story(story, number))


def _storylines(doc: StoriesDocument, parts: list[StoryPart]) -> list[str]:
    found = threads(doc.storylines, [p.id for p in parts])
    if not found:
        return []
    lines = [
        "## Storylines",
        "",
        "Threads of more than one event, each with its events in time order; every other story is a"
        " storyline of its own.",
        "",
    ]
    for line, members in found:
        span = format_span(span_of(line.time_span))
        head = _heading(_inline(line.title)) or "Storyline"
        lines += [f"### {head}" + (f" ({span})" if span else ""), ""]
        for n in members:
            part = parts[n - 1]
            when = format_span(part.span)
            title = _inline(part.title) or f"Story {n}"
            # A bullet, not "3.": Markdown renumbers an ordered list from its first number.
            lines.append(f"- {when or 'undated'}: {title} (story {n})")
        lines.append("")
    return lines


def render_story_markdown(story: Story) -> str:
    """One story as the report shows it (``storyline show`` prints this)."""
    return "\n".join(_story(story, 1)).rstrip() + "\n"


def _story(story: Story, number: int) -> list[str]:
    view = story_view(story, lambda *_: "", lambda _: "", number)
    lines = [f"## {number}. {_heading(_inline(story.title)) or f'Story {number}'}", ""]
    lines += [" · ".join(view.facts), ""]
    if view.key_entities:
        lines += ["Key entities: " + ", ".join(_inline(entity) for entity in view.key_entities), ""]
    lines += _articles(story)
    lines += _summary(view)
    lines += _shared(view)
    lines += _unique(view)
    lines += _conflicts(view)
    lines += _updates(view)
    lines += _framing(view)
    lines += _timeline(view)
    return lines


def _articles(story: Story) -> list[str]:
    lines = ["### Articles", ""]
    for article in story.articles:
        parts = [_inline(article.source) or "unknown source"]
        if short_date(article.published):
            parts.append(short_date(article.published))
        entry = f"- **{_inline(article.title) or '(untitled)'}** — " + ", ".join(parts)
        url = http_url(article.url)
        if url:
            entry += f" · [link]({_link_target(url)})"
        elif (article.url or "").strip():
            # Non-http URLs are shown but never linked (e.g. ``javascript:``).
            entry += f" · {_inline(article.url)}"
        lines.append(entry)
    return lines + ([""] if story.articles else [NONE_LINE, ""])


def _summary(view: StoryView) -> list[str]:
    lines = ["### Summary", ""]
    if not view.summary:
        return [*lines, NONE_LINE, ""]
    cited: list[int] = []
    parts = []
    for sentence in view.summary:
        numbers = [c.number for c in sentence.cites]
        cited += [n for n in numbers if n not in cited]
        markers = "".join(f"[{n}]" for n in numbers)
        text = _inline(sentence.text)
        parts.append(f"{text} {markers}" if markers else text)
    lines += [_line_start(" ".join(parts)), ""]
    by_number = {n: (article_id, quote) for n, article_id, quote in view.index.cited}
    for n in sorted(cited):
        article_id, quote = by_number[n]
        title, label = view.index.title(article_id), view.index.label(article_id)
        # An article without a source is labelled by its title: name it once.
        origin = _inline(title) if label == title else f"{_inline(title)}, {_inline(label)}"
        lines += [f"{n}. {_quote(quote)}", f"   — {origin}"]
    return [*lines, ""]


def _shared(view: StoryView) -> list[str]:
    lines = ["### Shared facts", ""]
    for fact in view.shared:
        names = list(dict.fromkeys(c.label for c in fact.cites))
        agreed = f" — _{', '.join(_inline(name) for name in names)}_" if names else ""
        lines.append(f"- {_inline(fact.text)}{agreed}")
        lines += [f"  - {_inline(c.label)}: {_quote(c.quote)}" for c in fact.cites]
    return lines + ([""] if view.shared else [NONE_LINE, ""])


def _unique(view: StoryView) -> list[str]:
    lines = ["### Unique facts", ""]
    if not view.unique:
        return [*lines, NONE_LINE, ""]
    for group in view.unique:
        lines += [f"**{_inline(group.source)}**", ""]
        for fact in group.facts:
            quotes = "; ".join(_quote(c.quote) for c in fact.cites)
            lines.append(f"- {_inline(fact.text)}" + (f" — {quotes}" if quotes else ""))
        lines.append("")
    return lines


def _conflicts(view: StoryView) -> list[str]:
    lines = ["### Conflicts", ""]
    for conflict in view.conflicts:
        about = _inline(conflict.about)
        lines.append(f"- ⚠ **{_inline(conflict.kind)}** conflict" + (f" about _{about}_" if about else ""))
        for claim in conflict.claims:
            value = _inline(claim.value) or "?"
            lines.append(f"  - {_inline(claim.label)} says **{value}**: {_quote(claim.quote)}")
    return lines + ([""] if view.conflicts else [NONE_LINE, ""])


def _updates(view: StoryView) -> list[str]:
    lines = ["### Updates", ""]
    for update in view.updates:
        values = " → ".join(f"**{_inline(c.value) or '?'}** ({_inline(c.label)})" for c in update.claims)
        lines.append(f"- {_inline(update.about)}: {values}")
    return lines + ([""] if view.updates else [NONE_LINE, ""])


def _framing(view: StoryView) -> list[str]:
    lines = ["### Framing", ""]
    rows = [
        [
            _cell(row.source),
            _cell(row.genre),
            _cell(f"{row.tone} ({row.tone_label})" if row.tone else row.tone_note or "—"),
            _cell(", ".join(row.quoted)),
        ]
        for row in view.framing
    ]
    if not rows:
        return [*lines, NONE_LINE, ""]
    return lines + _table(["Source", "Genre", "Tone", "Quoted sources"], rows)


def _timeline(view: StoryView) -> list[str]:
    lines = ["### Timeline", ""]
    for event in view.timeline:
        names = list(dict.fromkeys(c.label for c in event.cites))
        by = f" ({', '.join(_inline(name) for name in names)})" if names else ""
        lines.append(f"- **{_inline(event.date) or 'undated'}** — {_inline(event.text)}{by}")
    return lines + ([""] if view.timeline else [NONE_LINE, ""])


def _ingest(ingest: Ingest, titles: dict[str, str]) -> list[str]:
    lines = [
        "## Ingest",
        "",
        f"- Ingested: {ingest.ingested}",
        f"- Duplicates: {len(ingest.duplicates)}",
        f"- Rejected: {len(ingest.rejected)}",
        "",
    ]

    def named(article_id: str) -> str:
        title = titles.get(article_id)
        return f"{article_id} ({title})" if title else article_id

    if ingest.duplicates:
        rows = [[_cell(named(d.id)), _cell(named(d.duplicate_of))] for d in ingest.duplicates]
        lines += ["### Duplicates", "", *_table(["Article", "Duplicate of"], rows)]
    if ingest.rejected:
        rows = [[_cell(r.input), _cell(r.reason)] for r in ingest.rejected]
        lines += ["### Rejected", "", *_table(["Input", "Reason"], rows)]
    return lines
