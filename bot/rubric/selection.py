"""Choosing checks for a question that is not in the bank, from the question's own words.

First the round is inferred from cue phrases an interviewer would use. Each round has a default set
of checks and weights; then phrases in the question that ask for something specific ("when do you
roll back?", "who do you involve?", "which metric?") add the check that judges it, so a rollout
question that also asks about metrics is judged on both.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from bot.rounds import Round
from bot.rubric.text import compile_terms

# The round with the most distinct cues wins; ties go to the earlier round in this table
# (behavioural prompts often mention design or launches in passing).
_ROUND_CUES: dict[Round, re.Pattern[str]] = {
    Round.BEHAVIOURAL: compile_terms(
        "tell me about a time",
        "tell us about a time",
        "describe a time",
        "a time when",
        "a time you",
        "a time that",
        "give me an example",
        "give an example",
        "example of when",
        "an example of a time",
        "conflict",
        "disagree*",
        "mistake",
        "you failed",
        "failure you",
        "pushback",
        "influence without authority",
        "proudest",
        "hardest",
        "difficult stakeholder",
        "walk me through a project",
        "walk me through a decision",
        "you led",
        "you owned",
        "have you ever",
        "did you",
        "what did you learn",
        "looking back",
        "your biggest",
        "you had to",
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
        "roll back",
        "rollback",
        "go live",
        "go-live",
        "switch over",
        "cut-over",
        "move merchants",
        "move customers",
        "decommission*",
        "runbook",
        "launch day",
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
        "account takeover",
        "dispute*",
        "bias audit",
        "incident",
        "outage",
        "privacy",
        "gdpr",
        "money laundering",
        "suspicious",
        "block*",
    ),
    Round.METRICS: compile_terms(
        "metric*",
        "measure*",
        "kpi*",
        "north star",
        "success look like",
        "success looks like",
        "dashboard",
        "how would you know",
        "how do you know",
        "instrument*",
        "prove",
        "how would you tell",
        "which number",
        "what would you track",
        "what would you watch",
        "succeeded",
        "worked",
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
        "first customers",
        "first merchants",
        "bring to market",
        "monetis*",
        "monetiz*",
        "fee",
        "bundle",
        "packag*",
        "channel*",
        "developers to adopt",
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
        "idempotent",
        "idempotency",
        "idempotence",
        "scale",
        "retry",
        "retries",
        "sdk",
        "integration",
        "data model",
        "notification*",
        "payout*",
        "reconcil*",
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
        "build vs buy",
        "invest",
        "which would you",
        "two options",
        "one of",
        "roadmap",
        "cut scope",
        "business case",
        "worth it",
        "size the",
    ),
    Round.SCREEN: compile_terms(
        "why stripe",
        "why klarna",
        "why this role",
        "why do you want",
        "walk me through your",
        "what is an",
        "what is a",
        "explain",
        "tell me about yourself",
        "your background",
        "in simple terms",
        "to a non-technical",
        "to someone who",
        "elevator",
        "what do you know about",
        "why payments",
        "why fintech",
    ),
}

DEFAULT_CHECKS: Mapping[Round, Mapping[str, float]] = {
    Round.SCREEN: {"business_framing": 2, "quantified_tradeoff": 1, "failure_impact": 1, "technology_first": 6},
    Round.BEHAVIOURAL: {
        "star_l": 3,
        "ownership": 2,
        "friction": 2,
        "quantified_tradeoff": 1,
        "collaboration_theatre": 8,
    },
    Round.SYSTEM_DESIGN: {
        "problem_framing": 2,
        "failure_impact": 3,
        "business_framing": 2,
        "quantified_tradeoff": 1,
        "technology_first": 8,
    },
    Round.CASE: {
        "problem_framing": 1,
        "prioritisation": 3,
        "quantified_tradeoff": 2,
        "business_framing": 2,
        "metric_list": 5,
    },
    Round.GO_TO_MARKET: {
        "problem_framing": 1,
        "business_framing": 2,
        "quantified_tradeoff": 2,
        "prioritisation": 2,
        "stakeholders": 1,
    },
    Round.ROLLOUT: {
        "staged_rollout": 2,
        "rollback_trigger": 3,
        "stakeholders": 2,
        "escalation": 1,
        "failure_impact": 1,
    },
    Round.METRICS: {"metric_leverage": 3, "business_framing": 1, "quantified_tradeoff": 1, "metric_list": 8},
    Round.RISK: {
        "risk_compliance": 3,
        "quantified_tradeoff": 2,
        "failure_impact": 1,
        "stakeholders": 1,
        "ml_everywhere": 6,
    },
}

# Phrases in a question that ask for a specific signal: (cue, check, weight, rounds where the cue
# means something else). "A time you failed" in a behavioural question is not about failure modes.
_STORY = frozenset({Round.BEHAVIOURAL})
_TALK = frozenset({Round.BEHAVIOURAL, Round.SCREEN})
_ASKS_FOR: tuple[tuple[re.Pattern[str], str, float, frozenset[Round]], ...] = (
    (compile_terms("roll back", "rollback", "when do you stop", "what tells you to", "go back", "abort", "halt"),
     "rollback_trigger", 2, _STORY),
    (compile_terms("roll out", "rollout", "stages", "phased", "launch plan", "sequence it", "cutover", "migrat*"),
     "staged_rollout", 2, _STORY),
    (compile_terms("who do you involve", "who would you involve", "who needs to", "stakeholder*", "who do you bring",
                   "legal", "compliance team", "finance team", "who signs off"), "stakeholders", 2, frozenset()),
    (compile_terms("escalat*", "blocked", "refused", "wouldn't prioriti*", "refuse*", "over your manager"),
     "escalation", 2, frozenset()),
    (compile_terms("metric*", "measure*", "how would you know", "how do you know", "success look", "prove"),
     "metric_leverage", 2, _STORY),
    (compile_terms("fraud", "false positive*", "risk", "block*", "approve*", "compliance", "regulat*", "bias"),
     "risk_compliance", 2, _TALK),
    (compile_terms("webhook*", "api", "apis", "retry", "retries", "idempotent", "idempotency", "idempotence", "event*", "versioning", "breaking"),
     "api_reliability", 2, _TALK),
    (compile_terms("prioriti*", "which would you", "decide", "should we", "trade-off", "tradeoff", "choose",
                   "what would you cut", "what do you cut"), "prioritisation", 2, _STORY),
    (compile_terms("what can go wrong", "what could go wrong", "fail*", "break*", "outage", "incident", "down"),
     "failure_impact", 2, _STORY),
    (compile_terms("what does", "define", "who is it for", "who the"), "problem_framing", 1, _TALK),
    (compile_terms("machine learning", "model", "ai", "ml"), "ml_everywhere", 6, frozenset()),
    (compile_terms("cost", "worth", "price", "pricing", "revenue", "margin", "business case"), "quantified_tradeoff",
     2, frozenset()),
)  # fmt: skip
_MAX_CHECKS = 7


def infer_round(question: str) -> Round:
    """The round a question most likely belongs to, from the interviewer phrases in it (case when unsure)."""
    text = question.lower()
    best, best_hits = Round.CASE, 0
    for round_, cues in _ROUND_CUES.items():
        hits = len({" ".join(match.group(0).split()) for match in cues.finditer(text)})
        if hits > best_hits:
            best, best_hits = round_, hits
    return best


def checks_for_question(question: str) -> tuple[Round, dict[str, float]]:
    """The round of a free-text question and the checks (with weights) to judge answers to it by."""
    round_ = infer_round(question)
    weights = dict(DEFAULT_CHECKS[round_])
    text = question.lower()
    for cue, check_id, weight, other_meaning in _ASKS_FOR:
        if len(weights) >= _MAX_CHECKS:
            break
        if round_ not in other_meaning and check_id not in weights and cue.search(text):
            weights[check_id] = weight
    return round_, weights
