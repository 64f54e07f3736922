"""Quotes and attributions: direct speech, reported speech, "according to", outlets as sources."""

from __future__ import annotations

from storyline.enrich.quotes import find_quotes, speakers


def kinds(text: str) -> list[tuple[str, str | None, str]]:
    return [(q.kind, q.speaker, q.text) for q in find_quotes(text)]


def test_direct_quote_with_the_speaker_after() -> None:
    text = '"The pier will be rebuilt before the summer," said Lena Dahlqvist. The work starts soon.'
    [q] = find_quotes(text)
    assert (q.kind, q.speaker, q.text) == (
        "direct",
        "Lena Dahlqvist",
        "The pier will be rebuilt before the summer",
    )
    assert text[q.start : q.end] == q.text


def test_direct_quote_with_the_speaker_before_and_curly_quotes() -> None:
    text = "Harbour master Park Ji-ho said: “The ferries will run again on Monday.”"
    [q] = find_quotes(text)
    assert (q.kind, q.speaker) == ("direct", "Park Ji-ho")
    assert q.text == "The ferries will run again on Monday."


def test_pronoun_speaker_is_the_person_named_before() -> None:
    text = (
        'Nurse Aino Varjo worked through the night. "We had no power for six hours," she said. '
        '"The generators failed."'
    )
    first, second = find_quotes(text)
    assert first.speaker == "Aino Varjo"
    assert second.speaker == "Aino Varjo", "a quote right after an attributed one goes on in the same voice"


def test_pronoun_speaker_is_none_when_two_people_were_named() -> None:
    text = 'Aino Varjo met Pekka Lind at the station. "Nobody told us anything," he said.'
    [q] = find_quotes(text)
    assert q.speaker is None


def test_quote_spanning_sentences() -> None:
    text = '"The road is closed. It will stay closed until spring," the mayor said.'
    [q] = find_quotes(text)
    assert q.text == "The road is closed. It will stay closed until spring"
    assert q.speaker == "the mayor"


def test_scare_quotes_are_not_speech() -> None:
    assert find_quotes('The so-called "green deal" was dropped.') == []


def test_reported_speech() -> None:
    assert kinds("Fire chief Oskar Brandt said the blaze started in a storage shed.") == [
        ("reported", "Oskar Brandt", "the blaze started in a storage shed")
    ]
    assert kinds("The minister told reporters that the budget would be cut.") == [
        ("reported", "the minister", "the budget would be cut")
    ]
    assert kinds("Police warned that the coast road would close at noon.") == [
        ("reported", "police", "the coast road would close at noon")
    ]


def test_reported_speech_with_the_speaker_after_the_clause() -> None:
    assert kinds("The search will resume at dawn, coast guard spokesman Tor Vik said.") == [
        ("reported", "Tor Vik", "The search will resume at dawn")
    ]


def test_according_to() -> None:
    assert kinds("According to the port authority, 40 boats were damaged.") == [
        ("according_to", "the port authority", "40 boats were damaged")
    ]
    assert kinds("Turnout fell sharply, according to Mayor Ines Carvalho.") == [
        ("according_to", "Ines Carvalho", "Turnout fell sharply")
    ]


def test_outlets_as_sources() -> None:
    assert kinds("Reuters reports that the two sides have agreed a ceasefire.") == [
        ("outlet", "Reuters", "the two sides have agreed a ceasefire")
    ]
    assert kinds("The border crossing has reopened, reports the AP.") == [
        ("outlet", "AP", "The border crossing has reopened")
    ]
    assert kinds("The Morning Ledger newspaper said the envoy had left the capital.") == [
        ("outlet", "Morning Ledger", "the envoy had left the capital")
    ]


def test_citing_an_unnamed_source() -> None:
    found = kinds("The envoy will resign, Yonhap reported, citing an unidentified diplomatic source.")
    assert ("outlet", "Yonhap", "The envoy will resign") in found
    assert ("according_to", "an unidentified diplomatic source", "The envoy will resign") in found


def test_speakers_fold_surnames_into_full_names_and_keep_order() -> None:
    text = (
        '"We saw the wave coming," said Kim Sun-hee. Fire chief Oskar Brandt said crews arrived late. '
        "Kim said she would stay in the village. Brandt said the road was blocked. "
        "Officials said the town would be rebuilt."
    )
    assert speakers(text) == ["Kim Sun-hee", "Oskar Brandt"]
