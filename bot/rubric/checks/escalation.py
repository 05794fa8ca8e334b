"""Escalation: a path to a named owner, with evidence used to force the decision."""

from __future__ import annotations

from bot.rubric.evidence import quantified_near, result, supporting
from bot.rubric.framework import CheckResult, QuestionContext, Status, register
from bot.rubric.lexicon import terms
from bot.rubric.text import AnswerText, Sentence

ESCALATE = terms(
    "escalat*", "took it to", "take it to", "taking it to", "raised it with", "raise it with", "raised it to",
    "raise it to", "went to", "go to", "brought it to", "bring it to", "paged", "page the", "page on call", "page",
    "pull in", "pulled in", "called in", "war room", "p1", "p0", "sev1", "sev 1", "sev0", "sev 0", "sev2", "sev 2",
    "severity", "incident protocol", "major incident", "incident process", "steering committee", "decision meeting",
    "force a decision", "forced a decision", "forcing a decision", "asked for a decision", "ask for a decision",
    "tie break*", "over my manager", "over his head", "over her head", "over their head", "decide by",
    "put it in front of", "put the decision", "asked the vp", "asked the cto", "asked my director",
    name="escalation",
)  # fmt: skip
OWNER = terms(
    "vp", "vps", "cto", "ceo", "coo", "cfo", "cro", "cpo", "exec", "execs", "executive*", "leadership", "director", "directors",
    "head of", "my manager", "their manager", "his manager", "her manager", "manager", "lead", "owner*", "on call",
    "oncall", "incident commander", "committee", "sponsor*", "triad", "chief", "dri", "decision maker*", "approver*",
    "board", "svp", "general manager", "gm", "skip level",
    name="owner",
)  # fmt: skip
EVIDENCE = terms(
    "data", "evidence", "numbers", "showed", "show", "showing", "memo", "doc", "document*", "dashboard*",
    "cost of delay", "estimate*", "projected", "projection*", "impact", "analysis", "one pager", "write up",
    "written", "proof", "logs", "incident data", "graph*", "chart*", "model*", "costed", "quantified", "ticket data",
    "error rate", "the cost", "what it would cost", "what it costs",
    name="evidence",
)  # fmt: skip


@register(
    "escalation",
    title="Escalation with evidence",
    missed="named no escalation path, owner and evidence to force a decision",
    about="When blocked: an escalation path to a named owner, with evidence (numbers, cost of delay) used to force a decision.",
)
def escalation(answer: AnswerText, context: QuestionContext) -> CheckResult:
    full: list[Sentence] = []
    partial: list[Sentence] = []
    for position, sentence in enumerate(answer.prose):
        if not sentence.mask & ESCALATE.bit:
            continue
        around = answer.window(position)
        has_owner = bool(around & OWNER.bit)
        has_evidence = bool(around & EVIDENCE.bit) or quantified_near(answer, position)
        if has_owner and has_evidence:
            full.extend(supporting(answer, position, OWNER.bit | EVIDENCE.bit))
        else:
            partial.append(sentence)
    if full:
        return result(
            "escalation",
            Status.PASS,
            "Escalates to a named owner and brings evidence to force the decision.",
            cited=full,
        )
    if partial:
        return result(
            "escalation",
            Status.PARTIAL,
            "Escalates, but without naming who decides or the evidence put in front of them.",
            "Say who you escalate to and what you bring: “I took the cost of a six-week slip to the VP and "
            "asked for a decision by Friday”.",
            partial,
        )
    return result(
        "escalation",
        Status.MISS,
        "Has no escalation path for when things stall or break.",
        "Name the path: at what point you escalate, to whom, and the evidence (numbers, cost of delay) you take.",
    )
