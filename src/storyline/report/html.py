"""Render a ``stories.json`` document as one self-contained HTML5 page.

Every untrusted string goes through :func:`_esc`; element ids are built from indices only
(``story-2``, ``s2-a1``, ``s2-q3``), never from article ids. Citation highlighting uses the CSS
``:target`` selector, so the page needs no JavaScript, and a strict Content-Security-Policy forbids
scripts and remote resources as a second line of defence.
"""

from __future__ import annotations

from html import escape
from typing import Any

from .markdown import (
    StoryIndex,
    dicts,
    format_span,
    format_tone,
    global_article_titles,
    http_url,
    short_date,
    source_count,
    source_names,
    story_span,
    strings,
    text,
    threads,
    tone_label,
    unsourced_articles,
)

_GENRES = ("report", "opinion", "analysis")
_CONFLICT_TYPES = ("number", "date", "age", "person", "place", "organisation", "other")

_CSS = """
:root {
  --bg: #f6f7f9; --fg: #1d2330; --muted: #5d6675; --card: #fff; --line: #dfe3ea;
  --accent: #2f5fd0; --accent-soft: #e6edfb; --warn: #b45309; --warn-bg: #fff7e6; --warn-line: #f0b35a;
  --hl: #fff3a3; --pos: #17803d; --neg: #b42318; --neu: #5d6675;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #14171c; --fg: #e6e8ec; --muted: #9aa3b2; --card: #1d2129; --line: #2e3440;
    --accent: #8fb0ff; --accent-soft: #24304a; --warn: #f5b454; --warn-bg: #2d2416; --warn-line: #8a6220;
    --hl: #5a4d12; --pos: #6fd08f; --neg: #ff8a80; --neu: #9aa3b2;
  }
}
* { box-sizing: border-box; }
html { scroll-behavior: smooth; }
@media (prefers-reduced-motion: reduce) { html { scroll-behavior: auto; } }
body {
  margin: 0; background: var(--bg); color: var(--fg); line-height: 1.55;
  font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
}
.wrap { max-width: 72rem; margin: 0 auto; padding: 2rem 1.25rem 4rem; }
a { color: var(--accent); }
h1 { margin: 0 0 .25rem; font-size: 2rem; }
h2 { margin: 0 0 .5rem; font-size: 1.5rem; }
h3 { margin: 1.75rem 0 .5rem; font-size: 1.1rem; text-transform: uppercase; letter-spacing: .04em;
     color: var(--muted); }
h4 { margin: 0 0 .25rem; font-size: 1rem; }
.muted, .meta { color: var(--muted); }
.none { color: var(--muted); font-style: italic; }
.stats { display: flex; flex-wrap: wrap; gap: .5rem; list-style: none; padding: 0; margin: 1rem 0 0; }
.stats li { background: var(--card); border: 1px solid var(--line); border-radius: .5rem;
            padding: .35rem .75rem; }
.stats b { font-size: 1.15rem; }
.toc, .story, .ingest { background: var(--card); border: 1px solid var(--line); border-radius: .75rem;
                        padding: 1.25rem 1.5rem; margin-top: 1.5rem; }
.toc ol { margin: 0; padding-left: 1.5rem; }
.toc li { margin: .2rem 0; }
.chips { display: flex; flex-wrap: wrap; gap: .35rem; list-style: none; padding: 0; margin: .5rem 0 0; }
.badge { display: inline-block; font-size: .78rem; line-height: 1.4; padding: .05rem .5rem;
         border-radius: 999px; background: var(--accent-soft); color: var(--fg);
         text-decoration: none; white-space: nowrap; }
a.badge:hover { outline: 1px solid var(--accent); }
.badge.warn { background: var(--warn-bg); color: var(--warn); border: 1px solid var(--warn-line); }
.genre-opinion { background: #f3e8ff; color: #5b2a86; }
.genre-analysis { background: #e0f2fe; color: #075985; }
.genre-report { background: #e7f6ec; color: #17603a; }
.tone-positive { color: var(--pos); }
.tone-negative { color: var(--neg); }
.tone-neutral { color: var(--neu); }
.summary { font-size: 1.05rem; }
sup.cites { font-size: .72rem; margin-left: .1rem; }
sup.cites a { text-decoration: none; padding: 0 .1rem; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(16rem, 1fr)); gap: 1rem; }
.card { border: 1px solid var(--line); border-radius: .6rem; padding: .9rem 1rem; background: var(--bg);
        scroll-margin-top: 1rem; }
.card p { margin: .25rem 0; font-size: .9rem; }
.quotes { margin: .6rem 0 0; padding-left: 1.6rem; font-size: .9rem; }
.quotes li { margin: .35rem 0; padding: .2rem .4rem; border-radius: .35rem; scroll-margin-top: 2rem; }
.quotes li:target { background: var(--hl); outline: 2px solid var(--warn-line);
                    animation: flash 1.6s ease-out; }
@keyframes flash { from { background: var(--warn-line); } to { background: var(--hl); } }
q { quotes: "\\201C" "\\201D"; font-style: italic; }
.facts { padding-left: 1.2rem; }
.facts li { margin: .35rem 0; }
.agree { display: inline-flex; flex-wrap: wrap; gap: .25rem; margin-left: .35rem; vertical-align: middle; }
.unique { display: grid; grid-template-columns: repeat(auto-fill, minmax(16rem, 1fr)); gap: .75rem; }
.unique > div { border-left: 3px solid var(--accent); padding-left: .75rem; }
.unique ul { margin: .25rem 0; padding-left: 1.1rem; }
.conflict { border: 1px solid var(--warn-line); border-left: 5px solid var(--warn);
            background: var(--warn-bg); border-radius: .5rem; padding: .7rem 1rem; margin: .6rem 0; }
.conflict-head { margin: 0 0 .3rem; font-weight: 600; color: var(--warn); }
.conflict ul { margin: 0; padding-left: 1.1rem; }
.value { font-weight: 700; }
.timeline { list-style: none; padding: 0; margin: 0; border-left: 2px solid var(--line); }
.timeline li { position: relative; padding: .15rem 0 .6rem 1rem; }
.timeline li::before { content: ""; position: absolute; left: -.4rem; top: .55rem;
                       width: .7rem; height: .7rem; border-radius: 50%; background: var(--accent); }
.timeline time { font-weight: 600; margin-right: .5rem; font-variant-numeric: tabular-nums; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; margin: .5rem 0; }
th, td { text-align: left; padding: .4rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top;
         overflow-wrap: anywhere; }
th { color: var(--muted); font-weight: 600; }
footer { margin-top: 2rem; font-size: .85rem; color: var(--muted); text-align: center; }
@media print {
  :root { --bg: #fff; --card: #fff; }
  body { font-size: 11pt; }
  .wrap { max-width: none; padding: 0; }
  .toc, .story, .ingest { border: none; padding: 0; }
  .story { break-before: page; }
  .card, .conflict, tr { break-inside: avoid; }
  .quotes li:target { animation: none; }
}
"""

