"""Scraping noise that ends up in article text and states no fact of the story.

Pages keep photo credits, share bars, "Published on ..." stamps, embedded tweets, video teasers and
headline fragments between the paragraphs. None of them belongs in a summary or states a shared fact,
and they are easy to recognise from their form alone.
"""

from __future__ import annotations

import re
from functools import lru_cache

_MARKERS = re.compile(
    # Links, handles, video running times ("2:34"), but not a time of day ("at 19:52 GMT", "8:20 am").
    r"https?://|www\.|pic\.twitter|@\w+"
    r"|(?<!\bat )(?<!\bby )(?<!\bafter )(?<!\bbefore )(?<!\buntil )\b\d{1,2}:\d\d\b"
    r"(?!\s*(?:[ap]\.?m\b|GMT|UTC|CET|local|hrs|h\b|o'clock))"
    r"|\b(?:click|tap) here\b|\bread (?:more|or share)\b|\bshare (?:this|on)\b|\b(?:un)?subscribe\b"
    r"|\bsign up\b|\bnewsletter\b|\bfollow (?:us|our)\b|\bpublished (?:on|at)\b|\bupdated (?:on|at)\b"
    r"|\bexplore further\b|\bmust watch\b|\brelated:|\btopics:|\bcopyright\b|©|\ball rights reserved\b"
    r"|\badvertisement\b|\bjavascript\b|\byour browser\b|\bterms of (?:use|service)\b|\bprivacy policy\b"
    # Editors' notes on the page itself: "This article was originally published on ...", "Originally
    # published by ...", "This story has been corrected to show ...".
    r"|^(?:a version of )?this (?:article|story|post|report) (?:was |has been |originally |first )*"
    r"(?:published|appeared|updated|amended|corrected|edited)\b|^originally published\b",
    re.IGNORECASE,
)
# Photo captions: "FILE - In this May 2, 2041, file photo, ...", "HARBOURTON, VL - MAY 2: The mayor ...".
_CAPTION = re.compile(
    r"^FILE\s*[-—–]|\bfile (?:photo|image)\b|\bin this (?:[\w,]+ ){0,6}(?:photo|image)\b"
    r"|^[A-Z][A-Z ,.]+\s[-—–]\s[A-Z]+\s\d{1,2}:"
)
# Credits and captions of pictures and videos.
_CREDIT = re.compile(
    r"\bphoto(?:s|graph)?\s*(?:by|:|/|credit)|\bimage credit\b|\bcredit:|\bgetty images\b|\bcaption\b",
    re.IGNORECASE,
)
# A sentence ends with terminal punctuation, possibly inside closing quotes or brackets.
_ENDED = re.compile(r"[.!…][\"'”’»)\]]*$")
_MOSTLY_CAPITALS = 0.5


# Comparison and summary ask about one sentence many times (once per pair it is in): bench/run.py.
@lru_cache(maxsize=1 << 16)
def is_noise(sentence: str) -> bool:
    """True for page furniture rather than prose: credits, captions, links, share bars, shouted or cut-off
    lines."""
    text = sentence.strip()
    if not text:
        return True
    letters = [c for c in text if c.isalpha()]
    if letters and sum(c.isupper() for c in letters) > _MOSTLY_CAPITALS * len(letters):
        return True  # SHOUTED banners and teasers
    if text[0] in "([" and text[-1] in ")]":
        return True  # "(AP Photo/Jane Doe)", "[Related: ...]"
    if text[0] in "—–-|" or text[0].islower():
        return True  # a tweet's attribution line, or a fragment the splitter cut from its sentence
    if not _ENDED.search(text):
        return True  # headlines, captions, questions and lead-ins to a quotation
    return bool(_MARKERS.search(text) or _CREDIT.search(text) or _CAPTION.search(text))


def is_caption(text: str) -> bool:
    """A photo caption or credit ("FILE - In this May 2, 2041, file photo, ...", "(Photo: Ona Brisk)",
    "Media caption ..."): it names the picture, not the story, so it makes a poor headline."""
    text = text.strip()
    bracketed = text[:1] in "([" and text[-1:] in ")]"
    return bracketed or bool(_CAPTION.search(text) or _CREDIT.search(text))
