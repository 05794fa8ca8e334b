"""The console channel, driven as a member would: the real process in a pseudo-terminal."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pexpect
import pytest

ROOT = Path(__file__).resolve().parents[2]
ANSWER_LINES = [
    "Before choosing, I'd define success: verified customers per day and the cost of a wrong approval.",
    "Buying costs about $2 per check but ships in 3 weeks instead of 6 months, which is worth about $1M in GMV;",
    "building would save $300K a year but delay launch, and a vendor outage would block signups, costing revenue.",
    "Legal must review the vendor contract because of data protection, and finance needs to approve the spend.",
]


def spawn(data_dir: Path, *args: str) -> pexpect.spawn:
    env = {
        **os.environ,
        "PRACTICE_BOT_DATA_DIR": str(data_dir),
        "PRACTICE_BOT_CONSOLE_USER": "ana",
        "PRACTICE_BOT_TIMEZONE": "Europe/Berlin",
        "COLUMNS": "120",
        "PRACTICE_BOT_TICK_SECONDS": "0.5",
    }
    env.pop("SLACK_BOT_TOKEN", None)
    env.pop("DISCORD_TOKEN", None)
    child = pexpect.spawn(
        sys.executable,
        ["-m", "bot.cli", "run", *args],
        cwd=str(ROOT),
        env=env,
        encoding="utf-8",
        timeout=30,
        dimensions=(50, 120),
    )
    child.logfile_read = open(data_dir / "transcript.txt", "a", encoding="utf-8")  # noqa: SIM115
    return child


def answer(child: pexpect.spawn, lines: list[str]) -> None:
    for line in lines:
        child.sendline(line)
    child.sendline("")


@pytest.mark.slow
def test_the_practice_loop_in_a_terminal(tmp_path: Path) -> None:
    child = spawn(tmp_path)
    child.expect("logs go to")
    child.expect("═══ new question ═══")
    child.expect("Answers close: .* \\(Europe/Berlin\\)")
    child.expect("ana> ")

    answer(child, ANSWER_LINES)
    child.expect("answer #1 by ana posted")
    child.expect("Feedback on your answer")
    child.expect(r"Score: (\d+)/100")
    strong = int(child.match.group(1))

    child.sendline("/as ben")
    child.expect("Now acting as ben")
    answer(child, ["We could buy it or build it, both are fine, we will see."])
    child.expect(r"Score: (\d+)/100")
    assert strong > int(child.match.group(1))

    child.sendline("/react 1")
    child.expect("ben reacted :\\+1: on answer #1")
    child.sendline("/react 2")  # his own answer: not a vote
    child.expect("own answer are not counted")

    child.sendline("/close")
    child.expect("═══ wrap-up ═══")
    child.expect("2 answers from 2 members")
    child.expect("Community pick")
    child.expect("@ana with 1 vote")
    child.expect("What strong answers do")

    child.sendline("/leaderboard all")
    child.expect(r"1\. @ana — \d+ points, 1 answered, 1 vote")

    child.sendline("/mock klarna rollout")
    child.expect("mock interview thread for ben")
    child.expect("Round 1 of 1")
    answer(child, ["skip"])
    child.expect("Debrief")

    child.sendline("/stats")
    child.expect("Answered: 1")
    child.sendline("/frobnicate")
    child.expect("is not a command I know")
    child.sendline("/quit")
    child.expect("Bye!")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0

    # A restart shows today's question again instead of posting another, and keeps the answers.
    again = spawn(tmp_path)
    again.expect("today's question")
    again.expect("closed: /post for a new one")
    again.sendline("/leaderboard all")
    again.expect("@ana")
    again.sendeof()
    again.expect("Bye!")
    again.expect(pexpect.EOF)
    again.close()
    assert again.exitstatus == 0
