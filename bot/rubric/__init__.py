"""Heuristic rubric: checks that look for the signals of a strong interview answer, in context.

How the pieces fit:

- ``text.AnswerText`` analyses an answer once: sentences (soft wraps joined, list items kept apart,
  run-ons cut into spans), tokens, quantities with their kind, whether each sentence reads as prose
  (buzzword lists, glued lists and template spam do not), and a bitmask of the word classes in it.
  Repeated sentences count once.
- ``lexicon`` holds the word classes (``terms(...)``): words, prefixes and phrases, matched by bit.
  ``vocabulary`` has the classes several checks share; each check module has its own.
- ``checks/*`` are pure functions registered by stable id with ``register``. A check finds its
  signal in a sentence or with its neighbour (``AnswerText.window``) and returns pass, partial or
  miss with a reason, a tip and the quotes it relied on (``evidence.result``).
- ``framework.score_answer`` turns results into 0-100: the weighted share of signal checks earned,
  capped by the answer's shape and by how many sentences carry evidence, minus penalty points.
- ``selection`` picks checks for free-text questions from their wording.

To add a check: write the function in a module under ``checks/``, register it with a title, a
``missed`` phrase for wrap-ups and an ``about`` line, add unit tests of pass and miss in context to
``tests/rubric/test_checks.py``, document it in ``questions/README.md``, and run the calibration
tests (``pytest tests/rubric``): every pair must still be ordered with a clear margin.
"""

from bot.rubric.framework import (
    CheckKind,
    CheckResult,
    CheckSpec,
    QuestionContext,
    Scorecard,
    Status,
    get_check,
    register,
    registry,
    score_answer,
)
from bot.rubric.selection import checks_for_question, infer_round
from bot.rubric.text import AnswerText

__all__ = [
    "AnswerText",
    "CheckKind",
    "CheckResult",
    "CheckSpec",
    "QuestionContext",
    "Scorecard",
    "Status",
    "checks_for_question",
    "get_check",
    "infer_round",
    "register",
    "registry",
    "score_answer",
]
