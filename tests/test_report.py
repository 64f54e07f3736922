"""The report renderers turn a ``stories.json`` document into Markdown and a self-contained HTML page.

Every test builds a small, fictional document by hand, so these tests double as examples of what
the renderers expect and what readers of the reports will see. The renderers take the typed contract
(``StoriesDocument``): a document is validated first, and one the contract refuses is never rendered.
"""

from __future__ import annotations

import copy
import re
from html import escape
from html.parser import HTMLParser
from typing import Any

import pytest
from markupsafe import escape as html_escape
from pydantic import ValidationError

from storyline.contract import StoriesDocument
from storyline.report import render_html as html_of_document
from storyline.report import render_markdown as markdown_of_document

HOSTILE_TITLE = "<script>alert(1)</script>"
HOSTILE_SOURCE = '"><img src=x onerror=alert(1)>'
HOSTILE_URL = "javascript:alert(1)"
SAFE_URL = "https://gazette.example/tram-extension"

SENTENCE_1 = "The council approved a tram extension to the harbour."
SENTENCE_2 = "Construction is due to start in spring."
QUOTE_GAZETTE = "Councillors voted 31 to 4 in favour of the extension."
QUOTE_HOSTILE = "The vote passed after a long debate."
QUOTE_START = "Work begins in spring, the city said."
QUOTE_LENGTH_A = "The new line will be 12 km long."
QUOTE_LENGTH_B = "The 14 km extension was approved."


def render_markdown(doc: dict[str, Any]) -> str:
    return markdown_of_document(StoriesDocument.model_validate(doc))


def render_html(doc: dict[str, Any]) -> str:
    return html_of_document(StoriesDocument.model_validate(doc))


def framing(article_id: str, genre: str, tone: float | None, quoted: list[str]) -> dict[str, Any]:
    return {
        "article_id": article_id,
        "genre": genre,
        "tone": tone,
        "tone_sentences": [],
        "tone_note": None if tone is not None else "no tone model reads this language",
        "quoted_sources": quoted,
        "voices": [],
        "own_views": [],
    }


def empty_story(story_id: str, title: str, articles: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """A story with every list empty: what the contract allows at the least."""
    return {
        "id": story_id,
        "title": title,
        "storyline": None,
        "articles": articles or [],
        "summary": [],
        "shared": [],
        "unique": [],
        "conflicts": [],
        "updates": [],
        "framing": [],
        "timeline": [],
        "key_entities": [],
        "time_span": None,
        "source_count": 0,
    }


def make_doc() -> dict[str, Any]:
    """A two-story document: one story with every section filled in, one with every list empty."""
    return {
        "generated": "2026-11-23T10:00:00+00:00",
        "storylines": [],
        "stories": [
            {
                "id": "s1",
                "title": "Tram line | harbour extension approved",
                "storyline": None,
                "articles": [
                    {
                        "id": "a1",
                        "title": "Council backs tram extension",
                        "source": "Riverside Gazette",
                        "url": SAFE_URL,
                        "published": "2026-11-20",
                        "language": "en",
                    },
                    {
                        "id": 'a2"><b>',
                        "title": HOSTILE_TITLE,
                        "source": HOSTILE_SOURCE,
                        "url": HOSTILE_URL,
                        "published": "2026-11-21T09:30:00+00:00",
                        "language": "en",
                    },
                    {
                        "id": "a3",
                        "title": "Tram plans",
                        "source": None,
                        "url": None,
                        "published": None,
                        "language": None,
                    },
                ],
                "summary": [
                    {
                        "text": SENTENCE_1,
                        "citations": [
                            {"article_id": "a1", "quote": QUOTE_GAZETTE},
                            {"article_id": 'a2"><b>', "quote": QUOTE_HOSTILE},
                        ],
                    },
                    {"text": SENTENCE_2, "citations": [{"article_id": "a1", "quote": QUOTE_START}]},
                ],
                "shared": [
                    {
                        "claim": "The extension was approved.",
                        "citations": [
                            {"article_id": "a1", "quote": QUOTE_GAZETTE},
                            {"article_id": 'a2"><b>', "quote": QUOTE_HOSTILE},
                        ],
                    }
                ],
                "unique": [
                    {
                        "claim": "The vote was 31 to 4.",
                        "citations": [{"article_id": "a1", "quote": QUOTE_GAZETTE}],
                    }
                ],
                "conflicts": [
                    {
                        "type": "number",
                        "about": "length of the new line",
                        "claims": [
                            {"article_id": "a1", "quote": QUOTE_LENGTH_A, "value": "12 km"},
                            {"article_id": 'a2"><b>', "quote": QUOTE_LENGTH_B, "value": "14 km"},
                        ],
                    }
                ],
                "updates": [],
                "framing": [
                    framing("a1", "report", 0.1, ["Mayor Ines Vale"]),
                    framing('a2"><b>', "opinion", -0.6, []),
                ],
                "timeline": [
                    {
                        "date": "2026-11-19",
                        "text": "Council vote on the tram extension.",
                        "citations": [{"article_id": "a1", "quote": QUOTE_GAZETTE}],
                    }
                ],
                "time_span": {"start": "2026-11-19", "end": "2026-11-21"},
                "key_entities": ["Riverside Council", "Ines Vale"],
                "source_count": 2,
            },
            empty_story("s2", "Quiet week at the observatory"),
        ],
        "ingest": {
            "ingested": 4,
            "duplicates": [{"id": "a9", "duplicate_of": "a1"}],
            "rejected": [{"input": "feeds/broken.json", "reason": "no text | empty\nbody"}],
        },
    }


class _Page(HTMLParser):
    """Collects tags, attributes and ids, and checks that every opened element is closed."""

    VOID = frozenset({"meta", "br", "hr", "img", "input", "link", "wbr"})

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.open: list[str] = []
        self.errors: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {name: value or "" for name, value in attrs}))
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open[-1] != tag:
            self.errors.append(f"unexpected </{tag}> with open {self.open[-3:]}")
        else:
            self.open.pop()

    def attr_values(self, name: str) -> list[str]:
        return [attrs[name] for _, attrs in self.tags if name in attrs]


