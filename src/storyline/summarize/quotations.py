"""A quotation that runs over several sentences is one unit of the summary.

The sentence splitter cuts a speaker's words at every full stop ('"People told management, in writing.'
/ 'Nobody listened.' / 'It's the pattern across the sector."'). Chosen alone, a piece reads as a
fragment with an open or a stray quotation mark and no speaker. The summariser therefore sees such a
quotation as one unit: the span of the article its sentences cover (so its citation is still an exact
quote), with the normalised sum of their vectors and the highest of their centralities.

Measured by `bench/summarize.py` on the tuning half of Multi-News dev: ROUGE-1 flat (47.92 -> 47.89,
mean over 230-270 words; 39.66 -> 39.64 at 120 words), so this is for readability.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from storyline.compare import Comparison
from storyline.compare.align import Claim
from storyline.compare.claims import sentence_claims
from storyline.model import Article, Sentence

# A quotation not closed within this many sentences is left in pieces: a closing mark the page lost must
# not glue a whole paragraph into one unit.
MAX_SENTENCES = 4


def merge_quotations(comparison: Comparison) -> Comparison:
    """The comparison with each multi-sentence quotation of its articles made one sentence."""
    articles, centrality, unit_of = [], [], []
    for a, article in enumerate(comparison.articles):
        spans = _quotation_spans(article)
        if len(spans) == len(article.sentences):
            articles.append(article)
            centrality.append(comparison.centrality[a])
            unit_of.append(list(range(len(spans))))
            continue
        sentences, vectors, central, index = [], [], [], []
        for u, (first, last) in enumerate(spans):
            start, end = article.sentences[first].start, article.sentences[last].end
            sentences.append(Sentence(start, end, article.text[start:end]))
            summed = article.sentence_vectors[first : last + 1].sum(axis=0)
            vectors.append(summed / max(float(np.linalg.norm(summed)), 1e-12))
            central.append(float(comparison.centrality[a][first : last + 1].max()))
            index += [u] * (last - first + 1)
        dtype = article.sentence_vectors.dtype
        articles.append(
            dataclasses.replace(article, sentences=sentences, sentence_vectors=np.array(vectors, dtype))
        )
        centrality.append(np.array(central))
        unit_of.append(index)
    claims = [Claim(sorted({(a, unit_of[a][k]) for a, k in claim.members})) for claim in comparison.claims]
    values = sentence_claims(articles)  # the stored values, read again by the joined sentences
    same_slot = [((a, unit_of[a][k]), (b, unit_of[b][t]), p) for (a, k), (b, t), p in comparison.same_slot]
    return Comparison(articles, claims, centrality, comparison.group, comparison.block, values, same_slot)


def _quotation_spans(article: Article) -> list[tuple[int, int]]:
    """The article's sentences as (first, last) spans: one sentence each, or a quotation's several."""
    texts = [s.text for s in article.sentences]
    spans, k = [], 0
    while k < len(texts):
        last = k
        if _opens(texts[k]):
            last = next((j for j in range(k + 1, min(len(texts), k + MAX_SENTENCES)) if _closes(texts[j])), k)
        spans.append((k, last))
        k = last + 1
    return spans


def _opens(text: str) -> bool:
    """Opens a quotation it does not close: more “ than ”, or an odd number of straight quotes that does
    not end the sentence."""
    curly = text.count("“") - text.count("”")
    if curly:
        return curly > 0
    return text.count('"') % 2 == 1 and not text.rstrip().endswith('"')


def _closes(text: str) -> bool:
    """Closes a quotation opened before it: more ” than “, or an odd number of straight quotes."""
    curly = text.count("”") - text.count("“")
    return curly > 0 if curly else text.count('"') % 2 == 1
