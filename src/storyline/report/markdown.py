"""Render a ``stories.json`` document as a Markdown report.

The small "view model" helpers at the top of this module (``text``, ``dicts``, ``StoryIndex`` ...)
are shared with the HTML renderer so that both reports number citations identically.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

NONE_LINE = "_None._"
_ISO_DATE_LEN = 10


# --------------------------------------------------------------------------- shared helpers


def text(value: Any) -> str:
    """Return ``value`` as a string, with ``None`` as the empty string."""
    return "" if value is None else str(value)


def dicts(value: Any) -> list[dict[str, Any]]:
    """Return the dict items of a list; anything that is not a list counts as empty."""
    if not isinstance(value, list | tuple):
        return []
    return [item for item in value if isinstance(item, dict)]


def strings(value: Any) -> list[str]:
    """Return the non-empty items of a list of strings."""
    if not isinstance(value, list | tuple):
        return []
    return [text(item) for item in value if text(item).strip()]


def short_date(value: Any) -> str:
    """Shorten an ISO timestamp to its date; leave anything else as it is."""
    raw = text(value).strip()
    if _is_iso_date(raw):
        return raw[:_ISO_DATE_LEN]
    return raw


def _is_iso_date(raw: str) -> bool:
    return len(raw) >= _ISO_DATE_LEN and raw[4] == "-" and raw[7] == "-" and raw[:4].isdigit()


def story_span(story: dict[str, Any]) -> tuple[str, str] | None:
    """Return the story's (start, end) dates: ``time_span`` if given, else the articles' dates."""
    span = story.get("time_span")
    if isinstance(span, dict) and (span.get("start") or span.get("end")):
        start, end = short_date(span.get("start")), short_date(span.get("end"))
        return (start or end, end or start)
    dates = sorted(
        short_date(article.get("published"))
        for article in dicts(story.get("articles"))
        if _is_iso_date(text(article.get("published")).strip())
    )
    return (dates[0], dates[-1]) if dates else None


def format_span(span: tuple[str, str] | None) -> str:
    """Format a date span as ``start – end`` (or a single date when both are equal)."""
    if span is None:
        return ""
    start, end = span
    return start if start == end else f"{start} – {end}"


def source_names(story: dict[str, Any]) -> list[str]:
    """Return the distinct, non-empty article sources of a story in article order."""
    names: list[str] = []
    for article in dicts(story.get("articles")):
        name = text(article.get("source")).strip()
        if name and name not in names:
            names.append(name)
    return names


def unsourced_articles(stories: list[dict[str, Any]]) -> int:
    """Articles that name no source: a report counts them apart rather than as zero sources."""
    articles = (article for story in stories for article in dicts(story.get("articles")))
    return sum(not text(article.get("source")).strip() for article in articles)


def source_count(story: dict[str, Any]) -> int:
    """Return ``source_count`` when the engine provided it, else count distinct sources."""
    count = story.get("source_count")
    # The engine's count wins, but a default 0 next to sourced articles means "not computed".
    if isinstance(count, int) and not isinstance(count, bool) and count > 0:
        return count
    return len(source_names(story))


def tone_value(value: Any) -> float | None:
    """Return the tone as a float, or ``None`` when it is missing or not numeric."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def tone_label(value: Any) -> str:
    """Describe a tone in [-1, 1] in one word (empty when unknown)."""
    tone = tone_value(value)
    if tone is None:
        return ""
    if tone <= -0.2:
        return "negative"
    if tone >= 0.2:
        return "positive"
    return "neutral"


def format_tone(value: Any) -> str:
    """Format a tone as a signed number, e.g. ``-0.40``; unknown values are shown as given."""
    tone = tone_value(value)
    return text(value) if tone is None else f"{tone:+.2f}"


def http_url(value: Any) -> str | None:
    """Return the URL if it is safe to link (http/https without whitespace), else ``None``."""
    url = text(value).strip()
    if not url.lower().startswith(("http://", "https://")):
        return None
    if any(char.isspace() or ord(char) < 32 for char in url):
        return None
    return url


