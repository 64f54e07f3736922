"""How an outlet frames the event: genre (report, opinion, analysis), tone, and whom it lets speak.

Genre is read from cues a reader would use: judgement and first-person voice outside quotation
marks point to opinion; hedged explanation and forecasting to analysis; attributed statements to a
report. Tone is VADER's compound score averaged over the article's own (unquoted) sentences.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from storyline.enrich.quotes import speakers
from storyline.model import Article

_QUOTED = re.compile(r"[\"“][^\"”]{0,400}[\"”]")
_OPINION = re.compile(
    r"\b(?:we|our|us|must|should|ought|shameful|disgrace\w*|outrage\w*|absurd|ridiculous|clearly|surely|"
    r"of course|obviously|no other way|it is (?:time|high time|impossible|clear)|one has to wonder|"
    r"needs? to|has to|have to|let us|let's|deserve\w*|fail\w*|scandal\w*|vulnerab\w*|suffocating|"
    r"despair|shame|to be sure)\b",
    re.IGNORECASE,
)
_ANALYSIS = re.compile(
    r"\b(?:analysis|analysts?|likely|unlikely|suggests?|indicates?|means that|could|may|might|whether|"
    r"implications?|in other words|the question|scenario|expect\w*|forecast\w*|trend|compared with|"
    r"economists?|experts?|data show\w*)\b",
    re.IGNORECASE,
)
_ATTRIBUTION = re.compile(r"\b(?:said|says|told|according to|stated|announced|confirmed|reported)\b", re.I)
_LABEL = re.compile(r"\b(editorial|opinion|comment|column|op-ed|view)\b", re.IGNORECASE)
_ANALYSIS_LABEL = re.compile(r"\b(analysis|explainer|explained|what we know)\b", re.IGNORECASE)


@cache
def _vader() -> SentimentIntensityAnalyzer:
    return SentimentIntensityAnalyzer()


def _own_voice(sentence: str) -> str:
    return _QUOTED.sub(" ", sentence)


def genre(article: Article) -> str:
    sentences = [s.text for s in article.sentences] or [article.text]
    own = [_own_voice(s) for s in sentences]
    n = len(sentences)
    opinion = sum(len(_OPINION.findall(s)) for s in own) + 2 * sum(s.rstrip().endswith("?") for s in own)
    analysis = sum(len(_ANALYSIS.findall(s)) for s in own)
    attributed = sum(bool(_ATTRIBUTION.search(s)) for s in sentences)
    label = f"{article.title or ''} {article.source or ''} {(article.url or '')}"
    if _LABEL.search(label):
        return "opinion"
    if _ANALYSIS_LABEL.search(label):
        return "analysis"
    if opinion / n >= 0.45 and opinion > attributed:
        return "opinion"
    if analysis / n >= 0.5 and analysis > attributed:
        return "analysis"
    return "report"


def tone(article: Article) -> float:
    sentences = [_own_voice(s.text) for s in article.sentences] or [article.text]
    scores = [_vader().polarity_scores(s)["compound"] for s in sentences if s.strip()]
    return round(sum(scores) / len(scores), 3) if scores else 0.0


def quoted_sources(article: Article) -> list[str]:
    """People, agencies and outlets the article attributes statements to, in order of first mention."""
    return speakers(article.text)


def framing(article: Article) -> dict[str, Any]:
    return {
        "article_id": article.id,
        "genre": genre(article),
        "tone": tone(article),
        "quoted_sources": quoted_sources(article),
    }
