"""Cross-functional stakeholders beyond engineering, each with a reason to be involved."""

from __future__ import annotations

from bot.rubric.evidence import listed, result
from bot.rubric.framework import CheckResult, QuestionContext, Status, register
from bot.rubric.lexicon import terms, union
from bot.rubric.text import AnswerText, Sentence
from bot.rubric.vocabulary import CAUSAL, FUNCTIONS

# What a function is there to do: sign off, prepare, own, check.
ROLE = terms(
    "to sign off", "sign off", "signs off", "signed off", "sign offs", "to approve", "approve*", "to review",
    "review*", "to check", "check*", "to confirm", "confirm*", "to own", "owns", "own the", "owned", "to prepare",
    "prepare*", "needs to", "need to", "needs", "to make sure", "to ensure", "ensure*", "to brief", "brief*",
    "to handle", "handle*", "to update", "update*", "must", "has to", "have to", "responsible for", "in charge of",
    "draft*", "train*", "script*", "macro*", "reconcil*", "agree*", "sets", "set the", "decide*", "validate*",
    "verify*", "assess*", "staff*", "plan", "write*", "answer*", "field*", "talk to", "tell", "warn*",
    "communicat*", "notify*", "monitor*", "watch*", "track*", "model*", "price*", "budget*", "negotiat*", "file*",
    "report*", "cover*", "veto*", "block*", "can stop", "could stop", "gets a say", "has a say",
    name="stakeholder role",
)  # fmt: skip
_REASON = union([ROLE, CAUSAL])
_ANY_FUNCTION = union(FUNCTIONS.values())


@register(
    "stakeholders",
    title="Stakeholders beyond engineering",
    missed="involved no one beyond engineering (legal, compliance, finance, risk, support)",
    about="Product, legal, compliance, finance, risk and support named, with what each must do or sign off.",
)
def stakeholders(answer: AnswerText, context: QuestionContext) -> CheckResult:
    named: dict[str, bool] = {}
    evidence: list[Sentence] = []
    mentions: list[Sentence] = []
    for sentence in answer.prose:
        if not sentence.mask & _ANY_FUNCTION:
            continue
        found = [name for name, group in FUNCTIONS.items() if sentence.mask & group.bit]
        mentions.append(sentence)
        has_reason = bool(sentence.mask & _REASON)
        for name in found:
            named[name] = named.get(name, False) or has_reason
        if has_reason:
            evidence.append(sentence)
    with_reason = [name for name, reason in named.items() if reason]
    if len(named) >= 3 and len(with_reason) >= 2:
        return result(
            "stakeholders",
            Status.PASS,
            f"Brings in {listed([FUNCTIONS[name].name for name in named], 4)} and says what each is needed for.",
            cited=evidence,
        )
    if named:
        missing = "" if with_reason else " without saying what each must do"
        return result(
            "stakeholders",
            Status.PARTIAL,
            f"Names {listed([FUNCTIONS[name].name for name in named])}{missing}; other functions with a stake are missing.",
            "Before the first runbook, list who besides engineering is affected (legal, compliance, finance, "
            "risk, support) and what each must sign off or prepare.",
            evidence or mentions,
        )
    return result(
        "stakeholders",
        Status.MISS,
        "Involves no one outside engineering.",
        "Name the product, legal, financial-risk and support owners and what each needs from you.",
    )