# No script is ever emitted, so the policy can forbid scripts and every remote resource outright.
_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"


def _esc(value: Any) -> str:
    """Escape untrusted text for element content and quoted attribute values."""
    return escape(text(value), quote=True)


def _none(message: str = "None.") -> str:
    return f'<p class="none">{_esc(message)}</p>'


def _link(url: Any, label: str) -> str:
    """Link ``label`` (already escaped) to ``url`` only when the URL is http(s)."""
    safe = http_url(url)
    if safe is None:
        return label
    return f'<a href="{_esc(safe)}" rel="noopener noreferrer nofollow">{label}</a>'


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def render_html(doc: dict[str, Any]) -> str:
    """Render the whole ``stories.json`` document as a single self-contained HTML page."""
    doc = doc if isinstance(doc, dict) else {}
    stories = dicts(doc.get("stories"))
    article_total = sum(len(dicts(story.get("articles"))) for story in stories)
    all_sources = {name for story in stories for name in source_names(story)}
    conflict_total = sum(len(dicts(story.get("conflicts"))) for story in stories)
    ingest = doc.get("ingest") if isinstance(doc.get("ingest"), dict) else None

    stats: list[tuple[Any, str]] = [
        (len(stories), "stories" if len(stories) != 1 else "story"),
        (article_total, "articles" if article_total != 1 else "article"),
        (len(all_sources), "sources" if len(all_sources) != 1 else "source"),
        (conflict_total, "conflicts" if conflict_total != 1 else "conflict"),
    ]
    unsourced = unsourced_articles(stories)
    if unsourced:
        label = "articles without a source" if unsourced != 1 else "article without a source"
        stats.insert(3, (unsourced, label))
    if ingest is not None and ingest.get("ingested") is not None:
        stats.append((ingest.get("ingested"), "ingested"))
    stat_items = "".join(f"<li><b>{_esc(count)}</b> {label}</li>" for count, label in stats)
    generated = text(doc.get("generated")).strip()

    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">',
        '<meta name="color-scheme" content="light dark">',
        "<title>Storyline report</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        '<div class="wrap">',
        "<header>",
        "<h1>Storyline report</h1>",
        f'<p class="meta">Generated <time datetime="{_esc(generated)}">{_esc(generated)}</time></p>'
        if generated
        else "",
        f'<ul class="stats">{stat_items}</ul>',
        "</header>",
        _toc(stories),
        _storylines(threads(doc, stories), stories),
        "<main>",
        *(_story(number, story) for number, story in enumerate(stories, 1)),
        "</main>",
        _ingest(ingest, global_article_titles(stories)) if ingest is not None else "",
        "<footer>Generated offline by storyline.</footer>",
        "</div>",
        "</body>",
        "</html>",
    ]
    return "\n".join(part for part in parts if part) + "\n"


