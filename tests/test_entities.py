"""Named entities (spaCy NER for English and French, a flagged fallback elsewhere) and the entity keys
that tie mentions of one person, country or body together across the articles of a story.

All texts are fictional and written for these tests (Anton Revic is a diplomat of the invented
Ostreva). The alias tests build mentions by hand so that they test the rules, not the model's labels;
the NER tests and one end-to-end test run the real models, loaded once per process.
"""

from __future__ import annotations

import pytest

from storyline.enrich.aliases import (
    ArticleMentions,
    country_key,
    entity_table,
    keys,
    normalise_name,
    resolve,
)
from storyline.enrich.entities import (
    FULL_NER_LANGUAGES,
    EntityExtractor,
    Mention,
    chunks,
    load_model,
    may_hold_a_name,
    name_regions,
    ner_quality,
)

EN_TEXT = (
    "Anton Revic, the acting ambassador of Ostreva to Italy, was recalled on Monday after a dispute with "
    "the Italian Foreign Ministry. Revic flew from Rome to Vienna, where he met officials of the "
    "European Union. The United Nations said 14 people had been questioned."
)
FR_TEXT = (
    "Le diplomate Anton Revic a quitté Rome mardi, a annoncé le ministère des Affaires étrangères à Paris. "
    "Selon l'Organisation des Nations unies, les discussions reprendront à Genève."
)
DE_TEXT = (
    "Der Botschafter Anton Revic hat am Montag die Hauptstadt verlassen. Nach Angaben der Deutschen "
    "Presse-Agentur reiste er über Wien nach Hause."
)
TR_TEXT = "Büyükelçi Anton Revic pazartesi günü Ankara'dan ayrıldı. Açıklamayı Dışişleri Bakanlığı yaptı."


@pytest.fixture(scope="module")
def extractor() -> EntityExtractor:
    return EntityExtractor()


def _pairs(mentions: list[Mention]) -> set[tuple[str, str]]:
    return {(m.text, m.label) for m in mentions}


def _assert_offsets(text: str, mentions: list[Mention]) -> None:
    assert mentions, "no mentions found"
    for m in mentions:
        assert text[m.start : m.end] == m.text
        assert m.start < m.end


# --- extraction -----------------------------------------------------------------------------------


def test_models_load_only_the_ner_component() -> None:
    for language in FULL_NER_LANGUAGES:
        nlp = load_model(language)
        # ner embeds its own tok2vec in both models, so the shared tok2vec, tagger, parser, lemmatizer
        # and attribute ruler are all left out.
        assert nlp.pipe_names == ["ner"]
        assert load_model(language) is nlp  # loaded once per process


def test_english_ner_with_exact_offsets(extractor: EntityExtractor) -> None:
    mentions = extractor.extract(EN_TEXT, "en")
    _assert_offsets(EN_TEXT, mentions)
    pairs = _pairs(mentions)
    assert ("Anton Revic", "PERSON") in pairs
    assert ("Italy", "GPE") in pairs
    assert ("Rome", "GPE") in pairs
    assert ("Revic", "PERSON") in pairs
    assert any(m.text.endswith("United Nations") and m.label == "ORG" for m in mentions)
    # Numbers and dates are the pattern extractor's business, not NER's.
    assert not {m.label for m in mentions} & {"DATE", "CARDINAL", "TIME", "MONEY", "PERCENT"}
    assert [m.start for m in mentions] == sorted(m.start for m in mentions)


def test_french_ner_maps_labels(extractor: EntityExtractor) -> None:
    mentions = extractor.extract(FR_TEXT, "fr")
    _assert_offsets(FR_TEXT, mentions)
    pairs = _pairs(mentions)
    assert ("Anton Revic", "PERSON") in pairs  # PER → PERSON
    assert ("Rome", "GPE") in pairs  # LOC of a city → GPE
    assert ("Paris", "GPE") in pairs
    assert {m.label for m in mentions} <= {"PERSON", "ORG", "GPE", "LOC", "MISC"}
    assert ner_quality("fr") == "full"


