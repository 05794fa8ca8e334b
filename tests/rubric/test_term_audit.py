"""Every word family the rubric matches, and the dictionary words it matches, reviewed by a person.

A family term (``reconcil*``) matches a word that continues its stem with an ordinary English ending.
Which words that lets in is written out in ``term_audit.txt``: a change to any term, or to the
endings, changes that file, and this test fails until the new list has been read and written back:

    .venv/bin/python tests/rubric/test_term_audit.py    # rewrite term_audit.txt after reviewing it
"""

from __future__ import annotations

from pathlib import Path

from simplemma.strategies.dictionaries.dictionary_factory import DefaultDictionaryFactory

from bot.rubric import registry
from bot.rubric.lexicon import family_match, family_stems, terms
from bot.rubric.text import AnswerText

AUDIT = Path(__file__).with_name("term_audit.txt")


def _dictionary_words() -> set[str]:
    dictionary = DefaultDictionaryFactory().get_dictionary("en")
    words = set(dictionary) | {lemma.decode() if isinstance(lemma, bytes) else lemma for lemma in dictionary.values()}
    return {word for word in words if word.isalpha() and word.islower()}


def audit_text() -> str:
    registry()
    words = sorted(_dictionary_words())
    lines = [
        "# Word families of the rubric and the dictionary words each matches (see test_term_audit.py).",
        "# Read every line: a word that does not mean what its family means is a false match.",
    ]
    lines.extend(
        f"{stem}*: {' '.join(word for word in words if family_match(stem, word))}" for stem in sorted(family_stems())
    )
    return "\n".join(lines) + "\n"


def test_the_reviewed_audit_lists_what_every_family_matches() -> None:
    assert AUDIT.read_text(encoding="utf-8") == audit_text(), (
        f"{AUDIT.name} is out of date: review the new matches, then run python {Path(__file__).name}"
    )


def test_families_match_endings_not_unrelated_words_that_share_a_stem() -> None:
    assert all(family_match("fee", word) for word in ("fee", "fees"))
    assert not any(family_match("fee", word) for word in ("feel", "feed", "feedback", "feeble"))
    assert all(family_match("reconcil", word) for word in ("reconcile", "reconciled", "reconciliation"))
    assert family_match("ship", "shipped") and not family_match("ship", "shipwreck")


def test_terms_match_every_inflection_of_a_lemma() -> None:
    group = terms("escalate", "roll back", name="test escalation")
    for sentence in (
        "I escalated it to the director.",
        "We are escalating now.",
        "They rolled it back, then rolled back twice.",
    ):
        assert AnswerText(sentence).sentences[0].has(group), sentence
    assert not AnswerText("The escalator was broken again today.").sentences[0].has(group)


if __name__ == "__main__":
    AUDIT.write_text(audit_text(), encoding="utf-8")
