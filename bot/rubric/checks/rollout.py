"""Rollout discipline: rollback triggers that a pager could act on."""

from __future__ import annotations

import re

from bot.rubric.evidence import quotes, sentences_with
from bot.rubric.framework import CheckResult, QuestionContext, Status, register
from bot.rubric.text import AnswerText, Sentence, compile_terms

CONDITION = compile_terms(
    "if",
    "when",
    "once",
    "whenever",
    "exceed*",
    "above",
    "below",
    "over",
    "under",
    "more than",
    "less than",
    "greater than",
    "drops",
    "rises",
    "crosses",
    "breach*",
    "goes past",
)
ROLLBACK_ACTION = compile_terms(
    "roll back",
    "rollback",
    "roll it back",
    "rolled back",
    "revert*",
    "halt*",
    "pause*",
    "stop the rollout",
    "stop rollout",
    "kill switch",
    "disable the flag",
    "turn off the flag",
    "flip the flag",
    "abort*",
    "fall back",
    "fallback",
    "switch back",
    "freeze*",
    "page*",
    "back out",
)
DURATION = re.compile(
    r"(?:for|over|within|across|during|sustained|lasting|in)\s+(?:a|an|the|\d[\d.,]*|one|two|three|five|ten|"
    r"fifteen|thirty)?\s*(?:consecutive\s+)?(?:minutes?|mins?|hours?|hrs?|seconds?|days?|windows?|intervals?)"
    r"|\d+\s*(?:-\s*)?(?:minutes?|mins?|hours?|seconds?|days?)\b"
)
THRESHOLD_MARK = re.compile(r"\d")


def _parts(sentence: Sentence) -> set[str]:
    found = set()
    if CONDITION.search(sentence.lower):
        found.add("condition")
    if any(THRESHOLD_MARK.search(quantity) for quantity in sentence.quantities):
        found.add("threshold")
    if DURATION.search(sentence.lower):
        found.add("duration")
    if ROLLBACK_ACTION.search(sentence.lower):
        found.add("action")
    return found


@register("rollback_trigger", title="Rollback trigger")
def rollback_trigger(answer: AnswerText, context: QuestionContext) -> CheckResult:
    candidates = list(sentences_with(answer, ROLLBACK_ACTION))
    if not candidates:
        return CheckResult(
            "rollback_trigger",
            Status.MISS,
            "No rollback or halt condition is defined.",
            "Pre-commit to a trigger: “if auth latency is above 300 ms for more than 5% of requests for "
            "10 minutes, we halt and roll back”.",
        )
    scored = sorted(candidates, key=lambda sentence: len(_parts(sentence)), reverse=True)
    best = scored[0]
    parts = _parts(best)
    if {"condition", "threshold", "duration", "action"} <= parts:
        complete = [sentence for sentence in scored if len(_parts(sentence)) == 4]
        return CheckResult(
            "rollback_trigger",
            Status.PASS,
            "Defines a rollback trigger with a condition, a threshold, a duration and an action.",
            evidence=quotes(complete),
        )
    missing = [part for part in ("threshold", "duration", "condition") if part not in parts]
    return CheckResult(
        "rollback_trigger",
        Status.PARTIAL,
        f"Plans to roll back, but the trigger lacks a {' and a '.join(missing)}.",
        "Make the trigger mechanical: which metric, what number, for how long, and who pulls the lever.",
        quotes([best]),
    )
