"""Sentence spans with character offsets into the article text.

A rule-based splitter rather than a library: citations need exact offsets into our own text, it
must run on every language we ingest, and at tens of thousands of sentences a second it costs
nothing next to embedding. Paragraph breaks always end a sentence, and so does a line break after a
line without terminal punctuation when a capital follows ("Headline\nMay 3, 2031\nThe body...": scraped
text often sets title and date on lines of their own) — unless the text looks hard-wrapped, where most
lines stop mid-sentence.
"""

from __future__ import annotations

import re

from storyline.model import Sentence

# Names how text is split: vectors cached for an article's sentences or lede are only reused when its
# text was split the same way. Raise it whenever a change moves sentence boundaries.
SPLITTER = "2"
# Terminal punctuation, optional closing quotes/brackets, then whitespace.
_BOUNDARY = re.compile(r"[.!?…]+[\"'”’»)\]]*\s+")
_PARAGRAPH = re.compile(r"\n\s*\n|\n(?=\s*[-•*]\s)")
# A line that ends without terminal punctuation, then one line break and a capital, digit or quote.
_LINE_BREAK = re.compile(r"(?<![.!?…\"'”’»)\]:;,\s])[ \t]*\n(?=[ \t]*[A-Z0-9\"“‘'(])")
_ENDED_LINE = re.compile(r"[.!?…:;][\"'”’»)\]]*\s*$")
_WRAPPED_LINES = 5  # from this many lines, a text most of whose lines run on is hard-wrapped
_ABBREVIATIONS = {
    "mr",
    "mrs",
    "ms",
    "dr",
    "prof",
    "sr",
    "jr",
    "st",
    "mt",
    "gen",
    "col",
    "lt",
    "sgt",
    "capt",
    "gov",
    "sen",
    "rep",
    "rev",
    "hon",
    "pres",
    "no",
    "nos",
    "vs",
    "etc",
    "inc",
    "ltd",
    "co",
    "corp",
    "dept",
    "univ",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "u.s",
    "u.k",
    "u.n",
    "e.g",
    "i.e",
    "a.m",
    "p.m",
    "approx",
    "est",
    "fig",
    "ft",
    "km",
    "kg",
    "n",
    "s",
}
_MIN_CHARS = 2


def _ends_with_abbreviation(chunk: str) -> bool:
    words = chunk.rstrip(".").split()
    word = words[-1].lstrip("(\"'“‘").lower() if words else ""
    # Initials ("J. Smith", "N. Korea") are not sentence ends.
    return word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha())


def _hard_wrapped(text: str) -> bool:
    lines = [line for line in text.splitlines() if line.strip()]
    running_on = sum(not _ENDED_LINE.search(line) for line in lines)
    return len(lines) >= _WRAPPED_LINES and running_on > len(lines) / 2


def _breaks(text: str) -> list[re.Match[str]]:
    """Where a sentence must end whatever its punctuation: paragraph breaks, and headline-like lines."""
    found = list(_PARAGRAPH.finditer(text))
    if "\n" in text and not _hard_wrapped(text):
        taken = [(m.start(), m.end()) for m in found]
        found += [m for m in _LINE_BREAK.finditer(text) if not any(s <= m.start() < e for s, e in taken)]
    return sorted(found, key=lambda m: m.start())


def split_sentences(text: str) -> list[Sentence]:
    spans: list[Sentence] = []
    para_start = 0
    breaks = _breaks(text)
    paragraphs = [*(m.start() for m in breaks), len(text)]
    ends = [m.end() for m in breaks]
    for i, para_end in enumerate(paragraphs):
        start = para_start
        for match in _BOUNDARY.finditer(text, para_start, para_end):
            cut = match.end()
            following = text[cut : cut + 1]
            chunk = text[start : match.start() + 1]
            # A lower-case continuation or an abbreviation means the punctuation did not end a sentence.
            if following and (following.islower() or following.isdigit()):
                continue
            if _ends_with_abbreviation(chunk) and text[match.start()] == ".":
                continue
            _add(spans, text, start, cut)
            start = cut
        _add(spans, text, start, para_end)
        para_start = ends[i] if i < len(ends) else para_end
    return spans


def _add(spans: list[Sentence], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end - start >= _MIN_CHARS:
        spans.append(Sentence(start, end, text[start:end]))
