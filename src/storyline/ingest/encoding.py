"""Bytes to text without mojibake, and telling text from binary.

Order of evidence: a byte-order mark; the NUL pattern of BOM-less UTF-16; strict UTF-8; a charset the
document declares (HTTP header, ``<meta charset>``, XML declaration); charset-normalizer's best guess,
with Windows-1252 winning a near tie. Whenever bytes had to be replaced, the caller gets a warning.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field

from charset_normalizer import from_bytes

CODEPAGE_TIE = 0.05
SNIFF_BYTES = 65_536
GUESS_BYTES = 200_000
# A text file with a few stray NULs is text; more than this share of NUL bytes (and more than
# MAX_STRAY_NULS of them) is a binary file.
MAX_NUL_SHARE = 0.01
MAX_STRAY_NULS = 8
# Control bytes (other than tab, newlines, form feed, escape) are rare in any text encoding.
MAX_CONTROL_SHARE = 0.05
# UTF-8 that fails to decode is still UTF-8 when valid multi-byte characters outnumber the bad bytes
# this many times over (a truncated last character, one stray byte); legacy CJK and Western code
# pages form valid UTF-8 sequences only by chance, far less often.
UTF8_GOOD_PER_BAD = 10

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_MAGIC = (
    (b"\x89PNG", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"%PDF-", "PDF document"),
    (b"\x7fELF", "executable"),
    (b"MZ\x90\x00", "Windows executable"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "legacy Office document"),
    (b"SQLite format 3\x00", "SQLite database"),
    (b"OggS", "Ogg media"),
    (b"ID3", "MP3 audio"),
    (b"fLaC", "FLAC audio"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip archive (not supported; use zip or tar)"),
    (b"Rar!\x1a\x07", "RAR archive (not supported; use zip or tar)"),
    (b"\x00asm", "WebAssembly module"),
    (b"PAR1", "Parquet file"),
    (b"\x28\xb5\x2f\xfd", "Zstandard-compressed file (not supported; use gzip)"),
)
_CONTROL = re.compile(rb"[\x01-\x08\x0e-\x1a\x1c-\x1f]")
_UTF8_MULTIBYTE = re.compile(r"[^\x00-\x7f\udc80-\udcff]")
_UTF8_BAD = re.compile(r"[\udc80-\udcff]")
_DECLARED = re.compile(
    rb"""<\?xml[^>]{0,200}?encoding\s*=\s*["']([A-Za-z0-9._:-]{2,40})["']"""
    rb"""|<meta[^>]{0,200}?charset\s*=\s*["']?([A-Za-z0-9._:-]{2,40})""",
    re.IGNORECASE,
)
# WHATWG: documents labelled Latin-1 or ASCII are decoded as Windows-1252.
_WEB_ALIASES = {"latin_1": "cp1252", "iso8859_1": "cp1252", "ascii": "cp1252"}


@dataclass
class Decoded:
    text: str
    encoding: str
    warnings: list[str] = field(default_factory=list)


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        canonical = codecs.lookup(name.strip().strip("\"'").lower()).name
    except LookupError:
        return None
    key = canonical.replace("-", "_")
    return _WEB_ALIASES.get(key, canonical)


def declared_charset(data: bytes) -> str | None:
    """The charset an XML declaration or HTML ``<meta>`` in the first 2 KB names, if any."""
    match = _DECLARED.search(data[:2048])
    if not match:
        return None
    return (match.group(1) or match.group(2)).decode("ascii", "replace")


def charset_from_content_type(value: str | None) -> str | None:
    match = re.search(r"charset\s*=\s*[\"']?([A-Za-z0-9._:-]+)", value or "", re.IGNORECASE)
    return match.group(1) if match else None


