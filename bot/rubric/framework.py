"""The rubric framework: checks registered by id, and a 0-100 score from a question's weights.

A check is a pure function from an analysed answer (and the question's context) to a result: pass,
partial or miss, a reason that points at the evidence or its absence, and a tip. Signal checks earn
their weight; penalty checks (anti-patterns) take points away when the answer shows the pattern.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from bot.rounds import Round
from bot.rubric.text import AnswerText


class Status(StrEnum):
    PASS = "pass"  # noqa: S105 - a rubric status, not a secret
    PARTIAL = "partial"
    MISS = "miss"


class CheckKind(StrEnum):
    SIGNAL = "signal"
    PENALTY = "penalty"


@dataclass(frozen=True, slots=True)
class CheckResult:
    check_id: str
    status: Status
    reason: str
    tip: str | None = None
    evidence: tuple[str, ...] = ()

    @property
    def message(self) -> str:
        return self.reason if self.tip is None else f"{self.reason} Tip: {self.tip}"


@dataclass(frozen=True, slots=True)
class QuestionContext:
    prompt: str
    round: Round
    company: str | None = None


CheckFunction = Callable[[AnswerText, QuestionContext], CheckResult]


@dataclass(frozen=True, slots=True)
class CheckSpec:
    id: str
    title: str
    kind: CheckKind
    function: CheckFunction = field(repr=False)


class UnknownCheckError(KeyError):
    """A question names a check id that is not registered."""


_REGISTRY: dict[str, CheckSpec] = {}


def register(
    check_id: str, *, title: str, kind: CheckKind = CheckKind.SIGNAL
) -> Callable[[CheckFunction], CheckFunction]:
    """Register a check under a stable id (ids are stored with results and named in question packs)."""

    def decorate(function: CheckFunction) -> CheckFunction:
        if check_id in _REGISTRY:
            raise ValueError(f"rubric check {check_id!r} is registered twice")
        _REGISTRY[check_id] = CheckSpec(check_id, title, kind, function)
        return function

    return decorate


def registry() -> Mapping[str, CheckSpec]:
    from bot.rubric import checks  # noqa: F401, PLC0415 - importing registers the built-in checks

    return _REGISTRY


def get_check(check_id: str) -> CheckSpec:
    try:
        return registry()[check_id]
    except KeyError:
        raise UnknownCheckError(check_id) from None


@dataclass(frozen=True, slots=True)
class Scorecard:
    score: int
    results: tuple[CheckResult, ...]
    weights: Mapping[str, float]
    # Why the score was capped, when it was (too short to judge, not written as sentences).
    cap_reason: str | None = None

    def result(self, check_id: str) -> CheckResult | None:
        return next((r for r in self.results if r.check_id == check_id), None)


_CREDIT = {Status.PASS: 1.0, Status.PARTIAL: 0.5, Status.MISS: 0.0}
# A penalty check's weight is the number of points it can take away.
_PENALTY_SHARE = {Status.PASS: 0.0, Status.PARTIAL: 0.5, Status.MISS: 1.0}


def substance_cap(answer: AnswerText) -> tuple[int, str | None]:
    """The most an answer can score given how much reasoning it contains in real sentences.

    Length never raises a score on its own, but an answer too short or too list-like to show
    reasoning cannot score high whatever words it contains.
    """
    prose_words = answer.prose_word_count
    if answer.word_count == 0:
        return 0, "The answer is empty."
    if len(answer.prose) <= 1 and prose_words < 25:
        return 15, "One line is too short to show how you reason."
    if answer.prose_share < 0.5:
        return 35, "Most of the answer is a list of terms rather than sentences that connect them."
    if prose_words < 60:
        return 55, "The answer is short: it has room for one idea, not the reasoning behind it."
    return 100, None


def score_answer(answer: AnswerText, weights: Mapping[str, float], context: QuestionContext) -> Scorecard:
    specs = [get_check(check_id) for check_id in weights]
    results = tuple(spec.function(answer, context) for spec in specs)
    earned = possible = penalty = 0.0
    for spec, result in zip(specs, results, strict=True):
        weight = weights[spec.id]
        if spec.kind is CheckKind.SIGNAL:
            possible += weight
            earned += weight * _CREDIT[result.status]
        else:
            penalty += weight * _PENALTY_SHARE[result.status]
    raw = 100.0 * earned / possible if possible else 0.0
    cap, cap_reason = substance_cap(answer)
    uncapped = max(0.0, raw - penalty)
    score = round(min(uncapped, cap))
    return Scorecard(score, results, dict(weights), cap_reason if uncapped > cap else None)