class StoryIndex:
    """Per-story look-ups: articles by id and one citation numbering shared by all sections.

    Summary citations are registered first so that the summary's markers start at 1.
    A quote cited several times keeps the number it got first.
    """

    def __init__(self, story: dict[str, Any]) -> None:
        self.story = story
        self.articles: dict[str, dict[str, Any]] = {}
        for article in dicts(story.get("articles")):
            self.articles.setdefault(text(article.get("id")), article)
        self.numbers: dict[tuple[str, str], int] = {}
        self.cited: list[tuple[int, str, str]] = []
        for citation in self._all_citations():
            self.number(citation)

    def _all_citations(self) -> Iterator[dict[str, Any]]:
        for section in ("summary", "shared", "unique"):
            for item in dicts(self.story.get(section)):
                yield from dicts(item.get("citations"))
        for conflict in dicts(self.story.get("conflicts")):
            yield from dicts(conflict.get("claims"))
        for item in dicts(self.story.get("timeline")):
            yield from dicts(item.get("citations"))

    def number(self, citation: dict[str, Any]) -> int:
        """Return the citation's number, assigning the next one on first sight."""
        key = (text(citation.get("article_id")), text(citation.get("quote")))
        if key not in self.numbers:
            self.numbers[key] = len(self.numbers) + 1
            self.cited.append((self.numbers[key], *key))
        return self.numbers[key]

    def label(self, article_id: Any) -> str:
        """Name an article by its source, falling back to its title or id."""
        article = self.articles.get(text(article_id), {})
        for candidate in (article.get("source"), article.get("title"), article_id):
            if text(candidate).strip():
                return text(candidate).strip()
        return "unknown source"

    def title(self, article_id: Any) -> str:
        """Return the article's title, or its id when the article is unknown."""
        article = self.articles.get(text(article_id), {})
        return text(article.get("title")).strip() or text(article_id)


def global_article_titles(stories: list[dict[str, Any]]) -> dict[str, str]:
    """Map every article id in the document to its title (for the ingest ledger)."""
    titles: dict[str, str] = {}
    for story in stories:
        for article in dicts(story.get("articles")):
            key = text(article.get("id"))
            if key and text(article.get("title")).strip():
                titles.setdefault(key, text(article.get("title")).strip())
    return titles


# --------------------------------------------------------------------------- Markdown escaping


# What turns inline text into markup: a raw tag, emphasis, code, a link or image, strikethrough, or
# a character reference. Backslashes too, so an existing ``\<`` cannot cancel the escape.
_INLINE_MARKUP = re.compile(r"[\\`*_\[\]<~]|&(?=#?\w+;)")
# What a line may start with to open a heading, quote or list instead of a paragraph.
_BLOCK_MARKER = re.compile(r"^(?:[#>+-]|\d{1,9}[.)](?=\s|$))")


def _inline(value: Any) -> str:
    """Make untrusted text safe to embed in a Markdown line.

    Whitespace is collapsed so the text cannot start new lines, and markup characters are
    backslash-escaped so a Markdown viewer shows them as text: a headline can neither inject a raw
    tag nor a link or a remote image of its own.
    """
    return _INLINE_MARKUP.sub(lambda found: "\\" + found.group(), " ".join(text(value).split()))


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


def _plural(count: int, word: str, plural: str = "") -> str:
    return f"{count} {word}" if count == 1 else f"{count} {plural or word + 's'}"


def _cell(value: Any) -> str:
    """Make text safe inside a table cell, where an unescaped ``|`` would start a new column."""
    return _inline(value).replace("|", "\\|") or "—"


def _link_target(url: str) -> str:
    # Percent-encode the characters that would end a Markdown link destination early.
    for char, code in (("(", "%28"), (")", "%29"), ("<", "%3C"), (">", "%3E")):
        url = url.replace(char, code)
    return url


def _quote(value: Any) -> str:
    quote = _inline(value)
    return f"“{quote}”" if quote else "(no quote)"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return [*lines, ""]


# --------------------------------------------------------------------------- rendering


def render_markdown(doc: dict[str, Any]) -> str:
    """Render the whole ``stories.json`` document as a Markdown report."""
    doc = doc if isinstance(doc, dict) else {}
    stories = dicts(doc.get("stories"))
    article_total = sum(len(dicts(story.get("articles"))) for story in stories)
    all_sources = {name for story in stories for name in source_names(story)}

    lines = ["# Storyline report", ""]
    if text(doc.get("generated")).strip():
        lines += [f"_Generated {_inline(doc.get('generated'))}_", ""]
    unsourced = unsourced_articles(stories)
    without = f" ({_plural(unsourced, 'article')} without a source)" if unsourced else ""
    counts = [
        _plural(len(stories), "story", "stories"),
        _plural(article_total, "article"),
        _plural(len(all_sources), "source"),
    ]
    lines += [" · ".join(counts) + without, ""]

    lines += ["## Stories", ""]
    if stories:
        rows = [
            [
                str(number),
                _cell(story.get("title") or f"Story {number}"),
                str(len(dicts(story.get("articles")))),
                str(source_count(story)),
                _cell(format_span(story_span(story))),
            ]
            for number, story in enumerate(stories, 1)
        ]
        lines += _table(["#", "Story", "Articles", "Sources", "Time span"], rows)
    else:
        lines += [NONE_LINE, ""]

    lines += _storylines(threads(doc, stories), stories)

    for number, story in enumerate(stories, 1):
        lines += _story(number, story)

    if isinstance(doc.get("ingest"), dict):
        lines += _ingest(doc["ingest"], global_article_titles(stories))
    return "\n".join(lines).rstrip() + "\n"


