"""Rollout discipline: staged exposure with gates and an off-ramp, and rollback triggers a pager could act on."""

from __future__ import annotations

import re

from bot.rubric.evidence import listed, result
from bot.rubric.framework import CheckResult, QuestionContext, Status, register
from bot.rubric.lexicon import found_terms, terms
from bot.rubric.text import AnswerText, Sentence
from bot.rubric.vocabulary import CONDITION

ROLLBACK_ACTION = terms(
    "roll back", "rollback", "roll it back", "rolled back", "rolling back", "rolls back", "revert*", "halt*",
    "pause*", "stop the rollout", "stop rolling", "stop the release", "stop the launch", "stop the ramp", "kill switch",
    "disable the flag", "turn off the flag", "flip the flag", "flag off", "switch off", "turn it off", "abort*",
    "fall back", "fallback", "fail over", "failover", "switch back", "switch traffic back", "route back",
    "shift traffic back", "freeze*", "back out", "pull the release", "go back", "undo", "unwind",
    name="rollback action",
)  # fmt: skip
# "Switch reads back to the old store", "route traffic back": a move verb with "back" later on.
MOVE = terms(
    "switch", "switches", "switched", "move", "moves", "moved", "route", "routes", "routed", "shift", "shifts",
    "shifted", "send", "sends", "flip", "flips", "put", "fail", "fails", "point", "points", "return", "returns",
    name="move",
)  # fmt: skip


def is_rollback_action(sentence: Sentence) -> bool:
    return bool(sentence.mask & ROLLBACK_ACTION.bit or (sentence.mask & MOVE.bit and "back" in sentence.words))


_MAY_ACT = ROLLBACK_ACTION.bit | MOVE.bit


# "for 10 minutes", "over a 15-minute window", "sustained for an hour", "within 30 min".
_DURATION_AFTER_WORD = (
    r"(?:for|over|within|across|during|sustained|lasting|in|after)\s+(?:(?:a|an|the|more\s+than|at\s+least)\s+)?"
    r"(?:\d[\d.,]*|one|two|three|four|five|ten|fifteen|twenty|thirty|sixty)?[\s-]*"
    r"(?:consecutive\s+|straight\s+|rolling\s+|full\s+)?(?:minutes?|mins?|hours?|hrs?|seconds?|secs?|days?|"
    r"weeks?|windows?|intervals?|h\b|m\b)"
)
_DURATION_AFTER_NUMBER = r"\d+\s*(?:-\s*)?(?:minutes?|mins?|hours?|hrs?|seconds?|secs?|days?|h)\b"
# Whether a sentence has a duration is all that matters, so the two alternatives are searched apart:
# each starts with a known set of characters that the regex engine skips ahead to, where one joined
# pattern would be tried at every position.
_HAS_DURATION = (re.compile(_DURATION_AFTER_NUMBER).search, re.compile(_DURATION_AFTER_WORD).search)
_THRESHOLD_KINDS = frozenset({"percent", "money", "latency", "volume", "magnitude", "multiple"})
_PARTS = ("condition", "threshold", "duration", "action")


def _parts(sentence: Sentence) -> set[str]:
    found = set()
    if sentence.mask & CONDITION.bit:
        found.add("condition")
    lower = sentence.lower
    if any(search(lower) for search in _HAS_DURATION):
        found.add("duration")
    kinds = sentence.quantity_kinds
    if kinds & _THRESHOLD_KINDS or ("duration" in kinds and len(sentence.quantities) >= 2):
        found.add("threshold")
    if is_rollback_action(sentence):
        found.add("action")
    return found


_ALL_PARTS = frozenset(_PARTS)
_CONDITION_AND_THRESHOLD = frozenset({"condition", "threshold"})


def _trigger(answer: AnswerText, position: int, parts_of: dict[int, set[str]]) -> tuple[set[str], list[Sentence]]:
    """The parts of a trigger around an action sentence: the condition often sits in the sentence before.

    ``parts_of`` holds the parts of sentences already looked at (by position), left unchanged.
    """
    sentence = answer.prose[position]
    if position not in parts_of:
        parts_of[position] = _parts(sentence)
    parts = set(parts_of[position])
    used = [sentence]
    if parts >= _ALL_PARTS or position == 0:
        return parts, used
    previous = answer.prose[position - 1]
    if position - 1 not in parts_of:
        parts_of[position - 1] = _parts(previous)
    before = parts_of[position - 1]
    if before >= _CONDITION_AND_THRESHOLD:
        parts |= before
        used.insert(0, previous)
    return parts, used


@register(
    "rollback_trigger",
    title="Rollback trigger",
    missed="gave no rollback trigger with a threshold, a duration and an action",
    about="A rollback trigger a pager could act on: a condition with a threshold, a duration and an action.",
)
def rollback_trigger(answer: AnswerText, context: QuestionContext) -> CheckResult:
    parts_of: dict[int, set[str]] = {}
    candidates = [
        _trigger(answer, position, parts_of)
        for position, sentence in enumerate(answer.prose)
        if sentence.mask & _MAY_ACT and is_rollback_action(sentence)
    ]
    if not candidates:
        return result(
            "rollback_trigger",
            Status.MISS,
            "No rollback or halt condition is defined.",
            "Pre-commit to a trigger: “if auth latency is above 300 ms for more than 5% of requests for "
            "10 minutes, we halt and roll back”.",
        )
    complete = [used for parts, used in candidates if parts >= _ALL_PARTS]
    if complete:
        return result(
            "rollback_trigger",
            Status.PASS,
            "Defines a rollback trigger with a condition, a threshold, a duration and an action.",
            cited=[sentence for used in complete for sentence in used],
        )
    parts, used = max(candidates, key=lambda candidate: len(candidate[0]))
    missing = [part for part in _PARTS if part not in parts]
    return result(
        "rollback_trigger",
        Status.PARTIAL,
        f"Plans to roll back, but the trigger has no {listed(missing)}.",
        "Make it mechanical: which metric, what number, for how long, and what happens (halt, revert, page).",
        used,
    )


