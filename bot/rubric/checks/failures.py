"""Failure modes traced to what they do to users and to money."""

from __future__ import annotations

from bot.rubric.evidence import listed, result
from bot.rubric.framework import CheckResult, QuestionContext, Status, register
from bot.rubric.lexicon import Terms, terms, union
from bot.rubric.text import AnswerText, Sentence
from bot.rubric.vocabulary import MONEY, USER_IMPACT, USERS

# Each failure mode is one or more alternatives; an alternative is a set of word classes that must
# all occur in the sentence ("lost" and "event" together are a lost event; "lost" alone is not).
_CARRIERS = terms(
    "event*", "webhook*", "message*", "update*", "notification*", "payment*", "payout*", "transaction*",
    "record*", "request*", "order*", "callback*", "email*", "data", "refund*", "settlement*", "parcel*",
    "shipment*", "decision*", "log", "logs", "entry", "entries", "action*",
    name="things that get lost",
)  # fmt: skip
_LOST_WORDS = terms("lost", "lose", "loses", "dropped", "drops", "missed", "missing", "never arrive*", name="lost")
MODES: dict[str, tuple[tuple[Terms, ...], ...]] = {
    "duplicates": (
        (
            terms(
                "duplicate*", "double charg*", "charged twice", "charge twice", "charges twice", "double payout*",
                "paid twice", "pay twice", "paid out twice", "double count*", "double fulfil*", "double ship*",
                "ship twice", "shipped twice", "twice", "double spend*", "double booking*", "double refund*",
                "more than once", "multiple times", "three times", "the same update", "the same event",
                "the same message", "the same notification", "the same payment", "repeated", "repeats",
                name="duplicates",
            ),
        ),
    ),
    "lost events": (
        (
            terms(
                "never arrive*", "never delivered", "not delivered", "undelivered", "silently dropped",
                "silently fail*", "gets lost", "get lost", "got lost", "goes missing", "go missing", "data loss",
                "lost data", "fire and forget",
                name="lost events",
            ),
        ),
        (_LOST_WORDS, _CARRIERS),
    ),
    "out-of-order delivery": (
        (
            terms(
                "out of order", "wrong order", "reorder*", "race condition*", "race*", "arrive before",
                "arrives before", "arrived before", "older event*", "stale event*",
                name="out-of-order delivery",
            ),
        ),
    ),
    "delays": (
        (terms("late", "delayed", "delay*", "slow", "slower", "stuck", "held up", name="delays"), _CARRIERS),
        (terms("payout is late", "arrives late", "arrive late", "weeks late", "days late", name="late money"),),
    ),
    "wrong amounts": (
        (
            terms(
                "wrong amount*", "smaller than expected", "larger than expected", "wrong account*", "wrong customer*",
                "wrong card", "wrong instalment*", "wrong installment*", "overcharg*", "undercharg*", "charged the full",
                "charged again", "wrong price", "rounding",
                name="wrong amounts",
            ),
        ),
    ),
    "timeouts": (
        (terms("timeout*", "time out", "times out", "timed out", "timing out", "hangs", "hung", name="timeouts"),),
    ),
    "outages": (
        (
            terms(
                "outage*", "downtime", "goes down", "went down", "is down", "was down", "are down", "unavailable",
                "unreachable", "offline",
                name="outages",
            ),
        ),
    ),
    "inconsistent state": (
        (
            terms(
                "stale", "inconsistent", "inconsistency", "out of sync", "mismatch*", "diverge*", "split brain", "eventual consistency",
                "eventually consistent", "wrong balance*", "wrong amount*", "doesn't match", "does not match",
                "don't match", "do not match", "disagree*",
                name="inconsistent state",
            ),
        ),
    ),
    "retry storms and backlogs": (
        (
            terms(
                "retry storm*", "thundering herd", "overload*", "backlog*", "flood*", "zombie*", "pile up",
                "piles up", "piled up", "hammer*", "replay*", "spike*",
                name="retry storms and backlogs",
            ),
        ),
    ),
    "partial failures": (
        (
            terms(
                "partial failure*", "partially", "half completed", "half finished", "stuck in", "stuck", "orphan*",
                "in flight", "midway", "mid way", "left pending",
                name="partial failures",
            ),
        ),
    ),
    "tampering": (
        (
            terms(
                "tamper*", "forged", "forge*", "altered", "edited after", "overwritten", "deleted without",
                "rewrite history", "back door", "never reach*", "bypass*",
                name="tampering",
            ),
        ),
    ),
    "data exposure": (
        (terms("leak*", "breach*", "exposed", "pii in logs", "pii in the logs", "data exposure", "unauthori*", name="data exposure"),),
    ),
    "wrong decisions": (
        (
            terms(
                "false positive*", "false negative*", "wrongly block*", "wrongly declin*", "wrongly approv*",
                "wrongful*", "false decline*", "misclassify", "misclassified", "misclassification",
                name="wrong decisions",
            ),
        ),
    ),
}  # fmt: skip
GENERIC_FAILURE = terms(
    "fail*", "error*", "bug*", "break*", "broke", "broken", "crash*", "go wrong", "goes wrong", "went wrong",
    "incident*", "degrad*", "down",
    name="failure",
)  # fmt: skip
CONSEQUENCE = terms(
    "reconcil*", "support ticket*", "ticket*", "refund*", "payout*", "charge*", "ledger*", "invoice*", "compliance",
    "audit*", "regulator*", "a fine", "fines", "fulfil*", "fulfill*", "ship*", "shipping", "stock", "inventory",
    "cash flow", "cash", "balance*", "statement*", "manual work", "call support", "calls", "complain*", "complaint*", "angry",
    "confus*", "lose trust", "trust", "money", "books", "month end",
    name="consequence",
)  # fmt: skip
_IMPACT = union([USERS, MONEY, USER_IMPACT, CONSEQUENCE])


