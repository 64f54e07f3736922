"""Enrichment: sentence spans, what sentences assert (quantities, ages, dates) and vectors."""

from __future__ import annotations

import itertools
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from storyline.enrich import (
    STATIC_LEAD_SENTENCES,
    cached_article_vectors,
    default_embedder,
    enrich,
    split_sentences,
    static,
)
from storyline.enrich.mentions import ages, dates, quantities
from storyline.enrich.workers import CHUNK, TAIL_CHUNK, tasks
from storyline.model import Article
from storyline.store import open_store


@pytest.fixture(scope="module")
def embedder():
    return default_embedder()


class CountingEmbedder:
    """Wraps the real embedder and counts how many texts it was asked to embed."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self.calls = 0
        self.texts = 0

    def embed(self, texts: list[str]) -> np.ndarray:
        self.calls += 1
        self.texts += len(texts)
        return self.inner.embed(texts)


def sentence_texts(text: str) -> list[str]:
    return [s.text for s in split_sentences(text)]


# -- sentences ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "  Leading space. Trailing   \r\n\r\nNew para after CRLF. Done!  ",
        "Dr. Ilse Varga led the team. U.S. officials agreed.\n\nA new paragraph… And another one?",
        'The mayor said: "We will rebuild." Then she left.',
        "Items:\n- first thing\n- second thing",
    ],
)
def test_sentences_are_exact_spans_of_the_text(text: str) -> None:
    sentences = split_sentences(text)
    assert sentences
    for s in sentences:
        assert text[s.start : s.end] == s.text
        assert s.text == s.text.strip()
    starts = [s.start for s in sentences]
    assert starts == sorted(starts), "in text order"
    assert all(a.end <= b.start for a, b in itertools.pairwise(sentences)), "no overlaps"


def test_titles_and_country_abbreviations_do_not_end_a_sentence() -> None:
    text = (
        "Dr. Ilse Varga led the team. U.S. officials said the talks "
        "would resume. Analysts in N. Korea agreed."
    )
    assert sentence_texts(text) == [
        "Dr. Ilse Varga led the team.",
        "U.S. officials said the talks would resume.",
        "Analysts in N. Korea agreed.",
    ]


def test_initials_do_not_end_a_sentence() -> None:
    text = "The report was written by J. R. Halvorsen and M. Ostby. It came out on Monday."
    assert sentence_texts(text) == [
        "The report was written by J. R. Halvorsen and M. Ostby.",
        "It came out on Monday.",
    ]


def test_paragraph_breaks_always_end_a_sentence() -> None:
    text = "A headline-like line without a full stop\n\nThe body starts here. It has two sentences."
    assert sentence_texts(text) == [
        "A headline-like line without a full stop",
        "The body starts here.",
        "It has two sentences.",
    ]


def test_a_headline_and_a_date_line_are_sentences_of_their_own() -> None:
    text = "Ferry crews vote to end strike\nMay 3, 2031 | 9: 40 AM\nThe crews voted on Monday. Ferries run."
    assert sentence_texts(text) == [
        "Ferry crews vote to end strike",
        "May 3, 2031 | 9: 40 AM",
        "The crews voted on Monday.",
        "Ferries run.",
    ]


def test_a_hard_wrapped_text_keeps_its_sentences_across_line_breaks() -> None:
    text = (
        "The council voted on Monday to close the\nHarbour road for six weeks while engineers\n"
        "Repair the bridge, which a storm damaged\nlast week. The mayor said the\nClosure was needed.\n"
    )
    assert sentence_texts(text) == [
        "The council voted on Monday to close the\nHarbour road for six weeks while engineers\n"
        "Repair the bridge, which a storm damaged\nlast week.",
        "The mayor said the\nClosure was needed.",
    ]


def test_closing_quotes_stay_with_their_sentence() -> None:
    text = 'The mayor said: "We will rebuild." Then she left. "Is anyone hurt?" asked a neighbour.'
    assert sentence_texts(text) == [
        'The mayor said: "We will rebuild."',
        "Then she left.",
        '"Is anyone hurt?" asked a neighbour.',
    ]


def test_lower_case_continuation_does_not_split() -> None:
    assert sentence_texts("They arrived at 3 p.m. on Friday. Nobody was hurt.") == [
        "They arrived at 3 p.m. on Friday.",
        "Nobody was hurt.",
    ]


# -- quantities -----------------------------------------------------------------------------------


def test_people_killed_count_the_dead() -> None:
    [q] = quantities("12 people were killed when the warehouse roof fell in.")
    assert (q.value, q.noun, q.approximate) == (12.0, "dead", False)
    assert q.text.startswith("12 people")


def test_approximate_quantity_with_thousands_separator_and_noun_class() -> None:
    [q] = quantities("The fire forced about 2,000 residents to leave their homes.")
    assert (q.value, q.noun, q.approximate) == (2000.0, "people", True)
    assert q.text == "about 2,000 residents"


def test_quantity_with_a_scale_word() -> None:
    [q] = quantities("Power was cut to 2.1 million customers overnight.")
    assert (q.value, q.noun, q.approximate) == (2_100_000.0, "customers", False)


@pytest.mark.parametrize(
    ("sentence", "value", "noun"),
    [
        ("Twelve people were evacuated.", 12.0, "people"),
        ("Twelve people died.", 12.0, "dead"),
        ("At least 14 dead after the storm.", 14.0, "dead"),
        ("The bus carried 30 passengers.", 30.0, "people"),
        ("The crash left 30 wounded.", 30.0, "injured"),
        ("The storm destroyed 40 houses.", 40.0, "homes"),
    ],
)
def test_quantity_nouns_are_normalised(sentence: str, value: float, noun: str) -> None:
    assert [(q.value, q.noun) for q in quantities(sentence)] == [(value, noun)]


def test_sentence_without_counts_has_no_quantities() -> None:
    assert quantities("The council met on Tuesday to discuss the budget.") == []


# -- ages -----------------------------------------------------------------------------------------


def test_age_after_a_name_is_that_persons_age() -> None:
    [age] = ages("Marta Olsen, 52, was taken to hospital.")
    assert (age.value, age.who, age.text) == (52, "Olsen", "Marta Olsen, 52")


def test_hyphenated_age_has_no_person() -> None:
    [age] = ages("The 34-year-old driver was arrested at the scene.")
    assert (age.value, age.who, age.text) == (34, None, "34-year-old driver")


# -- dates ----------------------------------------------------------------------------------------


def test_month_last_year_is_the_year_before_the_article() -> None:
    [d] = dates("The plant closed in November last year.", "2019-01-05")
    assert (d.year, d.month, d.day, d.fuzzy) == (2018, 11, None, False)
    assert d.iso() == "2018-11"


def test_bare_month_after_the_article_date_is_last_years() -> None:
    [d] = dates("The plant closed in November.", "2019-01-05")
    assert (d.year, d.month) == (2018, 11)
    [d] = dates("The works start in January.", "2019-01-05")
    assert (d.year, d.month) == (2019, 1)


def test_early_month_is_fuzzy() -> None:
    [d] = dates("Work began in early November, the firm said.", "2019-01-05")
    assert (d.year, d.month, d.day, d.fuzzy) == (2018, 11, None, True)


def test_full_date_is_read_exactly() -> None:
    [d] = dates("The vote is on June 14, 2025, the commission said.", "2019-01-05")
    assert (d.year, d.month, d.day, d.fuzzy) == (2025, 6, 14, False)
    assert d.iso() == "2025-06-14"


def test_month_without_year_or_article_date_has_no_year() -> None:
    [d] = dates("It happened on March 3.")
    assert (d.year, d.month, d.day) == (None, 3, 3)
    assert d.iso() == "--03-03"


def test_may_the_verb_is_not_a_date_in_an_undated_article() -> None:
    assert dates("May I ask a question?") == []


def test_may_the_verb_is_not_a_date_in_a_dated_article() -> None:
    assert dates("May I ask a question?", "2019-01-05") == []


def test_month_and_year_without_a_day() -> None:
    [d] = dates("Nordlink bought the vessel in March 2019.", "2031-05-12")
    assert (d.year, d.month, d.day) == (2019, 3, None)


def test_date_text_at_the_end_of_a_sentence_leaves_out_the_full_stop() -> None:
    [d] = dates("Work began in early November.", "2019-01-05")
    assert d.text == "early November"


# -- embedder -------------------------------------------------------------------------------------


def test_embedder_gives_unit_length_384_dim_vectors(embedder) -> None:
    vectors = embedder.embed(["The ferry left the harbour at dawn.", "Rain is expected on Sunday.", ""])
    assert embedder.dim == 384
    assert vectors.shape == (3, 384)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors[:2], axis=1), 1.0, atol=1e-5)


def test_embedder_handles_an_empty_batch(embedder) -> None:
    assert embedder.embed([]).shape == (0, 384)


def test_paraphrase_is_closer_than_an_unrelated_sentence(embedder) -> None:
    base, paraphrase, unrelated = embedder.embed(
        [
            "A fire destroyed the old sawmill in Brekka on Tuesday night.",
            "On Tuesday evening flames burned down Brekka's old sawmill.",
            "The central bank kept interest rates unchanged this quarter.",
        ]
    )
    assert float(base @ paraphrase) > 0.6
    assert float(base @ paraphrase) > float(base @ unrelated) + 0.3


def test_embedding_is_deterministic_and_independent_of_the_batch(embedder) -> None:
    text = "The ferry left the harbour at dawn."
    alone = embedder.embed([text])[0]
    batched = embedder.embed(["Something much longer " * 10, text])[1]
    np.testing.assert_allclose(alone, batched, atol=1e-4)


def test_the_run_that_distils_the_static_vectors_uses_them_as_later_runs_read_them_from_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first run on a machine distils the token matrix, later runs read it from the disk cache: both
    must embed with the same numbers, or a rerun's article vectors (and stories) differ from the first."""
    vocabulary = SimpleNamespace(get_vocab_size=lambda: 50)
    model = SimpleNamespace(tokenizer=vocabulary, dim=384)
    # Like MiniLM's token vectors: float32 values that float16 cannot hold exactly.
    distilled = np.random.default_rng(7).normal(scale=0.3, size=(50, 384)).astype(np.float32)
    monkeypatch.setattr(static, "distil", lambda _model: distilled.copy())
    monkeypatch.setenv("STORYLINE_CACHE", str(tmp_path))
    first = static.token_matrix(model)
    assert (tmp_path / f"{static.NAME}.npy").is_file()
    later = static.token_matrix(model)
    assert first.dtype == later.dtype == np.float32
    np.testing.assert_array_equal(first, later)


