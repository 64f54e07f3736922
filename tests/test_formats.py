"""Every input format the reader accepts: CSV, RSS/Atom feeds, WARC, archives, stdin, encodings, limits.

All fixtures are small fictional texts written into ``tmp_path`` by the tests themselves.
"""

from __future__ import annotations

import gzip
import io
import json
import pickle
import random
import sys
import tarfile
import time
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from storyline.ingest import Ingestor, Reader
from storyline.ingest.encoding import decode_bytes
from storyline.ingest.readers import DEFAULT_MAX_BYTES, Record

ORCHARD = "Frost damaged half of the apple orchards around Lindqvist valley this week, growers said."
BAKERY = "A bakery in Norrvik won the regional bread prize for a rye loaf baked in a wood oven."
MUSEUM = "The Ostby maritime museum will reopen in May after a two-year renovation of its roof."
TRAM = "The Selby tram line will run every six minutes from Monday, the transport office said."


def page(title: str, site: str, date: str, *paragraphs: str) -> str:
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return f"""<!doctype html>
<html lang="en"><head><title>{title} | {site}</title>
<meta property="og:site_name" content="{site}">
<meta property="og:title" content="{title}">
<meta property="article:published_time" content="{date}T08:00:00Z">
</head><body>
<nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article><h1>{title}</h1>
{body}
</article>
<footer><p>Copyright {site}. Footer line for the newsroom contact desk.</p></footer>
</body></html>
"""


FERRY_PAGE = page(
    "Ferry strike ends after four days",
    "Harbour Ledger",
    "2024-06-02",
    "Ferry crews on the Osterlund route returned to work on Sunday after a four-day strike over "
    "rosters ended with a new agreement between the union and the operator.",
    "The union said the deal limits night shifts to three a week and adds a second engineer on the "
    "longest crossings between the islands.",
    "Passengers who bought tickets for cancelled sailings will be refunded in full, the operator said.",
)
BRIDGE_PAGE = page(
    "Old bridge closes for repairs",
    "Valley Tribune",
    "2024-05-20",
    "The old stone bridge over the Lind river will close for three months from Monday while "
    "engineers replace its worn deck and railings, the county office said.",
    "Buses will take a detour through the north village, adding about ten minutes to each trip "
    "for commuters travelling into the valley town.",
)


def read(*paths: Path | str, **limits: int) -> list[Record]:
    return list(Reader(**limits).read(list(paths)))


def reasons(records: list[Record]) -> dict[str, str | None]:
    return {r.origin: r.reason for r in records}


def by_origin(records: list[Record]) -> dict[str, Record]:
    found = Counter(r.origin for r in records)
    assert max(found.values(), default=1) == 1, f"an origin came out twice: {found}"
    return {r.origin: r for r in records}


def article_of(record: Record):
    assert record.article is not None, f"{record.origin}: {record.reason}"
    return record.article


# -- CSV ------------------------------------------------------------------------------------------


CSV_TEXT = (
    "id,title,text,source,published,url,extra\n"
    f'c1,Frost hits orchards,"{ORCHARD}",Valley Tribune,2031-04-02,https://valley.example/frost,x\n'
    "c2,No text here,,Valley Tribune,2031-04-03,,\n"
    f'c3,Rye loaf wins,"{BAKERY}\n\nThe judges praised the crust.",Norrvik News,"April 5, 2031",,\n'
    "\n"
    f',,"{MUSEUM}",,,,\n'
)


def test_csv_rows_each_give_one_record_with_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "batch.csv"
    path.write_text(CSV_TEXT, encoding="utf-8")
    records = read(path)
    assert [r.origin for r in records] == [f"{path}#line {n}" for n in (2, 3, 4, 8)], (
        "a quoted multi-line field is one row; the blank line is not a record"
    )
    first, no_text, multi, untitled = records
    a = article_of(first)
    assert (a.id, a.title, a.text, a.source, a.published, a.url) == (
        "c1",
        "Frost hits orchards",
        ORCHARD,
        "Valley Tribune",
        "2031-04-02",
        "https://valley.example/frost",
    )
    assert no_text.article is None and "no text" in no_text.reason and no_text.article_id == "c2"
    assert article_of(multi).text == f"{BAKERY}\n\nThe judges praised the crust."
    assert article_of(multi).published == "2031-04-05"
    assert article_of(untitled).id == "batch-8", "no id: the file stem and line"
    assert article_of(untitled).title == MUSEUM