def test_french_geographic_feature_stays_loc(extractor: EntityExtractor) -> None:
    text = "Anton Revic a passé ses vacances près du lac Léman avec sa famille."
    mentions = extractor.extract(text, "fr")
    _assert_offsets(text, mentions)
    assert [m.label for m in mentions if "Léman" in m.text] == ["LOC"]


def test_quality_flags() -> None:
    assert FULL_NER_LANGUAGES == ("en", "fr")
    assert ner_quality("en") == "full"
    assert ner_quality("en-GB") == "full"
    assert ner_quality("FR") == "full"
    assert ner_quality("de") == "fallback"
    assert ner_quality("tr") == "fallback"
    assert ner_quality(None) == "fallback"


def test_german_fallback(extractor: EntityExtractor) -> None:
    assert extractor.quality("de") == "fallback"
    mentions = extractor.extract(DE_TEXT, "de")
    _assert_offsets(DE_TEXT, mentions)
    assert {m.label for m in mentions} == {"MISC"}
    assert any(m.text.endswith("Anton Revic") for m in mentions)
    assert any(m.text == "Deutschen Presse-Agentur" for m in mentions)
    # German capitalises every noun: a lone common noun is not taken for a name.
    assert not any(m.text in ("Hauptstadt", "Angaben", "Hause", "Montag") for m in mentions)


def test_turkish_fallback_strips_case_endings(extractor: EntityExtractor) -> None:
    mentions = extractor.extract(TR_TEXT, "tr")
    _assert_offsets(TR_TEXT, mentions)
    assert {m.label for m in mentions} == {"MISC"}
    assert "Ankara" in {m.text for m in mentions}  # "Ankara'dan" → "Ankara"
    assert any("Anton Revic" in m.text for m in mentions)


def test_batch_keeps_order_and_handles_empty_texts(extractor: EntityExtractor) -> None:
    texts = [EN_TEXT, "", TR_TEXT, "   ", FR_TEXT, EN_TEXT]
    result = extractor.extract_batch(texts, ["en", "en", "tr", None, "fr", "en"])
    assert len(result) == len(texts)
    assert result[1] == [] and result[3] == []
    assert result[0] == result[5] == extractor.extract(EN_TEXT, "en")
    assert result[2] == extractor.extract(TR_TEXT, "tr")
    assert result[4] == extractor.extract(FR_TEXT, "fr")
    with pytest.raises(ValueError):
        extractor.extract_batch(texts, ["en"])


STOP_WORDS = {"the", "he", "she", "it", "i", "us", "and", "was", "said", "so"}


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("He said it was over.", False),
        ("The ferry left at 9:40 with 212 passengers.", False),  # numbers are not names
        ("I think so, she said.", False),  # capitalised stop words
        ("Officials in Ostreva said it was over.", True),
        ("It was over, Revic said.", True),
        ("US officials agreed.", True),  # an acronym, though "us" is a stop word
        ("it rained on the iPhone launch.", True),  # a capital inside a word
    ],
)
def test_a_sentence_may_hold_a_name_when_a_word_other_than_a_stop_word_is_capitalised(
    sentence: str, expected: bool
) -> None:
    assert may_hold_a_name(sentence, STOP_WORDS) is expected


def test_name_regions_are_runs_of_sentences_that_may_hold_a_name() -> None:
    sentences = ["Revic left Rome.", "He was tired.", "It rained.", "Varga met him.", "Vienna was cold."]
    text = " ".join(sentences)
    spans, at = [], 0
    for sentence in sentences:
        spans.append((at, at + len(sentence)))
        at += len(sentence) + 1
    regions = name_regions(text, spans, STOP_WORDS)
    assert [text[start:end] for start, end in regions] == [
        "Revic left Rome.",
        "Varga met him. Vienna was cold.",
    ]