# -- enrich ---------------------------------------------------------------------------------------


def make_articles() -> list[Article]:
    return [
        Article(
            id="brekka-1",
            title="Sawmill fire in Brekka",
            text="A fire destroyed the old sawmill in Brekka on Tuesday night. No one was hurt.\n\n"
            "Firefighters from three towns fought the blaze for six hours.",
        ),
        Article(id="untitled", text="The council will vote on the budget next week."),
    ]


def test_enrich_fills_sentences_and_vectors(embedder) -> None:
    articles = make_articles()
    enrich(articles, embedder=embedder)
    first, second = articles
    assert [s.text for s in first.sentences] == [
        "A fire destroyed the old sawmill in Brekka on Tuesday night.",
        "No one was hurt.",
        "Firefighters from three towns fought the blaze for six hours.",
    ]
    assert first.sentence_vectors.shape == (3, 384)
    assert second.sentence_vectors.shape == (1, 384)
    for article in articles:
        assert article.vector.shape == (384,)
        assert abs(float(np.linalg.norm(article.vector)) - 1.0) < 1e-5
    np.testing.assert_allclose(
        first.sentence_vectors[0], embedder.embed([first.sentences[0].text])[0], atol=1e-4
    )
    # Each article's vector is nearer its own sentences than the other article's.
    assert float(first.vector @ first.sentence_vectors[0]) > float(first.vector @ second.sentence_vectors[0])
    assert float(second.vector @ second.sentence_vectors[0]) > float(
        second.vector @ first.sentence_vectors[0]
    )


