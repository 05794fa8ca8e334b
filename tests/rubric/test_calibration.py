"""The calibration set: strong answers beat weak ones clearly, salads and padding do not pay, scores are stable."""

from __future__ import annotations

import re

import pytest
from rubric_calibration import HELD_OUT, MIN_MARGIN, MIN_SALAD_GAP, Pair, rounds_of

from bot.questions import Question, load_catalog
from bot.rounds import Round
from bot.rubric import AnswerText, QuestionContext, score_answer
from bot.rubric.lexicon import clear_token_cache

PROJECT_SOURCES = {"stripe", "klarna", "general"}


def test_pair_is_ordered_with_a_clear_margin(calibration_pair: Pair, measured: dict[str, list[int]]) -> None:
    strong = calibration_pair.score(calibration_pair.strong)
    weak = calibration_pair.score(calibration_pair.weak)
    margin = strong.score - weak.score
    measured["calibration"].append(margin)
    assert margin >= MIN_MARGIN, (
        f"{calibration_pair.id}: strong {strong.score} vs weak {weak.score} ({calibration_pair.weak_kind})"
    )


@pytest.mark.skipif(not HELD_OUT, reason="no held-out pairs")
def test_held_out_pair_is_ordered_with_a_clear_margin(held_out_pair: Pair, measured: dict[str, list[int]]) -> None:
    strong = held_out_pair.score(held_out_pair.strong)
    weak = held_out_pair.score(held_out_pair.weak)
    margin = strong.score - weak.score
    measured["held-out"].append(margin)
    assert margin >= MIN_MARGIN, f"{held_out_pair.id}: strong {strong.score} vs weak {weak.score}"


def test_calibration_covers_every_round_and_both_company_packs(calibration: list[Pair]) -> None:
    project = [pair for pair in calibration if pair.source in PROJECT_SOURCES]
    assert len(project) >= 40
    assert rounds_of(project) == set(Round)
    for company in ("stripe", "klarna"):
        pairs = [pair for pair in project if pair.pack == company]
        assert len(pairs) >= 10, company
    loops = {pack.name: {stage.round for stage in pack.loop} for pack in load_catalog().packs.values() if pack.loop}
    for company, loop in loops.items():
        assert loop <= rounds_of([pair for pair in calibration if pair.pack == company]), company
    seeds = [pair for pair in calibration if pair.source == "seeds"]
    assert len(seeds) >= 10
    assert {pair.pack for pair in seeds} == {"stripe", "klarna"}
    assert any(pair.weights and pair.context.prompt for pair in project if pair.pack is None), "free-text pairs"


# A stop-word list of the test's own, so salads are not built from the rubric's idea of grammar.
_STOP_WORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before being below between
    both but by can could did do does doing down during each few for from further had has have having he her here
    hers him his how i i'd i'll i'm i've if in into is it it's its itself just me more most my no nor not now of off
    on once only or other our ours out over own same she should so some such than that that's the their theirs them
    then there these they this those through to too under until up very was we we'd we'll we're were what when where
    which while who whom why will with would you your yours""".split()
)
_WORD = re.compile(r"[$€£]?\d[\d,.]*%?[a-zA-Z]*|[A-Za-z][A-Za-z'’-]*")


def key_terms(text: str) -> list[str]:
    """The strong answer's own content words and numbers, each once, in order."""
    seen: dict[str, None] = {}
    for word in _WORD.findall(text):
        cleaned = word.strip("'’-.,")
        if cleaned and cleaned.lower() not in _STOP_WORDS and (len(cleaned) > 2 or cleaned[0].isdigit()):
            seen.setdefault(cleaned.lower(), None)
    return list(seen)


