"""Entity keys across the articles of one story: which mentions name the same person, place or body.

:func:`resolve` gives every mention a key, a normalised canonical name ("jo song gil", "north korea"),
so that a story can count how many sources speak of each entity. The rules, in order:

* **Spelling.** Case, hyphens, spacing, periods, diacritics, a leading "the" and a possessive "'s" are
  normalised away: "Jo Song-gil", "JO SONG GIL" and "Jo Song Gil" are one key.
* **Countries.** Abbreviations ("N. Korea", "U.S.", "UK"), demonyms ("North Korean", "Americans"), a
  capital used as an actor ("Pyongyang said", "Pyongyang's envoy") and "the North"/"the South" (when the
  story has exactly one country with that prefix) take the country's key.
* **Acronyms.** "WHO" takes the key of "World Health Organization" when the story spells that out.
* **Surnames.** A one-word person reference ("Varga", "Mr. Jo") takes the key of the one full name in
  the story that starts or ends with it; shared by two full names, it stays ambiguous (its own key).
* **Role nouns.** "the diplomat", "the ambassador", "the minister" … refer to the person the story
  introduced with that role by apposition ("X, the acting ambassador to Italy", "The diplomat, X,",
  "Ambassador X"). Such references are added as extra resolved spans; without an antecedent (or with
  two different ones) a role noun gets no entity.

Keys depend only on the texts: no counters, no randomness, no dependence on the order of the articles.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from storyline.enrich.entities import Mention

# ---------------------------------------------------------------------------------------------------
# Small gazetteer. Not exhaustive: a few dozen common countries with their usual short forms, capitals
# and demonyms, enough for the country rules; unknown names still get a normalised key of their own.

COUNTRY_ALIASES: dict[str, tuple[str, ...]] = {
    "united states": ("us", "usa", "united states of america", "america", "the states"),
    "united kingdom": ("uk", "britain", "great britain", "gb"),
    "north korea": ("dprk", "democratic people's republic of korea"),
    "south korea": ("rok", "republic of korea", "korea republic"),
    "china": ("prc", "people's republic of china", "mainland china"),
    "russia": ("russian federation",),
    "united arab emirates": ("uae",),
    "netherlands": ("holland",),
    "czech republic": ("czechia",),
    "turkey": ("turkiye", "türkiye"),
    "ivory coast": ("cote d'ivoire", "côte d'ivoire"),
    "ukraine": (),
    "japan": (),
    "taiwan": (),
    "vietnam": ("viet nam",),
    "india": (),
    "pakistan": (),
    "afghanistan": (),
    "iran": (),
    "iraq": (),
    "syria": (),
    "israel": (),
    "lebanon": (),
    "jordan": (),
    "egypt": (),
    "saudi arabia": (),
    "qatar": (),
    "yemen": (),
    "france": (),
    "germany": (),
    "italy": (),
    "spain": (),
    "portugal": (),
    "belgium": (),
    "switzerland": (),
    "austria": (),
    "poland": (),
    "greece": (),
    "sweden": (),
    "norway": (),
    "denmark": (),
    "finland": (),
    "ireland": (),
    "canada": (),
    "mexico": (),
    "brazil": (),
    "argentina": (),
    "colombia": (),
    "venezuela": (),
    "cuba": (),
    "australia": (),
    "indonesia": (),
    "philippines": (),
    "thailand": (),
    "nigeria": (),
    "kenya": (),
    "ethiopia": (),
    "south africa": (),
    "north macedonia": (),
    "south sudan": ("s sudan",),
    "sudan": (),
}
CAPITALS: dict[str, str] = {
    "washington": "united states",
    "london": "united kingdom",
    "pyongyang": "north korea",
    "seoul": "south korea",
    "beijing": "china",
    "moscow": "russia",
    "kyiv": "ukraine",
    "kiev": "ukraine",
    "tokyo": "japan",
    "taipei": "taiwan",
    "hanoi": "vietnam",
    "new delhi": "india",
    "islamabad": "pakistan",
    "kabul": "afghanistan",
    "tehran": "iran",
    "baghdad": "iraq",
    "damascus": "syria",
    "jerusalem": "israel",
    "beirut": "lebanon",
    "amman": "jordan",
    "cairo": "egypt",
    "riyadh": "saudi arabia",
    "doha": "qatar",
    "paris": "france",
    "berlin": "germany",
    "rome": "italy",
    "madrid": "spain",
    "lisbon": "portugal",
    "brussels": "belgium",
    "bern": "switzerland",
    "vienna": "austria",
    "warsaw": "poland",
    "athens": "greece",
    "stockholm": "sweden",
    "oslo": "norway",
    "copenhagen": "denmark",
    "helsinki": "finland",
    "dublin": "ireland",
    "ottawa": "canada",
    "mexico city": "mexico",
    "brasilia": "brazil",
    "buenos aires": "argentina",
    "bogota": "colombia",
    "caracas": "venezuela",
    "havana": "cuba",
    "canberra": "australia",
    "jakarta": "indonesia",
    "manila": "philippines",
    "bangkok": "thailand",
    "abuja": "nigeria",
    "nairobi": "kenya",
    "addis ababa": "ethiopia",
    "pretoria": "south africa",
    "ankara": "turkey",
    "abu dhabi": "united arab emirates",
    "prague": "czech republic",
    "skopje": "north macedonia",
    "khartoum": "sudan",
    "juba": "south sudan",
}
DEMONYMS: dict[str, str] = {
    "american": "united states",
    "british": "united kingdom",
    "briton": "united kingdom",
    "north korean": "north korea",
    "south korean": "south korea",
    "chinese": "china",
    "russian": "russia",
    "ukrainian": "ukraine",
    "japanese": "japan",
    "taiwanese": "taiwan",
    "vietnamese": "vietnam",
    "indian": "india",
    "pakistani": "pakistan",
    "afghan": "afghanistan",
    "iranian": "iran",
    "iraqi": "iraq",
    "syrian": "syria",
    "israeli": "israel",
    "lebanese": "lebanon",
    "jordanian": "jordan",
    "egyptian": "egypt",
    "saudi": "saudi arabia",
    "qatari": "qatar",
    "yemeni": "yemen",
    "french": "france",
    "german": "germany",
    "italian": "italy",
    "spanish": "spain",
    "portuguese": "portugal",
    "belgian": "belgium",
    "swiss": "switzerland",
    "austrian": "austria",
    "polish": "poland",
    "greek": "greece",
    "swedish": "sweden",
    "norwegian": "norway",
    "danish": "denmark",
    "finnish": "finland",
    "irish": "ireland",
    "canadian": "canada",
    "mexican": "mexico",
    "brazilian": "brazil",
    "argentine": "argentina",
    "argentinian": "argentina",
    "colombian": "colombia",
    "venezuelan": "venezuela",
    "cuban": "cuba",
    "australian": "australia",
    "indonesian": "indonesia",
    "filipino": "philippines",
    "thai": "thailand",
    "nigerian": "nigeria",
    "kenyan": "kenya",
    "ethiopian": "ethiopia",
    "south african": "south africa",
    "turkish": "turkey",
    "emirati": "united arab emirates",
    "czech": "czech republic",
    "dutch": "netherlands",
    "sudanese": "sudan",
    "south sudanese": "south sudan",
}
_COUNTRY_BY_ALIAS: dict[str, str] = {}
for _country, _aliases in COUNTRY_ALIASES.items():
    _COUNTRY_BY_ALIAS[_country] = _country
    for _alias in _aliases:
        _COUNTRY_BY_ALIAS[_alias] = _country
# Generic compass abbreviations: "N. Korea" → "north korea", "S. Sudan" → "south sudan".
_COMPASS = {"n": "north", "s": "south", "e": "east", "w": "west"}

# Verbs (and auxiliaries before them) that make a capital the actor: "Pyongyang warned", "Seoul has said".
_ACTOR_VERBS = (
    "said|says|say|announced|announces|warned|warns|worried|worries|replaced|replaces|accused|accuses|"
    "denied|denies|insisted|insists|demanded|demands|rejected|rejects|threatened|threatens|responded|"
    "responds|condemned|condemns|urged|urges|confirmed|confirms|claimed|claims|declared|declares|"
    "protested|protests|recalled|recalls|expelled|expels|refused|refuses|agreed|agrees|wants|wanted|"
    "called|calls|argued|argues|insisted|signalled|signaled|vowed|vows|retaliated|sanctioned|"
    "appointed|appoints|dismissed|fired|ordered|orders|launched|launches|blamed|blames|welcomed|"
    "welcomes|criticised|criticized|responded|hit back|fears|feared|is worried|was worried|is concerned|"
    "was concerned"
)
_ACTOR_AFTER = re.compile(
    r"^(?:['’]s?\b|\s+(?:(?:has|have|had|is|was|would|will|may|might|could|also|again|then|later|now|"
    rf"quickly|reportedly|swiftly|promptly|immediately|has since|had already)\s+)*(?:{_ACTOR_VERBS})\b)",
    re.I,
)
_NORTH_SOUTH = re.compile(r"\b[Tt]he\s+(North|South)\b(?!\s*-?\s*[A-Z])(?:['’]s)?")

# ---------------------------------------------------------------------------------------------------
# Names.

_HONORIFICS = {
    "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "professor", "sir", "dame", "lord", "lady", "m", "mme",
    "mlle", "herr", "frau", "sr", "sra", "sig", "signor", "signora", "president", "ambassador", "minister",
    "general", "gen", "col", "capt", "rev", "senator", "sen", "rep", "gov", "governor", "mayor", "judge",
}  # fmt: skip
_TITLE_BEFORE = re.compile(
    r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sir|Dame|Lord|Lady|M|Mme|Mlle|Herr|Frau)\.?\s+$",
)
_SPACES = re.compile(r"\s+")
_DROP = re.compile(r"[^\w\s'&]")
_PERSONISH = {"PERSON", "ORG", "GPE", "NORP", "MISC", "LOC", "FAC"}


def _fold(text: str) -> str:
    """Case-folded, accent-stripped, with typographic apostrophes made plain."""
    text = unicodedata.normalize("NFKD", text.replace("’", "'").replace("‘", "'"))
    return "".join(c for c in text if not unicodedata.combining(c)).casefold()


# Comparison normalises the same names once per pair of sentences or values: cached.
@lru_cache(maxsize=1 << 16)
def normalise_name(text: str) -> str:
    """The spelling-free form of a name: "JO Song-gil" → "jo song gil", "the U.S." → "us"."""
    text = _fold(text)
    text = re.sub(r"['](?:s)?$", "", text.strip())  # possessive
    text = re.sub(r"(?<=\w)\.(?=\w\.)|(?<=\b\w)\.", "", text)  # "u.s." → "us", "n. korea" → "n korea"
    text = re.sub(r"[-‐‑–—_/]", " ", text)
    text = _DROP.sub(" ", text)
    text = _SPACES.sub(" ", text).strip()
    text = re.sub(r"^(?:(?:the|le|la|les)\s+|l'\s*)(?=\w)", "", text).strip()
    return text


def country_key(name: str) -> str | None:
    """The country a normalised name (country, abbreviation or demonym) stands for, if the table knows."""
    found = _country(name)
    return found[0] if found else None


def _country(name: str) -> tuple[str, str] | None:
    """``(country, rule)``: rule "name", "country" (an alias or abbreviation) or "demonym"."""
    if name in _COUNTRY_BY_ALIAS:
        country = _COUNTRY_BY_ALIAS[name]
        return country, "name" if country == name else "country"
    words = name.split()
    if len(words) > 1 and words[0] in _COMPASS:
        expanded = " ".join([_COMPASS[words[0]], *words[1:]])
        if expanded in _COUNTRY_BY_ALIAS:
            return _COUNTRY_BY_ALIAS[expanded], "country"
        name = expanded
    # Plurals: "Americans", "North Koreans".
    for form in (name, name[:-1] if name.endswith("s") else None, name[:-2] if name.endswith("es") else None):
        if form and form in DEMONYMS:
            return DEMONYMS[form], "demonym"
    return None


def _strip_honorifics(words: list[str]) -> list[str]:
    while len(words) > 1 and words[0] in _HONORIFICS:
        words = words[1:]
    return words


# ---------------------------------------------------------------------------------------------------
# Role nouns.

# A role noun refers back to a person introduced with any role it covers: "the diplomat" can be the
# ambassador; "the ambassador" is only an ambassador.
ROLE_COVERS: dict[str, frozenset[str]] = {
    "diplomat": frozenset({"diplomat", "ambassador", "envoy", "consul", "attache", "charge d'affaires"}),
    "ambassador": frozenset({"ambassador"}),
    "envoy": frozenset({"envoy", "ambassador"}),
    "consul": frozenset({"consul"}),
    "minister": frozenset({"minister"}),
    "prime minister": frozenset({"prime minister", "premier"}),
    "premier": frozenset({"prime minister", "premier"}),
    "president": frozenset({"president"}),
    "chancellor": frozenset({"chancellor"}),
    "spokesperson": frozenset({"spokesperson", "spokesman", "spokeswoman"}),
    "spokesman": frozenset({"spokesperson", "spokesman"}),
    "spokeswoman": frozenset({"spokesperson", "spokeswoman"}),
    "mayor": frozenset({"mayor"}),
    "governor": frozenset({"governor"}),
    "senator": frozenset({"senator"}),
    "general": frozenset({"general"}),
    "commander": frozenset({"commander", "general"}),
    "judge": frozenset({"judge"}),
    "prosecutor": frozenset({"prosecutor"}),
    "chief executive": frozenset({"chief executive", "ceo"}),
    "ceo": frozenset({"chief executive", "ceo"}),
    "chairman": frozenset({"chairman", "chair"}),
    "chairwoman": frozenset({"chairwoman", "chair"}),
    "director": frozenset({"director"}),
    "negotiator": frozenset({"negotiator"}),
    "secretary": frozenset({"secretary"}),
    "coach": frozenset({"coach"}),
    "captain": frozenset({"captain"}),
    # French
    "diplomate": frozenset({"diplomate", "ambassadeur", "ambassadrice", "diplomat", "ambassador"}),
    "ambassadeur": frozenset({"ambassadeur", "ambassador"}),
    "ambassadrice": frozenset({"ambassadrice", "ambassador"}),
    "ministre": frozenset({"ministre", "minister"}),
    "president(e)": frozenset({"président", "présidente", "president"}),
}
_ROLE_WORDS = sorted(
    {w for covers in ROLE_COVERS.values() for w in covers} | set(ROLE_COVERS) - {"president(e)"}
    | {"président", "présidente"},
    key=lambda w: (-len(w), w),
)  # fmt: skip
_ROLE = "(?:" + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in _ROLE_WORDS) + ")"
# "Anton Revic, the acting ambassador of Ostreva to Italy" / "Anton Revic, Ostreva's ambassador".
_APPOSITION_AFTER = re.compile(
    r"^\s*,\s+(?:(?:the|a|an|its|his|her|their|le|la|l['’]|un|une|[A-Z][\w-]*['’]s)\s*)?"
    rf"(?:[\w'’-]+\s+){{0,4}}?(?P<role>{_ROLE})\b",
    re.I,
)
# "The diplomat, Anton Revic," / "Ostreva's ambassador, Anton Revic," / "Ambassador Anton Revic".
_APPOSITION_BEFORE = re.compile(
    rf"(?:\b(?:the|le|la|l['’]|[A-Z][\w-]*['’]s)\s*(?:[\w'’-]+\s+){{0,3}}?(?P<role>{_ROLE})\s*,\s*"
    rf"|\b(?P<title>{_ROLE})\s+)$",
    re.I,
)
_MODIFIERS = r"(?:(?:acting|former|new|veteran|senior|outgoing|embattled|longtime|seasoned|same|top)\s+)?"
_ROLE_REFERENCE = re.compile(rf"\b(?:the|le|la|l['’])\s*{_MODIFIERS}(?P<role>{_ROLE})\b", re.I)
_ROLE_HEADS = {"prime minister", "chief executive", "charge d'affaires"}


def _role_head(role: str) -> str:
    role = _SPACES.sub(" ", _fold(role))
    if role in _ROLE_HEADS:
        return role
    return role.split()[-1]


def _covers(reference: str) -> frozenset[str]:
    ref = _role_head(reference)
    if ref in ("president", "presidente"):
        return ROLE_COVERS["president(e)"] | ROLE_COVERS["president"] | {"president", "presidente"}
    folded = {_fold(w) for w in ROLE_COVERS.get(ref, frozenset({ref}))}
    return frozenset(folded | {ref})


# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ArticleMentions:
    """One article of a story: its text, its mentions (spans of that text) and its outlet."""

    article_id: str
    text: str
    mentions: Sequence[Mention]
    source: str | None = None  # the outlet; sources are counted per outlet, else per article


@dataclass(frozen=True)
class Resolved:
    """A span of an article with its entity key. ``mention_index`` points into the article's input
    mentions; it is None for a role-noun reference ("the diplomat") found by :func:`resolve` itself."""

    article_id: str
    start: int
    end: int
    text: str
    label: str
    key: str
    rule: str  # name, country, capital, demonym, acronym, north-south, surname, ambiguous-surname, role
    mention_index: int | None = None


@dataclass
class _Item:
    art: int
    index: int
    mention: Mention
    norm: str
    words: list[str]
    person: bool  # labelled PERSON or preceded by an honorific
    key: str = ""
    rule: str = "name"
    label: str = ""


@dataclass
class _Story:
    articles: list[ArticleMentions]
    items: list[_Item] = field(default_factory=list)


def _is_actor(text: str, end: int) -> bool:
    return bool(_ACTOR_AFTER.match(text[end : end + 60]))


def resolve(articles: Sequence[ArticleMentions]) -> list[list[Resolved]]:
    """Every mention of every article with its entity key, plus role-noun references that found their
    person; one list per article (in input order), each in text order."""
    items: list[_Item] = []
    for a, art in enumerate(articles):
        for i, m in enumerate(art.mentions):
            norm = normalise_name(m.text)
            if not norm:
                norm = _fold(m.text).strip() or m.text
            words = norm.split()
            honorific = bool(_TITLE_BEFORE.search(art.text[max(0, m.start - 8) : m.start]))
            person = m.label == "PERSON" or honorific or (len(words) > 1 and words[0] in _HONORIFICS)
            if person:
                words = _strip_honorifics(words)
                norm = " ".join(words)
            items.append(_Item(a, i, m, norm, words, person, key=norm, label=m.label))

    # 1. Countries: names, abbreviations, demonyms, capitals used as actors.
    for it in items:
        if it.person and it.mention.label == "PERSON":
            continue
        found = _country(it.norm)
        if found is not None:
            it.key, it.rule = found
            it.label = "GPE"
        elif it.norm in CAPITALS and _is_actor(articles[it.art].text, it.mention.end):
            it.key, it.rule, it.label = CAPITALS[it.norm], "capital", "GPE"
    story_countries = {it.key for it in items if it.label == "GPE" and it.key in COUNTRY_ALIASES}

    # 2. "the North" / "the South".
    def north_south(direction: str) -> str | None:
        same = sorted(c for c in story_countries if c.startswith(direction + " "))
        if len(same) == 1:
            return same[0]
        if not same:
            other = "south" if direction == "north" else "north"
            counterparts = {c.split(" ", 1)[1] for c in story_countries if c.startswith(other + " ")}
            guesses = sorted(
                f"{direction} {c}" for c in counterparts if f"{direction} {c}" in COUNTRY_ALIASES
            )
            if len(guesses) == 1:
                return guesses[0]
        return None

    extra: list[Resolved] = []
    covered: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for it in items:
        covered[it.art].append((it.mention.start, it.mention.end))
    for it in items:
        if it.norm in ("north", "south"):
            country = north_south(it.norm)
            if country:
                it.key, it.rule, it.label = country, "north-south", "GPE"
    for a, art in enumerate(articles):
        for m in _NORTH_SOUTH.finditer(art.text):
            s, e = m.start(1), m.end(1)
            if any(cs < e and s < ce for cs, ce in covered[a]):
                continue
            country = north_south(m.group(1).lower())
            if country:
                extra.append(Resolved(art.article_id, s, e, art.text[s:e], "GPE", country, "north-south"))

    # 3. Acronyms spelled out elsewhere in the story: "WHO" → "world health organization".
    initials: dict[str, set[str]] = defaultdict(set)
    for it in items:
        content = [w for w in it.key.split() if w not in ("of", "the", "and", "for", "de", "du", "des", "la")]
        if len(content) >= 2 and it.rule == "name" and not it.person:
            initials["".join(w[0] for w in content)].add(it.key)
    for it in items:
        raw = it.mention.text.replace(".", "")
        if it.rule == "name" and raw.isupper() and len(raw) >= 2 and len(initials.get(it.norm, ())) == 1:
            it.key, it.rule = next(iter(initials[it.norm])), "acronym"

    # 4. Surnames: one-word person references to the one full name that starts or ends with them.
    full_names = {it.key for it in items if it.person and it.mention.label == "PERSON" and len(it.words) >= 2}
    by_part: dict[str, set[str]] = defaultdict(set)
    for name in full_names:
        parts = name.split()
        by_part[parts[0]].add(name)
        by_part[parts[-1]].add(name)
    for it in items:
        if len(it.words) != 1 or it.rule != "name" or it.mention.label not in _PERSONISH:
            continue
        if not it.person and (country_key(it.key) or it.key in CAPITALS):
            continue
        candidates = by_part.get(it.words[0], set())
        if len(candidates) == 1:
            it.key, it.rule, it.label = next(iter(candidates)), "surname", "PERSON"
        elif len(candidates) > 1:
            it.key, it.rule, it.label = it.words[0], "ambiguous-surname", "PERSON"

    # 5. Role nouns, resolved to persons introduced with that role by apposition.
    person_items = [it for it in items if it.label == "PERSON" or it.mention.label == "PERSON"]
    introduced: list[tuple[int, int, str, str]] = []  # (article, offset, role head, person key)
    intro_spans: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for it in person_items:
        text = articles[it.art].text
        after = _APPOSITION_AFTER.match(text[it.mention.end : it.mention.end + 120])
        if after:
            introduced.append((it.art, it.mention.start, _role_head(after.group("role")), it.key))
            s = it.mention.end + after.start("role")
            intro_spans[it.art].append((s, it.mention.end + after.end("role")))
        window_start = max(0, it.mention.start - 80)
        before = _APPOSITION_BEFORE.search(text[window_start : it.mention.start])
        if before:
            group = "role" if before.group("role") else "title"
            introduced.append((it.art, it.mention.start, _role_head(before.group(group)), it.key))
            intro_spans[it.art].append((window_start + before.start(group), window_start + before.end(group)))
    for a, art in enumerate(articles):
        for m in _ROLE_REFERENCE.finditer(art.text):
            s, e = m.start("role"), m.end("role")
            if any(cs < e and s < ce for cs, ce in intro_spans[a]) or any(
                cs < e and s < ce for cs, ce in covered[a]
            ):
                continue
            covers = _covers(m.group("role"))
            antecedents = [(ia, off, key) for ia, off, role, key in introduced if role in covers]
            keys = {key for _, _, key in antecedents}
            if len(keys) > 1:  # several people hold the role: the nearest earlier one in this article
                before = [(off, key) for ia, off, key in antecedents if ia == a and off < s]
                keys = {max(before)[1]} if before else set()
            if len(keys) == 1:
                s0 = m.start()
                extra.append(Resolved(art.article_id, s0, e, art.text[s0:e], "PERSON", keys.pop(), "role"))

    out: list[list[Resolved]] = [[] for _ in articles]
    for it in items:
        art = articles[it.art]
        m = it.mention
        out[it.art].append(
            Resolved(art.article_id, m.start, m.end, m.text, it.label, it.key, it.rule, it.index)
        )
    index = {art.article_id: a for a, art in enumerate(articles)}
    for r in extra:
        out[index[r.article_id]].append(r)
    for lst in out:
        lst.sort(key=lambda r: (r.start, r.end, r.mention_index is None, r.mention_index or 0))
    return out


def keys(articles: Sequence[ArticleMentions]) -> list[list[str]]:
    """Just the key of each input mention, aligned with each article's ``mentions``."""
    result: list[list[str]] = []
    for art, resolved in zip(articles, resolve(articles), strict=True):
        aligned = [""] * len(art.mentions)
        for r in resolved:
            if r.mention_index is not None:
                aligned[r.mention_index] = r.key
        result.append(aligned)
    return result