def threads(doc: dict[str, Any], stories: list[dict[str, Any]]) -> list[tuple[dict[str, Any], list[int]]]:
    """The storylines of more than one story, each with the numbers of its stories (1-based, in the
    report's order) in the storyline's time order."""
    number = {text(story.get("id")): n for n, story in enumerate(stories, 1)}
    out = []
    for line in dicts(doc.get("storylines")):
        members = [number[i] for i in strings(line.get("stories")) if i in number]
        if len(members) > 1:
            out.append((line, members))
    return out


def _storylines(found: list[tuple[dict[str, Any], list[int]]], stories: list[dict[str, Any]]) -> list[str]:
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
        span = format_span(story_span({"time_span": line.get("time_span")}))
        head = _heading(_inline(line.get("title"))) or "Storyline"
        lines += [f"### {head}" + (f" ({span})" if span else ""), ""]
        for n in members:
            story = stories[n - 1]
            when = format_span(story_span(story))
            title = _inline(story.get("title")) or f"Story {n}"
            # A bullet, not "3.": Markdown renumbers an ordered list from its first number.
            lines.append(f"- {when or 'undated'}: {title} (story {n})")
        lines.append("")
    return lines


def _story(number: int, story: dict[str, Any]) -> list[str]:
    index = StoryIndex(story)
    lines = [f"## {number}. {_heading(_inline(story.get('title'))) or f'Story {number}'}", ""]
    facts = [_plural(len(index.articles), "article"), _plural(source_count(story), "source")]
    span = format_span(story_span(story))
    if span:
        facts.append(span)
    lines += [" · ".join(facts), ""]
    entities = strings(story.get("key_entities"))
    if entities:
        lines += ["Key entities: " + ", ".join(_inline(entity) for entity in entities), ""]

    lines += _articles(story)
    lines += _summary(story, index)
    lines += _shared(story, index)
    lines += _unique(story, index)
    lines += _conflicts(story, index)
    lines += _framing(story, index)
    lines += _timeline(story, index)
    return lines


def _articles(story: dict[str, Any]) -> list[str]:
    lines = ["### Articles", ""]
    articles = dicts(story.get("articles"))
    for article in articles:
        parts = [_inline(article.get("source")) or "unknown source"]
        if short_date(article.get("published")):
            parts.append(short_date(article.get("published")))
        entry = f"- **{_inline(article.get('title')) or '(untitled)'}** — " + ", ".join(parts)
        url = http_url(article.get("url"))
        if url:
            entry += f" · [link]({_link_target(url)})"
        elif text(article.get("url")).strip():
            # Non-http URLs are shown but never linked (e.g. ``javascript:``).
            entry += f" · {_inline(article.get('url'))}"
        lines.append(entry)
    return lines + ([""] if articles else [NONE_LINE, ""])


def _summary(story: dict[str, Any], index: StoryIndex) -> list[str]:
    lines = ["### Summary", ""]
    sentences = dicts(story.get("summary"))
    if not sentences:
        return [*lines, NONE_LINE, ""]
    cited: list[int] = []
    parts = []
    for sentence in sentences:
        numbers = [index.number(citation) for citation in dicts(sentence.get("citations"))]
        cited += [n for n in numbers if n not in cited]
        markers = "".join(f"[{n}]" for n in numbers)
        sentence_text = _inline(sentence.get("text"))
        parts.append(f"{sentence_text} {markers}" if markers else sentence_text)
    lines += [_line_start(" ".join(parts)), ""]
    by_number = {n: (article_id, quote) for n, article_id, quote in index.cited}
    for n in sorted(cited):
        article_id, quote = by_number[n]
        title, label = index.title(article_id), index.label(article_id)
        # An article without a source is labelled by its title: name it once.
        origin = _inline(title) if label == title else f"{_inline(title)}, {_inline(label)}"
        lines += [f"{n}. {_quote(quote)}", f"   — {origin}"]
    return [*lines, ""]