def _table_rows(markdown: str, header_start: str) -> list[list[str]]:
    """Split the Markdown table that starts with ``header_start`` into cells at unescaped pipes."""
    lines = markdown.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(header_start))
    rows = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        rows.append(re.split(r"(?<!\\)\|", line.strip())[1:-1])
    return rows


# --------------------------------------------------------------------------- Markdown


def test_markdown_names_every_story_and_every_summary_sentence() -> None:
    markdown = render_markdown(make_doc())

    assert markdown.startswith("# Storyline report")
    assert "## 1. Tram line | harbour extension approved" in markdown
    assert "## 2. Quiet week at the observatory" in markdown
    assert SENTENCE_1 in markdown
    assert SENTENCE_2 in markdown


def test_markdown_follows_each_summary_sentence_with_numbered_citations() -> None:
    markdown = render_markdown(make_doc())

    assert f"{SENTENCE_1} [1][2] {SENTENCE_2} [3]" in markdown
    # The numbered list under the summary gives each quote and the article it comes from.
    assert f"1. “{QUOTE_GAZETTE}”\n   — Council backs tram extension, Riverside Gazette" in markdown
    assert f"3. “{QUOTE_START}”" in markdown


def test_reports_count_named_sources_and_the_articles_that_name_none() -> None:
    # Two named sources, and one article (a3) that names none: not "0 sources", not three.
    assert "2 stories · 3 articles · 2 sources (1 article without a source)" in render_markdown(make_doc())
    assert "<li><b>1</b> article without a source</li>" in render_html(make_doc())


def test_markdown_names_an_unsourced_cited_article_once() -> None:
    doc = make_doc()
    doc["stories"][0]["summary"][1]["citations"] = [{"article_id": "a3", "quote": QUOTE_START}]
    markdown = render_markdown(doc)

    assert f"3. “{QUOTE_START}”\n   — Tram plans\n" in markdown


def test_markdown_overview_table_is_not_broken_by_a_pipe_in_a_title() -> None:
    rows = _table_rows(render_markdown(make_doc()), "| # | Story")

    assert [len(row) for row in rows] == [5, 5, 5, 5]
    assert rows[2][1].strip() == "Tram line \\| harbour extension approved"
    assert [cell.strip() for cell in rows[2][2:]] == ["3", "2", "2026-11-19 – 2026-11-21"]


def test_markdown_table_renders_as_a_table_in_a_real_markdown_parser() -> None:
    markdown_it = pytest.importorskip("markdown_it")
    html = markdown_it.MarkdownIt("commonmark").enable("table").render(render_markdown(make_doc()))

    assert "<td>Tram line | harbour extension approved</td>" in html
    assert "<td>no text | empty body</td>" in html
    # Hostile titles stay text: a Markdown-to-HTML converter must not see a raw tag.
    assert "<script>" not in html