def test_ner_on_name_bearing_sentences_keeps_exact_offsets(extractor: EntityExtractor) -> None:
    text = (
        "Anton Revic arrived in Rome on Monday. it rained all day and nobody came to the station. "
        "He waited for an hour.\n\nIlse Varga met him in Vienna on Tuesday."
    )
    sentences = []
    for part in ("Anton Revic arrived", "it rained", "He waited", "Ilse Varga met"):
        start = text.index(part)
        end = text.index(".", start) + 1
        sentences.append((start, end))
    trimmed = extractor.extract_batch([text], ["en"], [sentences])[0]
    _assert_offsets(text, trimmed)
    assert {"Anton Revic", "Rome", "Ilse Varga", "Vienna"} <= {m.text for m in trimmed}
    # With no sentence list the model reads everything, and here finds nothing more.
    assert _pairs(extractor.extract(text, "en")) == _pairs(trimmed)


def test_undeclared_language_is_guessed(extractor: EntityExtractor) -> None:
    assert extractor.extract(EN_TEXT, None) == extractor.extract(EN_TEXT, "en")
    assert extractor.extract(FR_TEXT, None) == extractor.extract(FR_TEXT, "fr")


def test_chunks_cover_the_text_within_the_limit() -> None:
    paragraph = "Anton Revic spoke in Rome. " * 40  # ~1,000 characters
    text = "\n\n".join([paragraph] * 300)  # ~300,000 characters
    parts = list(chunks(text, 100_000))
    assert len(parts) >= 3
    assert "".join(chunk for _, chunk in parts) == text
    for offset, chunk in parts:
        assert len(chunk) <= 100_000
        assert text[offset : offset + len(chunk)] == chunk
    # One paragraph longer than the limit is cut after a sentence, never inside a word.
    long_para = "Ostreva recalled its envoy. " * 5000
    for offset, chunk in chunks(long_para, 10_000):
        assert len(chunk) <= 10_000
        assert offset == 0 or long_para[offset - 2 : offset] == ". "


def test_long_text_processed_in_chunks_with_exact_offsets() -> None:
    paragraph = "Anton Revic met Ilse Varga in Vienna on Monday, and they talked about trade with Italy."
    text = "\n\n".join([paragraph] * 40)
    whole = EntityExtractor().extract(text, "en")
    chunked = EntityExtractor(chunk_chars=500).extract(text, "en")
    _assert_offsets(text, chunked)
    assert len(list(chunks(text, 500))) > 5
    assert chunked == whole
    starts = [m.start for m in chunked if m.text == "Anton Revic"]
    assert starts == [i * (len(paragraph) + 2) for i in range(40)]


def test_extraction_is_stable(extractor: EntityExtractor) -> None:
    first = extractor.extract_batch([EN_TEXT, FR_TEXT, DE_TEXT], ["en", "fr", "de"])
    again = EntityExtractor(batch_size=1).extract_batch([EN_TEXT, FR_TEXT, DE_TEXT], ["en", "fr", "de"])
    assert first == again


# --- aliases ---------------------------------------------------------------------------------------


def _article(article_id: str, text: str, spans: list[tuple[str, str]], source: str | None = None):
    """An article with hand-made mentions: each (surface, label) is found left to right in the text."""
    mentions, pos = [], 0
    for surface, label in spans:
        start = text.index(surface, pos)
        mentions.append(Mention(start, start + len(surface), surface, label))
        pos = start + len(surface)
    return ArticleMentions(article_id, text, mentions, source)


def _key_of(resolved, surface: str, nth: int = 0) -> str | None:
    found = [r.key for r in resolved if r.text == surface]
    return found[nth] if len(found) > nth else None


def test_normalised_spelling() -> None:
    assert normalise_name("Jo Song-gil") == normalise_name("JO SONG GIL") == "jo song gil"
    assert normalise_name("Jo  Song Gil") == "jo song gil"
    assert normalise_name("Revic’s") == "revic"
    assert normalise_name("The Ostrevan Senate") == "ostrevan senate"
    assert normalise_name("Theresa Lund") == "theresa lund"
    assert normalise_name("Renée Čapek") == "renee capek"


