"""One-pass answer analysis: sentences, tokens, quantities, prose detection and word classes."""

from __future__ import annotations

import pytest

from bot.rubric.lexicon import clear_token_cache, found_terms, terms, tokenize
from bot.rubric.text import MAX_ANALYSED_CHARS, AnswerText


def texts(answer: str) -> list[str]:
    return [sentence.text for sentence in AnswerText(answer).sentences]


def test_sentences_split_on_end_punctuation_not_on_decimals_or_abbreviations() -> None:
    answer = "Fees are 2.9% of the amount, e.g. on cards. Then we pay out! Is that fine? Yes."
    assert texts(answer) == ["Fees are 2.9% of the amount, e.g. on cards.", "Then we pay out!", "Is that fine?", "Yes."]


def test_soft_wrapped_lines_are_joined_but_list_items_and_paragraphs_are_not() -> None:
    answer = (
        "If the error rate stays above 1%\n"
        "for ten minutes we roll back.\n"
        "Stages:\n"
        "- 1% for two days\n"
        "- 10% for a week\n"
        "\n"
        "Support gets a script"
    )
    assert texts(answer) == [
        "If the error rate stays above 1% for ten minutes we roll back.",
        "Stages:",
        "- 1% for two days",
        "- 10% for a week",
        "Support gets a script",
    ]


def test_an_abbreviation_never_joins_text_across_a_line_break() -> None:
    assert texts("I had to say no.\n\nThe next paragraph starts here.") == [
        "I had to say no.",
        "The next paragraph starts here.",
    ]
    assert texts("Costs e.g.\nfees") == ["Costs e.g.", "fees"]


def test_a_run_on_is_cut_into_spans_so_it_cannot_put_every_term_in_one_sentence() -> None:
    run_on = " ".join(["word"] * 150)
    sentences = AnswerText(run_on).sentences
    assert len(sentences) > 1
    assert all(len(sentence.words) <= 60 for sentence in sentences)


def test_tokens_are_lower_case_words_with_possessives_dropped_and_hyphens_split() -> None:
    assert tokenize("The merchant’s trade-off: I'd NOT ship.") == [
        "the",
        "merchant",
        "trade",
        "off",
        "i'd",
        "not",
        "ship",
    ]


@pytest.mark.parametrize(
    ("sentence", "quantities", "kinds"),
    [
        ("It costs $2.1M and €300K a year.", ("$2.1M", "€300K"), {"money"}),
        ("Conversion fell 1.8% and 50 bps.", ("1.8%", "50 bps"), {"percent"}),
        ("p99 above 300 ms for 10 minutes.", ("300 ms", "10 minutes"), {"latency", "duration"}),
        ("Peak is 12K TPS and 4,000 merchants.", ("12K TPS", "4,000 merchants"), {"volume"}),
        ("We slipped two weeks, about twenty percent.", ("two weeks", "twenty percent"), {"duration", "percent"}),
        ("One in 1,000 logins is blocked.", ("1,000 logins",), {"volume"}),
        ("1 in 1,000 logins is blocked.", ("1 in 1,000",), {"percent"}),
        ("Three teams, v2, Q4 2025 and p99.", (), set()),
        ("It was 2.5x faster and 500 USD cheaper.", ("2.5x", "500 USD"), {"multiple", "money"}),
    ],
)
def test_quantities_need_a_unit(sentence: str, quantities: tuple[str, ...], kinds: set[str]) -> None:
    analysed = AnswerText(sentence).sentences[0]
    assert analysed.quantities == quantities
    assert set(analysed.quantity_kinds) == kinds


@pytest.mark.parametrize(
    "line",
    [
        "idempotency retries backoff jitter duplicates reconciliation merchants support",
        "Idempotency, retries, exponential backoff, jitter, dead letter queue, SLOs, stakeholders.",
        "idempotency and the retries and the backoff and the jitter and the merchants and the refunds",
        "Rollback.",
    ],
)
def test_lists_of_terms_are_not_prose(line: str) -> None:
    assert AnswerText(line).prose == ()


@pytest.mark.parametrize(
    "line",
    [
        "If the error rate exceeds 1% for ten minutes, we roll back.",
        "Canary at 1% for 24h.",
        "The risk owner reviews the numbers weekly for the first month.",
    ],
)
def test_real_sentences_are_prose_even_when_short(line: str) -> None:
    assert len(AnswerText(line).prose) == 1


def test_template_sentences_are_a_list_in_disguise() -> None:
    template = " ".join(f"We have the {term}." for term in ["idempotency", "retries", "backoff", "jitter", "ledger"])
    assert AnswerText(template).prose == ()
    varied = "We have the data. The team agreed to ship it. We have a plan for rollback. Legal signs off the terms."
    assert len(AnswerText(varied).prose) == 4


def test_only_the_first_part_of_an_enormous_answer_is_analysed() -> None:
    sentence = "Duplicates make merchants ship twice and pay for it. "
    huge = AnswerText(sentence * 5_000)
    assert len(huge.raw) > MAX_ANALYSED_CHARS
    assert sum(len(s.text) + 1 for s in huge.sentences) <= MAX_ANALYSED_CHARS + 1
    assert len(huge.prose) == 1  # and repeats still count once


def test_repeated_sentences_count_once() -> None:
    once = "Duplicates make merchants ship twice. Lost events break reconciliation."
    twice = AnswerText(f"{once}\n\n{once}\n{once.upper()}")
    assert [s.text for s in twice.prose] == [s.text for s in AnswerText(once).prose]
    assert twice.prose_word_count == AnswerText(once).prose_word_count


def test_window_joins_a_sentence_with_its_neighbours() -> None:
    answer = AnswerText("A retry can charge twice. The merchant pays for the refund. Unrelated filler text here.")
    money = terms("refund*", name="test refunds")
    assert not answer.prose[0].has(money)
    assert answer.window(0) & money.bit
    assert not answer.window(0, span=0) & money.bit


def test_word_classes_match_words_prefixes_and_phrases_in_order() -> None:
    group = terms("reconcil*", "at the cost of", "product manager*", "charged twice", name="test group")
    words = tuple(tokenize("At the cost of speed, product managers saw customers charged twice; reconciliation broke."))
    assert found_terms(group, words) == ["at the cost of", "product managers", "charged twice", "reconciliation"]
    answer = AnswerText("At the cost of speed, product managers saw customers charged twice.")
    assert answer.prose[0].has(group)
    assert not AnswerText("The cost of speed was paid by customers charged once.").prose[0].has(group)


def test_word_classes_do_not_depend_on_the_token_cache() -> None:
    answer = "Product managers saw customers charged twice, so reconciliation broke for the finance team."
    before = AnswerText(answer).prose[0].mask
    clear_token_cache()
    assert AnswerText(answer).prose[0].mask == before
