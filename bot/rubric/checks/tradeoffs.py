"""Trade-offs stated in numbers that matter to the business."""

from __future__ import annotations

from bot.rubric.evidence import quotes, sentences_with, with_quantity
from bot.rubric.framework import CheckResult, QuestionContext, Status, register
from bot.rubric.text import AnswerText, compile_terms

COST_OR_BENEFIT = compile_terms(
    "cost*",
    "revenue",
    "margin*",
    "gmv",
    "conversion",
    "churn*",
    "chargeback*",
    "fine*",
    "los*",
    "sav*",
    "spend*",
    "profit*",
    "price*",
    "fee*",
    "support ticket*",
    "support burden",
    "support load",
    "worth",
    "exposure",
    "risk*",
    "approval rate*",
    "default rate*",
    "drop-off",
    "abandon*",
    "retention",
    "latency",
    "onboarding time",
    "time to market",
    "time-to-market",
    "delay*",
    "budget",
)
TRADE_OFF = compile_terms(
    "trade-off*",
    "tradeoff*",
    "trade off",
    "but",
    "however",
    "at the cost of",
    "in exchange",
    "instead of",
    "rather than",
    "versus",
    "vs",
    "accept*",
    "gave up",
    "give up",
    "sacrific*",
    "even though",
    "although",
    "outweigh*",
    "worth it",
    "cheaper than",
    "more expensive",
)


@register("quantified_tradeoff", title="Trade-off with numbers")
def quantified_tradeoff(answer: AnswerText, context: QuestionContext) -> CheckResult:
    costed = list(with_quantity(sentences_with(answer, COST_OR_BENEFIT)))
    weighed = [sentence for sentence in costed if TRADE_OFF.search(sentence.lower)]
    if weighed:
        return CheckResult(
            "quantified_tradeoff",
            Status.PASS,
            "Weighs a trade-off with a number tied to a cost or benefit.",
            evidence=quotes(weighed),
        )
    if costed:
        return CheckResult(
            "quantified_tradeoff",
            Status.PARTIAL,
            "Puts a number on a cost or benefit, but never sets it against what the choice gives up.",
            "Name the alternative and its price: “X costs us N, but Y would cost M”.",
            quotes(costed),
        )
    unpriced = list(sentences_with(answer, TRADE_OFF, COST_OR_BENEFIT))
    if unpriced:
        return CheckResult(
            "quantified_tradeoff",
            Status.PARTIAL,
            "Names a trade-off but gives it no size.",
            "Attach a number with a unit to each side: money, a percentage, hours of delay, tickets a week.",
            quotes(unpriced),
        )
    return CheckResult(
        "quantified_tradeoff",
        Status.MISS,
        "No trade-off is weighed in numbers.",
        "Pick the decision that matters most and price both sides, e.g. "
        "“72 hours of onboarding delay costs about $150K of GMV; a missed fraudster costs $200K”.",
    )