def test_spelling_variants_share_a_key() -> None:
    story = [
        _article("a", "Jo Song Gil arrived late.", [("Jo Song Gil", "PERSON")]),
        _article("b", "Envoy Jo Song-gil arrived late.", [("Jo Song-gil", "PERSON")]),
        _article("c", "JO SONG GIL ARRIVED LATE.", [("JO SONG GIL", "PERSON")]),
    ]
    assert keys(story) == [["jo song gil"], ["jo song gil"], ["jo song gil"]]


def test_surname_after_full_name() -> None:
    story = [
        _article(
            "a",
            "Jo Song Gil met Ilse Varga in Velgrad. Jo said little; Mr. Jo left early. Varga stayed.",
            [
                ("Jo Song Gil", "PERSON"),
                ("Ilse Varga", "PERSON"),
                ("Velgrad", "GPE"),
                ("Jo", "PERSON"),
                ("Jo", "ORG"),  # the small model's label noise: "Mr." still marks a person
                ("Varga", "GPE"),
            ],
        ),
        _article("b", "Varga later denied it.", [("Varga", "PERSON")]),
    ]
    a, b = keys(story)
    assert a == ["jo song gil", "ilse varga", "velgrad", "jo song gil", "jo song gil", "ilse varga"]
    assert b == ["ilse varga"]  # same story, another article
    rules = [r.rule for r in resolve(story)[0]]
    assert rules.count("surname") == 3


def test_shared_surname_stays_ambiguous() -> None:
    story = [
        _article(
            "a",
            "Ilse Varga and Marta Varga, two Ostrevan lawmakers, disagreed. Varga voted against.",
            [("Ilse Varga", "PERSON"), ("Marta Varga", "PERSON"), ("Ostrevan", "NORP"), ("Varga", "PERSON")],
        ),
        _article("b", "Ms. Varga declined to comment.", [("Varga", "PERSON")]),
    ]
    a, b = keys(story)
    assert a[:2] == ["ilse varga", "marta varga"]
    assert a[3] == b[0] == "varga"
    assert resolve(story)[1][0].rule == "ambiguous-surname"


def test_surname_does_not_swallow_a_country() -> None:
    story = [
        _article(
            "a",
            "Lina Jordan spoke. Jordan closed its border.",
            [("Lina Jordan", "PERSON"), ("Jordan", "GPE")],
        )
    ]
    assert keys(story) == [["lina jordan", "jordan"]]


ROLE_TEXT_1 = (
    "Anton Revic, the acting ambassador of Ostreva to Italy, was recalled on Monday. "
    "The ambassador had served in Rome for six years. The minister did not comment."
)
ROLE_TEXT_2 = "The diplomat, Anton Revic, left Rome by train. Later the diplomat told reporters he was tired."


def test_role_nouns_follow_apposition() -> None:
    story = [
        _article("a", ROLE_TEXT_1, [("Anton Revic", "PERSON"), ("Ostreva", "GPE"), ("Italy", "GPE")]),
        _article("b", ROLE_TEXT_2, [("Anton Revic", "PERSON"), ("Rome", "GPE")]),
    ]
    a, b = resolve(story)
    roles_a = [(r.text, r.key) for r in a if r.rule == "role"]
    roles_b = [(r.text, r.key) for r in b if r.rule == "role"]
    assert roles_a == [("The ambassador", "anton revic")]
    assert roles_b == [("the diplomat", "anton revic")]
    for r in a + b:
        assert (story[0] if r.article_id == "a" else story[1]).text[r.start : r.end] == r.text
    # "the minister" has no antecedent: no entity at all.
    assert not any("minister" in r.text.lower() for r in a)
    # The introducing phrases themselves are not counted again.
    assert not any(r.text.lower().endswith("acting ambassador") for r in a)


