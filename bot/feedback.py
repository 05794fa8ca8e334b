"""Turning a scorecard into feedback: the compact card every platform shows, and the full breakdown."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.documents import Block, Document, Fields, Heading, Tone, bullets, note, paragraph
from bot.rounds import Round
from bot.rubric import CheckKind, CheckResult, Scorecard, Status, get_check

_LOST = {Status.PASS: 0.0, Status.PARTIAL: 0.5, Status.MISS: 1.0}


@dataclass(frozen=True, slots=True)
class Feedback:
    score: int
    strengths: tuple[CheckResult, ...]
    misses: tuple[CheckResult, ...]
    penalties: tuple[CheckResult, ...]
    cap_reason: str | None


def summarise(card: Scorecard, *, max_misses: int = 3, max_strengths: int = 2) -> Feedback:
    """The most valuable misses first: those that cost the most weighted points."""
    signals = [r for r in card.results if get_check(r.check_id).kind is CheckKind.SIGNAL]
    penalties = tuple(
        r for r in card.results if get_check(r.check_id).kind is CheckKind.PENALTY and r.status is not Status.PASS
    )
    misses = sorted(
        (r for r in signals if r.status is not Status.PASS),
        key=lambda r: card.weights.get(r.check_id, 0.0) * _LOST[r.status],
        reverse=True,
    )
    strengths = sorted(
        (r for r in signals if r.status is Status.PASS),
        key=lambda r: card.weights.get(r.check_id, 0.0),
        reverse=True,
    )
    return Feedback(
        card.score, tuple(strengths[:max_strengths]), tuple(misses[:max_misses]), penalties, card.cap_reason
    )


def most_missed(cards: Sequence[Scorecard]) -> list[tuple[str, int]]:
    """Check ids ordered by how many answers did not pass them: (check id, count)."""
    counts: dict[str, int] = {}
    for card in cards:
        for result in card.results:
            if get_check(result.check_id).kind is CheckKind.SIGNAL and result.status is not Status.PASS:
                counts[result.check_id] = counts.get(result.check_id, 0) + 1
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


STATUS_MARK = {Status.PASS: "✓", Status.PARTIAL: "½", Status.MISS: "✗"}


def _result_line(result: CheckResult, *, with_tip: bool) -> str:
    title = get_check(result.check_id).title
    text = f"{title}: {result.reason}"
    if result.evidence:
        text += f" {result.evidence[0]}"
    if with_tip and result.tip:
        text += f" Tip: {result.tip}"
    return text


def feedback_card(card: Scorecard, *, heading: str) -> Document:
    """The compact card: score, what the answer showed, the two or three most valuable misses with tips."""
    summary = summarise(card)
    blocks: list[Block] = [Fields((("Score", f"{card.score}/100"),))]
    if summary.cap_reason:
        blocks.append(paragraph(summary.cap_reason))
    if summary.strengths:
        blocks += [Heading("What it shows"), bullets(_result_line(r, with_tip=False) for r in summary.strengths)]
    if summary.misses:
        blocks += [Heading("What to add"), bullets(_result_line(r, with_tip=True) for r in summary.misses)]
    if summary.penalties:
        blocks += [Heading("What cost points"), bullets(_result_line(r, with_tip=True) for r in summary.penalties)]
    blocks.append(note("Edit your answer to be scored again."))
    return Document(
        heading,
        tuple(blocks),
        summary=f"{heading}: {card.score}/100",
        tone=Tone.GOOD if card.score >= 70 else Tone.INFO,
    )


def full_breakdown(card: Scorecard, round_: Round) -> Document:
    """Every check with its status, reason, evidence and tip."""
    blocks: list[Block] = [Fields((("Score", f"{card.score}/100"), ("Round", round_.label)))]
    if card.cap_reason:
        blocks.append(paragraph(card.cap_reason))
    for result in card.results:
        spec = get_check(result.check_id)
        lines = [result.reason, *result.evidence]
        if result.tip:
            lines.append(f"Tip: {result.tip}")
        blocks += [Heading(f"{STATUS_MARK[result.status]} {spec.title} ({result.status.value})"), bullets(lines)]
    return Document("Rubric breakdown", tuple(blocks), summary=f"Score {card.score}/100")