def test_markdown_lists_shared_unique_conflicting_framing_and_timeline_facts() -> None:
    markdown = render_markdown(make_doc())

    assert "- The extension was approved. — _Riverside Gazette," in markdown
    assert "**Riverside Gazette**\n\n- The vote was 31 to 4." in markdown
    assert "⚠ **number** conflict about _length of the new line_" in markdown
    assert f"Riverside Gazette says **12 km**: “{QUOTE_LENGTH_A}”" in markdown
    assert "**14 km**" in markdown
    assert "| Riverside Gazette | report | +0.10 (neutral) | Mayor Ines Vale |" in markdown
    assert "-0.60 (negative)" in markdown
    assert "- **2026-11-19** — Council vote on the tram extension. (Riverside Gazette)" in markdown


def test_markdown_reports_the_ingest_ledger() -> None:
    markdown = render_markdown(make_doc())

    assert "- Ingested: 4\n- Duplicates: 1\n- Rejected: 1" in markdown
    assert "| a9 | a1 (Council backs tram extension) |" in markdown
    # A newline or pipe in a rejection reason must not break the table row.
    assert "| feeds/broken.json | no text \\| empty body |" in markdown


def test_markdown_links_only_http_urls_and_escapes_raw_html() -> None:
    markdown = render_markdown(make_doc())

    assert f"[link]({SAFE_URL})" in markdown
    assert "](javascript" not in markdown
    assert HOSTILE_TITLE not in markdown
    assert "\\<script>" in markdown


def _one_story_doc(title: str, summary: str, quote: str) -> dict[str, Any]:
    """One story of one article, cited once: the smallest document that shows each text once."""
    article = {"id": "m1", "title": title, "source": "Harbour Post", "url": None}
    article |= {"published": "2026-11-22", "language": "en"}
    citation = {"article_id": "m1", "quote": quote}
    story = empty_story("m", title, [article])
    story["summary"] = [{"text": summary, "citations": [citation]}]
    return document([story])


def document(stories: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "generated": "2026-11-23T10:00:00+00:00",
        "storylines": [],
        "stories": stories,
        "ingest": {"ingested": 0, "duplicates": [], "rejected": []},
    }


def _rendered_markdown(doc: dict[str, Any]) -> str:
    markdown_it = pytest.importorskip("markdown_it")
    return str(
        markdown_it.MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(render_markdown(doc))
    )


def test_markdown_keeps_markup_in_titles_and_quotes_as_plain_text() -> None:
    # A headline is untrusted: in a Markdown viewer it must not fetch a tracking image, add a link
    # of its own, turn bold, or lose its closing "#".
    title = (
        "Ferry *fares* up ![pixel](https://tracker.example/p.png) [details](https://phish.example) _now_ #"
    )
    quote = "Fares rise by 10 % on ~~Monday~~, `the operator` said &amp; confirmed."
    html = _rendered_markdown(_one_story_doc(title, "Ferry fares rise on Monday.", quote))

    assert "<img" not in html and 'href="https://phish.example"' not in html
    assert "<em>fares</em>" not in html and "<del>" not in html
    assert f"<h2>1. {escape(title, quote=False)}</h2>" in html
    assert f"<strong>{escape(title, quote=False)}</strong>" in html
    assert escape(f"“{quote}”", quote=False) in html


def test_markdown_summary_paragraph_cannot_become_a_list_or_heading() -> None:
    for sentence in ("3. The ferry left at noon.", "- The ferry left at noon.", "# The ferry left at noon."):
        html = _rendered_markdown(_one_story_doc("Ferry leaves", sentence, "The ferry left at noon."))

        assert f"<p>{sentence} [1]</p>" in html, sentence


def test_markdown_counts_one_story_article_and_source_in_the_singular() -> None:
    markdown = render_markdown(_one_story_doc("Ferry leaves", "The ferry left.", "The ferry left."))

    assert "1 story · 1 article · 1 source\n" in markdown
    assert "\n1 article · 1 source · 2026-11-22\n" in markdown


def test_markdown_marks_empty_sections_as_none() -> None:
    markdown = render_markdown(make_doc())
    empty_story = markdown.split("## 2. Quiet week at the observatory", 1)[1].split("## Ingest", 1)[0]

    # Articles, summary, shared, unique, conflicts, updates, framing, timeline.
    assert empty_story.count("_None._") == 8


# --------------------------------------------------------------------------- HTML


