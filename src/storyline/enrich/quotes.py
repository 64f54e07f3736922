"""Quotes and attributions: who says what in an article, found by patterns.

Language: English wording ("said", "told reporters", "according to", "citing"); quotation marks may be
straight ("…") or curly (“…”), and a quote may span several sentences. Other languages find only
nothing or direct quotes without a speaker.

Four kinds of :class:`Quote`:

- ``direct``: words in quotation marks, with the speaker before (``Kim Min-ki said: "…"``) or after
  (``"…," said Kim Min-ki.`` / ``"…," she said.``); a pronoun speaker is the person named in the
  preceding sentences when only one is, else None;
- ``reported``: ``X said (that) …``, ``X told reporters …``, ``X announced/warned …``, and
  ``…, X said.`` with the clause before;
- ``according_to``: ``according to X, …`` and ``…, citing an unidentified diplomatic source``;
- ``outlet``: an outlet or agency as the source: ``Reuters reports …``, ``…, reports the AP.``,
  ``the JoongAng Ilbo newspaper said …``.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from storyline.enrich.sentences import split_sentences
from storyline.model import Sentence

_VERBS = (
    r"said|says|told|tells|added|adds|announced|announces|warned|warns|stated|states|claimed|claims|"
    r"confirmed|confirms|insisted|insists|argued|argues|noted|notes|explained|explains|denied|denies|"
    r"admitted|admits|acknowledged|acknowledges|wrote|writes|reported|reports|replied|recalled|"
    r"predicted|predicts|estimated|estimates|declared|declares|stressed|stresses|urged|urges|vowed|vows|"
    r"promised|promises|pointed\s+out|concluded|suggested|suggests|asked|asks|revealed|reveals"
)
_OBJECT = (
    r"(?:reporters|journalists|(?:the\s+)?[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*){0,3}|the\s+\w+|him|her|them|us)"
)
_VERB = rf"(?:told\s+{_OBJECT}|tells\s+{_OBJECT}|{_VERBS})"
_REPORT_VERBS = {"reported", "reports"}
_PROPER_WORD = r"(?:[A-Z]\.|[A-Z][\w'’-]*|al-[A-Z][\w'’-]*)"
_PARTICLE = r"(?:of|de|van|von|der|den|al|bin|da|di|del|la|le|du)"
_NOT_PROPER = (
    r"(?!(?:The|A|An|He|She|It|They|We|I|But|And|Or|So|Then|This|That|These|Those|In|On|At|When|While|"
    r"After|Before|Yesterday|Today|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|"
    r"February|March|April|May|June|July|August|September|October|November|December|Earlier|Later|"
    r"Also|However|Meanwhile|Asked|There|Here)\b)"
)
_PROPER = rf"{_NOT_PROPER}{_PROPER_WORD}(?:\s+(?:{_PARTICLE}\s+)?{_NOT_PROPER}{_PROPER_WORD}){{0,4}}"
_HEADS = (
    r"spokesman|spokeswoman|spokesperson|spokespeople|officials?|minister|ministry|mayor|police|"
    r"government|company|firm|statement|sources?|diplomats?|analysts?|witness(?:es)?|residents?|chief|"
    r"president|lawyers?|prosecutors?|agency|report|officers?|director|experts?|researchers|scientists|"
    r"authorities|army|military|embassy|council|commission|court|judge|union|owner|headteacher|teacher|"
    r"doctors?|paramedics|firefighters|coastguard|operator|airline|club|manager|coach|newspaper|daily|"
    r"broadcaster|website|outlet|magazine|survey|poll|study|investigators|organi[sz]ers|neighbou?r|"
    r"mother|father|woman|man|official|executive|leader|secretary|governor|senator|professor|economist|"
    r"chair|chairman|chairwoman|founder|head|service"
)
_NP = (
    rf"(?i:the|a|an|one|another|two|three|several|some)\s+(?:[\w'’-]+\s+){{0,4}}?(?:{_HEADS})\b"
    rf"(?:\s+(?:for|of|at|from)\s+(?:the\s+)?(?:{_PROPER}|[a-z]+(?:\s+[a-z]+)?\b))?"
)
_BARE = (
    r"(?:police|officials|authorities|witnesses|residents|prosecutors|investigators|analysts|experts|"
    r"researchers|doctors|firefighters|rescuers|organi[sz]ers|Police|Officials|Authorities|Witnesses|"
    r"Residents|Prosecutors|Investigators|Analysts|Experts)\b"
)
_PRONOUNS = {"he", "she", "they", "we", "i"}
_PRON = r"(?:[Hh]e|[Ss]he|[Tt]hey|[Ww]e|I)\b"
_STOP = (
    r"(?!(?:on|in|at|that|the|a|an|it|he|she|they|this|last|when|after|before|to|by|with|was|is|would|"
    r"will|had|has|have|and|but|of|for|from|there|here|also|then|later|earlier)\b)"
)
# A speaker before the verb: "Kim Min-ki", "fire chief Oskar Lind", "the mayor", "police", "she".
_SPEAKER = rf"(?:(?:{_STOP}[a-z][\w-]*\s+){{0,3}}{_PROPER}|{_NP}|{_BARE}|{_PRON})"
# After the verb: "said Kim Min-ki", "said fire chief Oskar Lind", "reports the AP".
_SPEAKER_AFTER = rf"(?:(?:{_STOP}[a-z][\w-]*\s+){{0,3}}{_PROPER}|(?:the\s+){_PROPER}|{_NP}|{_BARE})"
_APPOSITION = r"(?:,\s*(?P<app>[^,\"“”.]{1,80}),)?"
_WHEN = r"(?:\s+(?:on|late\s+on|early\s+on|in|at|last|this)\s+[A-Z]?\w+(?:\s+(?:night|morning|evening))?)?"

_AFTER_QUOTE = re.compile(
    rf"\s*,?\s*(?:(?P<verb>{_VERBS})\s+(?P<sp>{_SPEAKER_AFTER})"
    rf"|(?P<sp2>{_SPEAKER}){_APPOSITION}\s+(?:also\s+|later\s+)?(?P<verb2>{_VERBS}))\b"
)
_BEFORE_QUOTE = re.compile(
    rf"(?P<sp>{_SPEAKER}){_APPOSITION}\s+(?:also\s+|later\s+|then\s+)?(?P<verb>{_VERB})"
    rf"{_WHEN}(?:\s+that)?\s*[:,]?\s*$"
)
_REPORTED = re.compile(
    rf"(?P<sp>{_SPEAKER}){_APPOSITION}\s+(?:also\s+|later\s+|previously\s+|has\s+|had\s+|have\s+)?"
    rf"(?P<verb>{_VERB}){_WHEN}"
    r"(?:,\s*citing\s+[^,]{1,80},)?(?:\s+that)?\s+(?P<clause>[a-z0-9A-Z][^\"“”]*?)(?=[.!?](?:\s|$)|$)"
)
_INVERTED = re.compile(
    rf",\s+(?:(?P<verb>{_VERBS})\s+(?P<sp>{_SPEAKER_AFTER})|(?P<sp2>{_SPEAKER}){_APPOSITION}\s+"
    rf"(?P<verb2>{_VERBS})){_WHEN}(?:,\s*citing\s+[^,]{{1,80}})?\s*[.!?]?\s*$"
)
_ACCORDING = re.compile(
    r"(?i:according\s+to)\s+(?P<sp>(?:the\s+|a\s+|an\s+)?[^,.;:!?\"“”]{1,80}?)(?=\s*[,.;:!?]|\s+(?:that|which)\b)"
)
_CITING = re.compile(
    r"\bciting\s+(?P<sp>(?:the\s+|a\s+|an\s+)?[^,.;:!?\"“”]{1,80}?)(?=\s*[,.;:!?]|\s+(?:that|as|who)\b|\s*$)"
)
_OUTLETS = re.compile(
    r"\b(?:Reuters|AP|Associated\s+Press|AFP|Agence\s+France-Presse|Yonhap|Xinhua|Kyodo|Bloomberg|BBC|CNN|"
    r"TASS|Interfax|dpa|ANSA|EFE|NTB|Ritzau|newspaper|daily|agency|broadcaster|news\s+agency|radio|"
    r"television|TV|magazine|website|paper|Times|Post|Herald|Journal|Gazette|Tribune|Ilbo|Shimbun|Daily|"
    r"News|Press|Courier|Telegraph|Guardian|Chronicle|Observer|Radio)\b"
)
_ORG_WORDS = re.compile(
    r"\b(?:Ministry|Police|Council|Agency|Bank|Party|University|Company|Inc|Ltd|Group|Department|Office|"
    r"Committee|Commission|Court|Army|Navy|Government|Association|Union|Institute|Service|Authority|"
    r"Corporation|Foundation|Parliament|Senate|Congress|School|Hospital|Club|Airlines?)\b"
)
_PERSON = re.compile(rf"\b{_PROPER_WORD}(?:\s+{_PROPER_WORD}){{1,3}}")
_STRAIGHT = re.compile(r'"')
_CURLY = re.compile(r"“([^“”]{1,3000})”")


@dataclass(frozen=True)
class Quote:
    """A statement the text attributes: the quoted words (direct) or the reported clause.

    ``start``/``end`` are offsets of ``text`` in the text given to :func:`find_quotes`; ``speaker`` is
    a name ("Kim Min-ki"), a description ("the mayor", "an unidentified diplomatic source") or None.
    """

    start: int
    end: int
    text: str
    speaker: str | None
    kind: str  # "direct" | "reported" | "according_to" | "outlet"
    verb: str | None = None


def _quoted_spans(text: str) -> list[tuple[int, int]]:
    """(open, close) offsets of the quotation marks of each quote, curly and straight."""
    spans = [(m.start(), m.end() - 1) for m in _CURLY.finditer(text)]
    marks = [m.start() for m in _STRAIGHT.finditer(text)]
    spans += [(marks[i], marks[i + 1]) for i in range(0, len(marks) - 1, 2)]
    return sorted(spans)


_TITLES = {
    "mr",
    "mrs",
    "ms",
    "dr",
    "prof",
    "professor",
    "mayor",
    "nurse",
    "president",
    "minister",
    "chief",
    "inspector",
    "officer",
    "captain",
    "judge",
    "senator",
    "governor",
    "general",
    "colonel",
    "sergeant",
    "detective",
    "superintendent",
    "headteacher",
    "director",
    "chairman",
    "chairwoman",
    "spokesman",
    "spokeswoman",
    "rev",
    "father",
    "sister",
}


def _drop_titles(name: str) -> str:
    words = name.split()
    while len(words) > 1 and words[0].lower().rstrip(".") in _TITLES:
        words = words[1:]
    return " ".join(words)


# A nationality or country adjective: "South Korean", "Italian", "Japanese", "British", "Israeli".
_DEMONYM = re.compile(
    r"(?:(?:North|South|East|West|Northern|Southern|Eastern|Western|New)\s+)?"
    r"[A-Z][a-z]+(?:an|ese|ish|i|ic|ch)"
)


def _is_demonym(words: str) -> bool:
    return bool(_DEMONYM.fullmatch(words)) and not _OUTLETS.search(words)


def _clean_speaker(raw: str | None) -> str | None:
    if not raw:
        return None
    raw = " ".join(raw.split()).strip(" ,.'’")
    if raw.lower() in _PRONOUNS:
        return raw.lower()
    words = raw.split()
    if len(words) == 1 and re.fullmatch(_BARE, raw):
        return raw.lower()  # "Police" opening a sentence
    if words[0].lower() in ("the", "a", "an", "one", "another", "two", "three", "several", "some"):
        proper = [w for w in words[1:] if w[:1].isupper()]
        if proper and _is_demonym(" ".join(proper)):
            proper = []  # "a South Korean newspaper": a nationality describes the source, it names none
        if proper and _OUTLETS.search(raw) and not _ORG_WORDS.search(raw):
            return " ".join(proper)  # "the JoongAng Ilbo newspaper" → "JoongAng Ilbo", "the AP" → "AP"
        return words[0].lower() + raw[len(words[0]) :]  # "The minister" → "the minister"
    # "fire chief Oskar Lind" → "Oskar Lind": the name, without the title before it.
    while len(words) > 1 and not words[0][:1].isupper():
        words = words[1:]
    # "North Korean diplomat Thae Yong Ho" → "Thae Yong Ho": the name after its description.
    lower = [i for i, w in enumerate(words) if w.islower() and not re.fullmatch(_PARTICLE, w)]
    if lower and lower[-1] + 1 < len(words):
        words = words[lower[-1] + 1 :]
    return _drop_titles(" ".join(words))


def _named(speaker: str | None, match: re.Match[str]) -> str | None:
    """A description with a name in apposition is the name: "the embassy's spokeswoman, Mira Volk, said"."""
    apposition = match.groupdict().get("app")
    if speaker and speaker[:1].islower() and apposition and _PERSON.fullmatch(apposition.strip()):
        return _drop_titles(apposition.strip())
    return speaker


def _is_outlet(speaker: str | None, verb: str | None) -> bool:
    if verb and verb.split()[0].lower() in _REPORT_VERBS:
        return True
    return bool(speaker) and bool(_OUTLETS.search(speaker or "")) and not _ORG_WORDS.search(speaker or "")


def _inside(spans: list[tuple[int, int]], pos: int) -> bool:
    return any(a < pos < b for a, b in spans)


class _People:
    """Named speakers and person-like names seen so far, to resolve "she said" to a name."""

    def __init__(self, text: str, starts: list[int]) -> None:
        self.text = text
        self.starts = starts  # sentence starts, in order
        self.speakers: list[tuple[int, str]] = []

    def add(self, pos: int, name: str | None) -> None:
        if name and name[:1].isupper() and not _is_outlet(name, None) and not _ORG_WORDS.search(name):
            self.speakers.append((pos, name))

    def resolve(self, pos: int) -> str | None:
        # The sentence holding ``pos`` and the two before it.
        start = self.starts[max(0, bisect_right(self.starts, pos) - 3)] if self.starts else 0
        window = self.text[start:pos]
        found: list[str] = [n for p, n in self.speakers if start <= p < pos]
        for m in _PERSON.finditer(window):
            name = m.group(0)
            words = name.split()
            if words[0] in ("The", "A", "An", "In", "On", "At", "But", "And") or _ORG_WORDS.search(name):
                continue
            if _OUTLETS.search(name):
                continue
            found.append(_drop_titles(name))
        distinct: list[str] = []
        for name in found:
            surname = name.split()[-1]
            if any(surname in other.split() or name in other for other in distinct):
                continue
            distinct = [d for d in distinct if d.split()[-1] not in name.split()]
            distinct.append(name)
        return distinct[0] if len(distinct) == 1 else None


def find_quotes(text: str) -> list[Quote]:
    """Every attributed statement of ``text``, in text order (see the module docstring for the kinds)."""
    quotes: list[Quote] = []
    spans = _quoted_spans(text)
    sentences = split_sentences(text)
    people = _People(text, [s.start for s in sentences])
    attributed: list[tuple[int, int]] = []  # text taken by direct quotes and their attributions
    last_speaker: str | None = None
    last_end = -10
    for open_, close in spans:
        inner_start, inner_end = open_ + 1, close
        while inner_end > inner_start and text[inner_end - 1] in " ,":
            inner_end -= 1
        inner = text[inner_start:inner_end]
        if not inner.strip():
            continue
        speaker_raw = verb = None
        attr_end = close + 1
        after = _AFTER_QUOTE.match(text, close + 1, min(len(text), close + 160))
        if after:
            speaker_raw = after.group("sp") or after.group("sp2")
            verb = after.group("verb") or after.group("verb2")
            attr_end = after.end()
        else:
            before = _BEFORE_QUOTE.search(text, max(0, open_ - 160), open_)
            if before:
                speaker_raw, verb = before.group("sp"), before.group("verb")
        speaker = _clean_speaker(speaker_raw)
        found = after or (None if speaker_raw is None else before)
        if found is not None:
            speaker = _named(speaker, found)
        if speaker in _PRONOUNS:
            speaker = people.resolve(open_)
        elif speaker is None and verb is None:
            gap = text[last_end:open_] if last_end >= 0 else "x"
            if last_speaker and len(gap) <= 3 and not gap.strip(" .\n"):
                speaker = last_speaker  # "…," she said. "…" — the same speaker goes on
            elif len(inner.split()) < 4:
                continue  # a scare-quoted phrase, not speech
        people.add(open_, speaker)
        quotes.append(Quote(inner_start, inner_end, inner, speaker, "direct", verb))
        attributed.append((open_, attr_end))
        last_speaker, last_end = speaker, attr_end
    quotes += _reported(text, sentences, spans, people)
    quotes.sort(key=lambda q: (q.start, q.kind))
    return quotes


def _reported(
    text: str, sentences: list[Sentence], spans: list[tuple[int, int]], people: _People
) -> list[Quote]:
    found: list[Quote] = []
    for s in sentences:
        sentence = s.text
        if not sentence.strip() or '"' in sentence or "“" in sentence or "”" in sentence:
            continue
        if _inside(spans, s.start):
            continue
        base = s.start
        taken = False
        for m in _REPORTED.finditer(sentence):
            speaker = _named(_clean_speaker(m.group("sp")), m)
            if speaker in _PRONOUNS:
                speaker = people.resolve(base + m.start())
            verb = m.group("verb")
            kind = "outlet" if _is_outlet(m.group("sp"), verb) else "reported"
            people.add(base + m.start(), speaker)
            a, b = base + m.start("clause"), base + m.end("clause")
            found.append(Quote(a, b, text[a:b], speaker, kind, " ".join(verb.split())))
            taken = True
            break
        if not taken:
            inv = _INVERTED.search(sentence)
            if inv and inv.start() > 0:
                raw = inv.group("sp") or inv.group("sp2")
                speaker = _clean_speaker(raw)
                verb = inv.group("verb") or inv.group("verb2")
                if speaker in _PRONOUNS:
                    speaker = people.resolve(base + inv.start())
                kind = "outlet" if _is_outlet(raw, verb) else "reported"
                people.add(base + inv.start(), speaker)
                lead = len(sentence) - len(sentence.lstrip())
                a, b = base + lead, base + inv.start()
                found.append(Quote(a, b, text[a:b], speaker, kind, " ".join(verb.split())))
                taken = True
        for m in _ACCORDING.finditer(sentence):
            speaker = _clean_speaker(m.group("sp"))
            before = sentence[: m.start()].rstrip(" ,")
            after_text = sentence[m.end() :].lstrip(" ,")
            if len(before.split()) >= len(after_text.split()):
                a = base + len(sentence) - len(sentence.lstrip())
                b = base + len(before)
            else:
                a = base + len(sentence) - len(after_text)
                b = base + len(sentence.rstrip().rstrip(".!?"))
            found.append(Quote(a, b, text[a:b], speaker, "according_to", "according to"))
        for m in _CITING.finditer(sentence):
            speaker = _clean_speaker(m.group("sp"))
            clause = [q for q in found if base <= q.start < s.end and q.kind in ("reported", "outlet")]
            if clause:
                a, b = clause[-1].start, clause[-1].end
            else:
                a = base + len(sentence) - len(sentence.lstrip())
                b = base + len(sentence.rstrip())
            found.append(Quote(a, b, text[a:b], speaker, "according_to", "citing"))
    return found


def speakers(text: str) -> list[str]:
    """Who ``text`` quotes or cites by name, in order of first mention, without repeats.

    A surname alone ("Kim") after the full name ("Kim Min-ki") is the same person; unnamed sources
    ("the mayor", "police") are left out.
    """
    seen: list[str] = []
    for q in find_quotes(text):
        name = q.speaker
        if not name or not name[:1].isupper():
            continue
        if any(name == other or set(name.split()) <= set(other.split()) for other in seen):
            continue
        # A full name after its surname: the full name replaces it, in the surname's place.
        for i, other in enumerate(seen):
            if set(other.split()) <= set(name.split()):
                seen[i] = name
                break
        else:
            seen.append(name)
    return seen