def test_csv_accepts_body_column_semicolons_and_tsv(tmp_path: Path) -> None:
    semi = tmp_path / "semi.csv"
    semi.write_text(f"headline;body\nOrchards;{ORCHARD}\n", encoding="utf-8")
    tsv = tmp_path / "tabs.tsv"
    tsv.write_text(f"title\tcontent\nBakery\t{BAKERY}\n", encoding="utf-8")
    [s], [t] = read(semi), read(tsv)
    assert article_of(s).text == ORCHARD
    assert (article_of(t).title, article_of(t).text) == ("Bakery", BAKERY)


def test_csv_quote_left_open_is_rejected_instead_of_swallowing_the_rows_after_it(tmp_path: Path) -> None:
    path = tmp_path / "batch.csv"
    path.write_text(f'id,text\nc1,{ORCHARD}\nc2,"{BAKERY}\nc3,{MUSEUM}\nc4,{TRAM}\n', encoding="utf-8")
    records = read(path)
    assert reasons(records) == {
        f"{path}#line 2": None,
        f"{path}#line 3": "malformed CSV from here on, not read: a quoted field opened here is never closed",
    }
    closed = tmp_path / "closed.csv"
    closed.write_text(f'id,text\nc1,{ORCHARD}\nc2,"{BAKERY}\n{MUSEUM}"', encoding="utf-8")
    assert article_of(read(closed)[1]).text == f"{BAKERY}\n{MUSEUM}", "closed on the last line: read"


def test_csv_header_below_blank_lines_is_found(tmp_path: Path) -> None:
    path = tmp_path / "batch.csv"
    path.write_text(f"\n\nid,text\nc1,{ORCHARD}\n", encoding="utf-8")
    [record] = read(path)
    assert record.origin == f"{path}#line 4" and article_of(record).id == "c1"


