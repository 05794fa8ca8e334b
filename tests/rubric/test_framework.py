"""The scoring framework: weights, penalties, caps, and the contract other modules rely on."""

from __future__ import annotations

import random

import pytest

from bot.rounds import Round
from bot.rubric import (
    AnswerText,
    CheckKind,
    CheckResult,
    QuestionContext,
    Status,
    get_check,
    register,
    registry,
    score_answer,
)
from bot.rubric.framework import UnknownCheckError

CONTEXT = QuestionContext("Plan the rollout of a new checkout API.", Round.ROLLOUT)
TRIGGER = "If checkout errors exceed 0.5% for 10 minutes, the on-call engineer rolls back to the old API."
STAKEHOLDERS = (
    "Legal must sign off the new terms, finance needs to reconcile settlements, and support needs scripts "
    "because customers will call."
)
STAGES = (
    "We start with 1% of traffic for two days, then 10% for a week, moving on only if conversion holds, "
    "and the old flow stays as the fallback."
)
FILLER = [
    "I have done this kind of work for many years.",
    "It is always an interesting problem to think about.",
    "Every company does it a little differently.",
]


def test_score_is_the_weighted_share_of_signals_earned() -> None:
    weights = {"rollback_trigger": 3.0, "stakeholders": 1.0}
    answer = " ".join([TRIGGER, *FILLER, "The engineers will also be on call for it."])
    card = score_answer(AnswerText(answer), weights, CONTEXT)
    assert card.result("rollback_trigger").status is Status.PASS  # type: ignore[union-attr]
    assert card.result("stakeholders").status is Status.MISS  # type: ignore[union-attr]
    # 3 of 4 weight earned, but only one sentence carries evidence: capped at 15.
    assert card.score == 15
    assert card.cap_reason is not None
    assert "1 sentence" in card.cap_reason
    assert dict(card.weights) == weights


def test_evidence_cap_rises_with_each_sentence_of_evidence() -> None:
    weights = {"rollback_trigger": 1.0, "stakeholders": 1.0, "staged_rollout": 1.0}
    scores = []
    for evidence in ([TRIGGER], [TRIGGER, STAKEHOLDERS], [TRIGGER, STAKEHOLDERS, STAGES]):
        card = score_answer(AnswerText(" ".join([*evidence, *FILLER])), weights, CONTEXT)
        scores.append(card.score)
    assert scores[0] <= 15 < scores[1] <= 45 < scores[2]


def test_penalties_subtract_points_after_the_caps() -> None:
    answer = " ".join(
        [TRIGGER, STAKEHOLDERS, STAGES, "We collaborated closely with everyone.", *FILLER, "We aligned as a team."]
    )
    weights = {"rollback_trigger": 1.0, "stakeholders": 1.0, "staged_rollout": 1.0}
    clean = score_answer(AnswerText(answer), weights, CONTEXT)
    penalised = score_answer(AnswerText(answer), {**weights, "collaboration_theatre": 8.0}, CONTEXT)
    theatre = penalised.result("collaboration_theatre")
    assert theatre is not None
    assert theatre.status is Status.PARTIAL
    assert penalised.score == clean.score - 4


def test_scores_stay_between_0_and_100_for_any_text() -> None:
    rng = random.Random(3)
    pool = [*(TRIGGER + " " + STAKEHOLDERS + " " + STAGES).split(), "\n", "-", "$", "%", "...", "€2M", "I'd"]
    weights = {check_id: 1.0 + index % 3 for index, check_id in enumerate(sorted(registry()))}
    for _ in range(200):
        text = " ".join(rng.choice(pool) for _ in range(rng.randint(0, 300)))
        card = score_answer(AnswerText(text), weights, CONTEXT)
        assert 0 <= card.score <= 100
        assert card == score_answer(AnswerText(text), weights, CONTEXT)


LIST = "\n".join(
    f"- {words}"
    for words in [
        "canary legal finance support rollback",
        "jitter idempotency retries backoff",
        "SLA SLO KPI OKR dashboards",
        "stakeholders alignment synergy ownership",
        "chargebacks reconciliation payouts ledger",
        "latency uptime throughput errors NPS",
        "escalation VP director CTO board",
        "margin revenue churn retention GMV",
        "backlog sprint velocity roadmap",
    ]
)


def test_a_list_of_terms_is_capped_even_next_to_real_sentences() -> None:
    one = score_answer(AnswerText(f"{TRIGGER}\n{LIST}"), {"rollback_trigger": 1.0}, CONTEXT)
    assert one.score <= 15
    assert one.cap_reason == "There is at most one real sentence; the rest is a list of terms."
    two = score_answer(AnswerText(f"{TRIGGER} {STAKEHOLDERS}\n{LIST}"), {"rollback_trigger": 1.0}, CONTEXT)
    assert two.score <= 35
    assert two.cap_reason is not None
    assert "list of terms" in two.cap_reason


def test_check_result_message_and_equality() -> None:
    result = CheckResult("star_l", Status.PARTIAL, "Has a story.", "Add a result.", ("“quote”",), cited=(1, 2))
    assert result.message == "Has a story. Tip: Add a result."
    assert CheckResult("star_l", Status.PASS, "Fine.").message == "Fine."
    assert result == CheckResult("star_l", Status.PARTIAL, "Has a story.", "Add a result.", ("“quote”",))


def test_unknown_and_duplicate_checks_are_refused() -> None:
    with pytest.raises(UnknownCheckError):
        get_check("no_such_check")
    with pytest.raises(ValueError, match="registered twice"):
        register("star_l", title="Again")(lambda answer, context: CheckResult("star_l", Status.PASS, ""))
    assert registry()["star_l"].kind is CheckKind.SIGNAL