def test_sentence_vectors_are_computed_only_when_asked_for(embedder) -> None:
    articles = make_articles()
    enrich(articles, embedder=embedder, sentence_vectors=False)
    assert all(a.vector is not None and a.sentence_vectors is None for a in articles)
    vectors = [a.vector.copy() for a in articles]
    enrich(articles, embedder=embedder)
    assert all(a.sentence_vectors is not None for a in articles)
    for article, vector in zip(articles, vectors, strict=True):
        np.testing.assert_array_equal(article.vector, vector)


def test_the_article_vector_reads_the_whole_text_not_only_the_first_256_tokens(embedder) -> None:
    opening = " ".join(["The harbour council met on Monday to discuss the ferry timetable."] * 40)
    ferry = Article(id="ferry", title="Council meets", text=opening + " The ferry sank in a storm.")
    budget = Article(id="budget", title="Council meets", text=opening + " The budget was approved.")
    enrich([ferry, budget], embedder=embedder, sentence_vectors=False)
    assert len(opening.split()) > 256, "more words than MiniLM's window has tokens"
    # A 256-token window would see two identical texts and give identical vectors.
    assert float(np.abs(ferry.vector - budget.vector).max()) > 1e-4


def test_enrich_uses_the_store_as_a_vector_cache(embedder, tmp_path: Path) -> None:
    counting = CountingEmbedder(embedder)
    with open_store(tmp_path / "cache.db") as store:
        first = make_articles()
        enrich(first, store=store, embedder=counting)
        assert counting.calls == 1
        assert counting.texts == 3 + 1 + 1, "every sentence, and the one headline"

        again = make_articles()
        enrich(again, store=store, embedder=counting)
        assert counting.calls == 1, "known texts are not embedded again"
        for old, new in zip(first, again, strict=True):
            np.testing.assert_array_equal(old.sentence_vectors, new.sentence_vectors)
            np.testing.assert_array_equal(old.vector, new.vector)

        changed = make_articles()
        changed[1] = Article(id="untitled", text="The council postponed the budget vote.")
        enrich(changed, store=store, embedder=counting)
        assert counting.calls == 2
        assert counting.texts == 5 + 1, "only the changed article is embedded"


