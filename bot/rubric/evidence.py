"""Helpers checks use to find a signal in context: several patterns inside one sentence."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from bot.rubric.text import AnswerText, Sentence, excerpt


def sentences_with(answer: AnswerText, *patterns: re.Pattern[str]) -> Iterator[Sentence]:
    """Prose sentences in which every pattern occurs."""
    for sentence in answer.prose:
        if all(pattern.search(sentence.lower) for pattern in patterns):
            yield sentence


def with_quantity(sentences: Iterable[Sentence]) -> Iterator[Sentence]:
    return (sentence for sentence in sentences if sentence.quantities)


def matched_terms(pattern: re.Pattern[str], sentences: Iterable[Sentence]) -> list[str]:
    """Distinct matches of ``pattern``, in order of first appearance."""
    seen: dict[str, None] = {}
    for sentence in sentences:
        for match in pattern.finditer(sentence.lower):
            seen.setdefault(" ".join(match.group(0).split()), None)
    return list(seen)


def quote(sentence: Sentence, limit: int = 90) -> str:
    return f"“{excerpt(sentence.text, limit)}”"


def quotes(sentences: Iterable[Sentence], limit: int = 2) -> tuple[str, ...]:
    return tuple(quote(sentence) for sentence in list(sentences)[:limit])
