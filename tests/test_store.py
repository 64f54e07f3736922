"""The store: articles, sentence spans, a vector cache, stories and a ledger, in one SQLite file or on a
PostgreSQL server.

Tests taking ``store`` run on both backends: a real database file under ``tmp_path``, and a new database
on the real PostgreSQL server the session starts (``postgres`` in conftest.py).
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import numpy as np
import pytest

from storyline.cluster.score import HASH_FEATURES, RECIPE, Lexicon
from storyline.model import Article, LedgerEntry, Mention, Sentence, Story
from storyline.store import (
    SCHEMA_VERSION,
    SQLiteStore,
    Store,
    StoreConflict,
    StoreError,
    StoriesChanged,
    database_errors,
    open_store,
)

TEXT = "The harbour bridge in Velmora reopened on Monday. Repairs took nine weeks."


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "nested" / "storyline.db"


@pytest.fixture
def store(db_url: str):
    with open_store(db_url) as s:
        yield s


def make_article(article_id: str = "a1", text: str = TEXT, **fields) -> Article:
    defaults = {
        "title": "Velmora bridge reopens",
        "url": "https://velmora-post.example/bridge",
        "source": "Velmora Post",
        "published": "2031-04-07",
        "language": "en",
        "author": "Ada Quill",
        "origin": f"{article_id}.txt",
    }
    return Article(id=article_id, text=text, **{**defaults, **fields})


# -- schema ---------------------------------------------------------------------------------------


def test_new_sqlite_database_is_migrated_to_the_current_schema_version(db_path: Path) -> None:
    with open_store(db_path) as store:
        assert db_path.is_file(), "the parent folder is created and the file written"
        assert SCHEMA_VERSION >= 1
        assert store.schema_version == SCHEMA_VERSION
        tables = {r[0] for r in store.db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"articles", "sentences", "vectors", "stories", "story_articles", "ledger"} <= tables


def test_new_postgresql_database_is_migrated_to_the_current_schema_version(postgres) -> None:
    from storyline.store import postgres as pg

    with open_store(postgres.new_database()) as store:
        assert store.schema_version == pg.SCHEMA_VERSION == len(pg.MIGRATIONS)
        tables = {
            r[0] for r in store.db.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        }
    assert {
        "articles",
        "sentences",
        "vectors",
        "stories",
        "story_articles",
        "ledger",
        "story_state",
    } <= tables


def test_database_runs_in_wal_mode(db_path: Path) -> None:
    with SQLiteStore(db_path) as store:
        assert store.db.execute("PRAGMA journal_mode").fetchone()[0].lower() == "wal"


def test_a_file_path_a_sqlite_url_and_a_server_url_pick_their_backend(tmp_path: Path, postgres) -> None:
    with open_store(tmp_path / "a.db") as by_path, open_store(f"sqlite://{tmp_path / 'b.db'}") as by_url:
        assert isinstance(by_path, SQLiteStore) and isinstance(by_url, SQLiteStore)
    assert (tmp_path / "b.db").is_file()
    with open_store(postgres.new_database()) as server:
        assert type(server).__name__ == "PostgresStore"


def test_a_url_of_another_scheme_is_an_error_never_a_file(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(StoreError, match="unsupported database URL scheme 'mysql://'"):
        open_store("mysql://user@host:3306/news")
    assert list(tmp_path.iterdir()) == [], "nothing was created for it"


def test_an_unreachable_server_is_a_clear_error() -> None:
    with pytest.raises(StoreError, match=r"cannot connect to postgresql://reader:\*\*\*@127\.0\.0\.1:1/news"):
        open_store("postgresql://reader:secret@127.0.0.1:1/news?connect_timeout=2")


def test_reopening_an_existing_database_keeps_its_data(db_url: str) -> None:
    with open_store(db_url) as first:
        first.add_article(make_article())
    with open_store(db_url) as again:
        assert again.count_articles() == 1
        assert again.has_article("a1")


def test_database_from_a_newer_storyline_is_refused(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    raw = sqlite3.connect(db_path)
    raw.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    raw.close()
    with pytest.raises(StoreError, match="newer"):
        open_store(db_path)


def test_server_database_from_a_newer_storyline_is_refused(postgres) -> None:
    import psycopg

    url = postgres.new_database()
    open_store(url).close()
    with psycopg.connect(url, autocommit=True) as raw:
        raw.execute("UPDATE storyline_schema SET version = version + 1")
    with pytest.raises(StoreError, match="newer"):
        open_store(url)


# -- articles -------------------------------------------------------------------------------------


def test_article_round_trips_with_every_field_and_its_sentences(store: Store) -> None:
    article = make_article()
    article.sentences = [Sentence(0, 49, TEXT[0:49]), Sentence(50, len(TEXT), TEXT[50:])]
    store.add_article(article)
    store.save_sentences(article)

    loaded = store.article("a1")
    assert loaded is not None
    for name in ("id", "text", "title", "url", "source", "published", "language", "author", "origin"):
        assert getattr(loaded, name) == getattr(article, name), name
    assert loaded.hash == article.hash
    assert loaded.duplicate_of is None
    assert [s.text for s in loaded.sentences] == [
        "The harbour bridge in Velmora reopened on Monday.",
        "Repairs took nine weeks.",
    ]
    assert loaded.sentences == article.sentences


def test_saving_sentences_again_replaces_the_old_spans(store: Store) -> None:
    article = make_article()
    store.add_article(article)
    article.sentences = [Sentence(0, 10, TEXT[:10]), Sentence(11, 20, TEXT[11:20])]
    store.save_sentences(article)
    article.sentences = [Sentence(0, len(TEXT), TEXT)]
    store.save_sentences(article)
    assert store.article("a1").sentences == [Sentence(0, len(TEXT), TEXT)]


def test_missing_article_is_none(store: Store) -> None:
    assert store.article("nope") is None
    assert not store.has_article("nope")


def test_articles_come_in_publication_order_with_undated_last(store: Store) -> None:
    store.add_article(make_article("late", "Late text.", published="2031-05-01"))
    store.add_article(make_article("undated", "Undated text.", published=None))
    store.add_article(make_article("early", "Early text.", published="2031-01-01"))
    assert [a.id for a in store.articles()] == ["early", "late", "undated"]
    assert [a.id for a in store.articles(["undated", "early"])] == ["early", "undated"]


@pytest.mark.parametrize("ticks", [False, True])
def test_articles_of_one_day_come_in_the_same_order_however_fast_they_were_ingested(
    store: Store, monkeypatch: pytest.MonkeyPatch, ticks: bool
) -> None:
    seconds = iter(range(100))
    clock = (
        (lambda: f"2031-05-01T10:00:{next(seconds):02d}+00:00")
        if ticks
        else (lambda: "2031-05-01T10:00:00+00:00")
    )
    monkeypatch.setattr("storyline.store.sql.now", clock)
    store.add_article(make_article("zeta", "Zeta text.", published="2031-05-01"))
    store.add_article(make_article("alpha", "Alpha text.", published="2031-05-01"))
    assert [a.id for a in store.articles()] == ["alpha", "zeta"]
    assert [i for i, _, _ in store.catalogue()] == ["alpha", "zeta"]


def test_the_same_text_cannot_be_stored_twice_as_an_original(store: Store) -> None:
    store.add_article(make_article("a1"))
    # Layout and case differences do not make a different text.
    relaid = TEXT.upper().replace(" ", "  \n ")
    assert make_article("a2", relaid).hash == make_article("a1").hash
    with pytest.raises((*database_errors(), StoreError)):
        store.add_article(make_article("a2", relaid))
    assert store.article_by_hash(make_article().hash).id == "a1"
    assert store.count_articles() == 1


def test_a_syndicated_copy_with_the_same_text_is_stored_beside_its_original(store: Store) -> None:
    store.add_article(make_article("a1"))
    copy = make_article("a2")
    copy.duplicate_of = "a1"
    store.add_article(copy)
    assert store.count_articles() == 2
    assert store.article_by_hash(copy.hash).id == "a1"
    assert store.article("a2").duplicate_of == "a1"


def test_duplicates_can_be_left_out(store: Store) -> None:
    store.add_article(make_article("orig"))
    # A duplicate row keeps its own (different) text hash here; only the flag matters.
    store.add_article(make_article("copy", "Another text.", duplicate_of="orig"))
    assert [a.id for a in store.articles(include_duplicates=False)] == ["orig"]
    assert {a.id for a in store.articles()} == {"orig", "copy"}


# -- vectors --------------------------------------------------------------------------------------


def test_vectors_round_trip_by_hash_model_and_kind(store: Store) -> None:
    rng = np.random.default_rng(7)
    sentences = rng.standard_normal((3, 384)).astype(np.float32)
    article = sentences[:1] * 2
    store.put_vectors("h1", "model-x", "sentences", sentences)
    store.put_vectors("h1", "model-x", "article", article)

    got = store.get_vectors("h1", "model-x", "sentences")
    assert got.dtype == np.float32
    assert got.shape == (3, 384)
    np.testing.assert_array_equal(got, sentences)
    np.testing.assert_array_equal(store.get_vectors("h1", "model-x", "article"), article)
    assert store.get_vectors("h1", "model-y", "sentences") is None
    assert store.get_vectors("h2", "model-x", "sentences") is None


def test_putting_vectors_again_overwrites(store: Store) -> None:
    store.put_vectors("h1", "m", "article", np.ones((1, 4)))
    store.put_vectors("h1", "m", "article", np.full((1, 4), 2.0))
    np.testing.assert_array_equal(store.get_vectors("h1", "m", "article"), np.full((1, 4), 2.0))


def test_vectors_of_an_older_recipe_are_dropped_when_the_text_is_cached_again(store: Store) -> None:
    old, other_title = "article:lead:split1:titleA", "article:lead:split2:titleB"
    for kind in (old, other_title, "sentences:split1"):
        store.put_vectors("h1", "m", kind, np.ones((1, 4)))
    store.put_vectors("h1", "other-model", old, np.ones((1, 4)))
    store.put_vectors("h2", "m", old, np.ones((1, 4)))

    store.put_vectors("h1", "m", "article:lead:split2:titleA", np.full((1, 4), 2.0), "article:lead:split2:")

    assert store.get_vectors("h1", "m", old) is None, "no run reads the older recipe's vector"
    assert store.get_vectors("h1", "m", other_title) is not None, "the same text under another headline"
    assert store.get_vectors("h1", "m", "sentences:split1") is not None, "another family"
    assert store.get_vectors("h1", "other-model", old) is not None, "another model"
    assert store.get_vectors("h2", "m", old) is not None, "another text"


# -- stories --------------------------------------------------------------------------------------


def test_stories_round_trip_and_replace_the_previous_set(store: Store) -> None:
    for i, day in enumerate(["2031-04-07", "2031-04-05", "2031-04-06"]):
        store.add_article(make_article(f"a{i}", f"Text number {i}.", published=day))
    old = Story(id="s-old", title="Old", article_ids=["a0"])
    store.replace_stories([old])
    story = Story(
        id="s-1",
        title="Velmora bridge",
        article_ids=["a0", "a1", "a2"],
        summary=[{"text": "Repairs took nine weeks.", "citations": [{"article_id": "a0", "quote": "x"}]}],
        shared=[{"claim": "c", "citations": []}],
        conflicts=[{"type": "number", "about": "number of people", "claims": []}],
        key_entities=["Velmora"],
        time_span={"start": "2031-04-05", "end": "2031-04-07"},
        source_count=2,
    )
    single = Story(id="s-2", title="Another", article_ids=["a1"])
    store.replace_stories([single, story])

    loaded = store.stories()
    assert [s.id for s in loaded] == ["s-1", "s-2"], "largest story first, the old set gone"
    got = loaded[0]
    # Members come back in publication order.
    assert got.article_ids == ["a1", "a2", "a0"]
    assert got.title == "Velmora bridge"
    assert got.summary == story.summary
    assert got.shared == story.shared
    assert got.conflicts == story.conflicts
    assert got.key_entities == ["Velmora"]
    assert got.time_span == story.time_span
    assert got.source_count == 2
    assert store.story("s-2").article_ids == ["a1"]
    assert store.story("s-old") is None


# -- the clustering's document frequencies ---------------------------------------------------------

HARBOUR = [
    make_article("h1", "The Velmora harbour bridge reopened on Monday after nine weeks of repairs."),
    make_article(
        "h2", "Crews from Ostrand finished the Velmora bridge deck on Sunday night.", title="Deck done"
    ),
    make_article("h3", "Ferry traffic to Ostrand fell while the Velmora bridge was closed.", title="Ferries"),
]


def _counted(articles: list[Article]) -> Lexicon:
    lexicon = Lexicon()
    lexicon.count(articles)
    return lexicon


def test_the_lexicon_round_trips_through_the_store_in_a_few_bytes_a_word(store: Store) -> None:
    counted = _counted(HARBOUR)
    store.save_lexicon(["h1", "h2", "h3"], counted.to_bytes())
    data = store.lexicon(["h3", "h1", "h2"])  # any order
    assert data is not None
    assert Lexicon.from_bytes(data) == counted
    assert counted.docs == counted.key_docs == 3
    # Sparse: a few bytes per distinct word, not the dense tables' 2 × 4 × HASH_FEATURES.
    assert len(data) < 400 + 8 * int((counted.df > 0).sum() + (counted.key_df > 0).sum())
    assert len(data) < HASH_FEATURES // 100
    # Saving again replaces the one kept.
    more = _counted([*HARBOUR, make_article("h4", "Tolls on the Velmora bridge return in May.")])
    store.save_lexicon(["h1", "h2", "h3", "h4"], more.to_bytes())
    assert store.lexicon(["h1", "h2", "h3"]) is None
    assert Lexicon.from_bytes(store.lexicon(["h1", "h2", "h3", "h4"]) or b"") == more


def test_the_lexicon_is_handed_out_only_for_exactly_the_articles_it_counted(store: Store) -> None:
    assert store.lexicon(["h1"]) is None  # nothing kept (a store of an older storyline)
    data = _counted(HARBOUR).to_bytes()
    store.save_lexicon(["h1", "h2", "h3"], data)
    assert store.lexicon(["h1", "h2"]) is None  # an article removed
    assert store.lexicon(["h1", "h2", "h3", "h4"]) is None  # one not counted
    assert store.lexicon(["h1", "h2", "h4"]) is None  # as many, other ids
    # Counted another way (another hashing, other key widths), or damaged: not used.
    head, _, body = data.partition(b"\n")
    assert Lexicon.from_bytes(head.replace(RECIPE.encode(), b"0/other") + b"\n" + body) is None
    assert Lexicon.from_bytes(data[:-5]) is None
    assert Lexicon.from_bytes(b"") is None


def test_rewriting_the_mentions_of_an_article_in_a_story_drops_the_lexicon(store: Store) -> None:
    for a in [*HARBOUR, make_article("h4", "Tolls on the Velmora bridge return in May.")]:
        store.add_article(a)
    store.replace_stories([Story(id="s-1", title="Velmora bridge", article_ids=["h1", "h2", "h3"])])
    store.save_lexicon(["h1", "h2", "h3"], _counted(HARBOUR).to_bytes())
    place = Mention("entity", 4, 11, "Velmora", "GPE", None, "velmora")
    store.save_mentions(make_article("h4", mentions=[place]))  # not in a story: not counted
    store.save_mentions(make_article("h1", mentions=[]))  # none before, none now: nothing changed
    assert store.lexicon(["h1", "h2", "h3"]) is not None
    store.save_mentions(make_article("h2", mentions=[place]))
    assert store.lexicon(["h1", "h2", "h3"]) is None


# -- ledger ---------------------------------------------------------------------------------------


def test_ledger_returns_the_last_run(store: Store) -> None:
    assert store.ledger() == []
    store.record("run-1", [LedgerEntry("old.txt", "ingested", article_id="old")])
    second = [
        LedgerEntry("a.txt", "ingested", article_id="a"),
        LedgerEntry("b.txt", "duplicate", article_id="b", duplicate_of="a"),
        LedgerEntry("c.bin", "rejected", reason="binary file"),
    ]
    store.record("run-2", second)
    assert store.ledger() == second
    assert store.ledger("run-1") == [LedgerEntry("old.txt", "ingested", article_id="old")]
    assert store.ledger("no-such-run") == []


def test_a_failed_transaction_leaves_nothing_behind(store: Store) -> None:
    with pytest.raises(RuntimeError), store.transaction():
        store.add_article(make_article())
        raise RuntimeError("interrupted")
    assert store.count_articles() == 0


def test_an_inner_transaction_joins_the_outer_one(store: Store) -> None:
    with pytest.raises(RuntimeError), store.transaction():
        with store.transaction():
            store.add_article(make_article())
        assert store.count_articles() == 1, "the inner one did not commit on its own"
        raise RuntimeError("interrupted")
    assert store.count_articles() == 0


# -- several connections at once ------------------------------------------------------------------


def test_a_reader_sees_one_committed_state(db_url: str) -> None:
    with open_store(db_url) as reader, open_store(db_url) as writer:
        before = reader.revision()
        with reader.read():
            assert reader.count_articles() == 0
            with writer.transaction():  # as an ingest writes: the article and its ledger entry
                writer.add_article(make_article())
                writer.record("run-1", [LedgerEntry("a1.txt", "ingested", article_id="a1")])
            assert reader.count_articles() == 0, "a write committed during the read stays unseen"
        assert reader.count_articles() == 1
        assert reader.revision() != before, "the commit of another connection is noticed"


def test_a_second_sqlite_writer_waits_for_the_first_instead_of_failing(db_path: Path) -> None:
    with open_store(db_path) as first, open_store(db_path) as second:
        done = threading.Event()

        def write_second() -> None:
            with second.transaction():
                second.add_article(make_article("b1", "Another text entirely."))
            done.set()

        with first.transaction():
            first.add_article(make_article("a1"))
            waiting = threading.Thread(target=write_second)
            waiting.start()
            assert not done.wait(0.5), "the second writer waits while the first holds its transaction"
        waiting.join(timeout=30)
        assert done.is_set()
        assert first.count_articles() == 2


def test_two_server_writers_of_the_same_article_meet_at_its_key(postgres) -> None:
    url = postgres.new_database()
    with open_store(url) as first, open_store(url) as second:
        raised: list[BaseException] = []

        def write_second() -> None:
            try:
                with second.transaction():
                    second.add_article(make_article("a1"))
            except BaseException as exc:
                raised.append(exc)

        with first.transaction():
            first.add_article(make_article("a1"))
            racing = threading.Thread(target=write_second)
            racing.start()
            racing.join(timeout=0.5)
            assert racing.is_alive(), "the second insert waits on the first's uncommitted key"
        racing.join(timeout=30)
        assert len(raised) == 1 and isinstance(raised[0], StoreConflict), raised
        assert second.count_articles() == 1
        with second.transaction():  # the connection is usable again after the rollback
            second.add_article(make_article("b1", "Another text entirely."))
        assert first.count_articles() == 2


def test_stories_saved_by_another_run_meanwhile_are_noticed(db_url: str) -> None:
    with open_store(db_url) as mine, open_store(db_url) as theirs:
        mine.add_article(make_article("a1"))
        read_at = mine.stories_generation()
        theirs.replace_stories([Story(id="s1", title="Bridge", article_ids=["a1"])])
        with pytest.raises(StoriesChanged), mine.transaction():
            mine.claim_stories(read_at)
            mine.replace_stories([])
        assert [s.id for s in mine.stories()] == ["s1"], "the refused save left nothing behind"
        again = mine.stories_generation()
        with mine.transaction():
            mine.claim_stories(again)
            mine.replace_stories([Story(id="s2", title="Bridge", article_ids=["a1"])])
        assert [s.id for s in theirs.stories()] == ["s2"]


# -- stories as derived state ---------------------------------------------------------------------


def test_stories_are_stale_while_an_article_is_in_none(store: Store) -> None:
    assert not store.stale(), "an empty store has nothing to build"
    store.add_article(make_article("a1"))
    assert store.stale()
    store.replace_stories([Story(id="s1", title="Bridge", article_ids=["a1"])])
    assert not store.stale()
    store.add_article(make_article("a2", "A second, different text."))
    assert store.stale()


def test_a_story_older_than_one_of_its_articles_is_outdated(store: Store) -> None:
    store.add_article(make_article("a1"))
    store.add_article(make_article("b1", "Another text entirely."))
    store.replace_stories(
        [
            Story(id="s1", title="Bridge", article_ids=["a1"]),
            Story(id="s2", title="Other", article_ids=["b1"]),
        ]
    )
    assert store.outdated_stories() == set()
    # As if s1 had been built before a1 was last written.
    store._execute("UPDATE stories SET updated_at = ? WHERE id = ?", ("2000-01-01T00:00:00+00:00", "s1"))
    assert store.outdated_stories() == {"s1"}
    assert store.stale()
