"""Near duplicates: a reworded copy is found by its MinHash signature, through band keys kept in the store."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from storyline.ingest import Ingestor
from storyline.ingest.dedup import BANDS, NEAR_DUPLICATE, NUM_PERM, ROWS
from storyline.ingest.readers import Record
from storyline.model import Article
from storyline.store import open_store

WIRE = (
    "The regional council of Tarnholm voted on Tuesday evening to close the old harbour bridge to all "
    "heavy traffic from the first of June, after engineers found cracks in two of its steel supports. "
    "Lorries will be sent over the ring road, which adds about twelve minutes to the crossing, and the "
    "council said repairs would take at least eighteen months and cost around 40 million crowns."
)
# The same wire text under another masthead: a dateline, a credit line and a new last sentence.
COPY = (
    "TARNHOLM - " + WIRE.replace("around 40 million crowns.", "around 40 million crowns, officials said.")
) + " (Nordic Wire)"
OTHER = (
    "A new bakery opened on Mill Street on Saturday morning, and by noon its first batch of rye loaves "
    "had sold out, the owner said, adding that she hoped to hire two more bakers before the summer "
    "market season begins and keep the shop open on Sundays for the tourists who come by ferry."
)


def record(article_id: str, source: str, text: str) -> Record:
    return Record(article_id, Article(id=article_id, source=source, text=text), article_id=article_id)


def test_the_bands_are_the_ones_datasketch_would_choose() -> None:
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=NEAR_DUPLICATE, num_perm=NUM_PERM)
    assert (lsh.b, lsh.r) == (BANDS, ROWS)


def test_a_reworded_copy_from_another_outlet_is_a_copy_of_its_original() -> None:
    ingestor = Ingestor()
    entries = [ingestor.add(r) for r in (record("a", "Nordic Wire", WIRE), record("b", "Bay Post", OTHER))]
    copy = ingestor.add(record("c", "Coast Daily", COPY))
    assert [e.status for e in entries] == ["ingested", "ingested"]
    assert (copy.status, copy.duplicate_of) == ("duplicate", "a")
    assert "nearly the same text" in copy.reason


def test_an_ingest_finds_the_copies_of_what_another_ingest_committed_after_it_started(db_url: str) -> None:
    with open_store(db_url) as first, open_store(db_url) as second:
        late = Ingestor(second)  # started before the first ingest stored anything
        with first.transaction():
            Ingestor(first).add(record("a", "Nordic Wire", WIRE))
        with second.transaction():
            copy = late.add(record("c", "Coast Daily", COPY))
            fresh = late.add(record("b", "Bay Post", OTHER))
        assert (copy.status, copy.duplicate_of) == ("duplicate", "a")
        assert fresh.status == "ingested"
        assert second.article("c").duplicate_of == "a"


def test_signatures_stored_without_band_keys_are_banded_by_the_next_ingest(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with open_store(path) as store, store.transaction():
        Ingestor(store).add(record("a", "Nordic Wire", WIRE))
    # A store written before band keys were kept holds the signatures alone.
    with sqlite3.connect(path) as db:
        db.execute("DELETE FROM minhash_bands")
    with open_store(path) as store:
        assert [i for i, _ in store.unbanded_minhashes()] == ["a"]
        ingestor = Ingestor(store)
        assert store.unbanded_minhashes() == []
        with store.transaction():
            copy = ingestor.add(record("c", "Coast Daily", COPY))
        assert (copy.status, copy.duplicate_of) == ("duplicate", "a")
