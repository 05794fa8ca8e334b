"""Failure modes traced to what they do to users and to money."""

from __future__ import annotations

from bot.rubric.evidence import matched_terms, quotes, sentences_with
from bot.rubric.framework import CheckResult, QuestionContext, Status, register
from bot.rubric.text import AnswerText, compile_terms

FAILURE = compile_terms(
    "duplicate*",
    "double*",
    "twice",
    "retry storm*",
    "lost",
    "drop*",
    "missed",
    "timeout*",
    "time out",
    "times out",
    "outage*",
    "downtime",
    "race condition*",
    "out of order",
    "out-of-order",
    "partial failure*",
    "inconsisten*",
    "stale",
    "fail*",
    "down",
    "corrupt*",
    "replay*",
    "zombie",
    "backlog*",
    "overload*",
    "mismatch*",
    "error*",
    "bug*",
    "breach*",
    "leak*",
)
IMPACT = compile_terms(
    "customer*",
    "user*",
    "merchant*",
    "buyer*",
    "seller*",
    "consumer*",
    "charge*",
    "payout*",
    "refund*",
    "reconcil*",
    "support ticket*",
    "ticket*",
    "chargeback*",
    "money",
    "revenue",
    "trust",
    "compliance",
    "fine*",
    "ledger*",
    "balance*",
    "invoice*",
    "checkout",
    "conversion",
    "integrator*",
    "developer*",
    "partner*",
    "finance",
    "audit*",
    "regulator*",
    "cost*",
    "pays",
    "eats",
    "bears",
)


@register("failure_impact", title="Failure modes and their impact")
def failure_impact(answer: AnswerText, context: QuestionContext) -> CheckResult:
    traced = list(sentences_with(answer, FAILURE, IMPACT))
    modes = matched_terms(FAILURE, traced)
    if len(traced) >= 2 and len(modes) >= 2:
        return CheckResult(
            "failure_impact",
            Status.PASS,
            f"Traces failure modes ({', '.join(modes[:3])}) to who is hurt and what it costs.",
            evidence=quotes(traced),
        )
    if traced:
        return CheckResult(
            "failure_impact",
            Status.PARTIAL,
            f"Traces one failure mode ({modes[0]}) to its impact; the others go unexamined.",
            "Walk through two or three ways it breaks (duplicates, lost events, out-of-order delivery) "
            "and say who notices and who pays for each.",
            quotes(traced),
        )
    named = matched_terms(FAILURE, answer.prose)
    if named:
        return CheckResult(
            "failure_impact",
            Status.PARTIAL,
            f"Mentions failure ({', '.join(named[:2])}) but not what it does to users or money.",
            "For each failure, finish the sentence: “…which means the merchant sees / pays / calls support”.",
        )
    return CheckResult(
        "failure_impact",
        Status.MISS,
        "Does not say how the thing could fail.",
        "List the failures that matter (double charges, lost payouts, reconciliation gaps) and rank them "
        "by user impact and cost to recover.",
    )