def entity_table(articles: Sequence[ArticleMentions]) -> list[dict[str, Any]]:
    """One row per entity of the story: ``{key, label, names, articles, sources, mentions}``, most
    widely reported first. ``names`` are the surface forms seen, ``sources`` the number of distinct
    outlets (articles without a source count as their own outlet)."""
    rows: dict[str, dict[str, Any]] = {}
    labels: dict[str, Counter[str]] = defaultdict(Counter)
    for art, resolved in zip(articles, resolve(articles), strict=True):
        for r in resolved:
            row = rows.setdefault(r.key, {"names": set(), "articles": set(), "sources": set(), "mentions": 0})
            row["names"].add(_SPACES.sub(" ", r.text))
            row["articles"].add(art.article_id)
            row["sources"].add(art.source or f"article:{art.article_id}")
            row["mentions"] += 1
            labels[r.key][r.label] += 1
    table = [
        {
            "key": key,
            "label": min(labels[key].items(), key=lambda kv: (-kv[1], kv[0]))[0],
            "names": sorted(row["names"]),
            "articles": sorted(row["articles"]),
            "sources": len(row["sources"]),
            "mentions": row["mentions"],
        }
        for key, row in rows.items()
    ]
    table.sort(key=lambda r: (-r["sources"], -r["mentions"], r["key"]))
    return table


def from_articles(articles: Iterable[Any], mentions: Sequence[Sequence[Mention]]) -> list[ArticleMentions]:
    """Pair :class:`storyline.model.Article` objects with their extracted mentions."""
    return [
        ArticleMentions(a.id, a.text, list(ms), getattr(a, "source", None))
        for a, ms in zip(articles, mentions, strict=True)
    ]
