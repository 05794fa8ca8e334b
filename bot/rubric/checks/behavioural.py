"""Behavioural stories: Situation, Task, Action, Result, Learned, in that order."""

from __future__ import annotations

import re

from bot.rubric.evidence import quote
from bot.rubric.framework import CheckResult, QuestionContext, Status, register
from bot.rubric.text import AnswerText, Sentence, compile_terms

PARTS: dict[str, re.Pattern[str]] = {
    "situation": compile_terms(
        "at my last",
        "at my previous",
        "in my last role",
        "in my previous role",
        "we were",
        "our team was",
        "our team had",
        "last year",
        "in 20*",
        "when i was",
        "i was working",
        "the company was",
        "we had",
        "our platform",
        "context",
        "situation",
        "at the time",
    ),
    "task": compile_terms(
        "i was responsible",
        "i owned",
        "my goal",
        "my job",
        "my task",
        "i needed to",
        "i had to",
        "i was asked",
        "the task",
        "i was accountable",
        "my role was",
        "the goal was",
        "we needed to",
        "the deadline",
    ),
    "action": compile_terms(
        "i decided",
        "i escalated",
        "i pushed",
        "i proposed",
        "i built",
        "i negotiated",
        "i paused",
        "i chose",
        "i overruled",
        "i wrote",
        "i ran",
        "i set up",
        "i cut",
        "i convinced",
        "i asked",
        "i brought",
        "i called",
        "i moved",
        "i changed",
        "i killed",
        "i delayed",
        "i insisted",
        "i went to",
        "i designed",
    ),
    "result": compile_terms(
        "as a result",
        "result*",
        "which led",
        "led to",
        "reduced",
        "increased",
        "cut",
        "saved",
        "avoided",
        "shipped",
        "launched",
        "went from",
        "dropped",
        "improved",
        "grew",
        "outcome",
    ),
    "learned": compile_terms(
        "i learned",
        "i learnt",
        "lesson*",
        "next time",
        "in hindsight",
        "taught me",
        "i now",
        "since then",
        "i would",
        "i'd do",
        "what i took away",
        "takeaway",
        "i realised",
        "i realized",
    ),
}


def _first_positions(sentences: tuple[Sentence, ...]) -> dict[str, Sentence]:
    found: dict[str, Sentence] = {}
    for sentence in sentences:
        for part, pattern in PARTS.items():
            if part in found or not pattern.search(sentence.lower):
                continue
            if part == "result" and not sentence.quantities and "as a result" not in sentence.lower:
                # A result without a measure is a claim; look on for one that is measured.
                continue
            found[part] = sentence
    return found


@register("star_l", title="STAR-L story structure")
def star_l(answer: AnswerText, context: QuestionContext) -> CheckResult:
    found = _first_positions(answer.prose)
    order = [part for part in PARTS if part in found]
    missing = [part for part in PARTS if part not in found]
    in_order = [found[part].index for part in order] == sorted(found[part].index for part in order)
    evidence = tuple(f"{part}: {quote(found[part], 60)}" for part in order[:3])
    if not missing and in_order:
        return CheckResult(
            "star_l",
            Status.PASS,
            "Tells the story in order: situation, task, action, a measured result and a lesson.",
            evidence=evidence,
        )
    if len(found) >= 3:
        problem = f"misses the {', '.join(missing)}" if missing else "has the parts out of order"
        return CheckResult(
            "star_l",
            Status.PARTIAL,
            f"Has a story shape but {problem}.",
            "Close with a measured result and what you learned and now do differently.",
            evidence,
        )
    return CheckResult(
        "star_l",
        Status.MISS,
        "Does not tell one concrete story.",
        "Pick one real episode: the situation, your task, what you decided, the measured result, "
        "and the lesson you took from it.",
        evidence,
    )