def salads(text: str) -> dict[str, str]:
    terms = key_terms(text)
    chunks = [terms[i : i + 5] for i in range(0, len(terms), 5)]
    return {
        "words": " ".join(terms),
        "commas": ", ".join(terms) + ".",
        "bullets": "\n".join(f"- {term}" for term in terms),
        "short lines": "\n".join(" ".join(chunk).capitalize() + "." for chunk in chunks),
        "labelled list": "Key points: " + ", ".join(terms),
        # Grammar glued on to look like sentences.
        "glued": " and the ".join(terms) + ".",
        "template": " ".join(f"We have the {term}." for term in terms),
    }


def test_keyword_salad_of_a_strong_answer_scores_far_below_it(
    calibration_pair: Pair, measured: dict[str, list[int]]
) -> None:
    strong = calibration_pair.score(calibration_pair.strong).score
    gaps = {
        form: strong - calibration_pair.score(salad).score for form, salad in salads(calibration_pair.strong).items()
    }
    measured["salad gap"].append(min(gaps.values()))
    assert min(gaps.values()) >= MIN_SALAD_GAP, f"{calibration_pair.id}: strong {strong}, gaps {gaps}"


FILLER = (
    "That is a great question, and I have thought about it a lot over the years. There are many different "
    "angles here and every company is a little different. I always try to keep an open mind and stay curious. "
    "In the end it is about doing the right thing for everyone involved."
)


def padded_versions(text: str) -> dict[str, str]:
    paragraphs = text.strip().split("\n\n")
    return {
        "filler before": f"{FILLER}\n\n{text}",
        "filler after": f"{text}\n\n{FILLER}",
        "filler twice": f"{FILLER}\n\n{text}\n\n{FILLER} {FILLER}",
        "filler between": "\n\n".join([paragraphs[0], FILLER, *paragraphs[1:]]),
    }


def test_padding_never_raises_a_score(calibration_pair: Pair) -> None:
    for side in (calibration_pair.strong, calibration_pair.weak):
        original = calibration_pair.score(side).score
        for how, padded in padded_versions(side).items():
            assert calibration_pair.score(padded).score <= original, f"{calibration_pair.id}: {how}"


def test_repeating_an_answer_changes_nothing(calibration_pair: Pair) -> None:
    for side in (calibration_pair.strong, calibration_pair.weak):
        original = calibration_pair.score(side)
        for copies in (2, 3):
            repeated = calibration_pair.score("\n\n".join([side] * copies))
            assert repeated.score == original.score, calibration_pair.id
            assert [r.status for r in repeated.results] == [r.status for r in original.results]


EMPTY = ["", "   \n\t  ", "...", "-", "?"]
ONE_LINERS = [
    "I don't know.",
    "We should make it scalable, reliable and secure.",
    "I would collaborate with all the stakeholders and align everyone on a plan.",
    "If the error rate exceeds 1% for 10 minutes we roll back, because legal, finance and support must sign off "
    "and chargebacks cost us $200K a year.",
    "Duplicates cost merchants money, so use idempotency keys and retries with exponential backoff.",
    "I decided to cut scope because the deadline mattered more, which cost us 3 weeks of rework but saved $40K.",
]


BANK = [question for pack in load_catalog().packs.values() for question in pack.questions]


@pytest.mark.parametrize("question", BANK, ids=lambda question: question.id)
def test_empty_and_one_line_answers_score_near_zero(question: Question) -> None:
    context = QuestionContext(question.prompt, question.round, question.pack)
    weights = question.checks
    for text in EMPTY:
        assert score_answer(AnswerText(text), weights, context).score == 0, repr(text)
    for text in ONE_LINERS:
        assert score_answer(AnswerText(text), weights, context).score <= 15, text


def test_scoring_is_deterministic(calibration: list[Pair]) -> None:
    def run() -> list[tuple[int, list[tuple[str, str, str]]]]:
        cards = [pair.score(text) for pair in calibration for text in (pair.strong, pair.weak)]
        return [(card.score, [(r.check_id, r.status.value, r.message) for r in card.results]) for card in cards]

    first = run()
    assert run() == first  # warm caches
    clear_token_cache()
    assert run() == first  # cold caches
    assert list(reversed(run())) == list(reversed(first))
