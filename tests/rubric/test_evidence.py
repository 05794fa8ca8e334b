"""Helpers checks use to find a signal in context and cite it."""

from __future__ import annotations

from bot.rubric import Status
from bot.rubric.evidence import quantified_near, result, supporting
from bot.rubric.text import AnswerText
from bot.rubric.vocabulary import MONEY

ANSWER = AnswerText(
    "We would ship the new flow to a pilot group first. "
    "Refunds took 3 days to reach the customer last quarter. "
    "The team knows the old system well and trusts it. "
    "Nobody in the room wanted another slow migration. "
    "The fee we charge covers the cost of the extra support."
)


def test_quantified_near_looks_at_the_sentence_and_its_neighbours_only() -> None:
    assert [sentence.quantities for sentence in ANSWER.prose[:2]] == [(), ("3 days",)]
    assert quantified_near(ANSWER, 0)  # the next sentence holds "3 days"
    assert quantified_near(ANSWER, 1)
    assert quantified_near(ANSWER, 2)  # the previous one does
    assert not quantified_near(ANSWER, 3)  # two sentences away is not near
    assert not quantified_near(ANSWER, 4)


def test_supporting_keeps_the_sentence_and_the_neighbours_with_the_bits() -> None:
    assert [s.order for s in supporting(ANSWER, 3, MONEY.bit)] == [3, 4]
    assert [s.order for s in supporting(ANSWER, 3, MONEY.bit, span=2)] == [3, 4]
    assert [s.order for s in supporting(ANSWER, 2, 0)] == [2]


def test_result_cites_each_sentence_once_in_order_of_first_mention() -> None:
    first, second, third = ANSWER.prose[:3]
    cited = result("x", Status.PASS, "reason", cited=[second, first, second, third, first])
    assert cited.cited == (0, 1, 2)
    assert len(cited.evidence) == 2
    assert cited.evidence[0].startswith("“Refunds took 3 days")
    assert cited.evidence[1].startswith("“We would ship")
