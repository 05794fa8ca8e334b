"""Prioritisation: a decision, the reason for it, the alternative rejected and the cost accepted."""

from __future__ import annotations

from bot.rubric.evidence import result, supporting
from bot.rubric.framework import CheckResult, QuestionContext, Status, register
from bot.rubric.lexicon import terms
from bot.rubric.text import AnswerText
from bot.rubric.vocabulary import CAUSAL

# A call being made. Bare modals ("I'd", "we will") are not enough: "I'd keep stakeholders informed"
# decides nothing, so the verb has to be one of choosing, cutting, keeping or committing.
CALL = terms(
    "choose", "chose", "chosen", "choosing", "pick", "picked", "decide*", "decision*", "prioriti*", "recommend*",
    "opt for", "opted", "go with", "went with", "going with", "start with", "started with", "focus on", "focused on",
    "bet on", "commit to", "committed to", "my call", "the call", "made the call", "settle on", "settled on",
    "ship first", "i'd cut", "i would cut", "we'd cut", "i cut", "we cut", "i'd drop",
    "i dropped", "we dropped", "i'd defer", "i deferred", "we deferred", "i'd keep", "i would keep", "we'd keep",
    "i'd ship", "i would ship", "we'd ship", "i'd launch", "i would launch", "we'd launch", "i'd build",
    "i would build", "we'd build", "i'd buy", "i would buy", "we'd buy", "i'd say no", "i said no", "i'd pause",
    "i paused", "i'd stop", "i stopped", "i'd hold", "i'd delay", "i delayed", "i'd wait", "i'd go", "i'd target",
    "i'd tier", "i'd grandfather", "i'd allow", "i'd require", "i'd gate", "i'd switch", "i'd move", "i'd put",
    "i'd invest", "i'd give", "i'd fund", "i'd staff", "i'd approve", "i'd reject", "i'd kill", "i killed",
    "i'd spend", "i'd trade", "i'd accept", "i'd keep", "i'd limit", "i'd cap", "i'd replace", "i'd skip",
    "i'd use", "i would use", "we'd use",
    "not now", "my recommendation", "the answer is",
    name="a call",
)  # fmt: skip
# "I'd open in stages rather than all at once", "I wouldn't ship without it": a first-person modal
# makes a call when it turns something down in the same sentence.
MODAL = terms(
    "i'd", "i would", "we'd", "we would", "i will", "we will", "i'll", "we'll", "i wouldn't", "we wouldn't",
    "i won't", "we won't", "my advice",
    name="first-person modal",
)  # fmt: skip

# The option turned down, named explicitly. Plain negations count only inside the call itself ("I'd
# ship A, not B", "I wouldn't ship without it"); elsewhere "won't notice" rejects nothing.
REJECTED = terms(
    "instead of", "rather than", "in place of", "defer*", "deferral*", "deprioriti*", "de prioriti*", "cut", "drop",
    "dropped", "dropping", "postpone*", "park", "parked", "say no", "said no", "saying no", "reject*",
    "out of scope", "punt*", "skip*", "leave out", "left out", "leaving out", "hold off", "held off",
    "the alternative", "alternative*", "other option*", "next quarter", "phase two", "not now", "kill*", "shelve*",
    "waits", "wait for", "ahead of", "turn down", "turned down", "rule out", "ruled out", "versus", "vs",
    "losing side", "second place",
    name="rejected alternative",
)  # fmt: skip
NEGATION = terms("not", "no", "wouldn't", "won't", "don't", "never", "without", name="negation")
# The price knowingly paid. "Don't lose momentum" is not a price, so bare "lose" or "delay" do not count.
COST_ACCEPTED = terms(
    "at the cost of", "at the expense of", "accept*", "the cost is", "the price is", "cost us", "costs us", "cost of",
    "we lose", "we'd lose", "i'd lose", "we will lose", "give up", "gave up", "giving up", "downside*", "trade off*",
    "tradeoff*", "sacrific*", "even though", "although", "absorb*", "we eat", "live with", "means waiting",
    "which costs", "which cost", "price of", "but it means", "but that means", "but this means", "but it costs",
    "penalty", "takes a hit", "slip", "slips", "slipped", "the downside", "at a cost", "cost me", "we'd miss",
    "miss out", "lose out", "in exchange", "the price", "we pay", "we'd pay", "costs more", "cost more",
    name="cost accepted",
)  # fmt: skip


# "I'd keep everyone informed" has a call verb but decides nothing.
NOT_A_CALL = terms(
    "keep everyone", "keep stakeholders", "keep them", "keep the team", "keep people", "keep you", "informed",
    "in the loop", "posted", "in sync",
    name="not a call",
)  # fmt: skip
_PARTS = CAUSAL.bit | REJECTED.bit | NEGATION.bit | COST_ACCEPTED.bit


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
        mask = sentence.mask
        turns_down = bool(mask & (REJECTED.bit | NEGATION.bit))
        is_call = mask & CALL.bit or (mask & MODAL.bit and turns_down)
        if not is_call or mask & NOT_A_CALL.bit:
            continue
        around = answer.window(position)
        has_reason = bool(around & CAUSAL.bit)
        has_rejection = turns_down or bool(around & REJECTED.bit)
        if has_reason:
            reasoned.append(sentence)
        if has_rejection:
            rejecting.append(sentence)
        if has_reason and has_rejection and answer.window(position, 2) & COST_ACCEPTED.bit:
            complete.extend(supporting(answer, position, _PARTS, span=2))
    if complete:
        return result(
            "prioritisation",
            Status.PASS,
            "Makes a call with its reason, the option turned down and the cost accepted.",
            cited=[*complete, *reasoned],
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