def test_a_text_cached_under_one_headline_gets_a_fresh_vector_under_another(embedder, tmp_path: Path) -> None:
    text = make_articles()[0].text
    counting = CountingEmbedder(embedder)
    with open_store(tmp_path / "cache.db") as store:
        first = Article(id="brekka-1", title="Sawmill fire in Brekka", text=text)
        enrich([first], store=store, embedder=counting)
        retitled = Article(id="brekka-2", title="Firefighters from three towns battle blaze", text=text)
        assert retitled.hash == first.hash, "the content hash leaves the title out"
        cached_article_vectors([retitled], store, embedder=embedder)
        assert retitled.vector is None, "the first headline's vector is not this one's"

        texts_before = counting.texts
        enrich([retitled], store=store, embedder=counting)
        assert counting.texts - texts_before == 1, "the sentences' vectors are the text's: only the headline"
    fresh = Article(id="brekka-2", title=retitled.title, text=text)
    enrich([fresh], embedder=embedder)
    np.testing.assert_allclose(retitled.vector, fresh.vector, atol=1e-5)
    assert float(np.abs(retitled.vector - first.vector).max()) > 1e-3


def test_enrich_skips_articles_that_already_have_vectors(embedder) -> None:
    articles = make_articles()
    enrich(articles, embedder=embedder)
    counting = CountingEmbedder(embedder)
    enrich(articles, embedder=counting)
    assert counting.calls == 0


def test_without_sentence_vectors_only_the_lede_and_headline_are_embedded(embedder) -> None:
    counting = CountingEmbedder(embedder)
    text = " ".join(f"Sentence number {n} of the long harbour report is here." for n in range(1, 11))
    enrich([Article(id="long", title="Harbour report", text=text)], embedder=counting, sentence_vectors=False)
    assert counting.texts == STATIC_LEAD_SENTENCES + 1


def test_worker_tasks_cover_every_article_in_order_with_small_tasks_at_the_end() -> None:
    articles = [Article(id=str(i), title=None, text="x") for i in range(270)]
    found = tasks(articles, workers=2)
    assert [a.id for task in found for a in task] == [a.id for a in articles]
    sizes = [len(task) for task in found]
    # Whole chunks while every worker has more than a chunk's worth left, then small tasks, so that
    # the workers end together.
    small = sizes.index(TAIL_CHUNK)
    assert set(sizes[:small]) == {CHUNK}
    assert all(size <= TAIL_CHUNK for size in sizes[small:])
    assert sum(sizes[small:]) <= 2 * CHUNK


def test_enriching_drops_the_vectors_an_older_recipe_cached_for_the_text(embedder, tmp_path: Path) -> None:
    article = make_articles()[0]
    older = {"article:lead:split0:title0", "sentences:split0"}
    with open_store(tmp_path / "cache.db") as store:
        for kind in older:
            store.put_vectors(article.hash, embedder.name, kind, np.ones((1, 4)))
        enrich([article], store=store, embedder=embedder)
        rows = store.db.execute("SELECT kind FROM vectors WHERE hash = ?", (article.hash,))
        kinds = {kind for (kind,) in rows}
    assert len(kinds) == 2, "the article vector and the sentence vectors of today's recipe"
    assert not kinds & older
