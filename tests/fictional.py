"""Small fictional corpora shared by the stage tests (clustering, comparison, summaries, similarity).

The ``corpus`` fixture in ``conftest.py`` enriches them all once per test session.
"""

from __future__ import annotations

from typing import Any

from storyline.model import Article


def article(id_: str, source: str, published: str, title: str, text: str | list[str]) -> Article:
    """An article; ``text`` may be given as a list of sentences."""
    if isinstance(text, list):
        text = " ".join(text)
    return Article(id=id_, source=source, published=published, title=title, text=text)


def hollvik_fire() -> list[Article]:
    """A timber-yard fire in Hollvik, early March."""
    return [
        article(
            "hollvik-1",
            "North Herald",
            "2031-03-02",
            "Fire destroys timber yard in Hollvik",
            [
                "A fire destroyed the Bergstrand timber yard in Hollvik on Saturday night.",
                "Firefighters from Hollvik and two neighbouring villages fought the blaze for nine hours.",
                "Fire chief Oskar Lind said the flames spread quickly through stacks of dry pine.",
                "No one was injured, but the yard's owner estimated the damage at 4 million crowns.",
            ],
        ),
        article(
            "hollvik-2",
            "Coast Daily",
            "2031-03-02",
            "Hollvik timber yard burns overnight",
            [
                "The Bergstrand timber yard in Hollvik burned down overnight on Saturday.",
                "Fire chief Oskar Lind said crews battled the flames until dawn.",
                "Residents of Hollvik were told to keep windows closed because of the smoke.",
                "Police are investigating the cause of the fire.",
            ],
        ),
        article(
            "hollvik-3",
            "Valley Tribune",
            "2031-03-03",
            "Police probe cause of Hollvik yard fire",
            [
                "Police in Hollvik are investigating what started "
                "Saturday's fire at the Bergstrand timber yard.",
                "The blaze took nine hours to put out, fire chief Oskar Lind said.",
                "The yard employed 25 workers, who will be paid while it is rebuilt.",
            ],
        ),
        article(
            "hollvik-4",
            "Radio Nord",
            "2031-03-04",
            "Hollvik yard owner vows to rebuild after fire",
            [
                "The owner of the Bergstrand timber yard in Hollvik said on "
                "Monday he would rebuild after Saturday's fire.",
                "Fire chief Oskar Lind said stacks of dry pine fed the flames.",
                "The yard's 25 workers met the owner on Monday.",
            ],
        ),
    ]


def dunmere_fire() -> list[Article]:
    """A school fire in Dunmere, a month after the Hollvik fire."""
    return [
        article(
            "dunmere-1",
            "North Herald",
            "2031-04-05",
            "Blaze guts school in Dunmere",
            [
                "A blaze gutted the Saint Elin primary school in Dunmere early on Friday.",
                "The school was empty when the fire broke out in the kitchen, headteacher Greta Sund said.",
                "About 300 pupils will be taught in the town hall from next week.",
            ],
        ),
        article(
            "dunmere-2",
            "Coast Daily",
            "2031-04-05",
            "Dunmere school destroyed by kitchen fire",
            [
                "Fire destroyed Saint Elin primary school in Dunmere on Friday morning.",
                "Headteacher Greta Sund said the fire started in the school kitchen before dawn.",
                "The 300 pupils will move to the Dunmere town hall.",
            ],
        ),
        article(
            "dunmere-3",
            "Valley Tribune",
            "2031-04-06",
            "Dunmere pupils move to town hall after school fire",
            [
                "Pupils of the burned Saint Elin school in Dunmere will "
                "start lessons in the town hall on Monday.",
                "Headteacher Greta Sund thanked firefighters and parents.",
                "Investigators believe a faulty oven in the kitchen caused the fire.",
            ],
        ),
        article(
            "dunmere-4",
            "Radio Nord",
            "2031-04-07",
            "Faulty oven blamed for Dunmere school fire",
            [
                "A faulty oven in the kitchen caused the fire that destroyed Saint "
                "Elin school in Dunmere, investigators said on Sunday.",
                "Headteacher Greta Sund said lessons for the 300 pupils would resume in the town hall.",
            ],
        ),
    ]