def _toc(stories: list[dict[str, Any]]) -> str:
    if not stories:
        return f'<nav class="toc" aria-label="Stories"><h2>Stories</h2>{_none("No stories.")}</nav>'
    items = []
    for number, story in enumerate(stories, 1):
        facts = [
            _plural(len(dicts(story.get("articles"))), "article"),
            _plural(source_count(story), "source"),
        ]
        span = format_span(story_span(story))
        if span:
            facts.append(span)
        conflicts = len(dicts(story.get("conflicts")))
        warn = f' <span class="badge warn">⚠ {_plural(conflicts, "conflict")}</span>' if conflicts else ""
        items.append(
            f'<li><a href="#story-{number}">{_story_title(story, number)}</a> '
            f'<span class="muted">{_esc(" · ".join(facts))}</span>{warn}</li>'
        )
    return f'<nav class="toc" aria-label="Stories"><h2>Stories</h2><ol>{"".join(items)}</ol></nav>'


def _storylines(found: list[tuple[dict[str, Any], list[int]]], stories: list[dict[str, Any]]) -> str:
    """Threads of more than one event, each with its events in time order (links to the stories)."""
    if not found:
        return ""
    blocks = []
    for line, members in found:
        span = format_span(story_span({"time_span": line.get("time_span")}))
        events = "".join(
            f'<li><span class="muted">{_esc(format_span(story_span(stories[n - 1])) or "undated")}</span> '
            f'<a href="#story-{n}">{_story_title(stories[n - 1], n)}</a></li>'
            for n in members
        )
        when = f' <span class="muted">{_esc(span)}</span>' if span else ""
        blocks.append(
            f"<li><b>{_esc(text(line.get('title')).strip() or 'Storyline')}</b>{when}<ul>{events}</ul></li>"
        )
    return (
        '<nav class="toc storylines" aria-label="Storylines"><h2>Storylines</h2>'
        '<p class="muted">Threads of more than one event; every other story is a storyline of its own.</p>'
        f"<ul>{''.join(blocks)}</ul></nav>"
    )


