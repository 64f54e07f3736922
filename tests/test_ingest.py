"""Ingest turns files, folders and JSON records into articles, and accounts for every input record.

All inputs are small fictional files written into ``tmp_path`` by the tests themselves.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path

import pytest

from storyline.ingest import Ingestor, IngestResult, Reader
from storyline.ingest.dates import normalise_date
from storyline.ingest.readers import Record
from storyline.pipeline import ingest_paths
from storyline.store import Store, open_store

SCRAPED_PAGE = """Go to contents
Flood barrier closes early in Tarnholm
Flood barrier closes early in Tarnholm
Posted March. 14, 2025 09:12,
Updated March. 15, 2025 11:40,

The Tarnholm flood barrier was closed two days early on Thursday after heavy rain upstream.

City engineer Maren Kolb said the river rose by 40 centimetres overnight.

Share this article
Trending on X Video
"""

HTML_PAGE = """<!doctype html>
<html lang="en">
<head>
<title>Ferry strike ends | Harbour Ledger</title>
<meta property="og:site_name" content="Harbour Ledger">
<meta property="og:title" content="Ferry strike ends after four days">
<meta property="article:published_time" content="2024-06-02T08:15:00Z">
</head>
<body>
<nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport section navigation link</a></nav>
<article>
<h1>Ferry strike ends after four days</h1>
<p>Ferry crews on the Osterlund route returned to work on Sunday after a four-day strike over rosters
ended with a new agreement.</p>
<p>The union said the deal limits night shifts to three a week and adds a second engineer on the
longest crossings.</p>
<p>Passengers who bought tickets for cancelled sailings will be refunded in full, the operator said.</p>
</article>
<footer><p>Copyright 2024 Harbour Ledger. Footer contact line for the newsroom desk.</p></footer>
</body>
</html>
"""

ORCHARD = "Frost damaged half of the apple orchards around Lindqvist valley this week, growers said."
BAKERY = "A bakery in Norrvik won the regional bread prize for a rye loaf baked in a wood oven."
MUSEUM = "The Ostby maritime museum will reopen in May after a two-year renovation of its roof."


def read(*paths: Path | str) -> list[Record]:
    return list(Reader().read(list(paths)))


def reasons(records: list[Record]) -> dict[str, str | None]:
    return {r.origin: r.reason for r in records}


def ingest(*paths: Path | str, store: Store | None = None) -> IngestResult:
    return Ingestor(store).add_all(Reader().read(list(paths)))


def write_jsonl(path: Path, lines: list[object | str]) -> Path:
    rows = [line if isinstance(line, str) else json.dumps(line) for line in lines]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


# -- dates ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("January. 05, 2019 07:26,", "2019-01-05"),
        ("March. 14, 2025 09:12,", "2025-03-14"),
        ("2024-02-29T13:45:00+01:00", "2024-02-29"),
        ("2024-02-29", "2024-02-29"),
        ("June 14, 2025", "2025-06-14"),
        ("14 June 2025", "2025-06-14"),
    ],
)
def test_normalise_date_reads_written_dates(raw: str, expected: str) -> None:
    assert normalise_date(raw) == expected


@pytest.mark.parametrize("raw", ["not a date at all", "", "   ", None, "2023-02-30"])
def test_normalise_date_returns_none_for_non_dates(raw: str | None) -> None:
    assert normalise_date(raw) is None


@pytest.mark.parametrize(
    "raw", ["yesterday", "3 hours ago", "now", "Monday", "last week", "May 5", "2024", "12", "-1"]
)
def test_a_date_that_needs_todays_clock_is_no_date(raw: str) -> None:
    # Read against the clock, an archive would take the day it was ingested, and another on each run.
    assert normalise_date(raw) is None


# -- plain text -----------------------------------------------------------------------------------


def test_scraped_text_page_loses_its_noise_and_keeps_title_date_and_body(tmp_path: Path) -> None:
    page = tmp_path / "tarnholm-barrier.txt"
    page.write_text(SCRAPED_PAGE, encoding="utf-8")
    [record] = read(page)
    article = record.article
    assert article is not None, record.reason
    assert article.id == "tarnholm-barrier"
    assert article.title == "Flood barrier closes early in Tarnholm"
    assert article.published == "2025-03-14", "the Posted date, not the Updated one"
    assert article.text == (
        "The Tarnholm flood barrier was closed two days early on Thursday after heavy rain upstream.\n\n"
        "City engineer Maren Kolb said the river rose by 40 centimetres overnight."
    )
    for noise in ("Go to contents", "Posted", "Updated", "Share this", "Trending", "Flood barrier closes"):
        assert noise not in article.text
    assert article.language == "en"
    assert article.origin == str(page)


# Lines above a story that no headline looks like.
FURNITURE = [
    "share tweet pin email",
    "Published on May 3, 2031",
    "Tuesday, March 4, 2031 | 5: 00 PM",
    "04 / 03 / 2031 @ 10: 05AM",
    "(Harbour Ledger Staff Photo/Ona Brisk)",
    "English >> World",
]


@pytest.mark.parametrize("furniture", FURNITURE)
def test_a_text_page_is_titled_by_the_rule_of_untitled_records(tmp_path: Path, furniture: str) -> None:
    """The furniture an untitled record skips for its title is neither the title nor the body of a page."""
    page = tmp_path / "oskarvik-ferry.txt"
    page.write_text(
        f"{furniture}\nFerry crews in Oskarvik vote to end strike\n\nThe ferry crews voted on Monday.\n",
        encoding="utf-8",
    )
    [record] = read(page)
    assert record.article is not None, record.reason
    assert record.article.title == "Ferry crews in Oskarvik vote to end strike"
    assert record.article.text == "The ferry crews voted on Monday."


def test_text_page_furniture_goes_from_above_the_body_and_share_bars_from_everywhere(
    tmp_path: Path,
) -> None:
    page = tmp_path / "oskarvik-ferry.txt"
    page.write_text(
        "Ferry crews in Oskarvik vote to end strike\n"
        "Tuesday, March 4, 2031 | 5: 00 PM\n"
        "(Harbour Ledger Staff Photo/Ona Brisk)\n\n"
        "The ferry crews voted on Monday.\n\n"
        "(Corrects the name of the union in the second paragraph.)\n\n"
        "The union of ferry engineers backed the deal.\n\n"
        "Share Tweet Email\n",
        encoding="utf-8",
    )
    [record] = read(page)
    assert record.article is not None, record.reason
    assert record.article.title == "Ferry crews in Oskarvik vote to end strike"
    assert record.article.published is None, "a bare time stamp may be the day the page was scraped"
    assert record.article.text == (
        "The ferry crews voted on Monday.\n\n"
        "(Corrects the name of the union in the second paragraph.)\n\n"
        "The union of ferry engineers backed the deal."
    ), "a bracketed line inside the body may be an editor's note, so it stays"


def test_manifest_beside_the_files_supplies_source_url_date_and_language(tmp_path: Path) -> None:
    (tmp_path / "orchard.txt").write_text(f"Frost hits orchards\n\n{ORCHARD}\n", encoding="utf-8")
    (tmp_path / "bakery.txt").write_text(f"Rye loaf wins\n\n{BAKERY}\n", encoding="utf-8")
    (tmp_path / "manifest.csv").write_text(
        "file,source,url,published,language\n"
        "orchard.txt,Valley Tribune,https://valley-tribune.example/frost,2031-04-02,sv\n",
        encoding="utf-8",
    )
    records = read(tmp_path)
    assert [r.origin for r in records] == [str(tmp_path / "bakery.txt"), str(tmp_path / "orchard.txt")], (
        "the manifest itself is not a record"
    )
    bakery, orchard = (r.article for r in records)
    assert orchard.source == "Valley Tribune"
    assert orchard.url == "https://valley-tribune.example/frost"
    assert orchard.published == "2031-04-02"
    assert orchard.language == "sv", "the manifest wins over language detection"
    assert orchard.title == "Frost hits orchards"
    assert bakery.source is None and bakery.url is None and bakery.published is None
    assert bakery.language == "en"


def test_cp1252_text_decodes_without_mojibake(tmp_path: Path) -> None:
    text = "Café owners say the new “market fee” of €40 a day is too high – the council’s plan."
    path = tmp_path / "fee.txt"
    path.write_bytes(f"Market fee row\n\n{text}\n".encode("cp1252"))
    [record] = read(path)
    assert record.article.text == text


def test_cp1252_text_with_western_accents_decodes_without_mojibake(tmp_path: Path) -> None:
    text = "The café owner said the “naïve” plan would close the crêperie near the Ålesund quay."
    path = tmp_path / "creperie.txt"
    path.write_bytes(f"Crêperie closes\n\n{text}\n".encode("cp1252"))
    [record] = read(path)
    assert record.article.text == text


def test_utf8_bom_is_not_part_of_the_title(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbf" + "Museum reopens in Östby\n\nThe museum’s café reopens too.\n".encode())
    [record] = read(path)
    assert record.article.title == "Museum reopens in Östby"
    assert record.article.text == "The museum’s café reopens too."


# -- JSON -----------------------------------------------------------------------------------------


@pytest.fixture
def jsonl_file(tmp_path: Path) -> Path:
    return write_jsonl(
        tmp_path / "feed.jsonl",
        [
            {"id": "n1", "text": ORCHARD, "source": "Valley Tribune", "published": "2031-04-02"},
            {"text": BAKERY, "title": "Rye loaf wins"},
            '{"id": "n3", "text": "unterminated',
            {"id": "n4", "title": "No text here"},
            "",
            {"id": "n5", "text": ""},
            '["not", "an", "object"]',
            {"id": "n6", "text": ORCHARD.upper()},
            {"id": "n1", "text": MUSEUM},
        ],
    )


def test_jsonl_lines_each_get_a_fate(jsonl_file: Path) -> None:
    result = ingest(jsonl_file)
    by_line = {e.input.rsplit("#", 1)[1]: e for e in result.entries}
    assert list(by_line) == [
        "line 1",
        "line 2",
        "line 3",
        "line 4",
        "line 6",
        "line 7",
        "line 8",
        "line 9",
    ], "blank lines are not records"

    assert by_line["line 1"].status == "ingested" and by_line["line 1"].article_id == "n1"
    assert by_line["line 2"].status == "ingested" and by_line["line 2"].article_id == "feed-2"

    assert by_line["line 3"].status == "rejected" and "invalid JSON" in by_line["line 3"].reason
    assert by_line["line 4"].status == "rejected" and "no 'text'" in by_line["line 4"].reason
    assert by_line["line 6"].status == "rejected" and "'text' is empty" in by_line["line 6"].reason
    assert by_line["line 7"].status == "rejected" and "JSON object" in by_line["line 7"].reason

    dup = by_line["line 8"]
    assert (dup.status, dup.article_id, dup.duplicate_of) == ("duplicate", "n6", "n1")

    reused = by_line["line 9"]
    assert reused.status == "rejected"
    assert "'n1'" in reused.reason and "already used" in reused.reason

    assert result.ingested == 2
    assert [a.id for a in result.articles] == ["n1", "feed-2"]
    first = result.articles[0]
    assert (first.source, first.published, first.origin) == (
        "Valley Tribune",
        "2031-04-02",
        f"{jsonl_file}#line 1",
    )
    assert result.articles[1].title == "Rye loaf wins"
    assert result.to_dict()["duplicates"] == [{"id": "n6", "duplicate_of": "n1"}]
    assert len(result.to_dict()["rejected"]) == 5


def test_json_array_file_gives_one_record_per_item(tmp_path: Path) -> None:
    path = tmp_path / "batch.json"
    path.write_text(json.dumps([{"id": 7, "text": BAKERY}, {"text": MUSEUM}, "oops"]), encoding="utf-8")
    records = read(path)
    assert [r.origin for r in records] == [f"{path}#1", f"{path}#2", f"{path}#3"]
    assert records[0].article.id == "7", "integer ids become strings"
    assert records[1].article.id == "batch-2"
    assert records[1].article.title == MUSEUM, "an untitled record is titled by its first line"
    assert records[2].article is None and "JSON object" in records[2].reason


@pytest.mark.parametrize("furniture", FURNITURE)
def test_an_untitled_record_is_titled_by_its_first_line_that_is_not_page_furniture(
    tmp_path: Path, furniture: str
) -> None:
    path = tmp_path / "scraped.jsonl"
    text = f"{furniture}\nFerry crews in Oskarvik vote to end strike\n\nThe ferry crews voted on Monday."
    path.write_text(json.dumps({"id": "f1", "text": text}) + "\n", encoding="utf-8")
    [record] = read(path)
    assert record.article.title == "Ferry crews in Oskarvik vote to end strike"


def test_an_unpaired_surrogate_escape_is_replaced_and_the_lines_after_it_are_read(tmp_path: Path) -> None:
    # Valid JSON, but "\ud800" alone is no character: it cannot be hashed, stored or written as UTF-8.
    path = write_jsonl(
        tmp_path / "scraped.jsonl",
        [
            '{"id": "s1", "title": "Bakery \\udc00prize", "text": "' + BAKERY + ' \\ud800"}',
            {"id": "s2", "text": MUSEUM},
        ],
    )
    result = ingest(path)
    assert [(e.article_id, e.status) for e in result.entries] == [("s1", "ingested"), ("s2", "ingested")]
    first = result.articles[0]
    assert first.text == f"{BAKERY} \ufffd" and first.title == "Bakery \ufffdprize"
    assert result.entries[0].warnings == [
        "2 unpaired surrogate escapes (\\ud800-\\udfff) replaced with U+FFFD"
    ]


def test_invalid_json_file_is_one_rejected_record(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('[{"text": "half', encoding="utf-8")
    [record] = read(path)
    assert record.article is None and record.reason.startswith("invalid JSON")


# -- HTML -----------------------------------------------------------------------------------------


def test_html_page_gives_title_source_date_and_body_without_page_furniture(tmp_path: Path) -> None:
    path = tmp_path / "ferry.html"
    path.write_text(HTML_PAGE, encoding="utf-8")
    [record] = read(path)
    article = record.article
    assert article is not None, record.reason
    assert article.title == "Ferry strike ends after four days"
    assert article.source == "Harbour Ledger"
    assert article.published == "2024-06-02"
    assert "returned to work on Sunday" in article.text
    assert "refunded in full" in article.text
    assert "navigation link" not in article.text
    assert "Footer contact line" not in article.text
    assert "\n\n" in article.text, "paragraphs stay apart"


# -- rejected inputs ------------------------------------------------------------------------------


def test_binary_file_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "photo.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    [record] = read(path)
    assert record.article is None and "binary" in record.reason


@pytest.mark.parametrize("content", ["", "  \n\n\t \n"])
def test_empty_file_is_rejected(tmp_path: Path, content: str) -> None:
    path = tmp_path / "empty.txt"
    path.write_text(content, encoding="utf-8")
    [record] = read(path)
    assert record.article is None and "empty" in record.reason


def test_missing_path_is_rejected(tmp_path: Path) -> None:
    [record] = read(tmp_path / "nowhere.txt")
    assert record.origin == str(tmp_path / "nowhere.txt")
    assert record.reason == "no such file or directory"


def test_links_and_fifos_in_a_folder_are_reported_not_skipped(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "museum.txt").write_text(MUSEUM, encoding="utf-8")
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "bakery.txt").write_text(BAKERY, encoding="utf-8")
    (folder / "linked.txt").symlink_to(elsewhere / "museum.txt")
    (folder / "gone.txt").symlink_to(tmp_path / "deleted.txt")
    (folder / "older").symlink_to(elsewhere, target_is_directory=True)
    os.mkfifo(folder / "pipe.txt")  # opening it would wait forever for a writer
    records = reasons(read(folder))
    assert records == {
        str(folder / "bakery.txt"): None,
        str(folder / "gone.txt"): "broken symbolic link (its target does not exist)",
        str(folder / "linked.txt"): None,
        str(folder / "older"): "symbolic link to a folder, not followed (give the folder itself)",
        str(folder / "pipe.txt"): "not a regular file or folder",
    }


def test_unsupported_extension_is_rejected_with_the_extension_named(tmp_path: Path) -> None:
    path = tmp_path / "notes.docx"
    path.write_text("Some plain words that are not in a supported file type.", encoding="utf-8")
    [record] = read(path)
    assert record.article is None and "'.docx'" in record.reason


def test_files_named_alike_in_different_folders_keep_both(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "story.txt").write_text(f"Orchards\n\n{ORCHARD}", encoding="utf-8")
    (tmp_path / "b" / "story.txt").write_text(f"Bakery\n\n{BAKERY}", encoding="utf-8")
    result = ingest(tmp_path)
    assert [e.article_id for e in result.entries] == ["story", "story-2"]


def test_records_without_ids_in_files_named_alike_keep_both_but_own_ids_stay_unique(tmp_path: Path) -> None:
    # Daily exports: the made-up ids "batch-1" meet, and are numbered like files'; the user's own do not.
    (tmp_path / "monday").mkdir()
    (tmp_path / "tuesday").mkdir()
    tram = "The Selby tram line will run every six minutes from Monday, the transport office said."
    monday = write_jsonl(
        tmp_path / "monday" / "batch.jsonl", [{"text": ORCHARD}, {"id": "k1", "text": MUSEUM}]
    )
    tuesday = write_jsonl(
        tmp_path / "tuesday" / "batch.jsonl", [{"text": BAKERY}, {"id": "k1", "text": tram}]
    )
    result = ingest(monday, tuesday)
    assert [(e.article_id, e.status) for e in result.entries] == [
        ("batch-1", "ingested"),
        ("k1", "ingested"),
        ("batch-1-2", "ingested"),
        ("k1", "rejected"),
    ]


# -- ledger and idempotence -----------------------------------------------------------------------


@pytest.fixture
def mixed_corpus(tmp_path: Path) -> tuple[Path, list[str]]:
    """A folder with one of every kind of input, and the origins of all its records."""
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "tarnholm.txt").write_text(SCRAPED_PAGE, encoding="utf-8")
    (folder / "ferry.html").write_text(HTML_PAGE, encoding="utf-8")
    (folder / "photo.png").write_bytes(b"\x89PNG\x00\x00\x00")
    (folder / "empty.txt").write_text("", encoding="utf-8")
    (folder / "notes.docx").write_text("plain words", encoding="utf-8")
    (folder / "copy-of-bakery.txt").write_text(f"Rye loaf wins\n\n{BAKERY}", encoding="utf-8")
    (folder / "manifest.csv").write_text("file,source\ntarnholm.txt,River Desk\n", encoding="utf-8")
    write_jsonl(
        folder / "feed.jsonl",
        [
            {"id": "j1", "text": ORCHARD},
            "{broken",
            {"id": "j1", "text": "A different text that reuses the id of the first line."},
            {"id": "j4", "text": BAKERY},
        ],
    )
    (folder / "batch.json").write_text(json.dumps([{"text": MUSEUM}, 42]), encoding="utf-8")
    origins = [
        *(str(folder / n) for n in ("copy-of-bakery.txt", "empty.txt", "ferry.html", "notes.docx")),
        *(f"{folder / 'batch.json'}#{i}" for i in (1, 2)),
        *(f"{folder / 'feed.jsonl'}#line {i}" for i in (1, 2, 3, 4)),
        str(folder / "photo.png"),
        str(folder / "tarnholm.txt"),
    ]
    return folder, origins


def test_every_input_record_ends_in_exactly_one_ledger_entry(
    tmp_path: Path, mixed_corpus: tuple[Path, list[str]]
) -> None:
    folder, origins = mixed_corpus
    missing = tmp_path / "missing.txt"
    with open_store(tmp_path / "db.sqlite") as store:
        result = ingest_paths(store, [folder, missing], run_id="run-1")
        ledger = store.ledger()
        assert store.count_articles() == result.ingested

    expected = [*origins, str(missing)]
    assert len(ledger) == len(expected) == 13
    assert Counter(e.input for e in ledger) == Counter(expected)
    statuses = Counter(e.status for e in ledger)
    assert statuses == {"ingested": 5, "duplicate": 1, "rejected": 7}
    assert {e.input for e in ledger if e.status == "ingested"} == {
        str(folder / "copy-of-bakery.txt"),
        str(folder / "ferry.html"),
        str(folder / "tarnholm.txt"),
        f"{folder / 'batch.json'}#1",
        f"{folder / 'feed.jsonl'}#line 1",
    }
    # Folders are walked in name order, so the .txt copy of the bakery text comes first.
    [dup] = [e for e in ledger if e.status == "duplicate"]
    assert (dup.input, dup.article_id, dup.duplicate_of) == (
        f"{folder / 'feed.jsonl'}#line 4",
        "j4",
        "copy-of-bakery",
    )
    reused = next(e for e in ledger if e.input.endswith("#line 3"))
    assert reused.status == "rejected" and "'j1'" in reused.reason


def test_reingesting_the_same_folder_marks_everything_duplicate(tmp_path: Path) -> None:
    folder = tmp_path / "clean"
    folder.mkdir()
    (folder / "tarnholm.txt").write_text(SCRAPED_PAGE, encoding="utf-8")
    (folder / "ferry.html").write_text(HTML_PAGE, encoding="utf-8")
    write_jsonl(folder / "feed.jsonl", [{"id": "j1", "text": BAKERY}, {"id": "j2", "text": MUSEUM}])

    with open_store(tmp_path / "db.sqlite") as store:
        first = ingest_paths(store, [folder], run_id="first")
        second = ingest_paths(store, [folder], run_id="second")
        assert store.count_articles() == 4

        assert [e.status for e in first.entries] == ["ingested"] * 4
        assert [e.status for e in second.entries] == ["duplicate"] * 4
        assert [e.duplicate_of for e in second.entries] == [e.article_id for e in first.entries]
        assert [e.input for e in store.ledger()] == [e.input for e in first.entries]
        assert all(e.status == "duplicate" for e in store.ledger())
        assert len(store.ledger("first")) == 4