def kessel_election() -> list[Article]:
    return [
        article(
            "vote-1",
            "North Herald",
            "2031-03-20",
            "Greens win Kessel mayoral election",
            [
                "Ingrid Haug of the Green Party won the Kessel mayoral "
                "election on Sunday with 54 percent of the vote.",
                "Turnout was 61 percent, the election board said.",
                "Haug promised to expand the tram network.",
            ],
        ),
        article(
            "vote-2",
            "Coast Daily",
            "2031-03-20",
            "Haug elected mayor of Kessel",
            [
                "Green candidate Ingrid Haug was elected mayor of Kessel, "
                "winning 54 percent of the vote on Sunday.",
                "Her rival Per Vik conceded defeat late in the evening.",
                "Haug said her first task would be the tram network.",
            ],
        ),
        article(
            "vote-3",
            "Valley Tribune",
            "2031-03-21",
            "Kessel's new mayor sets out tram plans",
            [
                "Kessel's newly elected mayor Ingrid Haug set out plans on "
                "Monday to extend the tram network to the harbour.",
                "Haug won Sunday's election with 54 percent against Per Vik.",
            ],
        ),
        article(
            "vote-4",
            "Radio Nord",
            "2031-03-22",
            "Per Vik accepts defeat in Kessel vote",
            [
                "Per Vik said on Tuesday he accepted his defeat in the Kessel "
                "mayoral election and would stay on the city council.",
                "Ingrid Haug of the Greens won with 54 percent of the vote.",
            ],
        ),
    ]


GAZETTE_TEXT = (
    "A passenger ferry capsized off the island of Skarholm on Sunday evening. "
    "The coast guard said 12 people died when the ferry capsized. "
    "Captain Henrik Dalby, 61, was rescued from the water and taken to hospital. "
    "The storm forced about 2,000 residents of Skarholm to leave their homes. "
    "Nordlink bought the vessel from a Danish shipyard on March 3, 2019 for 30 million crowns."
)
COURIER_TEXT = (
    "A passenger ferry capsized near Skarholm island on Sunday evening during a storm. "
    "The coast guard said 14 people died when the ferry capsized. "
    "Captain Henrik Dalby, 66, survived and was taken to hospital. "
    "The storm forced 2,100 people in Skarholm to leave their homes. "
    "Divers from the navy began searching the wreck for the ship's data recorder on May 11."
)
GAZETTE_UNIQUE = "Nordlink bought the vessel from a Danish shipyard on March 3, 2019 for 30 million crowns."
COURIER_UNIQUE = "Divers from the navy began searching the wreck for the ship's data recorder on May 11."

OPINION_TEXT = (
    "We should stop pretending that the island ferries are safe. The operator has failed the islanders "
    "for years, and the ministry must finally act. It is shameful that passengers still board vessels older "
    "than their grandparents. Surely our coast deserves better than excuses? We have to demand a public "
    "inquiry now."
)
WIRE_TEXT = (
    "The coast guard said on Monday that the search for survivors of the Skarholm ferry had ended. "
    "According to police, the ferry carried 48 passengers. Nordlink confirmed that all crossings were "
    "suspended. A navy spokesman told reporters that divers had reached the wreck."
)


def ferry_reports() -> list[Article]:
    return [
        article("gazette", "Harbour Gazette", "2031-05-12", "Ferry capsizes off Skarholm", GAZETTE_TEXT),
        article(
            "courier", "Island Courier", "2031-05-12", "Deadly ferry accident near Skarholm", COURIER_TEXT
        ),
    ]


def pick(corpus: dict[str, Article], prefix: str) -> list[Article]:
    return [a for a in corpus.values() if a.id.startswith(prefix)]


def quotes_in(block: Any) -> list[dict[str, str]]:
    """Every {article_id, quote} found anywhere in a nested output block."""
    if isinstance(block, dict):
        found = [block] if "quote" in block and "article_id" in block else []
        return found + [q for value in block.values() for q in quotes_in(value)]
    if isinstance(block, list):
        return [q for item in block for q in quotes_in(item)]
    return []