def test_csv_without_a_text_column_is_rejected_naming_the_columns(tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text("name,age\nMaren Kolb,41\n", encoding="utf-8")
    [record] = read(path)
    assert record.origin == str(path)
    assert "no 'text'" in record.reason and "'name'" in record.reason


def test_manifest_csv_is_metadata_not_articles(tmp_path: Path) -> None:
    (tmp_path / "orchard.txt").write_text(f"Frost hits orchards\n\n{ORCHARD}\n", encoding="utf-8")
    (tmp_path / "manifest.csv").write_text("file,source,text\norchard.txt,Valley Tribune,x\n")
    records = read(tmp_path)
    assert [r.origin for r in records] == [str(tmp_path / "orchard.txt")]
    assert article_of(records[0]).source == "Valley Tribune"
    assert read(tmp_path / "manifest.csv") == [], "even named on its own"


# -- feeds ----------------------------------------------------------------------------------------


RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
  <title>Harbour Ledger</title>
  <link>https://harbour-ledger.example/</link>
  <language>en-gb</language>
  <item>
    <title>Ferry strike ends</title>
    <link>https://harbour-ledger.example/ferry</link>
    <guid>https://harbour-ledger.example/ferry</guid>
    <pubDate>Mon, 02 Jun 2031 09:30:00 +0000</pubDate>
    <dc:creator>Ines Alder</dc:creator>
    <description>Short teaser.</description>
    <content:encoded><![CDATA[<p>Ferry crews returned to work on <b>Sunday</b>.</p>
      <script>track()</script><p>The union said the deal
      limits night shifts.</p><div>Refunds follow.</div>]]></content:encoded>
  </item>
  <item>
    <title>Bridge closes</title>
    <link>https://harbour-ledger.example/bridge</link>
    <pubDate>Tue, 03 Jun 2031 10:00:00 GMT</pubDate>
    <author>desk@harbour-ledger.example (Tomas Brandt)</author>
    <description>&lt;p&gt;The old bridge closes for repairs.&lt;/p&gt;
      &lt;p&gt;&lt;a href="x"&gt;Read more&lt;/a&gt;&lt;/p&gt;</description>
  </item>
  <item>
    <title>Photo of the day</title>
    <link>https://harbour-ledger.example/photo</link>
  </item>
</channel>
</rss>
"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">
  <title>Valley Tribune</title>
  <author><name>Tribune Desk</name></author>
  <entry>
    <title type="html">Frost &amp;lt;hits&amp;gt; orchards</title>
    <link rel="alternate" href="https://valley.example/frost"/>
    <id>tag:valley.example,2031:frost</id>
    <published>2031-04-02T07:00:00+02:00</published>
    <updated>2031-04-03T07:00:00+02:00</updated>
    <content type="html">&lt;p&gt;Frost damaged half of the orchards.&lt;/p&gt;
      &lt;p&gt;Growers met on Friday.&lt;/p&gt;</content>
  </entry>
  <entry>
    <title>Empty entry</title>
    <id>tag:valley.example,2031:empty</id>
    <updated>2031-04-04T07:00:00Z</updated>
  </entry>
</feed>
"""


def test_rss_items_become_articles_and_an_empty_item_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "harbour.rss"
    path.write_text(RSS, encoding="utf-8")
    records = read(path)
    assert [r.origin for r in records] == [f"{path}#item {n}" for n in (1, 2, 3)]
    ferry, bridge = article_of(records[0]), article_of(records[1])
    assert ferry.title == "Ferry strike ends"
    assert ferry.url == "https://harbour-ledger.example/ferry"
    assert ferry.published == "2031-06-02"
    assert ferry.author == "Ines Alder"
    assert ferry.source == "Harbour Ledger"
    assert ferry.language == "en"
    assert ferry.text == (
        "Ferry crews returned to work on Sunday.\n\nThe union said the deal limits night shifts.\n\n"
        "Refunds follow."
    ), "content:encoded wins over the teaser; HTML is reduced to paragraphs; scripts dropped"
    assert bridge.text == "The old bridge closes for repairs.\n\nRead more", "a teaser still counts"
    assert (bridge.published, bridge.author) == ("2031-06-03", "Tomas Brandt")
    assert ferry.id != bridge.id and ferry.id.startswith("harbour-")
    assert records[2].article is None and "no text" in records[2].reason


def test_atom_entries_become_articles_and_an_empty_entry_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "tribune.atom"
    path.write_text(ATOM, encoding="utf-8")
    records = read(path)
    assert [r.origin for r in records] == [f"{path}#item 1", f"{path}#item 2"]
    frost = article_of(records[0])
    assert frost.title == "Frost <hits> orchards"
    assert frost.url == "https://valley.example/frost"
    assert frost.published == "2031-04-02", "published wins over updated"
    assert (frost.source, frost.author, frost.language) == ("Valley Tribune", "Tribune Desk", "en")
    assert frost.text == "Frost damaged half of the orchards.\n\nGrowers met on Friday."
    assert records[1].article is None and "no text" in records[1].reason


def test_feeds_are_sniffed_by_content_and_other_xml_is_rejected(tmp_path: Path) -> None:
    (tmp_path / "feed").write_text(ATOM, encoding="utf-8")
    (tmp_path / "sitemap.xml").write_text('<?xml version="1.0"?><urlset><url/></urlset>')
    records = read(tmp_path / "feed", tmp_path / "sitemap.xml")
    assert article_of(records[0]).source == "Valley Tribune"
    assert "<urlset>" in records[-1].reason and "not an RSS or Atom feed" in records[-1].reason


def test_malformed_feed_keeps_the_items_before_the_break_and_says_where(tmp_path: Path) -> None:
    path = tmp_path / "cut.xml"
    path.write_text(RSS[: RSS.index("<item>", RSS.index("Bridge") - 200) + 40], encoding="utf-8")
    records = read(path)
    assert article_of(records[0]).title == "Ferry strike ends"
    assert records[-1].origin == str(path) and "malformed" in records[-1].reason


# -- WARC -----------------------------------------------------------------------------------------


def write_warc(path: Path, compress: bool, pages: list[tuple[str, str, bytes]], extras: bool = True) -> Path:
    """A WARC like a news crawl: warcinfo, then request + response pairs (url, content type, payload)."""
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=compress)
        if extras:
            writer.write_record(writer.create_warcinfo_record(path.name, {"software": "test crawler"}))
        for url, content_type, payload in pages:
            if extras:
                request = StatusAndHeaders("GET / HTTP/1.1", [("Host", "example")], is_http_request=True)
                writer.write_record(
                    writer.create_warc_record(url, "request", payload=io.BytesIO(b""), http_headers=request)
                )
            headers = StatusAndHeaders("200 OK", [("Content-Type", content_type)], protocol="HTTP/1.1")
            writer.write_record(
                writer.create_warc_record(url, "response", payload=io.BytesIO(payload), http_headers=headers)
            )
    return path


WARC_PAGES = [
    ("https://harbour-ledger.example/ferry", "text/html; charset=utf-8", FERRY_PAGE.encode("utf-8")),
    ("https://harbour-ledger.example/report.pdf", "application/pdf", b"%PDF-1.4\n%fake\n"),
    (
        "https://valley-tribune.example/bridge",
        "text/html; charset=windows-1252",
        BRIDGE_PAGE.encode("cp1252"),
    ),
]


@pytest.mark.parametrize("compress", [False, True], ids=["warc", "warc.gz"])
def test_warc_responses_become_articles_and_other_records_are_skipped(tmp_path: Path, compress: bool) -> None:
    path = write_warc(tmp_path / ("crawl.warc.gz" if compress else "crawl.warc"), compress, WARC_PAGES)
    records = read(path)
    # Records: 1 warcinfo, then request/response pairs: responses are records 3, 5 and 7.
    assert [r.origin for r in records] == [
        f"{path}#record 3 (https://harbour-ledger.example/ferry)",
        f"{path}#record 5 (https://harbour-ledger.example/report.pdf)",
        f"{path}#record 7 (https://valley-tribune.example/bridge)",
    ]
    ferry, pdf, bridge = records
    a = article_of(ferry)
    assert (a.title, a.source, a.published) == (
        "Ferry strike ends after four days",
        "Harbour Ledger",
        "2024-06-02",
    )
    assert a.url == "https://harbour-ledger.example/ferry"
    assert "returned to work on Sunday" in a.text and "Footer line" not in a.text
    assert a.id == "crawl-3"
    assert pdf.article is None and "application/pdf" in pdf.reason
    assert article_of(bridge).source == "Valley Tribune"


def test_warc_sniffed_without_extension(tmp_path: Path) -> None:
    path = write_warc(tmp_path / "crawl.bin", True, WARC_PAGES[:1])
    [record] = read(path)
    assert article_of(record).source == "Harbour Ledger"


@pytest.mark.parametrize("compress", [False, True], ids=["warc", "warc.gz"])
@pytest.mark.parametrize("keep", [0.5, 0.85])
def test_truncated_warc_yields_what_it_read_and_says_where_it_broke(
    tmp_path: Path, compress: bool, keep: float
) -> None:
    pages = [
        (
            f"https://harbour-ledger.example/{i}",
            "text/html",
            FERRY_PAGE.replace("Sunday", f"day {i}").encode(),
        )
        for i in range(3)
    ]
    whole = write_warc(tmp_path / "whole.warc", compress, pages, extras=False).read_bytes()
    cut = tmp_path / ("cut.warc.gz" if compress else "cut.warc")
    cut.write_bytes(whole[: int(len(whole) * keep)])
    records = read(cut)
    complete = 1 if keep == 0.5 else 2
    assert [r.origin for r in records if r.article is not None] == [
        f"{cut}#record {n} (https://harbour-ledger.example/{n - 1})" for n in range(1, complete + 1)
    ]
    assert [r.reason for r in records[complete:]] == [
        "record is truncated",
        f"WARC is truncated inside record {complete + 1}",
    ]
    assert records[-1].origin == str(cut)


# -- archives -------------------------------------------------------------------------------------


def archive_files(inner_zip: bytes) -> dict[str, bytes]:
    return {
        "news/orchard.txt": f"Frost hits orchards\n\n{ORCHARD}\n".encode(),
        "news/bakery.txt": f"Rye loaf wins\n\n{BAKERY}\n".encode(),
        "news/manifest.csv": b"file,source,published\norchard.txt,Valley Tribune,2031-04-02\n",
        "pages/ferry.html": FERRY_PAGE.encode(),
        "feed.jsonl": (json.dumps({"id": "j1", "text": MUSEUM}) + "\n{broken\n").encode(),
        "more/inner.zip": inner_zip,
        ".DS_Store": b"\x00\x01hidden",
    }


def zip_bytes(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return buf.getvalue()


def tar_gz_bytes(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tf:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    return buf.getvalue()


@pytest.mark.parametrize("kind", ["zip", "tar.gz"])
def test_archive_members_are_read_like_files_with_manifests_and_nesting(tmp_path: Path, kind: str) -> None:
    inner = zip_bytes({"deep/tram.txt": f"Tram every six minutes\n\n{TRAM}\n".encode()})
    files = archive_files(inner)
    path = tmp_path / f"bundle.{kind}"
    path.write_bytes(zip_bytes(files) if kind == "zip" else tar_gz_bytes(files))
    records = by_origin(read(path))
    assert set(records) == {
        f"{path}!news/orchard.txt",
        f"{path}!news/bakery.txt",
        f"{path}!pages/ferry.html",
        f"{path}!feed.jsonl#line 1",
        f"{path}!feed.jsonl#line 2",
        f"{path}!more/inner.zip!deep/tram.txt",
    }, "manifest.csv and hidden files are not records"
    orchard = article_of(records[f"{path}!news/orchard.txt"])
    assert (orchard.id, orchard.source, orchard.published) == ("orchard", "Valley Tribune", "2031-04-02")
    assert article_of(records[f"{path}!news/bakery.txt"]).source is None
    assert article_of(records[f"{path}!pages/ferry.html"]).source == "Harbour Ledger"
    assert article_of(records[f"{path}!feed.jsonl#line 1"]).id == "j1"
    assert "invalid JSON" in records[f"{path}!feed.jsonl#line 2"].reason
    assert article_of(records[f"{path}!more/inner.zip!deep/tram.txt"]).text == TRAM
    assert Reader().files([path]) == 1


def test_path_traversal_names_are_only_labels(tmp_path: Path) -> None:
    inbox = tmp_path / "in"
    inbox.mkdir()
    path = inbox / "evil.zip"
    path.write_bytes(zip_bytes({"../../escaped.txt": f"Escape\n\n{ORCHARD}\n".encode()}))
    [record] = read(path)
    assert record.origin == f"{path}!../../escaped.txt" and record.article is not None
    assert not (tmp_path / "escaped.txt").exists() and not (tmp_path.parent / "escaped.txt").exists()


def test_zip_bomb_like_member_and_total_expansion_are_refused(tmp_path: Path) -> None:
    limit = 1_000_000
    bomb = tmp_path / "bomb.zip"
    bomb.write_bytes(zip_bytes({"a.txt": f"Fine\n\n{ORCHARD}\n".encode(), "huge.txt": b"a " * 2_000_000}))
    records = by_origin(read(bomb, max_bytes=limit))
    assert records[f"{bomb}!a.txt"].article is not None
    huge = records[f"{bomb}!huge.txt"]
    assert huge.article is None and "1,000,000-byte limit" in huge.reason and "--max-bytes" in huge.reason

    wide = tmp_path / "wide.zip"
    members = {f"part{i}.txt": (f"Part {i}\n\n" + "word " * 150_000).encode() for i in range(4)}
    wide.write_bytes(zip_bytes(members))
    records = read(wide, max_bytes=limit, max_archive_bytes=2_000_000)
    assert len(records) == 4
    assert [r.article is not None for r in records] == [True, True, False, False]
    assert all("total limit" in r.reason for r in records[2:])


def test_corrupt_and_document_zips_are_rejected(tmp_path: Path) -> None:
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"PK\x03\x04" + b"\x00" * 40)
    docx = tmp_path / "letter.docx"
    docx.write_bytes(zip_bytes({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>"}))
    records = read(broken, docx)
    assert [r.origin for r in records] == [str(broken), str(docx)]
    assert "corrupt or truncated zip" in records[0].reason
    assert "Word document" in records[1].reason


def test_truncated_tar_gz_keeps_what_it_read_and_says_where_it_broke(tmp_path: Path) -> None:
    files = {f"n{i}.txt": (f"Note {i}\n\n{ORCHARD} " + "x" * 40_000 + f" {i}").encode() for i in range(3)}
    data = tar_gz_bytes(files)
    path = tmp_path / "cut.tgz"
    path.write_bytes(data[: len(data) * 2 // 3])
    records = read(path)
    assert records, "something is always reported"
    assert records[-1].origin in (str(path), f"{path}!n2.txt") and records[-1].article is None


def test_single_gzip_file_is_read_as_the_file_inside(tmp_path: Path) -> None:
    path = tmp_path / "articles.jsonl.gz"
    path.write_bytes(gzip.compress((json.dumps({"id": "g1", "text": BAKERY}) + "\n").encode()))
    [record] = read(path)
    assert record.origin == f"{path}#line 1" and article_of(record).id == "g1"


# -- stdin ----------------------------------------------------------------------------------------


class FakeStdin:
    def __init__(self, data: bytes) -> None:
        self.buffer = io.BytesIO(data)

    def close(self) -> None:  # a process-pool worker closes its stdin on start
        self.buffer.close()


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            (json.dumps({"id": "s1", "text": ORCHARD}) + "\n" + json.dumps({"text": BAKERY})).encode(),
            ["<stdin>#line 1", "<stdin>#line 2"],
        ),
        (f'id,text\ns1,{ORCHARD}\ns2,"{BAKERY}"\n'.encode(), ["<stdin>#line 2", "<stdin>#line 3"]),
        (RSS.encode(), ["<stdin>#item 1", "<stdin>#item 2", "<stdin>#item 3"]),
        (FERRY_PAGE.encode(), ["<stdin>"]),
        (f"Frost hits orchards\n\n{ORCHARD}\n".encode("utf-16"), ["<stdin>"]),
        (json.dumps([{"text": ORCHARD}, {"text": BAKERY}]).encode(), ["<stdin>#1", "<stdin>#2"]),
        (zip_bytes({"a.txt": ORCHARD.encode()}), ["<stdin>!a.txt"]),
    ],
    ids=["jsonl", "csv", "rss", "html", "utf16-text", "json-array", "zip"],
)
def test_stdin_is_sniffed(monkeypatch: pytest.MonkeyPatch, data: bytes, expected: list[str]) -> None:
    monkeypatch.setattr(sys, "stdin", FakeStdin(data))
    records = read("-")
    assert [r.origin for r in records] == expected
    assert records[0].article is not None, records[0].reason


@pytest.mark.parametrize(
    "text",
    [
        "[Updated] Frost hits orchards\n\n" + ORCHARD,
        "Body, mind and soul: a yoga school opens\n\n" + BAKERY,
    ],
    ids=["bracket-title", "comma-title"],
)
def test_stdin_prose_that_looks_like_json_or_csv_is_text(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    monkeypatch.setattr(sys, "stdin", FakeStdin(text.encode()))
    [record] = read("-")
    assert record.origin == "<stdin>"
    assert article_of(record).title == text.split("\n", 1)[0]


def test_stdin_warc_gz(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    data = write_warc(tmp_path / "c.warc.gz", True, WARC_PAGES[:1]).read_bytes()
    monkeypatch.setattr(sys, "stdin", FakeStdin(data))
    [record] = read("-")
    assert record.origin == "<stdin>#record 3 (https://harbour-ledger.example/ferry)"
    assert article_of(record).source == "Harbour Ledger"


def test_stdin_over_the_limit_is_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", FakeStdin(b"word " * 1000))
    [record] = read("-", max_bytes=1000)
    assert record.article is None and "1,000-byte limit" in record.reason


# -- encodings ------------------------------------------------------------------------------------


ENCODED = [
    ("utf-8", "Café owners in Ålesund say the “market fee” is too high, 東京 and 서울 too.", b""),
    ("utf-8", "Café owners in Ålesund say the “market fee” is too high.", b"\xef\xbb\xbf"),
    ("utf-16-le", "Café owners in Ålesund say the market fee is too high. 서울 시장.", b"\xff\xfe"),
    ("utf-16-be", "Café owners in Ålesund say the market fee is too high. 서울 시장.", b"\xfe\xff"),
    ("utf-16-le", "Café owners in Ålesund say the market fee is too high. 서울 시장.", b""),
    ("utf-16-be", "Café owners in Ålesund say the market fee is too high. 서울 시장.", b""),
    ("latin-1", "Les propriétaires du café à Genève trouvent la taxe «trop élevée», dit-on.", b""),
    ("cp1252", "The café owner said the “naïve” plan would close the crêperie – €40 a day.", b""),
    ("euc-kr", "서울시는 내일부터 시내버스 요금을 인상한다고 발표했다. 시민들은 불만을 나타냈다.", b""),
    ("cp949", "똠방각하 서울시는 내일부터 시내버스 요금을 인상한다고 발표했다. 시민들은 놀랐다.", b""),
    ("shift_jis", "東京都は明日から地下鉄の運賃を値上げすると発表した。市民は不満を示した。", b""),
    ("gb2312", "北京市宣布明天起地铁票价上涨。市民对此表示不满，专家建议改善服务。", b""),
    ("gbk", "北京市宣布明天起地铁票价上涨。市民对此表示不满，镕基建议改善服务。", b""),
    ("big5", "台北市宣布明天起捷運票價上漲。市民對此表示不滿，專家建議改善服務。", b""),
]


@pytest.mark.parametrize(
    ("encoding", "body", "bom"), ENCODED, ids=[f"{e}{'-bom' if b else ''}" for e, _, b in ENCODED]
)
def test_encodings_decode_without_mojibake(tmp_path: Path, encoding: str, body: str, bom: bytes) -> None:
    title = body.split(" ", 1)[0].rstrip(".,。") if " " in body else body[:6]
    raw = bom + f"{title}\n\n{body}\n".encode(encoding)
    path = tmp_path / "page.txt"
    path.write_bytes(raw)
    [record] = read(path)
    article = article_of(record)
    assert (article.title, article.text) == (title, body)
    assert record.warnings == []


def test_invalid_bytes_are_replaced_with_a_warning() -> None:
    raw = ("Café owners say the “fee” is too high. " * 20).encode() + b"\xff and more text"
    decoded = decode_bytes(raw)
    assert decoded.text.startswith("Café owners say the “fee”")
    assert "\ufffd" in decoded.text
    assert decoded.warnings == ["invalid bytes replaced (encoding guessed as utf-8)"]


def test_a_record_read_with_replaced_bytes_carries_the_warning(tmp_path: Path) -> None:
    path = tmp_path / "cut.txt"
    path.write_bytes(f"Café fee row\n\n{'The café “fee” is too high. ' * 20}".encode() + b"\xe2\x80")
    [record] = read(path)
    article = article_of(record)
    assert article.title == "Café fee row" and article.text.endswith("too high. \ufffd")
    assert record.warnings == ["invalid bytes replaced (encoding guessed as utf-8)"]


def test_declared_charset_is_used_for_html(tmp_path: Path) -> None:
    html = FERRY_PAGE.replace("<head>", '<head><meta charset="windows-1252">').replace(
        "four-day strike", "four-day “strike”"
    )
    path = tmp_path / "ferry.html"
    path.write_bytes(html.encode("cp1252"))
    [record] = read(path)
    assert "four-day “strike”" in article_of(record).text


def test_stray_nuls_are_removed_with_a_warning_but_binaries_are_rejected(tmp_path: Path) -> None:
    text = tmp_path / "nuls.txt"
    text.write_bytes(f"Frost hits orchards\n\n{ORCHARD}\x00 {BAKERY}\x00\x00 {MUSEUM}\n".encode())
    noise = tmp_path / "noise.txt"
    rng = random.Random(7)
    noise.write_bytes(bytes(rng.randrange(256) for _ in range(4000)) + b"\x00" * 100)
    pdf = tmp_path / "report.txt"
    pdf.write_bytes(b"%PDF-1.7\nplain looking text without nuls\n")
    records = read(text, noise, pdf)
    article = article_of(records[0])
    assert "\x00" not in article.text and BAKERY in article.text
    assert records[0].warnings == ["3 NUL bytes removed"]
    assert records[1].article is None and "binary" in records[1].reason
    assert records[2].article is None and "PDF" in records[2].reason


# -- limits ---------------------------------------------------------------------------------------


def test_html_page_over_the_html_limit_is_rejected_naming_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.html"
    path.write_text(FERRY_PAGE.replace("</article>", "<p>filler</p>" * 2000 + "</article>"), encoding="utf-8")
    [record] = read(path, max_html_bytes=10_000)
    assert record.article is None
    assert "10,000-byte limit" in record.reason and "--max-html-bytes" in record.reason
    [ok] = read(path)
    assert ok.article is not None, "under the default limit it is read"


def test_file_over_the_size_limit_is_rejected_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text("word " * 1000, encoding="utf-8")
    [record] = read(path, max_bytes=1000)
    assert "5,000 bytes" in record.reason and "--max-bytes" in record.reason


@pytest.mark.slow
def test_fifty_megabyte_text_page_is_handled(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    line = "The council met again on Tuesday to discuss the harbour budget and the ferry timetable.\n"
    with path.open("w", encoding="utf-8") as fh:
        fh.write("A very long council report\n\n")
        fh.write(line * ((DEFAULT_MAX_BYTES - 100) // len(line)))
    assert path.stat().st_size <= DEFAULT_MAX_BYTES
    started = time.monotonic()
    [record] = read(path)
    elapsed = time.monotonic() - started
    article = article_of(record)
    assert article.title == "A very long council report"
    assert len(article.text) > 45_000_000
    print(f"50 MB text page read in {elapsed:.1f}s")


# -- parallel reading and accounting --------------------------------------------------------------


@pytest.fixture
def mixed_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "mixed"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text(f"Frost hits orchards\n\n{ORCHARD}\n", encoding="utf-8")
    (folder / "b.csv").write_text(CSV_TEXT, encoding="utf-8")
    (folder / "c.rss").write_text(RSS, encoding="utf-8")
    (folder / "d.atom").write_text(ATOM, encoding="utf-8")
    (folder / "e.html").write_text(BRIDGE_PAGE, encoding="utf-8")
    (folder / "f.jsonl").write_text(
        "\n".join(json.dumps({"id": f"f{i}", "text": f"{TRAM} Item {i}."}) for i in range(5)),
        encoding="utf-8",
    )
    write_warc(folder / "g.warc.gz", True, WARC_PAGES)
    inner = zip_bytes({"deep/tram.txt": f"Tram\n\n{TRAM} Deep.\n".encode()})
    (folder / "h.zip").write_bytes(zip_bytes(archive_files(inner)))
    (folder / "i.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    (folder / "sub" / "j.txt").write_bytes(f"Museum reopens\n\n{MUSEUM}\n".encode("cp1252"))
    (folder / "sub" / "k.tsv").write_text("text\n", encoding="utf-8")
    return folder


def test_every_input_record_is_accounted_for_exactly_once(mixed_folder: Path, tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.txt"
    records = read(mixed_folder, missing)
    origins = Counter(r.origin for r in records)
    assert all(n == 1 for n in origins.values()), origins
    f = mixed_folder
    per_file = Counter(o.split("#", 1)[0].split("!", 1)[0] for o in origins)
    assert per_file == {
        str(f / "a.txt"): 1,
        str(f / "b.csv"): 4,
        str(f / "c.rss"): 3,
        str(f / "d.atom"): 2,
        str(f / "e.html"): 1,
        str(f / "f.jsonl"): 5,
        str(f / "g.warc.gz"): 3,
        str(f / "h.zip"): 6,
        str(f / "i.png"): 1,
        str(f / "sub" / "j.txt"): 1,
        str(f / "sub" / "k.tsv"): 1,
        str(missing): 1,
    }
    assert all((r.article is None) == (r.reason is not None) for r in records)
    result = Ingestor().add_all(records)
    assert len(result.entries) == len(records) == 29
    assert result.ingested + len(result.duplicates) + len(result.rejected) == 29


def test_parallel_read_matches_sequential(mixed_folder: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(sys, "stdin", FakeStdin(f"id,text\ns1,{ORCHARD}\n".encode()))
    paths = [mixed_folder, tmp_path / "nowhere.txt", "-"]
    sequential = list(Reader().read(paths))
    monkeypatch.setattr(sys, "stdin", FakeStdin(f"id,text\ns1,{ORCHARD}\n".encode()))
    parallel = list(Reader().read(paths, workers=3))

    def key(r: Record) -> tuple:
        return (r.origin, r.article.id if r.article else None, r.article.text if r.article else r.reason)

    assert [key(r) for r in parallel] == [key(r) for r in sequential]
    assert sequential[-1].origin == "<stdin>#line 2"


def test_records_are_picklable(mixed_folder: Path) -> None:
    records = read(mixed_folder)
    again = pickle.loads(pickle.dumps(records))
    assert [r.origin for r in again] == [r.origin for r in records]
    assert [r.article.hash for r in again if r.article] == [r.article.hash for r in records if r.article]
