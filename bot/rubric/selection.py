"""Choosing checks for a question that is not in the bank: infer its round from its text."""

from __future__ import annotations

from collections.abc import Mapping

from bot.rounds import Round
from bot.rubric.text import compile_terms

# Cues are phrases an interviewer uses; the round with the most distinct cues wins, and ties go to
# the earlier round in this table (behavioural prompts often mention design or launches in passing).
_ROUND_CUES = {
    Round.BEHAVIOURAL: compile_terms(
        "tell me about a time",
        "tell us about a time",
        "describe a time",
        "a time when",
        "a time you",
        "give me an example",
        "example of when",
        "conflict",
        "disagree*",
        "mistake",
        "you failed",
        "pushback",
        "influence without authority",
        "proudest",
        "hardest decision",
        "difficult stakeholder",
    ),
    Round.ROLLOUT: compile_terms(
        "roll out",
        "rollout",
        "roll-out",
        "migrat*",
        "deploy*",
        "cutover",
        "cut over",
        "release plan",
        "launch plan",
        "sunset",
        "deprecat*",
        "phased",
        "canary",
    ),
    Round.RISK: compile_terms(
        "fraud",
        "risk*",
        "compliance",
        "chargeback*",
        "aml",
        "kyc",
        "sanction*",
        "regulat*",
        "abuse",
        "underwrit*",
        "credit limit*",
        "false positive*",
    ),
    Round.METRICS: compile_terms(
        "metric*",
        "measure*",
        "kpi*",
        "north star",
        "success look like",
        "dashboard",
        "how would you know",
        "instrument*",
    ),
    Round.GO_TO_MARKET: compile_terms(
        "go-to-market",
        "go to market",
        "gtm",
        "pricing",
        "price",
        "position*",
        "adoption",
        "new market",
        "launch in",
        "expand*",
        "competitor*",
        "sales motion",
        "segment*",
    ),
    Round.SYSTEM_DESIGN: compile_terms(
        "design",
        "architect*",
        "api",
        "apis",
        "webhook*",
        "endpoint*",
        "system",
        "pipeline",
        "service",
        "queue*",
        "event*",
        "ledger",
        "idempoten*",
        "scale",
    ),
    Round.CASE: compile_terms(
        "should we",
        "would you prioriti*",
        "prioriti*",
        "estimate",
        "case",
        "trade-off",
        "tradeoff",
        "decide",
        "build or buy",
        "invest",
    ),
    Round.SCREEN: compile_terms(
        "why stripe",
        "why klarna",
        "why this role",
        "walk me through your",
        "what is an",
        "explain",
        "tell me about yourself",
        "your background",
    ),
}

DEFAULT_CHECKS: Mapping[Round, Mapping[str, float]] = {
    Round.BEHAVIOURAL: {"star_l": 3, "quantified_tradeoff": 1, "stakeholders": 1},
    Round.SYSTEM_DESIGN: {"failure_impact": 3, "quantified_tradeoff": 2, "stakeholders": 1},
    Round.ROLLOUT: {"rollback_trigger": 3, "stakeholders": 2, "failure_impact": 1, "quantified_tradeoff": 1},
    Round.RISK: {"quantified_tradeoff": 3, "failure_impact": 2, "stakeholders": 1},
    Round.METRICS: {"quantified_tradeoff": 2, "failure_impact": 1},
    Round.GO_TO_MARKET: {"quantified_tradeoff": 2, "stakeholders": 2},
    Round.CASE: {"quantified_tradeoff": 3, "stakeholders": 1, "failure_impact": 1},
    Round.SCREEN: {"quantified_tradeoff": 1, "failure_impact": 1},
}


def infer_round(question: str) -> Round:
    text = question.lower()
    best, best_hits = Round.CASE, 0
    for round_, cues in _ROUND_CUES.items():
        hits = len({" ".join(match.group(0).split()) for match in cues.finditer(text)})
        if hits > best_hits:
            best, best_hits = round_, hits
    return best


def checks_for_question(question: str) -> tuple[Round, dict[str, float]]:
    round_ = infer_round(question)
    return round_, dict(DEFAULT_CHECKS[round_])