STAGE = terms(
    "canary", "canaries", "stage*", "phase*", "cohort*", "dark launch*", "shadow*", "internal user*", "employees",
    "staff", "dogfood*", "pilot*", "beta", "one market", "one country", "single market", "first market", "per market",
    "market by market", "country by country", "ramp*", "gradual*", "incremental*", "percentage rollout",
    "of traffic", "traffic", "small group", "allowlist", "allow list", "design partner*", "early access", "wave*",
    "then to", "expand to", "expand*", "widen*", "a b test", "holdout", "side by side", "in parallel", "dual run*",
    "start small", "starting small", "small first", "first wave", "first cohort", "of customers", "of users",
    "of merchants", "of requests", "feature flag*", "behind a flag", "percent of",
    name="staged exposure",
)  # fmt: skip
GATE = terms(
    "hold for", "hold at", "holding at", "bake", "baking", "soak*", "exit criteria", "entry criteria", "gate*",
    "before moving", "before we move", "before expanding", "before we expand", "before going", "before widening",
    "go no go", "only if", "only when", "once", "as long as", "stable for", "clean for", "criteria", "sign off*",
    "signed off", "wait*", "for at least", "checkpoint*", "review", "if it holds", "if metrics hold",
    "if the metrics hold", "green for", "healthy for", "each step", "each stage", "before each",
    name="stage gate",
)  # fmt: skip
OFF_RAMP = terms(
    "off ramp", "kill switch*", "fall back", "fallback", "keep the old", "old path", "old system", "old flow",
    "old model", "old version", "old service", "legacy", "switch back", "revert*", "roll back", "rollback",
    "rolled back", "dual run*", "run in parallel", "in parallel", "side by side", "feature flag*", "flag off",
    "turn off", "turn it off", "plan b", "exit plan", "back out", "abort*", "fail over", "failover",
    "route back", "shift traffic back", "undo", "pause*", "halt*", "stop new", "freeze*",
    name="off-ramp",
)  # fmt: skip
SEQUENCE = terms(
    "then", "next", "first", "start*", "begin*", "initially", "followed", "later", "after that", "afterwards",
    "until", "once", "step*", "stage*", "phase*", "ramp*", "wave*", "gradual*", "incremental*", "widen*", "expand*",
    "move to", "moving to", "go to", "rather than all at once", "one at a time", "by market", "by country",
    name="sequence",
)  # fmt: skip
_STAGE_SIZES = frozenset({"percent", "volume", "duration"})


@register(
    "staged_rollout",
    title="Staged rollout with an off-ramp",
    missed="did not stage the exposure with gates and an off-ramp",
    about="Exposure in stages (canary, percentages, markets) with a gate between stages and a pre-agreed off-ramp.",
)
def staged_rollout(answer: AnswerText, context: QuestionContext) -> CheckResult:
    # A stage is exposure being sequenced ("first to a waitlist, then …") or sized ("1% of traffic"),
    # not a passing mention of "the beta".
    stages = [
        s
        for s in answer.prose
        if (s.mask & STAGE.bit and (s.mask & SEQUENCE.bit or s.quantities))
        # "5% of customers, then 25%, then everyone" is a ramp even without the word "stage"
        or (s.mask & SEQUENCE.bit and sum(1 for q in s.quantities if q.endswith("%")) >= 2)
    ]
    sized = [s for s in stages if s.quantity_kinds & _STAGE_SIZES]
    sizes = {quantity for sentence in sized for quantity in sentence.quantities}
    # More than one step: several stage sentences, several sizes, or one sentence naming two steps
    # ("start small … before widening").
    multi_stage = len(sizes) >= 2 or len(stages) >= 2 or any(len(found_terms(STAGE, s.words)) >= 2 for s in stages)
    gated = [
        sentence
        for position, sentence in enumerate(answer.prose)
        if sentence.mask & GATE.bit and answer.window(position) & STAGE.bit
    ]
    off_ramp = [s for s in answer.prose if s.mask & OFF_RAMP.bit]
    if multi_stage and gated and off_ramp:
        return result(
            "staged_rollout",
            Status.PASS,
            "Stages the exposure, gates each step, and keeps an off-ramp.",
            cited=[*(sized or stages)[:2], *gated[:1], *off_ramp[:1]],
        )
    have = []
    if stages:
        have.append("stages")
    if gated:
        have.append("gates")
    if off_ramp:
        have.append("an off-ramp")
    if stages:
        lacking = [part for part in ("gates", "an off-ramp") if part not in have]
        if not multi_stage:
            lacking.insert(0, "a second step")
        return result(
            "staged_rollout",
            Status.PARTIAL,
            f"Has {listed(have)}, but lacks {listed(lacking)}.",
            "Lay out the ramp: e.g. 1% for two days, 10% for a week, then 50%, each gated on named metrics, "
            "with the old path kept warm to fall back to.",
            [*stages[:2], *gated[:1], *off_ramp[:1]],
        )
    if off_ramp:
        return result(
            "staged_rollout",
            Status.MISS,
            "Ships to everyone at once; a way back is mentioned, but no stages limit the damage.",
            "Expose in steps (internal, 1%, one market, 25%) with exit criteria between them, not all at once.",
        )
    return result(
        "staged_rollout",
        Status.MISS,
        "Ships to everyone at once, with no stages and no way back.",
        "Expose in steps (internal, 1%, one market, 25%) with exit criteria between them and an off-ramp "
        "agreed in advance.",
    )
