"""What HTML extraction keeps and drops, on fictional pages shaped like real ones (bench/extract.py measures
the same on real pages)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from storyline.ingest.encoding import declared_charset, decode_bytes
from storyline.ingest.html import parse_html

PARAGRAPHS = [
    "The harbour authority of Velmora said on Tuesday that the northern breakwater will be rebuilt "
    "over the next two winters, after storms in January opened a gap of forty metres in the old wall.",
    "Engineers want to raise the new wall by a metre and a half, which they say would keep out waves "
    "of the kind that flooded the fish market twice this year.",
    "Fishing crews welcomed the plan but asked that the inner basin stay open during the works, since "
    "most of the fleet has nowhere else to land its catch in winter.",
    "The authority expects the first stones to be laid in October, once the summer ferry season ends.",
]


def page(*between: str, after: str = "") -> str:
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS[:2]) + "".join(between)
    body += "".join(f"<p>{p}</p>" for p in PARAGRAPHS[2:]) + after
    return (
        "<html><head><title>Velmora breakwater to be rebuilt</title>"
        '<meta property="og:site_name" content="Velmora Post"></head><body>'
        "<h1>Velmora breakwater to be rebuilt</h1><article>" + body + "</article></body></html>"
    )


def test_a_related_links_block_inside_the_article_is_dropped() -> None:
    related = (
        '<p>Read more: <a href="/a">Ferry timetable changes for the winter season announced</a></p>'
        '<ul><li><a href="/b">Fish market reopens after the spring floods</a></li>'
        '<li><a href="/c">Storm damage on the coast road repaired</a></li></ul>'
    )
    parsed = parse_html(page(related))
    assert parsed is not None
    assert "Ferry timetable" not in parsed.body
    assert "Fish market reopens" not in parsed.body
    assert all(p in parsed.body for p in PARAGRAPHS), "no paragraph of the article is lost"


def test_a_sentence_with_a_link_in_it_is_kept() -> None:
    linked = (
        '<p>The plan was first shown at <a href="/m">a council meeting</a> in March, to little notice.</p>'
    )
    parsed = parse_html(page(linked))
    assert parsed is not None
    assert "a council meeting in March" in parsed.body


def test_a_closing_newsletter_request_is_trimmed() -> None:
    promo = "<p>Sign up for our morning newsletter to get the day's top stories in your inbox.</p>"
    parsed = parse_html(page(after=promo))
    assert parsed is not None
    assert "newsletter" not in parsed.body
    assert parsed.body.endswith(PARAGRAPHS[-1])


def test_a_table_of_results_in_the_article_is_kept() -> None:
    table = (
        "<table><tr><th>Crew</th><th>Catch (tonnes)</th></tr>"
        "<tr><td>Morning Star</td><td>412</td></tr><tr><td>Grey Gull</td><td>388</td></tr></table>"
    )
    parsed = parse_html(page(table))
    assert parsed is not None
    assert "Morning Star" in parsed.body and "388" in parsed.body


def test_lines_without_spaces_are_not_taken_for_kickers() -> None:
    # Japanese has no spaces between words: a whole sentence is one "word".
    lines = ["ヴェルモラ港の北防波堤は二冬かけて再建される。", "一月の嵐で古い壁に四十メートルの穴が開いた。"]
    html = (
        "<html><head><title>防波堤を再建</title></head><body><article>"
        + "".join(f"<p>{line * 6}</p>" for line in lines)
        + "</article></body></html>"
    )
    parsed = parse_html(html)
    assert parsed is not None
    assert lines[0] in parsed.body, "the first paragraph is article text, not a label"


@pytest.mark.slow
def test_every_real_page_with_a_gold_body_gives_text(shared_dir: Path) -> None:
    folder = shared_dir / "data" / "extraction"
    if not folder.is_dir():
        pytest.skip(f"no extraction pages at {folder}")
    gold = json.loads((folder / "gold.dev.json").read_text(encoding="utf-8"))
    empty = []
    for key, item in gold.items():
        data = (folder / "pages" / f"{key}.html").read_bytes()
        parsed = parse_html(decode_bytes(data, declared=declared_charset(data)).text, url=item.get("url"))
        if item.get("articleBody", "").strip() and (parsed is None or not parsed.body.strip()):
            empty.append(item.get("url"))
    assert not empty, f"pages without text: {empty}"