def _story_title(story: dict[str, Any], number: int) -> str:
    return _esc(text(story.get("title")).strip() or f"Story {number}")


def _story(number: int, story: dict[str, Any]) -> str:
    index = StoryIndex(story)
    prefix = f"s{number}"
    facts = [_plural(len(index.articles), "article"), _plural(source_count(story), "source")]
    span = format_span(story_span(story))
    if span:
        facts.append(span)
    entities = strings(story.get("key_entities"))
    chips = (
        '<ul class="chips" aria-label="Key entities">'
        + "".join(f'<li class="badge">{_esc(entity)}</li>' for entity in entities)
        + "</ul>"
        if entities
        else ""
    )
    return "\n".join(
        [
            f'<section class="story" id="story-{number}" aria-labelledby="story-{number}-title">',
            f'<h2 id="story-{number}-title">{_story_title(story, number)}</h2>',
            f'<p class="meta">{_esc(" · ".join(facts))}</p>{chips}',
            "<h3>Summary</h3>",
            _summary(story, index, prefix),
            "<h3>Sources</h3>",
            _cards(story, index, prefix),
            "<h3>Shared facts</h3>",
            _shared(story, index, prefix),
            "<h3>Unique facts</h3>",
            _unique(story, index, prefix),
            "<h3>Conflicts</h3>",
            _conflicts(story, index, prefix),
            "<h3>Timeline</h3>",
            _timeline(story, index, prefix),
            "</section>",
        ]
    )


def _cite_title(index: StoryIndex, citation: dict[str, Any]) -> str:
    """Tooltip text for a citation: the quote and who said it."""
    quote = " ".join(text(citation.get("quote")).split())
    return f"“{quote}” — {index.label(citation.get('article_id'))}"


def _cites(citations: list[dict[str, Any]], index: StoryIndex, prefix: str) -> str:
    """Small numbered links to the quoted passages in the story's source cards."""
    if not citations:
        return ""
    links = []
    for citation in citations:
        number = index.number(citation)
        links.append(
            f'<a href="#{prefix}-q{number}" title="{_esc(_cite_title(index, citation))}"'
            f' aria-label="citation {number}">[{number}]</a>'
        )
    return f'<sup class="cites">{"".join(links)}</sup>'


def _summary(story: dict[str, Any], index: StoryIndex, prefix: str) -> str:
    sentences = dicts(story.get("summary"))
    if not sentences:
        return _none()
    body = " ".join(
        f'<span class="sentence">{_esc(sentence.get("text"))}</span>'
        f"{_cites(dicts(sentence.get('citations')), index, prefix)}"
        for sentence in sentences
    )
    return f'<p class="summary">{body}</p>'


def _cards(story: dict[str, Any], index: StoryIndex, prefix: str) -> str:
    framing: dict[str, dict[str, Any]] = {}
    for item in dicts(story.get("framing")):
        framing.setdefault(text(item.get("article_id")), item)
    quotes: dict[str, list[tuple[int, str]]] = {}
    for number, article_id, quote in index.cited:
        quotes.setdefault(article_id, []).append((number, quote))

    cards = []
    for position, (article_id, article) in enumerate(index.articles.items(), 1):
        card_quotes = quotes.get(article_id, [])
        cards.append(_card(f"{prefix}-a{position}", article, framing.get(article_id), card_quotes, prefix))
    # Citations may point at articles the story does not list; keep their quotes reachable.
    orphans = [article_id for article_id in quotes if article_id not in index.articles]
    for position, article_id in enumerate(orphans, len(index.articles) + 1):
        stub = {"title": f"Unlisted article {article_id}".strip(), "source": None}
        card_quotes = quotes[article_id]
        cards.append(_card(f"{prefix}-a{position}", stub, framing.get(article_id), card_quotes, prefix))
    if not cards:
        return _none("No articles.")
    return f'<div class="cards">{"".join(cards)}</div>'


