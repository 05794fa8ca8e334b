"""Feedback people want to read: a compact card, the full breakdown on request, and wrap-up lines."""

from __future__ import annotations

import pytest
from rubric_calibration import CALIBRATION, Pair

from bot.documents import Bullets, Document, Fields, Heading, Note, Paragraph, inline_text, plain_text
from bot.feedback import (
    CARD_BULLET_LIMIT,
    common_gaps,
    feedback_card,
    full_breakdown,
    missed_phrase,
    most_missed,
    points_lost,
    summarise,
)
from bot.rounds import Round
from bot.rubric import AnswerText, CheckKind, QuestionContext, Scorecard, Status, get_check, registry, score_answer

CONTEXT = QuestionContext("Plan the rollout of a new checkout API.", Round.ROLLOUT)
WEIGHTS = {"rollback_trigger": 3, "stakeholders": 2, "staged_rollout": 1, "collaboration_theatre": 8}


def card_for(answer: str) -> Scorecard:
    return score_answer(AnswerText(answer), WEIGHTS, CONTEXT)


def sections(document: Document) -> dict[str, list[str]]:
    """Bullet texts under each heading."""
    found: dict[str, list[str]] = {}
    heading = ""
    for block in document.blocks:
        if isinstance(block, Heading):
            heading = block.text
        elif isinstance(block, Bullets):
            found.setdefault(heading, []).extend(inline_text(item) for item in block.items)
    return found


def test_card_shows_score_strengths_the_most_valuable_misses_and_penalties() -> None:
    answer = (
        "If checkout errors exceed 0.5% for 10 minutes, the on-call engineer rolls back. "
        "We collaborated closely and aligned with every team. Everyone worked together as a team on it."
    )
    card = card_for(answer)
    document = feedback_card(card, heading="Your answer")
    assert document.title == "Your answer"
    assert Fields((("Score", f"{card.score}/100"),)) in document.blocks
    parts = sections(document)
    assert parts["What it shows"][0].startswith("Rollback trigger:")
    misses = parts["What to add"]
    assert misses[0].startswith("Stakeholders beyond engineering:")  # weight 2 lost before weight 1
    assert all("Tip:" in line for line in misses)
    assert parts["What cost points"][0].startswith("Collaboration with no decision (−8):")
    assert document.summary == f"Your answer: {card.score}/100"


def test_card_for_an_empty_answer_says_why_it_scores_zero() -> None:
    card = card_for("")
    document = feedback_card(card, heading="Your answer")
    assert card.score == 0
    assert Paragraph(("The answer is empty.",)) in document.blocks
    assert "What it shows" not in sections(document)


@pytest.mark.parametrize("pair", CALIBRATION, ids=[pair.id for pair in CALIBRATION])
def test_cards_are_short_and_made_of_plain_values(pair: Pair) -> None:
    for text in (pair.strong, pair.weak):
        card = pair.score(text)
        document = feedback_card(card, heading="Feedback")
        assert feedback_card(card, heading="Feedback") == document  # a value: the same everywhere
        for block in document.blocks:
            assert isinstance(block, Fields | Heading | Bullets | Paragraph | Note)
        parts = sections(document)
        assert len(parts.get("What it shows", [])) <= 2
        assert len(parts.get("What to add", [])) <= 3
        for lines in parts.values():
            assert all(len(line) <= CARD_BULLET_LIMIT for line in lines), pair.id
        assert len(plain_text(document)) < 1800


def test_misses_are_ordered_by_the_points_they_cost() -> None:
    card = card_for("We will launch the new API to every customer next week and monitor it.")
    feedback = summarise(card)
    lost = [points_lost(card, result) for result in feedback.misses]
    assert lost == sorted(lost, reverse=True)
    assert feedback.misses[0].check_id == "rollback_trigger"


def test_full_breakdown_lists_every_check_signals_first() -> None:
    card = card_for("We collaborated closely with everyone. We aligned the team on the plan and worked together.")
    document = full_breakdown(card, Round.ROLLOUT)
    headings = [block.text for block in document.blocks if isinstance(block, Heading)]
    assert len(headings) == len(WEIGHTS)
    assert headings[-1] == "✗ Collaboration with no decision (shown, −8)"
    assert all("(miss)" in heading or "(partial)" in heading for heading in headings[:-1])
    assert ("Round", "rollout") in next(block for block in document.blocks if isinstance(block, Fields)).pairs


def test_most_missed_and_common_gaps_word_the_wrap_up() -> None:
    strong = card_for(
        "Legal must sign off the terms, finance needs to reconcile payouts, and support needs scripts because "
        "customers will call. If errors exceed 1% for 10 minutes we roll back."
    )
    weak = [card_for("We will launch to everyone and monitor the dashboards closely after the release.")] * 3
    cards = [strong, *weak]
    assert most_missed(cards)[0] == ("staged_rollout", 4)
    lines = common_gaps(cards)
    assert lines[0] == f"4 of 4 answers {missed_phrase('staged_rollout')}"
    assert any(line.startswith("3 of 4 answers ") for line in lines)
    assert common_gaps([strong]) == [f"1 of 1 answer {missed_phrase('staged_rollout')}"]
    assert common_gaps([]) == []


def test_every_check_has_a_wrap_up_phrase_that_reads_after_a_count() -> None:
    for check_id, spec in registry().items():
        phrase = missed_phrase(check_id)
        assert phrase == spec.missed
        assert phrase[0].islower(), check_id
        assert not phrase.endswith("."), check_id
        assert len(f"12 of 12 answers {phrase}") <= 120, check_id


def test_penalty_status_words_are_about_the_anti_pattern() -> None:
    card = card_for("If errors exceed 1% for 10 minutes we roll back, because conversion matters more than speed.")
    document = full_breakdown(card, Round.ROLLOUT)
    headings = [block.text for block in document.blocks if isinstance(block, Heading)]
    assert "✓ Collaboration with no decision (not shown)" in headings
    penalty = next(r for r in card.results if get_check(r.check_id).kind is CheckKind.PENALTY)
    assert penalty.status is Status.PASS
