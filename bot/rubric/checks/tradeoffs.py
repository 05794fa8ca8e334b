"""Trade-offs in the terms a business decides by: sized with numbers, framed as money and risk."""

from __future__ import annotations

from bot.rubric.evidence import listed, result
from bot.rubric.framework import CheckResult, QuestionContext, Status, register
from bot.rubric.lexicon import terms, union
from bot.rubric.text import AnswerText, Sentence
from bot.rubric.vocabulary import CAUSAL, CONTRAST, DECIDE, ENGINEERING_MEASURE, MONEY, USERS, WHO_BEARS

# Costs and benefits that are not money words but are still paid by someone: time, load, delay.
COST_OF_TIME = terms(
    "delay*", "late", "later", "faster", "slower", "sooner", "wait*", "hours of", "days of", "weeks of",
    "onboarding time", "time to market", "time to value", "engineer weeks", "engineering weeks", "engineering time",
    "headcount", "support ticket*", "tickets", "contacts", "calls", "incident*", "manual review*", "backlog",
    "effort", "rework", "hours a week", "hours a month", "behind", "slip*", "overtime", "fewer", "approve*",
    name="cost of time",
)  # fmt: skip
_BUSINESS_KINDS = frozenset({"money"})
_ANY_COST = union([MONEY, ENGINEERING_MEASURE, COST_OF_TIME])
_WEIGHING = union([CONTRAST, DECIDE])


def _business_valued(sentence: Sentence) -> bool:
    return bool(sentence.quantity_kinds & _BUSINESS_KINDS or sentence.mask & (MONEY.bit | COST_OF_TIME.bit))


@register(
    "quantified_tradeoff",
    title="Quantified trade-off",
    missed="put no numbers on what the choice costs or earns",
    about="Numbers with units (money, percentages, hours, volumes) tied to a cost or benefit and weighed against the alternative.",
)
def quantified_tradeoff(answer: AnswerText, context: QuestionContext) -> CheckResult:
    sized = [
        (position, sentence)
        for position, sentence in enumerate(answer.prose)
        if sentence.quantities and (sentence.mask & _ANY_COST or "money" in sentence.quantity_kinds)
    ]
    business = [(position, sentence) for position, sentence in sized if _business_valued(sentence)]
    priced_positions = {position for position, _ in sized}
    weighed = [
        sentence
        for position, sentence in business
        # Weighed: a contrast or a decision next to it, the other side priced in the next sentence, or a
        # chain of numbers ending in money ("a 40% cut lifts completion 1.8%, worth €3M a year").
        if (answer.window(position) & _WEIGHING and (len(sentence.quantities) >= 2 or len(sized) >= 2))
        or {position - 1, position + 1} & priced_positions
        or (len(sentence.quantities) >= 2 and "money" in sentence.quantity_kinds)
    ]
    if weighed:
        return result(
            "quantified_tradeoff",
            Status.PASS,
            "Sizes the trade-off in numbers that matter to the business.",
            cited=[*weighed, *(sentence for _, sentence in sized)],
        )
    if business:
        return result(
            "quantified_tradeoff",
            Status.PARTIAL,
            "Puts a number on one side of the decision but never sizes what the choice gives up.",
            "Price both sides: “shipping now costs about N; waiting costs M”.",
            [sentence for _, sentence in business],
        )
    if sized:
        return result(
            "quantified_tradeoff",
            Status.PARTIAL,
            "Has engineering numbers but not what they are worth to users or the business.",
            "Tie the number to money: what does 40% less latency do to conversion, and what is that worth?",
            [sentence for _, sentence in sized],
        )
    unpriced = [s for s in answer.prose if s.mask & CONTRAST.bit and s.mask & (MONEY.bit | COST_OF_TIME.bit)]
    if unpriced:
        return result(
            "quantified_tradeoff",
            Status.PARTIAL,
            "Weighs a trade-off in words but gives it no size.",
            "Attach a number with a unit to each side: money, a percentage, days of delay, tickets a week.",
            unpriced,
        )
    return result(
        "quantified_tradeoff",
        Status.MISS,
        "No cost or benefit is sized.",
        "Price the decision that matters most, e.g. “72 hours of onboarding delay costs about $150K of volume; "
        "a missed fraudster costs $200K”.",
    )