def test_role_noun_covers_narrower_roles_only() -> None:
    # "the diplomat" may be the ambassador; "the ambassador" may not be a mere diplomat.
    story = [
        _article(
            "a",
            "Anton Revic, Ostreva's ambassador to Italy, resigned. The diplomat gave no reason.",
            [("Anton Revic", "PERSON"), ("Ostreva", "GPE"), ("Italy", "GPE")],
        ),
        _article(
            "b",
            "Ilse Varga, a junior diplomat, stayed. The ambassador was not available.",
            [("Ilse Varga", "PERSON")],
        ),
    ]
    a, b = resolve(story)
    assert [(r.text, r.key) for r in a if r.rule == "role"] == [("The diplomat", "anton revic")]
    assert [(r.text, r.key) for r in b if r.rule == "role"] == [("The ambassador", "anton revic")]


def test_role_noun_with_two_candidates() -> None:
    story = [
        _article(
            "a",
            "Anton Revic, the ambassador to Italy, met Lea Moss, the ambassador to Spain. "
            "The ambassador to Spain spoke first.",
            [("Anton Revic", "PERSON"), ("Italy", "GPE"), ("Lea Moss", "PERSON"), ("Spain", "GPE")],
        ),
        _article("b", "The ambassador declined to comment.", []),
    ]
    a, b = resolve(story)
    # In "a" the nearest earlier introduction wins; in "b" nothing precedes it: no entity.
    assert [r.key for r in a if r.rule == "role"] == ["lea moss"]
    assert [r for r in b if r.rule == "role"] == []


def test_title_before_name_introduces_a_role() -> None:
    story = [
        _article(
            "a",
            "Ambassador Anton Revic arrived. The ambassador smiled.",
            [("Anton Revic", "PERSON")],
        )
    ]
    (a,) = resolve(story)
    assert [(r.text, r.key) for r in a if r.rule == "role"] == [("The ambassador", "anton revic")]


def test_country_forms() -> None:
    text_a = (
        "North Korea tested a rocket. N. Korea said it was routine. Pyongyang warned Ostreva, and "
        "Pyongyang's envoy left. North Korean media were silent. Talks in Pyongyang stalled."
    )
    text_b = "Officials in the North declined to comment. The North said nothing more."
    story = [
        _article(
            "a",
            text_a,
            [
                ("North Korea", "GPE"),
                ("N. Korea", "GPE"),
                ("Pyongyang", "GPE"),
                ("Ostreva", "GPE"),
                ("Pyongyang", "GPE"),
                ("North Korean", "NORP"),
                ("Pyongyang", "GPE"),
            ],
        ),
        # The model may or may not tag "the North": first as a mention, then from the text alone.
        _article("b", text_b, [("North", "LOC")]),
    ]
    a, b = resolve(story)
    by_rule = [(r.text, r.key, r.rule) for r in a]
    assert by_rule == [
        ("North Korea", "north korea", "name"),
        ("N. Korea", "north korea", "country"),
        ("Pyongyang", "north korea", "capital"),  # subject of "warned"
        ("Ostreva", "ostreva", "name"),
        ("Pyongyang", "north korea", "capital"),  # possessive
        ("North Korean", "north korea", "demonym"),
        ("Pyongyang", "pyongyang", "name"),  # a place here, not an actor
    ]
    assert [(r.text, r.key) for r in b] == [("North", "north korea"), ("North", "north korea")]
    assert [r.mention_index for r in b] == [0, None]


def test_the_north_is_ambiguous_with_two_northern_countries() -> None:
    story = [
        _article(
            "a",
            "North Korea and North Macedonia signed a deal. The North said it was pleased.",
            [("North Korea", "GPE"), ("North Macedonia", "GPE"), ("North", "LOC")],
        )
    ]
    (a,) = resolve(story)
    assert [r.key for r in a] == ["north korea", "north macedonia", "north"]


