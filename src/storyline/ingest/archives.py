"""Zip and tar archives (and single compressed files), read in memory, never extracted to disk.

Listing is separate from reading so the reader can apply its limits member by member: a member's
declared size is checked before it is opened and at most ``limit + 1`` bytes are ever read from it.
Member names are only used in origins, so path-traversal names (``../../x``) are harmless.
"""

from __future__ import annotations

import bz2
import gzip
import lzma
import tarfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import IO

MANIFEST = "manifest.csv"
_DRAIN = 1 << 16
# Zip-based document formats: a zip, but not an archive of articles.
ZIP_DOCUMENT_EXT = {
    ".docx": "Word document",
    ".xlsx": "Excel workbook",
    ".pptx": "PowerPoint presentation",
    ".odt": "OpenDocument text",
    ".ods": "OpenDocument spreadsheet",
    ".odp": "OpenDocument presentation",
    ".epub": "EPUB book",
    ".jar": "Java archive",
    ".apk": "Android package",
    ".whl": "Python wheel",
}


class ArchiveError(Exception):
    """The archive cannot be opened at all; the message is the reason shown to the user."""


@dataclass
class Member:
    name: str
    size: int  # uncompressed size as the archive declares it
    problem: str | None = None  # why it will not be read (a link, encrypted …)
    handle: object = None


@dataclass
class Listing:
    members: list[Member] = field(default_factory=list)
    manifests: dict[str, bytes] = field(default_factory=dict)  # folder in the archive -> manifest bytes
    broken: str | None = None  # where the listing stopped on a damaged archive
    opener: Callable[[Member], IO[bytes]] | None = None
    document: str | None = None  # set when the "archive" is an Office/OpenDocument/EPUB file


def container_kind(head: bytes) -> str | None:
    """'zip', 'tar', 'warc', or the compression ('gzip', 'bz2', 'xz') of a stream's first bytes."""
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "zip"
    if head.startswith(b"\x1f\x8b"):
        return "gzip"
    if head.startswith(b"BZh") and head[3:4].isdigit():
        return "bz2"
    if head.startswith(b"\xfd7zXZ\x00"):
        return "xz"
    if head[257:262] == b"ustar":
        return "tar"
    if head.startswith((b"WARC/1.", b"WARC/0.")):
        return "warc"
    return None


def decompressor(kind: str, fileobj: IO[bytes]) -> IO[bytes]:
    opener = {"gzip": gzip.GzipFile, "bz2": bz2.BZ2File, "xz": lzma.LZMAFile}[kind]
    return opener(fileobj=fileobj) if kind == "gzip" else opener(fileobj)  # type: ignore[operator]


def read_limited(stream: IO[bytes], limit: int) -> bytes:
    """At most ``limit + 1`` bytes (one more than allowed, so the caller can tell it was too big)."""
    chunks, size = [], 0
    while size <= limit:
        chunk = stream.read(min(_DRAIN, limit + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def _folder(name: str) -> str:
    return str(PurePosixPath(name).parent)


def is_hidden(name: str) -> bool:
    """Hidden members (``.DS_Store``, ``__MACOSX/._x``) are skipped, as hidden files in folders are."""
    return any(part.startswith(".") and part not in (".", "..") for part in PurePosixPath(name).parts)


def list_zip(fileobj: IO[bytes], max_bytes: int) -> Listing:
    try:
        archive = zipfile.ZipFile(fileobj)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise ArchiveError(f"corrupt or truncated zip archive: {exc}") from exc
    listing = Listing(opener=lambda m: archive.open(m.handle))  # type: ignore[arg-type]
    names = archive.namelist()
    if "[Content_Types].xml" in names or (names and names[0] == "mimetype"):
        listing.document = "an Office, OpenDocument or EPUB document"
        return listing
    for info in archive.infolist():
        if info.is_dir():
            continue
        mode = (info.external_attr >> 16) & 0o170000
        problem = None
        if info.flag_bits & 0x1:
            problem = "encrypted archive member (no password support)"
        elif mode == 0o120000:
            problem = "symbolic link in archive, not followed"
        member = Member(info.filename, info.file_size, problem, info)
        if PurePosixPath(info.filename).name == MANIFEST and not problem:
            try:
                with archive.open(info) as fh:
                    data = read_limited(fh, max_bytes)
                if len(data) <= max_bytes:
                    listing.manifests[_folder(info.filename)] = data
            except Exception:  # an unreadable manifest is reported as a member below
                member.problem = "manifest.csv cannot be read"
        listing.members.append(member)
    return listing


def list_tar(fileobj: IO[bytes], max_bytes: int) -> Listing:
    try:
        archive = tarfile.open(fileobj=fileobj, mode="r:*")  # noqa: SIM115 - closed with the file it reads
    except (tarfile.TarError, OSError, EOFError, ValueError) as exc:
        raise ArchiveError(f"corrupt tar archive: {exc}") from exc
    listing = Listing(opener=lambda m: archive.extractfile(m.handle))  # type: ignore[arg-type, return-value]
    last = None
    while True:
        try:
            info = archive.next()
        except Exception as exc:  # truncated or corrupt: keep what was listed
            where = f"after member '{last}'" if last else "at its start"
            listing.broken = f"tar archive is truncated or corrupt {where}: {type(exc).__name__}: {exc}"
            break
        if info is None:
            break
        last = info.name
        if info.isdir():
            continue
        problem = None
        if info.issym() or info.islnk():
            problem = "link in archive, not followed"
        elif not info.isfile():
            problem = "special file in archive (device or FIFO), not read"
        member = Member(info.name, info.size, problem, info)
        # Manifests are read as they pass, so a compressed tar is never rewound to find them.
        if PurePosixPath(info.name).name == MANIFEST and not problem and info.size <= max_bytes:
            try:
                stream = archive.extractfile(info)
                if stream is not None:
                    listing.manifests[_folder(info.name)] = read_limited(stream, max_bytes)
            except Exception:
                member.problem = "manifest.csv cannot be read"
        listing.members.append(member)
    return listing
