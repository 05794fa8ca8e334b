"""Prioritisation: a decision, the reason for it, the alternative rejected and the cost accepted."""

from __future__ import annotations

from bot.rubric.evidence import result
from bot.rubric.framework import CheckResult, QuestionContext, Status, register
from bot.rubric.lexicon import terms
from bot.rubric.text import AnswerText
from bot.rubric.vocabulary import CAUSAL, DECIDE

REJECTED = terms(
    "instead of", "rather than", "over", "not", "defer*", "deprioriti*", "de prioriti*", "cut", "drop", "dropped",
    "dropping", "postpone*", "park", "parked", "say no", "said no", "saying no", "reject*", "won't", "wouldn't",
    "later", "out of scope", "punt*", "skip*", "leave out", "left out", "leaving out", "hold off", "held off",
    "the alternative", "alternative*", "other option*", "second", "next quarter", "phase two", "v2", "not now",
    "until", "kill*", "killed", "shelve*", "wait", "waits", "ahead of", "before", "first",
    name="rejected alternative",
)  # fmt: skip
COST_ACCEPTED = terms(
    "at the cost of", "at the expense of", "accept*", "the cost is", "the price is", "cost us", "costs us", "cost of",
    "we lose", "we'd lose", "i'd lose", "lose", "losing", "give up", "gave up", "giving up", "downside*",
    "trade off*", "tradeoff*", "sacrific*", "even though", "although", "absorb*", "we eat", "live with", "worse",
    "slower", "means waiting", "wait", "waits", "delay*", "the risk", "risk is", "which costs", "which cost",
    "price of", "tax", "but", "penalty", "hit", "takes a hit",
    name="cost accepted",
)  # fmt: skip


@register(
    "prioritisation",
    title="Prioritisation with a rationale",
    missed="made no clear call with the alternative rejected and the cost accepted",
    about="A decision with its rationale, the alternative rejected and the cost knowingly accepted.",
)
def prioritisation(answer: AnswerText, context: QuestionContext) -> CheckResult:
    reasoned = []
    complete = []
    rejecting = []
    for position, sentence in enumerate(answer.prose):
        if not sentence.mask & DECIDE.bit:
            continue
        around = answer.window(position)
        wider = answer.window(position, 2)
        has_reason = bool(around & CAUSAL.bit)
        has_rejection = bool(around & REJECTED.bit)
        if has_reason:
            reasoned.append(sentence)
        if has_rejection:
            rejecting.append(sentence)
        if has_reason and has_rejection and wider & COST_ACCEPTED.bit:
            complete.append(sentence)
    if complete:
        return result(
            "prioritisation",
            Status.PASS,
            "Makes a call with its reason, the option turned down and the cost accepted.",
            cited=complete + reasoned,
        )
    if reasoned or rejecting:
        what = "gives the reason" if reasoned else "names what loses out"
        missing = "what was turned down and what it costs" if reasoned else "why"
        return result(
            "prioritisation",
            Status.PARTIAL,
            f"Makes a call and {what}, but not {missing}.",
            "Say the option you rejected and the price you accept: “X over Y, because Z; it costs us W”.",
            reasoned + rejecting,
        )
    return result(
        "prioritisation",
        Status.MISS,
        "Lists options without choosing between them.",
        "Commit to one option, say why, name the one you turned down and the cost you accept.",
    )