def test_html_is_one_well_formed_self_contained_page() -> None:
    html = render_html(make_doc())
    page = _Page(html)

    assert html.startswith("<!DOCTYPE html>")
    assert page.errors == [] and page.open == []
    assert [tag for tag, _ in page.tags].count("style") == 1
    # Nothing is fetched: no stylesheets, scripts, images, fonts or CSS imports.
    assert not {"link", "script", "img", "iframe", "object"} & {tag for tag, _ in page.tags}
    assert page.attr_values("src") == []
    assert "@import" not in html and "url(" not in html
    # The only outbound links are the articles' own http(s) URLs.
    external = [href for href in page.attr_values("href") if not href.startswith("#")]
    assert external == [SAFE_URL]
    assert html.count('href="http') == 1 and 'src="http' not in html


def test_html_escapes_hostile_titles_sources_and_urls() -> None:
    html = render_html(make_doc())
    page = _Page(html)

    assert HOSTILE_TITLE not in html
    assert HOSTILE_SOURCE not in html
    assert html_escape(HOSTILE_TITLE) in html
    assert html_escape(HOSTILE_SOURCE) in html
    assert "<img" not in html and "<script" not in html
    # A javascript: URL is shown as text, never as a link.
    assert HOSTILE_URL in html
    assert not any(href.lower().startswith("javascript:") for href in page.attr_values("href"))


def test_html_ids_are_built_from_indices_not_from_article_ids() -> None:
    page = _Page(render_html(make_doc()))
    ids = page.attr_values("id")

    assert ids and all(re.fullmatch(r"[a-z0-9-]+", element_id) for element_id in ids)
    assert len(ids) == len(set(ids))
    assert {"story-1", "story-2", "s1-a1", "s1-a2", "s1-a3", "ingest"} <= set(ids)


def test_html_has_a_table_of_contents_linking_to_every_story() -> None:
    html = render_html(make_doc())

    assert '<a href="#story-1">Tram line | harbour extension approved</a>' in html
    assert '<a href="#story-2">Quiet week at the observatory</a>' in html
    assert "<b>2</b> stories" in html and "<b>3</b> articles" in html


def test_html_summary_citations_link_to_highlightable_quotes_in_the_source_cards() -> None:
    html = render_html(make_doc())
    page = _Page(html)

    assert SENTENCE_1 in html and SENTENCE_2 in html
    # Each summary sentence is followed by numbered links whose tooltip shows the quote...
    assert (
        f'<span class="summary-sentence">{SENTENCE_1}</span><sup class="cites">'
        f'<a class="cite" href="#s1-q1" title="Riverside Gazette: “{QUOTE_GAZETTE}”"'
    ) in html
    # ...and each link lands on the quoted passage inside that article's card.
    card_a1 = html.split('id="s1-a1"', 1)[1].split("</article>", 1)[0]
    assert f'<li id="s1-q1" value="1"><q>{QUOTE_GAZETTE}</q></li>' in card_a1
    assert f'<li id="s1-q3" value="3"><q>{QUOTE_START}</q></li>' in card_a1
    # Every in-page link has a target, and highlighting works without JavaScript.
    ids = set(page.attr_values("id"))
    assert {href[1:] for href in page.attr_values("href") if href.startswith("#")} <= ids
    assert ".quotes li:target" in html


def test_html_source_cards_show_framing() -> None:
    html = render_html(make_doc())
    card_a1 = html.split('id="s1-a1"', 1)[1].split("</article>", 1)[0]

    assert (
        f'<a href="{SAFE_URL}" rel="noopener noreferrer nofollow">Council backs tram extension</a>' in card_a1
    )
    assert "Riverside Gazette" in card_a1 and "2026-11-20" in card_a1
    assert '<span class="badge genre-report">report</span>' in card_a1
    assert "tone +0.10 · neutral" in card_a1
    assert "Mayor Ines Vale" in card_a1
    assert '<div class="cards">' in html and "grid-template-columns" in html


def test_html_shows_shared_unique_conflict_and_timeline_sections() -> None:
    html = render_html(make_doc())

    assert "The extension was approved." in html
    # Each source that states a shared fact is a badge linking to the passage it states it in.
    assert '<a class="badge cite" href="#s1-q1"' in html
    assert "The vote was 31 to 4." in html
    assert html.count('<div class="conflict ') == 1
    assert "⚠ number conflict" in html and "length of the new line" in html
    assert '<mark class="value">12 km</mark>' in html and '<mark class="value">14 km</mark>' in html
    assert QUOTE_LENGTH_A in html and QUOTE_LENGTH_B in html
    assert '<time datetime="2026-11-19">2026-11-19</time> Council vote on the tram extension.' in html