def _citation_lines(citations: list[dict[str, Any]], index: StoryIndex) -> list[str]:
    return [f"  - {_inline(index.label(c.get('article_id')))}: {_quote(c.get('quote'))}" for c in citations]


def _shared(story: dict[str, Any], index: StoryIndex) -> list[str]:
    lines = ["### Shared facts", ""]
    items = dicts(story.get("shared"))
    for item in items:
        citations = dicts(item.get("citations"))
        names = list(dict.fromkeys(index.label(c.get("article_id")) for c in citations))
        agreed = f" — _{', '.join(_inline(name) for name in names)}_" if names else ""
        lines.append(f"- {_inline(item.get('claim'))}{agreed}")
        lines += _citation_lines(citations, index)
    return lines + ([""] if items else [NONE_LINE, ""])


def _unique(story: dict[str, Any], index: StoryIndex) -> list[str]:
    lines = ["### Unique facts", ""]
    groups: dict[str, list[dict[str, Any]]] = {}
    for item in dicts(story.get("unique")):
        citations = dicts(item.get("citations"))
        owner = index.label(citations[0].get("article_id")) if citations else "unattributed"
        groups.setdefault(owner, []).append(item)
    if not groups:
        return [*lines, NONE_LINE, ""]
    for owner, items in groups.items():
        lines += [f"**{_inline(owner)}**", ""]
        for item in items:
            quotes = "; ".join(_quote(c.get("quote")) for c in dicts(item.get("citations")))
            lines.append(f"- {_inline(item.get('claim'))}" + (f" — {quotes}" if quotes else ""))
        lines.append("")
    return lines


def _conflicts(story: dict[str, Any], index: StoryIndex) -> list[str]:
    lines = ["### Conflicts", ""]
    conflicts = dicts(story.get("conflicts"))
    for conflict in conflicts:
        kind = _inline(conflict.get("type")) or "other"
        about = _inline(conflict.get("about"))
        lines.append(f"- ⚠ **{kind}** conflict" + (f" about _{about}_" if about else ""))
        for claim in dicts(conflict.get("claims")):
            value = _inline(claim.get("value")) or "?"
            who = _inline(index.label(claim.get("article_id")))
            lines.append(f"  - {who} says **{value}**: {_quote(claim.get('quote'))}")
    return lines + ([""] if conflicts else [NONE_LINE, ""])


def _framing(story: dict[str, Any], index: StoryIndex) -> list[str]:
    lines = ["### Framing", ""]
    rows = []
    for item in dicts(story.get("framing")):
        tone = format_tone(item.get("tone"))
        label = tone_label(item.get("tone"))
        rows.append(
            [
                _cell(index.label(item.get("article_id"))),
                _cell(item.get("genre")),
                _cell(f"{tone} ({label})" if label else tone),
                _cell(", ".join(strings(item.get("quoted_sources")))),
            ]
        )
    if not rows:
        return [*lines, NONE_LINE, ""]
    return lines + _table(["Source", "Genre", "Tone", "Quoted sources"], rows)


def _timeline(story: dict[str, Any], index: StoryIndex) -> list[str]:
    lines = ["### Timeline", ""]
    events = dicts(story.get("timeline"))
    for event in events:
        names = list(dict.fromkeys(index.label(c.get("article_id")) for c in dicts(event.get("citations"))))
        by = f" ({', '.join(_inline(name) for name in names)})" if names else ""
        date = _inline(event.get("date")) or "undated"
        lines.append(f"- **{date}** — {_inline(event.get('text'))}{by}")
    return lines + ([""] if events else [NONE_LINE, ""])


def _ingest(ingest: dict[str, Any], titles: dict[str, str]) -> list[str]:
    duplicates = dicts(ingest.get("duplicates"))
    rejected = dicts(ingest.get("rejected"))
    ingested = ingest.get("ingested")
    lines = [
        "## Ingest",
        "",
        f"- Ingested: {_inline(ingested) if ingested is not None else '?'}",
        f"- Duplicates: {len(duplicates)}",
        f"- Rejected: {len(rejected)}",
        "",
    ]

    def named(article_id: Any) -> str:
        title = titles.get(text(article_id))
        return f"{article_id} ({title})" if title else text(article_id)

    if duplicates:
        rows = [[_cell(named(d.get("id"))), _cell(named(d.get("duplicate_of")))] for d in duplicates]
        lines += ["### Duplicates", "", *_table(["Article", "Duplicate of"], rows)]
    if rejected:
        rows = [[_cell(r.get("input")), _cell(r.get("reason"))] for r in rejected]
        lines += ["### Rejected", "", *_table(["Input", "Reason"], rows)]
    return lines
