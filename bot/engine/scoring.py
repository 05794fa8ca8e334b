"""Scoring an answer to a question, and the rules for what counts as an answer at all."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from bot.questions import Question
from bot.rubric import AnswerText, CheckResult, QuestionContext, Scorecard, Status, registry, score_answer


class AnswerProblem(StrEnum):
    EMPTY = "empty"
    TOO_SHORT = "too_short"
    TOO_LONG = "too_long"


@dataclass(frozen=True, slots=True)
class Limits:
    max_chars: int
    min_words: int


def normalise(text: str) -> str:
    """Strip the whitespace platforms add and drop characters that never carry meaning."""
    cleaned = text.replace("\r\n", "\n").replace("\x00", "")
    return cleaned.strip()


def answer_problem(text: str, limits: Limits) -> AnswerProblem | None:
    if not text:
        return AnswerProblem.EMPTY
    if len(text) > limits.max_chars:
        return AnswerProblem.TOO_LONG
    if len(text.split()) < limits.min_words:
        return AnswerProblem.TOO_SHORT
    return None


def score(question: Question, text: str) -> Scorecard:
    context = QuestionContext(question.prompt, question.round, question.pack)
    return score_answer(AnswerText(text), question.checks, context)


def results_to_json(card: Scorecard) -> list[dict[str, Any]]:
    return [
        {
            "id": r.check_id,
            "status": r.status.value,
            "reason": r.reason,
            "tip": r.tip,
            "evidence": list(r.evidence),
            "weight": card.weights.get(r.check_id, 0.0),
        }
        for r in card.results
    ]


def results_from_json(score_value: int, stored: Sequence[Mapping[str, Any]]) -> Scorecard:
    """A scorecard rebuilt from storage; checks no longer registered are left out."""
    known = registry()
    results = tuple(
        CheckResult(
            str(item["id"]),
            Status(item["status"]),
            str(item.get("reason", "")),
            item.get("tip"),
            tuple(item.get("evidence", ())),
        )
        for item in stored
        if item.get("id") in known
    )
    weights = {str(item["id"]): float(item.get("weight", 1.0)) for item in stored if item.get("id") in known}
    return Scorecard(score_value, results, weights)