# Each alternative as one mask: a sentence shows it when every bit of the mask is present.
_ALTERNATIVES: tuple[tuple[str, int], ...] = tuple(
    (name, union(alternative)) for name, alternatives in MODES.items() for alternative in alternatives
)
_ANY_MODE = union(group for alternatives in MODES.values() for alternative in alternatives for group in alternative)


def _modes_in(mask: int) -> list[str]:
    return list(dict.fromkeys([name for name, bits in _ALTERNATIVES if mask & bits == bits]))


@register(
    "failure_impact",
    title="Failure modes and impact",
    missed="did not trace failures (duplicates, lost events, outages) to who is hurt and what it costs",
    about="Named failure modes (duplicates, lost or out-of-order events, timeouts, partial failures) each traced to user or financial impact.",
)
def failure_impact(answer: AnswerText, context: QuestionContext) -> CheckResult:
    traced: dict[str, Sentence] = {}
    named: dict[str, Sentence] = {}
    impact_sentences: dict[Sentence, None] = {}  # mode sentences and the neighbours that give their impact
    generic_traced: list[Sentence] = []
    prose = answer.prose
    generic = GENERIC_FAILURE.bit
    for position, mask in enumerate(answer.masks):
        modes = _modes_in(mask) if mask & _ANY_MODE else None
        if not modes:
            if mask & generic and mask & _IMPACT:
                generic_traced.append(prose[position])
            continue
        sentence = prose[position]
        impact = [s for s in prose[max(0, position - 1) : position + 2] if s.mask & _IMPACT]
        for mode in modes:
            named.setdefault(mode, sentence)
            if impact:
                traced.setdefault(mode, sentence)
                impact_sentences.update(dict.fromkeys([sentence, *impact]))
    # Two modes, traced across at least two sentences: a bare list of failures in one line is not enough.
    if len(traced) >= 2 and len(impact_sentences) >= 2:
        return result(
            "failure_impact",
            Status.PASS,
            f"Traces failure modes ({listed(list(traced))}) to who is hurt and what it costs.",
            cited=[*traced.values(), *impact_sentences],
        )
    if traced:
        mode = listed(list(traced))
        return result(
            "failure_impact",
            Status.PARTIAL,
            f"Traces {mode} to its impact, in one breath; the ways it breaks need walking through."
            if len(traced) >= 2
            else f"Traces one failure mode ({mode}) to its impact; other ways it breaks go unexamined.",
            "Walk through two or three ways it breaks (duplicates, lost events, out-of-order delivery) "
            "and say who notices and who pays for each.",
            [*traced.values(), *generic_traced[:1]],
        )
    if named or generic_traced:
        what = listed(list(named)) if named else "a failure"
        return result(
            "failure_impact",
            Status.PARTIAL,
            f"Mentions {what} but not what it does to users or money."
            if named
            else "Says things can fail and who is affected, but names no concrete failure mode.",
            "For each failure, finish the sentence: “…so the merchant sees / pays / calls support”.",
            [*named.values(), *generic_traced[:1]],
        )
    return result(
        "failure_impact",
        Status.MISS,
        "Does not say how the thing could fail.",
        "Name the failures that matter (double charges, lost payouts, reconciliation gaps) and rank them "
        "by user impact and cost to recover.",
    )
