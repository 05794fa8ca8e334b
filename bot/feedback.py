"""Turning scorecards into words: the compact card every platform shows, the full breakdown, wrap-up lines.

Everything here returns ``Document`` values (or plain strings for wrap-ups), so the wording is
identical on Slack, Discord and the console: renderers only map structure to their platform.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from bot.documents import Block, Document, Fields, Heading, Tone, bullets, paragraph
from bot.rounds import Round
from bot.rubric import CheckKind, CheckResult, Scorecard, Status, get_check

_LOST = {Status.PASS: 0.0, Status.PARTIAL: 0.5, Status.MISS: 1.0}
CARD_BULLET_LIMIT = 300  # characters; a card is read in a chat thread, not studied
GOOD_SCORE = 70


@dataclass(frozen=True, slots=True)
class Feedback:
    score: int
    strengths: tuple[CheckResult, ...]
    misses: tuple[CheckResult, ...]
    penalties: tuple[CheckResult, ...]
    cap_reason: str | None


def _is_penalty(result: CheckResult) -> bool:
    return get_check(result.check_id).kind is CheckKind.PENALTY


def points_lost(card: Scorecard, result: CheckResult) -> float:
    """What a result cost: share of the signal weight missed (on a 0-100 scale), or penalty points."""
    weight = card.weights.get(result.check_id, 0.0)
    if _is_penalty(result):
        return weight * _LOST[result.status]
    total = sum(w for check_id, w in card.weights.items() if get_check(check_id).kind is CheckKind.SIGNAL)
    return 100.0 * weight * _LOST[result.status] / total if total else 0.0


def summarise(card: Scorecard, *, max_misses: int = 3, max_strengths: int = 2) -> Feedback:
    """The most valuable misses first (those that cost the most points), then what the answer did well."""
    signals = [r for r in card.results if not _is_penalty(r)]
    penalties = tuple(r for r in card.results if _is_penalty(r) and r.status is not Status.PASS)
    misses = sorted(
        (r for r in signals if r.status is not Status.PASS),
        key=lambda r: points_lost(card, r),
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


def _not_passed(cards: Sequence[Scorecard], *, penalties: bool) -> list[tuple[str, int]]:
    """Check ids ordered by how many answers did not pass them (ties by id): (check id, count)."""
    counts = Counter(
        result.check_id
        for card in cards
        for result in card.results
        if result.status is not Status.PASS and (penalties or not _is_penalty(result))
    )
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def most_missed(cards: Sequence[Scorecard]) -> list[tuple[str, int]]:
    """Signal check ids ordered by how many answers did not pass them: (check id, count)."""
    return _not_passed(cards, penalties=False)


def missed_phrase(check_id: str) -> str:
    """What answers that did not pass the check failed to do, e.g. "gave no rollback trigger …"."""
    return get_check(check_id).missed


def common_gaps(cards: Sequence[Scorecard], *, limit: int = 3) -> list[str]:
    """Wrap-up lines on what most answers missed or fell into, e.g. "4 of 6 answers gave no rollback trigger…".

    Signal checks count when not passed; penalty checks count when the answer showed the pattern.
    Only gaps shared by at least two answers (or the only answer) are worth a line.
    """
    total = len(cards)
    threshold = 1 if total == 1 else 2
    return [
        f"{count} of {total} answer{'s' if total != 1 else ''} {missed_phrase(check_id)}"
        for check_id, count in _not_passed(cards, penalties=True)[:limit]
        if count >= threshold
    ]


def _fit(*parts: str, limit: int = CARD_BULLET_LIMIT) -> str:
    """Join parts, dropping trailing optional ones (evidence, tips) until the line fits the limit."""
    kept = [part for part in parts if part]
    while len(kept) > 1 and len(" ".join(kept)) > limit:
        kept.pop()
    text = " ".join(kept)
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def _strength_line(result: CheckResult) -> str:
    title = get_check(result.check_id).title
    return _fit(f"{title}: {result.reason}", result.evidence[0] if result.evidence else "")


def _miss_line(result: CheckResult) -> str:
    title = get_check(result.check_id).title
    return _fit(f"{title}: {result.reason}", f"Tip: {result.tip}" if result.tip else "")


def _penalty_line(card: Scorecard, result: CheckResult) -> str:
    title = get_check(result.check_id).title
    lost = round(points_lost(card, result))
    return _fit(f"{title} (−{lost}): {result.reason}", f"Tip: {result.tip}" if result.tip else "")


def feedback_card(card: Scorecard, *, heading: str) -> Document:
    """The compact card: score, what the answer showed, the two or three most valuable misses with tips."""
    summary = summarise(card)
    blocks: list[Block] = [Fields((("Score", f"{card.score}/100"),))]
    if summary.cap_reason:
        blocks.append(paragraph(summary.cap_reason))
    if summary.strengths:
        blocks += [Heading("What it shows"), bullets(_strength_line(r) for r in summary.strengths)]
    if summary.misses:
        blocks += [Heading("What to add"), bullets(_miss_line(r) for r in summary.misses)]
    if summary.penalties:
        blocks += [Heading("What cost points"), bullets(_penalty_line(card, r) for r in summary.penalties)]
    return Document(
        heading,
        tuple(blocks),
        summary=f"{heading}: {card.score}/100",
        tone=Tone.GOOD if card.score >= GOOD_SCORE else Tone.INFO,
    )


STATUS_MARK = {Status.PASS: "✓", Status.PARTIAL: "½", Status.MISS: "✗"}
# For a penalty check, "pass" means the anti-pattern is absent: say so in words members understand.
_PENALTY_WORD = {Status.PASS: "not shown", Status.PARTIAL: "partly shown", Status.MISS: "shown"}


def _breakdown_heading(card: Scorecard, result: CheckResult) -> str:
    spec = get_check(result.check_id)
    if spec.kind is CheckKind.PENALTY:
        lost = round(points_lost(card, result))
        cost = f", −{lost}" if lost else ""
        return f"{STATUS_MARK[result.status]} {spec.title} ({_PENALTY_WORD[result.status]}{cost})"
    return f"{STATUS_MARK[result.status]} {spec.title} ({result.status.value})"


def full_breakdown(card: Scorecard, round_: Round) -> Document:
    """Every check with its status, reason, evidence and tip, signals first, then penalties."""
    blocks: list[Block] = [Fields((("Score", f"{card.score}/100"), ("Round", round_.label)))]
    if card.cap_reason:
        blocks.append(paragraph(card.cap_reason))
    ordered = sorted(card.results, key=_is_penalty)
    for result in ordered:
        lines = [result.reason, *result.evidence]
        if result.tip:
            lines.append(f"Tip: {result.tip}")
        blocks += [Heading(_breakdown_heading(card, result)), bullets(lines)]
    return Document("Rubric breakdown", tuple(blocks), summary=f"Score {card.score}/100")