def _card(
    card_id: str,
    article: dict[str, Any],
    framing: dict[str, Any] | None,
    quotes: list[tuple[int, str]],
    prefix: str,
) -> str:
    title = _esc(text(article.get("title")).strip() or "(untitled)")
    meta = [f'<span class="source">{_esc(text(article.get("source")).strip() or "unknown source")}</span>']
    published = short_date(article.get("published"))
    if published:
        meta.append(f'<time datetime="{_esc(published)}">{_esc(published)}</time>')
    if text(article.get("language")).strip():
        meta.append(f'<span class="lang">{_esc(text(article.get("language")).strip().upper())}</span>')
    url = text(article.get("url")).strip()
    unlinked = f'<p class="muted">URL (not linked): {_esc(url)}</p>' if url and http_url(url) is None else ""

    badges, who = "", ""
    if framing is not None:
        genre = text(framing.get("genre")).strip().lower()
        genre_class = f"genre-{genre}" if genre in _GENRES else "genre-other"
        label = tone_label(framing.get("tone"))
        tone_class = f" tone-{label}" if label else ""
        badge_list = []
        if genre:
            badge_list.append(f'<span class="badge {genre_class}">{_esc(genre)}</span>')
        if framing.get("tone") is not None:
            badge_list.append(
                f'<span class="badge{tone_class}" title="tone from -1 (negative) to +1 (positive)">'
                f"tone {_esc(format_tone(framing.get('tone')))}{' · ' + label if label else ''}</span>"
            )
        badges = f'<p class="badges">{" ".join(badge_list)}</p>' if badge_list else ""
        quoted = strings(framing.get("quoted_sources"))
        if quoted:
            who = f'<p class="who"><span class="muted">Quotes:</span> {_esc(", ".join(quoted))}</p>'

    quote_items = "".join(
        f'<li id="{prefix}-q{number}" value="{number}"><q>{_esc(quote)}</q></li>' for number, quote in quotes
    )
    quote_list = f'<ol class="quotes">{quote_items}</ol>' if quote_items else ""
    return (
        f'<article class="card" id="{card_id}">'
        f"<h4>{_link(article.get('url'), title)}</h4>"
        f'<p class="meta">{" · ".join(meta)}</p>{unlinked}{badges}{who}{quote_list}'
        "</article>"
    )


def _source_badges(citations: list[dict[str, Any]], index: StoryIndex, prefix: str) -> str:
    """One badge per citing source, each linking to the quote it contributed."""
    badges = []
    for citation in citations:
        badges.append(
            f'<a class="badge" href="#{prefix}-q{index.number(citation)}"'
            f' title="{_esc(_cite_title(index, citation))}">'
            f"{_esc(index.label(citation.get('article_id')))}</a>"
        )
    return f'<span class="agree">{"".join(badges)}</span>' if badges else ""


def _shared(story: dict[str, Any], index: StoryIndex, prefix: str) -> str:
    items = dicts(story.get("shared"))
    if not items:
        return _none()
    rows = "".join(
        f"<li>{_esc(item.get('claim'))}{_source_badges(dicts(item.get('citations')), index, prefix)}</li>"
        for item in items
    )
    return f'<ul class="facts">{rows}</ul>'


