"""Free-text questions: the round is inferred from the prompt and checks are chosen to fit it,
and ``practice-bot score`` keeps its JSON contract for bank ids and free text alike."""

from __future__ import annotations

import io
import json

import pytest

from bot import cli
from bot.rounds import Round
from bot.rubric import CheckKind, checks_for_question, get_check, infer_round, registry
from bot.rubric.selection import DEFAULT_CHECKS


@pytest.mark.parametrize(
    ("prompt", "expected"),
    [
        ("Tell me about a time you disagreed with an engineering lead.", Round.BEHAVIOURAL),
        ("Describe a time a project you owned failed. What did you learn?", Round.BEHAVIOURAL),
        ("Design a webhook retry system for payment events.", Round.SYSTEM_DESIGN),
        ("How would you roll out a new checkout to ten markets, and when would you roll back?", Round.ROLLOUT),
        ("Plan the migration of merchants to a new settlement system.", Round.ROLLOUT),
        ("How would you measure the success of instant payouts?", Round.METRICS),
        ("A fraud model blocks 2% of good customers. What do you do?", Round.RISK),
        ("How would you price and launch a new card product in Germany?", Round.GO_TO_MARKET),
        ("Should we build or buy a KYC vendor?", Round.CASE),
        ("Why Stripe?", Round.SCREEN),
        ("Explain what an API is to someone who has never written code.", Round.SCREEN),
        ("What would you do?", Round.CASE),
    ],
)
def test_round_is_inferred_from_interviewer_phrases(prompt: str, expected: Round) -> None:
    assert infer_round(prompt) is expected


def test_every_round_has_default_checks_with_at_least_two_signals() -> None:
    assert set(DEFAULT_CHECKS) == set(Round)
    for round_, weights in DEFAULT_CHECKS.items():
        assert set(weights) <= set(registry()), round_
        signals = [check for check in weights if get_check(check).kind is CheckKind.SIGNAL]
        assert len(signals) >= 2, round_


def test_question_wording_adds_the_checks_it_asks_for() -> None:
    round_, weights = checks_for_question("Plan the rollout of a new API. Who do you involve, and when do you stop?")
    assert round_ is Round.ROLLOUT
    assert {"rollback_trigger", "staged_rollout", "stakeholders"} <= set(weights)
    _, weights = checks_for_question("Design a webhook system for payment events. Which metric proves it works?")
    assert {"api_reliability", "metric_leverage", "failure_impact"} <= set(weights)
    _, weights = checks_for_question("Should we use machine learning to approve merchants?")
    assert "ml_everywhere" in weights


def test_behavioural_wording_does_not_pull_in_design_checks() -> None:
    round_, weights = checks_for_question("Tell me about a time you failed to ship an API on time.")
    assert round_ is Round.BEHAVIOURAL
    assert "failure_impact" not in weights
    assert "api_reliability" not in weights
    assert {"star_l", "ownership"} <= set(weights)


def test_api_reliability_is_not_asked_of_a_screen_explanation() -> None:
    round_, weights = checks_for_question("Explain what an API is to a non-technical founder.")
    assert round_ is Round.SCREEN
    assert "api_reliability" not in weights


def score_cli(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], args: list[str], answer: str
) -> dict:
    monkeypatch.setattr("sys.stdin", io.StringIO(answer))
    assert cli.main(["score", *args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


ROLLOUT_ANSWER = (
    "Legal must sign off the consumer terms, finance needs to reconcile every transaction, and support needs "
    "scripts because customers will call. We start with 1% of traffic for two days, then 10% for a week, moving "
    "on only if conversion holds, with the old flow kept as the fallback. If checkout errors exceed 0.5% for 10 "
    "minutes, the on-call engineer rolls back. If conversion drops, I escalate to the VP with the numbers."
)


def test_score_json_for_a_free_text_question(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    prompt = "How would you roll out a new checkout API, and when would you roll back?"
    payload = score_cli(monkeypatch, capsys, ["--question", prompt], ROLLOUT_ANSWER)
    assert isinstance(payload["score"], int)
    assert 70 <= payload["score"] <= 100
    assert payload["round"] == "rollout"
    assert payload["question_id"] is None
    statuses = {check["id"]: check["status"] for check in payload["checks"]}
    assert statuses["rollback_trigger"] == "pass"
    for check in payload["checks"]:
        assert set(check) >= {"id", "status", "message"}
        assert check["status"] in {"pass", "partial", "miss"}
        assert check["message"]


def test_score_json_for_a_bank_question_and_an_empty_answer(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    good = score_cli(monkeypatch, capsys, ["--question-id", "klarna-rollout-checkout-api"], ROLLOUT_ANSWER)
    assert good["question_id"] == "klarna-rollout-checkout-api"
    assert good["score"] >= 60
    empty = score_cli(monkeypatch, capsys, ["--question-id", "klarna-rollout-checkout-api"], "")
    assert empty["score"] == 0
    assert all(check["status"] == "miss" for check in empty["checks"] if check["id"] != "collaboration_theatre")