def test_united_states_forms() -> None:
    forms = ["U.S.", "US", "United States", "the United States", "America", "USA", "Americans", "American"]
    for form in forms:
        assert country_key(normalise_name(form)) == "united states", form
    assert country_key(normalise_name("S. Korea")) == "south korea"
    assert country_key(normalise_name("South Korean")) == "south korea"
    assert country_key(normalise_name("Ostreva")) is None
    text = "The U.S. and the US Navy agreed; America said Washington said so too."
    story = [_article("a", text, [("U.S.", "GPE"), ("US", "GPE"), ("America", "GPE"), ("Washington", "GPE")])]
    assert keys(story) == [["united states"] * 4]


def test_acronym_takes_the_spelled_out_key() -> None:
    story = [
        _article(
            "a",
            "The Ostrevan Fisheries Board (OFB) met. The OFB said quotas would fall.",
            [("The Ostrevan Fisheries Board", "ORG"), ("OFB", "ORG"), ("OFB", "ORG")],
        )
    ]
    assert keys(story) == [["ostrevan fisheries board"] * 3]


def test_keys_are_stable_and_order_independent() -> None:
    story = [
        _article("a", ROLE_TEXT_1, [("Anton Revic", "PERSON"), ("Ostreva", "GPE"), ("Italy", "GPE")]),
        _article("b", ROLE_TEXT_2, [("Anton Revic", "PERSON"), ("Rome", "GPE")]),
        _article(
            "c",
            "Ilse Varga and Marta Varga met. Varga spoke. N. Korea watched.",
            [("Ilse Varga", "PERSON"), ("Marta Varga", "PERSON"), ("Varga", "PERSON"), ("N. Korea", "GPE")],
        ),
    ]
    first = resolve(story)
    assert resolve(story) == first
    reversed_ = resolve(list(reversed(story)))
    assert list(reversed(reversed_)) == first
    assert entity_table(story) == entity_table(list(reversed(story)))


def test_entity_table_counts_sources() -> None:
    story = [
        _article(
            "a2", "Anton Revic left Rome.", [("Anton Revic", "PERSON"), ("Rome", "GPE")], "Velgrad Post"
        ),
        _article(
            "a1",
            "Revic was recalled by Ostreva.",
            [("Revic", "PERSON"), ("Ostreva", "GPE")],
            "Daily Ostrevan",
        ),
        _article("a3", "Mr. Revic declined to comment.", [("Revic", "PERSON")], "Velgrad Post"),
    ]
    table = entity_table(story)
    top = table[0]
    assert top == {
        "key": "anton revic",
        "label": "PERSON",
        "names": ["Anton Revic", "Revic"],
        "articles": ["a1", "a2", "a3"],
        "sources": 2,  # two articles of the Velgrad Post count once
        "mentions": 3,
    }
    assert {row["key"] for row in table} == {"anton revic", "rome", "ostreva"}
    assert all(row["sources"] == 1 for row in table[1:])


def test_end_to_end_with_the_models(extractor: EntityExtractor) -> None:
    texts = {
        "a": (
            "Anton Revic, the acting ambassador of Ostreva to Italy, was recalled on Monday. "
            "The ambassador had served in Rome for six years. Revic said he would return home.",
            "en",
        ),
        "b": ("The diplomat, Anton Revic, left Rome by train. North Korea was not involved.", "en"),
        "c": ("Le diplomate Anton Revic a quitté Rome mardi.", "fr"),
    }
    mentions = extractor.extract_batch([t for t, _ in texts.values()], [lang for _, lang in texts.values()])
    story = [
        ArticleMentions(aid, text, ms, f"outlet-{aid}")
        for (aid, (text, _)), ms in zip(texts.items(), mentions, strict=True)
    ]
    table = {row["key"]: row for row in entity_table(story)}
    assert table["anton revic"]["sources"] == 3
    assert {"Anton Revic", "Revic", "The ambassador"} <= set(table["anton revic"]["names"])
    assert table["rome"]["articles"] == ["a", "b", "c"]
