"""Calibration pairs for the rubric tests: strong and weak answers to the same question.

Pairs live in ``calibration/*.yaml`` (tuned against) and ``heldout/*.yaml`` (written after tuning and
never tuned against). A pair names a bank question (its checks and weights are used) or a free-text
prompt (checks are chosen from the prompt, as ``practice-bot score --question`` does).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.questions import load_catalog
from bot.rounds import Round
from bot.rubric import AnswerText, QuestionContext, Scorecard, checks_for_question, score_answer

HERE = Path(__file__).parent
CALIBRATION_DIR = HERE / "calibration"
HELD_OUT_DIR = HERE / "heldout"
MIN_MARGIN = 10
MIN_SALAD_GAP = 20


@dataclass(frozen=True)
class Pair:
    id: str
    source: str  # the data file: stripe, klarna, general, seeds, near-misses, heldout ...
    pack: str | None
    context: QuestionContext
    weights: Mapping[str, float]
    strong: str
    weak: str
    weak_kind: str

    def score(self, text: str) -> Scorecard:
        return score_answer(AnswerText(text), self.weights, self.context)


def _raw_items(directory: Path) -> list[tuple[str, dict[str, Any]]]:
    return [
        (path.stem, item)
        for path in sorted(directory.glob("*.yaml"))
        for item in yaml.safe_load(path.read_text(encoding="utf-8"))
    ]


def _load(directory: Path) -> list[Pair]:
    """Pairs from a directory; ``strong_from`` borrows the strong answer (and question) of another pair."""
    catalog = load_catalog()
    own = _raw_items(directory)
    ids = [item["id"] for _, item in own]
    assert len(ids) == len(set(ids)), "duplicate calibration ids"
    known = {item["id"]: item for _, item in [*_raw_items(CALIBRATION_DIR), *own]}
    pairs = []
    for source, item in own:
        base = known[item["strong_from"]] if "strong_from" in item else item
        merged = {**base, **item}
        if "question" in merged:
            question = catalog.question(merged["question"])
            assert question is not None, f"{item['id']}: unknown question {merged['question']}"
            context = QuestionContext(question.prompt, question.round, question.pack)
            weights: Mapping[str, float] = dict(question.checks)
            pack: str | None = question.pack
        else:
            round_, weights = checks_for_question(merged["prompt"])
            context = QuestionContext(merged["prompt"], round_, merged.get("company"))
            pack = merged.get("company")
        kind = item.get("weak_kind") or item.get("contrast") or ""
        pairs.append(Pair(item["id"], source, pack, context, weights, base["strong"], item["weak"], kind))
    return pairs


CALIBRATION = _load(CALIBRATION_DIR)
HELD_OUT = _load(HELD_OUT_DIR) if HELD_OUT_DIR.is_dir() else []

# Margins and salad gaps recorded by the tests, reported by pytest_terminal_summary.
MEASURED: dict[str, list[int]] = {"calibration": [], "held-out": [], "salad gap": []}


def rounds_of(pairs: list[Pair]) -> set[Round]:
    return {pair.context.round for pair in pairs}
