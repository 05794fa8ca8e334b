"""Helpers checks use to find a signal in context and to cite it.

"In context" means the parts of a signal occur together: inside one sentence, or in a sentence and
its neighbour (people often say what breaks in one sentence and who pays in the next). Evidence is
always cited from prose sentences, so a result can quote what triggered it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from bot.rubric.framework import CheckResult, Status
from bot.rubric.lexicon import Terms, found_terms
from bot.rubric.text import AnswerText, Sentence, excerpt

QUOTE_LIMIT = 80


def supporting(answer: AnswerText, position: int, bits: int, span: int = 1) -> list[Sentence]:
    """Prose sentence ``position`` and the neighbours within ``span`` that hold any of ``bits``.

    Checks that find a signal's parts across neighbouring sentences cite all of them.
    """
    start = max(0, position - span)
    around = answer.prose[start : position + span + 1]
    return [s for offset, s in enumerate(around) if start + offset == position or s.mask & bits]


def quantified_near(answer: AnswerText, position: int) -> bool:
    """Whether prose sentence ``position`` or a neighbour holds a quantity (a number with a unit)."""
    return any(sentence.quantities for sentence in answer.prose[max(0, position - 1) : position + 2])


def terms_in(group: Terms, sentences: Iterable[Sentence]) -> list[str]:
    """Distinct words or phrases of ``group`` in ``sentences``, in order of first appearance."""
    seen: dict[str, None] = {}
    for sentence in sentences:
        if sentence.mask & group.bit:
            for term in found_terms(group, sentence.words):
                seen.setdefault(term, None)
    return list(seen)


def quote(sentence: Sentence, limit: int = QUOTE_LIMIT) -> str:
    return f"“{excerpt(sentence.text, limit)}”"


def result(
    check_id: str,
    status: Status,
    reason: str,
    tip: str | None = None,
    cited: Iterable[Sentence] = (),
    *,
    labelled: Sequence[tuple[str, Sentence]] = (),
) -> CheckResult:
    """A result quoting the sentences it relies on, or labelled parts ("action: …") when given."""
    ordered = list(dict.fromkeys(cited))
    if labelled:
        evidence = tuple([f"{label}: {quote(sentence, 60)}" for label, sentence in labelled[:3]])
        indices = {sentence.order for sentence in ordered} | {sentence.order for _, sentence in labelled}
    else:
        evidence = tuple([quote(sentence) for sentence in ordered[:2]])
        indices = {sentence.order for sentence in ordered}
    return CheckResult(check_id, status, reason, tip, evidence, cited=tuple(sorted(indices)))


def listed(items: Sequence[str], limit: int = 3) -> str:
    """``a, b and c`` (and ``n more``), for reasons."""
    shown = list(items[:limit])
    extra = len(items) - len(shown)
    if extra > 0:
        shown.append(f"{extra} more")
    if len(shown) == 1:
        return shown[0]
    return f"{', '.join(shown[:-1])} and {shown[-1]}"
