"""Cross-functional stakeholders beyond engineering, each with a reason to be involved."""

from __future__ import annotations

import re

from bot.rubric.evidence import quotes
from bot.rubric.framework import CheckResult, QuestionContext, Status, register
from bot.rubric.text import AnswerText, compile_terms

FUNCTIONS: dict[str, re.Pattern[str]] = {
    "product": compile_terms("product", "product manager*", "pm", "pms"),
    "legal": compile_terms("legal", "lawyer*", "counsel"),
    "compliance": compile_terms("compliance", "regulator*", "regulatory", "aml", "kyc"),
    "finance": compile_terms("finance", "financ*", "accounting", "treasury", "cfo"),
    "risk": compile_terms("risk team", "financial risk", "risk and fraud", "fraud team", "credit risk", "risk"),
    "support": compile_terms("support", "customer service", "customer success", "operations", "ops team"),
    "security": compile_terms("security", "privacy", "dpo", "data protection"),
    "commercial": compile_terms("sales", "marketing", "partnerships", "account manager*", "bizdev"),
}
WHY = compile_terms(
    "because",
    "so that",
    "so they",
    "to sign off",
    "to approve",
    "to review",
    "to check",
    "to confirm",
    "to own",
    "to prepare",
    "sign-off",
    "sign off",
    "owns",
    "own the",
    "needs to",
    "need to",
    "for the",
    "to make sure",
    "to ensure",
    "who",
    "since",
    "to brief",
    "to handle",
    "to update",
)


@register("stakeholders", title="Stakeholders beyond engineering")
def stakeholders(answer: AnswerText, context: QuestionContext) -> CheckResult:
    named: dict[str, bool] = {}
    evidence = []
    for sentence in answer.prose:
        found = [name for name, pattern in FUNCTIONS.items() if pattern.search(sentence.lower)]
        if not found:
            continue
        has_reason = bool(WHY.search(sentence.lower))
        for name in found:
            named[name] = named.get(name, False) or has_reason
        if has_reason:
            evidence.append(sentence)
    with_reason = [name for name, reason in named.items() if reason]
    if len(named) >= 3 and len(with_reason) >= 2:
        return CheckResult(
            "stakeholders",
            Status.PASS,
            f"Brings in {', '.join(named)} and says why they are needed.",
            evidence=quotes(evidence),
        )
    if named:
        return CheckResult(
            "stakeholders",
            Status.PARTIAL,
            f"Names {', '.join(named)}"
            + ("" if with_reason else " without saying what each must do")
            + "; other functions with a stake are missing.",
            "Before the first runbook, list who besides engineering is affected (legal, compliance, "
            "finance, risk, support) and what each must sign off or prepare.",
            quotes(evidence),
        )
    return CheckResult(
        "stakeholders",
        Status.MISS,
        "Involves no one outside engineering.",
        "Name the product, legal, financial-risk and support owners and what each needs from you.",
    )
