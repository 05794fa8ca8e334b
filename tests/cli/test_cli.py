"""The command line: the score contract other tools rely on, configuration refusals, pack listing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import ConfigError, Settings

STRONG = (
    "First I'd define what delivered means: an HTTP 200, stored by the merchant, or processed, because each "
    "implies a different retry policy. Duplicate events would double-ship orders, which costs merchants money "
    "and floods support with tickets; lost events break reconciliation for finance. We retry with exponential "
    "backoff and jitter for 24 hours, then stop, because zombie events cost more reconciliation work than they "
    "save: that cap loses under 0.1% of events but saves about 30% of support load."
)
WEAK = "Use a message queue like Kafka with ack and nack and a dead letter queue. Make it scalable."


def run(*args: str, stdin: str = "", env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=60,
    )


def test_score_json_contract_for_a_bank_question() -> None:
    result = run("score", "--question-id", "stripe-sd-webhook-delivery", "--json", stdin=STRONG)
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert isinstance(payload["score"], int) and 0 <= payload["score"] <= 100
    assert payload["checks"], "at least one check"
    for check in payload["checks"]:
        assert set(check) >= {"id", "status", "message"}
        assert check["status"] in {"pass", "partial", "miss"}
        assert isinstance(check["message"], str) and check["message"]


def test_a_strong_and_a_weak_answer_from_the_seed_contrasts_are_ordered() -> None:
    strong = json.loads(run("score", "--question-id", "stripe-sd-webhook-delivery", "--json", stdin=STRONG).stdout)
    weak = json.loads(run("score", "--question-id", "stripe-sd-webhook-delivery", "--json", stdin=WEAK).stdout)
    assert strong["score"] >= weak["score"] + 20


def test_score_for_a_question_not_in_the_bank_infers_its_round() -> None:
    story = (
        "At my last company our payouts team was missing its launch date. I was responsible for the migration. "
        "I decided to cut the reporting feature and escalated to the VP because finance needed sign-off. "
        "As a result we launched 2 weeks late instead of 8 and cut payout errors by 40%. "
        "I learned to escalate with data early rather than hoping the schedule recovers."
    )
    result = run("score", "--question", "Tell me about a time you disagreed with your manager", "--json", stdin=story)
    payload = json.loads(result.stdout)
    assert payload["round"] == "behavioural" and payload["question_id"] is None
    assert "star_l" in {check["id"] for check in payload["checks"]}


def test_score_errors_are_clear() -> None:
    unknown = run("score", "--question-id", "no-such-question", "--json", stdin="text")
    assert unknown.returncode == 2 and "no question with id 'no-such-question'" in unknown.stderr
    both = run("score", "--question-id", "x", "--question", "y")
    assert both.returncode == 2 and "not allowed with" in both.stderr


def test_human_readable_score_shows_the_breakdown() -> None:
    result = run("score", "--question-id", "stripe-sd-webhook-delivery", stdin=STRONG)
    assert "Rubric breakdown" in result.stdout and "Score:" in result.stdout


def test_questions_list() -> None:
    result = run("questions", "list", "--company", "klarna")
    assert result.returncode == 0 and "klarna-rollout-checkout-api" in result.stdout and "stripe-" not in result.stdout
    missing = run("questions", "list", "--company", "globex")
    assert missing.returncode == 2 and "Known packs" in missing.stderr


@pytest.mark.parametrize(
    ("env", "reason"),
    [
        ({"DATABASE_URL": "mysql://x@y/z"}, "DATABASE_URL: unsupported database 'mysql'"),
        ({"PRACTICE_BOT_TICK_SECONDS": "soon"}, "PRACTICE_BOT_TICK_SECONDS: expected a number"),
        ({"PRACTICE_BOT_GRACE_MINUTES": "-5"}, "PRACTICE_BOT_GRACE_MINUTES: must be between"),
        ({"PRACTICE_BOT_TIMEZONE": "Moon/Base"}, "not an IANA time zone"),
        ({"PRACTICE_BOT_LOG_LEVEL": "LOUD"}, "PRACTICE_BOT_LOG_LEVEL"),
    ],
)
def test_bad_configuration_is_refused_with_the_reason(env: dict[str, str], reason: str) -> None:
    with pytest.raises(ConfigError, match=reason.split(":", maxsplit=1)[0]):
        Settings.from_env(env)
    result = run("questions", "list", env=env)
    assert result.returncode == 2 and "configuration refused" in result.stderr and reason in result.stderr


def test_urls_people_paste_pick_async_drivers(tmp_path: Path) -> None:
    settings = Settings.from_env({"DATABASE_URL": "postgres://bot@db/practice", "HOME": str(tmp_path)})
    assert settings.database_url == "postgresql+asyncpg://bot@db/practice"
    default = Settings.from_env({"HOME": str(tmp_path)})
    assert default.database_url == f"sqlite+aiosqlite:///{tmp_path}/.local/share/practice-bot/practice-bot.db"


def test_run_refuses_an_unknown_platform(tmp_path: Path) -> None:
    result = run("run", "matrix", env={"PRACTICE_BOT_DATA_DIR": str(tmp_path)})
    assert result.returncode == 2 and "unknown platform 'matrix'" in result.stderr


def test_the_console_reads_piped_input_without_prompts(tmp_path: Path) -> None:
    answer = STRONG.replace("\n", " ")
    result = run("run", stdin=f"{answer}\n\n/quit\n", env={"PRACTICE_BOT_DATA_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    assert "Score:" in result.stdout, "the piped answer was posted and scored"
    assert not [line for line in result.stdout.splitlines() if line.startswith(("you> ", "… "))]