def test_html_shows_the_ingest_ledger() -> None:
    html = render_html(make_doc())
    ledger = html.split('id="ingest"', 1)[1]

    assert "<b>4</b> ingested" in ledger and "<b>1</b> duplicates" in ledger
    assert "<code>a9</code>" in ledger and "<code>a1</code> Council backs tram extension" in ledger
    assert "feeds/broken.json" in ledger and "no text | empty\nbody" in ledger


# --------------------------------------------------------------------------- both renderers


def _sparse_docs() -> list[dict[str, Any]]:
    """Documents the contract allows that have little in them, or citations that lead nowhere."""
    no_framing_tone = copy.deepcopy(make_doc())
    no_framing_tone["stories"][0]["framing"][0] = framing("a1", "report", None, [])
    broken_citations = copy.deepcopy(make_doc())
    broken_citations["stories"][0]["timeline"][0]["citations"] = [{"article_id": "missing", "quote": "?"}]
    untitled = empty_story("bare", "")
    untitled["time_span"] = {"start": "2026-11-02", "end": "2026-11-02"}
    return [
        document([]),
        document([empty_story("s2", "Quiet week")]),
        document([untitled]),
        no_framing_tone,
        broken_citations,
    ]


@pytest.mark.parametrize(
    "doc", _sparse_docs(), ids=["no-stories", "empty-lists", "untitled", "no-tone", "unlisted-citation"]
)
def test_renderers_cope_with_empty_and_dangling_data(doc: dict[str, Any]) -> None:
    markdown = render_markdown(doc)
    html = render_html(doc)
    page = _Page(html)

    assert markdown.startswith("# Storyline report")
    assert page.errors == [] and page.open == []
    ids = set(page.attr_values("id"))
    # Even a citation of an article the story does not list leads to its quote.
    assert {href[1:] for href in page.attr_values("href") if href.startswith("#")} <= ids


@pytest.mark.parametrize(
    "broken",
    [
        lambda doc: doc.pop("ingest"),
        lambda doc: doc["stories"][0].pop("conflicts"),
        lambda doc: doc["stories"][0]["framing"][0].update(tone="n/a"),
        lambda doc: doc["stories"][0].update(summary=None),
        lambda doc: doc["stories"][0].update(extra_field=1),
    ],
    ids=["no-ingest", "no-conflicts", "tone-not-a-number", "null-summary", "unknown-field"],
)
def test_a_document_the_contract_refuses_is_never_rendered(broken: Any) -> None:
    doc = make_doc()
    broken(doc)

    with pytest.raises(ValidationError):
        render_html(doc)


def test_renderers_do_not_modify_the_document() -> None:
    doc = StoriesDocument.model_validate(make_doc())
    before = doc.model_copy(deep=True)

    markdown_of_document(doc)
    html_of_document(doc)

    assert doc == before


# --------------------------------------------------------------------------- the report and the web UI


def _without_links(html: str) -> str:
    # Where a citation leads is the page's own (the report's quote card, the web page's sentence), and
    # so is the level of a heading (a story is a section of the report, the whole web page).
    return re.sub(r"<(/?)h\d>", r"<\1h>", re.sub(r' (href|id)="[^"]*"', "", html))


def _blocks(html: str, pattern: str) -> list[str]:
    return [_without_links(found) for found in re.findall(pattern, html, re.S)]


def test_the_report_and_the_web_story_page_render_a_story_with_the_same_markup() -> None:
    from storyline.model import Article
    from storyline.serve.catalog import Snapshot, entry_of
    from storyline.serve.pages import story_html

    doc = StoriesDocument.model_validate(make_doc())
    story = doc.stories[0]
    quotes = [QUOTE_GAZETTE, QUOTE_START, QUOTE_LENGTH_A, QUOTE_HOSTILE, QUOTE_LENGTH_B]
    articles = {
        a.id: Article(id=a.id, text=" ".join(quotes), title=a.title, source=a.source) for a in story.articles
    }
    snapshot = Snapshot([entry_of(story)], articles, {a: story.id for a in articles})
    web = story_html(snapshot, snapshot.by_id[story.id])
    report = html_of_document(doc)

    for pattern in (
        r'<p class="summary-text">.*?</p>',
        r'<div class="conflict .*?</div>',
        r'<ul class="facts">.*?</ul>',
        r'<div class="groups">.*?</div></div>',
        r'<ol class="timeline">.*?</ol>',
        r'<table class="framing-table">.*?</table>',
    ):
        assert _blocks(web, pattern) == _blocks(report, pattern) != [], pattern