def _unique(story: dict[str, Any], index: StoryIndex, prefix: str) -> str:
    groups: dict[str, list[dict[str, Any]]] = {}
    for item in dicts(story.get("unique")):
        citations = dicts(item.get("citations"))
        owner = index.label(citations[0].get("article_id")) if citations else "unattributed"
        groups.setdefault(owner, []).append(item)
    if not groups:
        return _none()
    blocks = []
    for owner, items in groups.items():
        rows = "".join(
            f"<li>{_esc(item.get('claim'))}{_cites(dicts(item.get('citations')), index, prefix)}</li>"
            for item in items
        )
        blocks.append(f"<div><h4>{_esc(owner)}</h4><ul>{rows}</ul></div>")
    return f'<div class="unique">{"".join(blocks)}</div>'


def _conflicts(story: dict[str, Any], index: StoryIndex, prefix: str) -> str:
    conflicts = dicts(story.get("conflicts"))
    if not conflicts:
        return _none("No conflicts found.")
    boxes = []
    for conflict in conflicts:
        kind = text(conflict.get("type")).strip().lower() or "other"
        kind_class = kind if kind in _CONFLICT_TYPES else "other"
        about = text(conflict.get("about")).strip()
        claims = []
        for claim in dicts(conflict.get("claims")):
            quote = text(claim.get("quote")).strip()
            claims.append(
                f"<li>{_esc(index.label(claim.get('article_id')))}: "
                f'<span class="value">{_esc(text(claim.get("value")).strip() or "?")}</span>'
                + (f" — <q>{_esc(quote)}</q>" if quote else "")
                + f"{_cites([claim], index, prefix)}</li>"
            )
        boxes.append(
            f'<div class="conflict conflict-{kind_class}" role="note">'
            f'<p class="conflict-head">⚠ {_esc(kind)} conflict'
            + (f': <span class="about">{_esc(about)}</span>' if about else "")
            + f"</p><ul>{''.join(claims)}</ul></div>"
        )
    return "".join(boxes)


def _timeline(story: dict[str, Any], index: StoryIndex, prefix: str) -> str:
    events = dicts(story.get("timeline"))
    if not events:
        return _none()
    rows = []
    for event in events:
        date = text(event.get("date")).strip()
        stamp = f'<time datetime="{_esc(date)}">{_esc(date)}</time>' if date else "<time>undated</time>"
        cites = _cites(dicts(event.get("citations")), index, prefix)
        rows.append(f"<li>{stamp}{_esc(event.get('text'))}{cites}</li>")
    return f'<ol class="timeline">{"".join(rows)}</ol>'


def _ingest(ingest: dict[str, Any], titles: dict[str, str]) -> str:
    duplicates = dicts(ingest.get("duplicates"))
    rejected = dicts(ingest.get("rejected"))
    ingested = ingest.get("ingested")

    def named(article_id: Any) -> str:
        title = titles.get(text(article_id))
        label = f"<code>{_esc(article_id)}</code>"
        return f"{label} {_esc(title)}" if title else label

    parts = [
        '<section class="ingest" id="ingest" aria-labelledby="ingest-title">',
        '<h2 id="ingest-title">Ingest ledger</h2>',
        '<ul class="stats">'
        f"<li><b>{_esc(ingested if ingested is not None else '?')}</b> ingested</li>"
        f"<li><b>{len(duplicates)}</b> duplicates</li>"
        f"<li><b>{len(rejected)}</b> rejected</li></ul>",
    ]
    duplicate_rows = [[named(d.get("id")), named(d.get("duplicate_of"))] for d in duplicates]
    rejected_rows = [[_esc(r.get("input")), _esc(r.get("reason"))] for r in rejected]
    parts += ["<h3>Duplicates</h3>", _table(["Article", "Duplicate of"], duplicate_rows)]
    parts += ["<h3>Rejected</h3>", _table(["Input", "Reason"], rejected_rows)]
    parts.append("</section>")
    return "\n".join(parts)


def _table(header: list[str], rows: list[list[str]]) -> str:
    """A plain table; ``rows`` hold cells that are already escaped HTML."""
    if not rows:
        return _none()
    head = "".join(f"<th>{cell}</th>" for cell in header)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