# The business dimensions a trade-off can be framed in. Each is looked for next to a reason, a
# contrast, a decision or a number: "cost" in passing is not framing.
DIMENSIONS = {
    "cost": terms(
        "cost*", "spend*", "expens*", "budget*", "headcount", "engineering time", "engineer weeks", "savings",
        name="cost",
    ),
    "revenue": terms(
        "revenue*", "gmv", "tpv", "sales", "conversion*", "approval rate*", "acceptance rate*", "volume", "upsell*",
        "basket*", "checkout completion", "completion", "growth", "adoption",
        name="revenue",
    ),
    "margin": terms(
        "margin*", "fee*", "pricing", "price*", "unit economics", "take rate", "interchange", "profit*",
        name="margin",
    ),
    "risk exposure": terms(
        "exposure", "loss", "losses", "chargeback*", "fraud loss*", "a fine", "the fine", "fines", "fined", "penalt*",
        "liabilit*", "write off*", "bad debt", "regulatory risk", "brand risk", "reputational", "credit loss*",
        "defaults", "audit finding*", "audit problem", "audit risk", "discrimination claim*",
        name="risk exposure",
    ),
    "support burden": terms(
        "support ticket*", "tickets", "support load", "support burden", "support cost*", "support volume",
        "contact rate", "calls to support", "support queue*", "manual work", "manual review*", "ops load",
        "operational load", "toil",
        name="support burden",
    ),
    "integration cost": terms(
        "integration cost*", "integration effort", "integration work", "migration cost*", "migration effort",
        "engineering effort", "developer time", "developer effort", "re integrat*", "reintegrat*", "breaking change*",
        "rewrite*", "switching cost*",
        name="integration cost",
    ),
    "churn and trust": terms(
        "churn*", "retention", "trust", "lifetime value", "ltv", "attrition", "to a competitor", "to competitors",
        "reputation*", "leave us", "walk away",
        name="churn and trust",
    ),
    "time to market": terms(
        "time to market", "launch date", "ship date", "deadline", "delay*", "weeks late", "days late", "ship sooner",
        "ship later", "first to market",
        name="time to market",
    ),
}  # fmt: skip
# A dimension counts when it is attached to something: a reason, a contrast, a decision, who bears
# it, the people it lands on, or a number. "Cost" in passing is not framing.
SECOND_PERSON = terms("you", "your", "yours", name="second person")
_FRAMING_CONTEXT = union([CAUSAL, CONTRAST, DECIDE, WHO_BEARS, USERS, SECOND_PERSON])


@register(
    "business_framing",
    title="Business framing",
    missed="did not frame the choice in cost, revenue, risk or support terms",
    about="Trade-offs framed as cost, revenue, margin, risk exposure, support burden or integration cost, and who bears it.",
)
def business_framing(answer: AnswerText, context: QuestionContext) -> CheckResult:
    framed: dict[str, Sentence] = {}
    for sentence in answer.prose:
        if not (sentence.mask & _FRAMING_CONTEXT or sentence.quantities):
            continue
        matched = [name for name, group in DIMENSIONS.items() if sentence.mask & group.bit]
        if not matched and "money" in sentence.quantity_kinds:
            matched = ["revenue"]  # "merchants process $500M a year there": money at stake, unnamed
        for name in matched:
            framed.setdefault(name, sentence)
    bearer = [s for s in answer.prose if s.mask & WHO_BEARS.bit]
    names = list(framed)
    if len(names) >= 2:
        who = " and says who bears the cost" if bearer else ""
        return result(
            "business_framing",
            Status.PASS,
            f"Frames the decision in business terms ({listed(names)}){who}.",
            cited=[*framed.values(), *bearer[:1]],
        )
    if names:
        return result(
            "business_framing",
            Status.PARTIAL,
            f"Frames the decision in one business term ({listed(names)}); the rest of the case is technical.",
            "Add a second lens and an owner: what it does to revenue, risk or support load, and who pays.",
            framed.values(),
        )
    return result(
        "business_framing",
        Status.MISS,
        "Does not say what the decision does to cost, revenue, risk or support load.",
        "Translate the choice into the business: “this adds $X in cost but avoids Y in chargebacks, "
        "and the merchant bears Z”.",
    )
