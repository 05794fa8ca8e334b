"""One pass of text analysis per answer, shared by every check.

Checks look for signals inside sentences (a threshold *and* a duration *and* an action in the same
sentence), so the unit here is the sentence: its text, its lower-cased words and the quantities in it.
A sentence that is only a run of nouns (a buzzword list) is marked as not prose, and checks ignore it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[A-Z0-9•\-*])|\n\s*\n|\n\s*(?:[-*•]|\d+[.)])\s+")
_LINE_BREAK = re.compile(r"\n+")
_WORD = re.compile(r"[a-z0-9][a-z0-9'’\-]*")

# Quantities with units: money, percentages, durations, rates, volumes. Bare small numbers are not
# quantities; "3 teams" is a count, "$3M" or "3 hours" is a measure.
_QUANTITY = re.compile(
    r"""(?ix)
    (?:[$€£¥]\s?\d[\d,.]*\s?(?:k|m|bn|b|million|billion|thousand)?\b)        # $50K, €2.1M
    | (?:\b\d[\d,.]*\s?(?:%|percent\b|pct\b|bps\b|basis\ points|pp\b|points?\b))  # 12%, 30 bps
    | (?:\b\d[\d,.]*\s?(?:ms|milliseconds?|s|secs?|seconds?|mins?|minutes?|h|hrs?|hours?|days?
          |weeks?|months?|quarters?|years?)\b)                                  # 300ms, 10 minutes
    | (?:\b\d[\d,.]*\s?(?:k|m|bn|b|x)?\s?(?:tps|qps|rps|requests?|calls?|events?|transactions?
          |payments?|merchants?|users?|customers?|orders?|tickets?|chargebacks?|payouts?|accounts?
          |integrations?|partners?|developers?|countries|markets?)\b)            # 12K TPS, 2M events
    | (?:\b\d[\d,.]*\s?(?:k|m|bn|b|million|billion|thousand)\b)                 # 40k, 1.2 million
    | (?:\b\d[\d,.]*\s?(?:usd|eur|gbp|sek|dollars?|euros?|pounds?|kronor)\b)    # 500 USD
    | (?:\b\d+(?:\.\d+)?x\b)                                                    # 2.5x
    """
)

# Words that carry grammar. Real sentences have plenty; a list of buzzwords has almost none.
FUNCTION_WORDS = frozenset(
    """a an the and or but if when while because so that this these those to of in on at by for with
    from into than then it its we i our my you they their them he she was were is are be been being
    had has have do did does would will could should can may might must not no which who what how why
    where as after before until about over under up down out off also just only even still all any
    each every more most less least some such both either neither once again very too us me his her""".split()
)


@dataclass(frozen=True, slots=True)
class Sentence:
    index: int
    text: str
    lower: str
    words: tuple[str, ...]
    quantities: tuple[str, ...]
    is_prose: bool


def _is_prose(words: tuple[str, ...]) -> bool:
    if len(words) < 5:
        return False
    function_share = sum(word in FUNCTION_WORDS for word in words) / len(words)
    return function_share >= 0.18


def _split_sentences(text: str) -> list[str]:
    pieces: list[str] = []
    for block in _SENTENCE_END.split(text):
        pieces.extend(part for part in _LINE_BREAK.split(block) if part.strip())
    return [" ".join(piece.split()) for piece in pieces]


class AnswerText:
    """An answer, analysed once. Properties are computed on first use and cached."""

    def __init__(self, raw: str) -> None:
        self.raw = raw

    @cached_property
    def sentences(self) -> tuple[Sentence, ...]:
        result = []
        for index, piece in enumerate(_split_sentences(self.raw)):
            lower = piece.lower()
            words = tuple(_WORD.findall(lower))
            quantities = tuple(match.group(0).strip() for match in _QUANTITY.finditer(piece))
            result.append(Sentence(index, piece, lower, words, quantities, _is_prose(words)))
        return tuple(result)

    @cached_property
    def prose(self) -> tuple[Sentence, ...]:
        """Sentences that read as sentences; checks look for evidence only here."""
        return tuple(sentence for sentence in self.sentences if sentence.is_prose)

    @cached_property
    def word_count(self) -> int:
        return sum(len(sentence.words) for sentence in self.sentences)

    @cached_property
    def prose_word_count(self) -> int:
        return sum(len(sentence.words) for sentence in self.prose)

    @cached_property
    def prose_share(self) -> float:
        return self.prose_word_count / self.word_count if self.word_count else 0.0


def excerpt(text: str, limit: int = 90) -> str:
    """A short quote of evidence: whole words, an ellipsis when cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"


def compile_terms(*terms: str) -> re.Pattern[str]:
    """A word-bounded, case-insensitive pattern for phrases; ``*`` in a term matches a word ending."""
    parts = []
    for term in terms:
        escaped = re.escape(term.lower()).replace(r"\*", r"[a-z'’\-]*").replace(r"\ ", r"\s+")
        parts.append(escaped)
    return re.compile(r"(?<![a-z0-9])(?:" + "|".join(parts) + r")(?![a-z0-9])")