def utf16_without_bom(data: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' when NULs fall on one side of the byte pairs, as in BOM-less UTF-16 text."""
    sample = data[: SNIFF_BYTES - SNIFF_BYTES % 2]
    if len(sample) < 4:
        return None
    pairs = len(sample) // 2
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    if odd >= 0.05 * pairs and even <= odd / 20:
        encoding = "utf-16-le"
    elif even >= 0.05 * pairs and odd <= even / 20:
        encoding = "utf-16-be"
    else:
        return None
    try:
        # Incremental, so a character cut at the end of the sample is not an error.
        text = codecs.getincrementaldecoder(encoding)().decode(sample, final=False)
    except UnicodeDecodeError:
        return None
    controls = sum(1 for ch in text if ch < " " and ch not in "\t\n\r\f\x1b")
    return encoding if controls <= 0.01 * len(text) else None


def binary_kind(data: bytes) -> str | None:
    """What kind of binary file ``data`` is (e.g. 'PNG image'), or None for text."""
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    if data[4:8] == b"ftyp":
        return "MP4/QuickTime media"
    if data.startswith(b"RIFF") and data[8:12] in (b"WEBP", b"WAVE", b"AVI "):
        return "RIFF media"
    if data.startswith(tuple(bom for bom, _ in _BOMS)) or utf16_without_bom(data):
        return None
    sample = data[:SNIFF_BYTES]
    if not sample:
        return None
    nuls = sample.count(0)
    if nuls > MAX_STRAY_NULS and nuls > MAX_NUL_SHARE * len(sample):
        return f"binary file ({nuls:,} NUL bytes in the first {len(sample):,})"
    if len(_CONTROL.findall(sample)) > MAX_CONTROL_SHARE * len(sample) + 1:
        return "binary file (many control bytes)"
    return None


def _strict(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _replaced(data: bytes, encoding: str) -> Decoded:
    return Decoded(
        data.decode(encoding, errors="replace"),
        encoding,
        [f"invalid bytes replaced (encoding guessed as {encoding})"],
    )


def _mostly_utf8(data: bytes) -> bool:
    # The head and the tail (where a cut-off last character would be) are evidence enough.
    sample = data if len(data) <= GUESS_BYTES * 2 else data[:GUESS_BYTES] + b"\n" + data[-GUESS_BYTES:]
    loose = sample.decode("utf-8", errors="surrogateescape")
    bad = sum(1 for _ in _UTF8_BAD.finditer(loose))
    good = sum(1 for _ in _UTF8_MULTIBYTE.finditer(loose))
    return bad > 0 and good >= UTF8_GOOD_PER_BAD * bad


def _guess(data: bytes) -> str:
    matches = list(from_bytes(data[:GUESS_BYTES]))
    if not matches:
        return "cp1252"
    encoding = matches[0].encoding
    # Western single-byte text fits several code pages about equally well; on the web it is
    # overwhelmingly Windows-1252 (which WHATWG also uses for "latin-1"), so that wins a near tie.
    western = next((m for m in matches if m.encoding == "cp1252"), None)
    if western is not None and western.chaos <= matches[0].chaos + CODEPAGE_TIE:
        encoding = "cp1252"
    return encoding


def decode_bytes(data: bytes, declared: str | None = None) -> Decoded:
    """Decode ``data``; ``declared`` is a charset the document or its transport names (used if it fits)."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            text = _strict(data, encoding)
            return Decoded(text, encoding) if text is not None else _replaced(data, encoding)
    utf16 = utf16_without_bom(data)
    if utf16:
        text = _strict(data, utf16)
        return Decoded(text, utf16) if text is not None else _replaced(data, utf16)
    text = _strict(data, "utf-8")
    if text is not None:
        return Decoded(text, "utf-8")
    codec = _codec(declared)
    if codec and codec != "utf-8":
        text = _strict(data, codec)
        if text is not None:
            return Decoded(text, codec)
    if _mostly_utf8(data):
        return _replaced(data, "utf-8")
    guess = _guess(data)
    text = _strict(data, guess)
    return Decoded(text, guess) if text is not None else _replaced(data, guess)


def decode(data: bytes) -> str:
    """Bytes to text (see :func:`decode_bytes`); replaced bytes are not reported."""
    return decode_bytes(data).text
