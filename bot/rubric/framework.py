"""The rubric framework: checks registered by id, and a 0-100 score from a question's weights.

A check is a pure function from an analysed answer (and the question's context) to a result: pass,
partial or miss, a reason that points at the evidence or its absence, and a tip. Signal checks earn
their weight; penalty checks (anti-patterns) take points away when the answer shows the pattern.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
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
    # Which sentences of the answer the evidence comes from (``Sentence.order``). The framework uses
    # it to cap a score by how much of the answer carries evidence; it is not shown to members.
    cited: tuple[int, ...] = field(default=(), compare=False, repr=False)

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
    # What answers that did not pass failed to do, worded to follow "4 of 6 answers …" in a
    # wrap-up; for a penalty check, what answers that showed the anti-pattern did.
    missed: str = ""
    # One line on what the check looks for, for pack authors and the full breakdown.
    about: str = ""


class UnknownCheckError(KeyError):
    """A question names a check id that is not registered."""


_REGISTRY: dict[str, CheckSpec] = {}


def register(
    check_id: str, *, title: str, kind: CheckKind = CheckKind.SIGNAL, missed: str = "", about: str = ""
) -> Callable[[CheckFunction], CheckFunction]:
    """Register a check under a stable id (ids are stored with results and named in question packs)."""

    def decorate(function: CheckFunction) -> CheckFunction:
        if check_id in _REGISTRY:
            raise ValueError(f"rubric check {check_id!r} is registered twice")
        _REGISTRY[check_id] = CheckSpec(check_id, title, kind, function, missed or f"did not pass {title}", about)
        return function

    return decorate


def registry() -> Mapping[str, CheckSpec]:
    from bot.rubric import checks  # noqa: F401, PLC0415 - importing registers the built-in checks

    return _REGISTRY


def get_check(check_id: str) -> CheckSpec:
    spec = _REGISTRY.get(check_id)  # scoring asks for every check of every answer: skip the import
    if spec is not None:
        return spec
    try:
        return registry()[check_id]
    except KeyError:
        raise UnknownCheckError(check_id) from None


@dataclass(frozen=True, slots=True)
class Scorecard:
    score: int
    results: tuple[CheckResult, ...]
    weights: Mapping[str, float]
    # Why the answer could not score higher: its shape (empty, one line, a list of terms), or too few
    # sentences carrying evidence when that held the score down.
    cap_reason: str | None = None

    def result(self, check_id: str) -> CheckResult | None:
        return next((r for r in self.results if r.check_id == check_id), None)


_CREDIT = {Status.PASS: 1.0, Status.PARTIAL: 0.5, Status.MISS: 0.0}
# A penalty check's weight is the number of points it can take away.
_PENALTY_SHARE = {Status.PASS: 0.0, Status.PARTIAL: 0.5, Status.MISS: 1.0}

# The most an answer can score given how many distinct sentences carry evidence for the checks it
# passes. Only cited sentences count, so padding an answer with filler never lifts its ceiling.
_EVIDENCE_CAPS = (0, 15, 45, 75)  # by number of cited sentences; four or more: no cap
_ONE_LINE_CAP = 15
_LIST_CAP = 35
_MIN_WORDS = 20
_MIN_PROSE_SHARE = 0.5


def substance_cap(answer: AnswerText) -> tuple[int, str | None]:
    """The most an answer can score given its shape, before any check runs.

    Length never raises a score on its own, but an answer too short or too list-like to show
    reasoning cannot score high whatever words it contains.
    """
    if not answer.prose and answer.word_count == 0:
        return 0, "The answer is empty."
    if len(answer.prose) <= 1 or answer.distinct_word_count < _MIN_WORDS:
        if answer.prose_share < _MIN_PROSE_SHARE and answer.distinct_word_count >= _MIN_WORDS:
            return _ONE_LINE_CAP, "There is at most one real sentence; the rest is a list of terms."
        return _ONE_LINE_CAP, "One line is too short to show how you reason."
    if answer.prose_share < _MIN_PROSE_SHARE:
        return _LIST_CAP, "Most of the answer is a list of terms rather than sentences that connect them."
    return 100, None


def evidence_cap(results: Sequence[CheckResult], specs: Sequence[CheckSpec]) -> tuple[int, str | None]:
    """The most an answer can score given how many of its sentences carry the evidence it earned."""
    cited: set[int] = set()
    for spec, result in zip(specs, results, strict=True):
        if spec.kind is CheckKind.SIGNAL and result.status is not Status.MISS:
            cited.update(result.cited)
    if len(cited) >= len(_EVIDENCE_CAPS) or not cited:
        return 100, None
    count = len(cited)
    return _EVIDENCE_CAPS[count], (
        f"Only {count} sentence{'s' if count != 1 else ''} of the answer carr{'y' if count != 1 else 'ies'} "
        "the reasoning scored here; a higher score needs more of it shown."
    )


def score_answer(answer: AnswerText, weights: Mapping[str, float], context: QuestionContext) -> Scorecard:
    """Run the question's checks on the answer and turn their results into a 0-100 score.

    Signal checks earn their weight (half for a partial); the earned share, capped by the answer's
    shape and by how many sentences carry evidence, is then reduced by the penalty checks that fire.
    """
    specs = [get_check(check_id) for check_id in weights]
    results = tuple([spec.function(answer, context) for spec in specs])
    earned = possible = penalty = 0.0
    for spec, result in zip(specs, results, strict=True):
        weight = weights[spec.id]
        if spec.kind is CheckKind.SIGNAL:
            possible += weight
            earned += weight * _CREDIT[result.status]
        else:
            penalty += weight * _PENALTY_SHARE[result.status]
    raw = 100.0 * earned / possible if possible else 0.0
    shape_cap, shape_reason = substance_cap(answer)
    cited_cap, cited_reason = evidence_cap(results, specs)
    score = round(max(0.0, min(raw, shape_cap, cited_cap) - penalty))
    # An answer's shape (empty, one line, a list) always explains its score; the evidence cap is only
    # worth mentioning when it actually held the score down.
    if shape_reason is not None:
        reason: str | None = shape_reason
    elif raw > cited_cap:
        reason = cited_reason
    else:
        reason = None
    return Scorecard(score, results, dict(weights), reason)
