"""How well the rubric's judgement agrees with interviewers, on the graded corpus.

    python -m bench.quality                 # both splits, the rubric and the two baselines
    python -m bench.quality --split dev     # one split
    python -m bench.quality --json out.json

The corpus (``tests/rubric/graded``) holds answers written by people who never saw the scorer, each
graded 1-5 by two interviewers who did not write it. Tune on ``dev``; ``test`` is only measured.
For every split this prints, for the rubric and for two baselines computed in the same run (the
answer's word count, and how many of the question's content words the answer repeats):

- within-question pairwise order accuracy: over every pair of answers to one question that the
  raters graded differently, the share the scorer orders the same way (a tie counts half);
- mean within-question Spearman correlation between score and grade;
- mean score by grade (the raters' mean, rounded half up);
- the feedback's false-miss rate: of the checks that told a member a signal is missing, the share
  where both raters marked that signal present.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import statistics
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "rubric" / "graded"
SPLITS = ("dev", "test", "holdout")

# Which rater signal a check's "miss" denies. A story check denies a story: situation and action.
SIGNAL_OF_CHECK: Mapping[str, tuple[str, ...]] = {
    "problem_framing": ("problem_framing",),
    "prioritisation": ("prioritisation",),
    "quantified_tradeoff": ("quantified",),
    "business_framing": ("business_framing",),
    "failure_impact": ("failure_impact",),
    "api_reliability": ("api_reliability",),
    "risk_compliance": ("risk_compliance",),
    "metric_leverage": ("metric",),
    "staged_rollout": ("staged_rollout",),
    "rollback_trigger": ("rollback_trigger",),
    "stakeholders": ("stakeholders",),
    "escalation": ("escalation",),
    "star_l": ("situation", "action"),
    "ownership": ("ownership",),
    "friction": ("friction",),
}
# The anti-pattern a penalty check claims when it fires.
PATTERN_OF_PENALTY: Mapping[str, str] = {
    "collaboration_theatre": "collaboration_theatre",
    "technology_first": "technology_first",
    "ml_everywhere": "ml_everywhere",
    "metric_list": "metric_list",
    "harmful_judgement": "harmful_judgement",
    "echoes_question": "echo",
}


@dataclass(frozen=True)
class GradedAnswer:
    id: str
    text: str
    grade: float  # the raters' mean
    grades: Mapping[str, int]
    signals: Mapping[str, frozenset[str]]  # by rater
    style: str
    target: int

    def marked_by_all(self, signal: str) -> bool:
        return bool(self.signals) and all(signal in marked for marked in self.signals.values())

    def marked_by_any(self, signal: str) -> bool:
        return any(signal in marked for marked in self.signals.values())


@dataclass(frozen=True)
class GradedQuestion:
    id: str
    source: str  # "bank": scored by its id; "free": by its text
    pack: str
    round: str
    prompt: str
    answers: tuple[GradedAnswer, ...]


def load_split(name: str, corpus: Path = CORPUS) -> list[GradedQuestion]:
    data = yaml.safe_load((corpus / f"{name}.yaml").read_text(encoding="utf-8"))
    questions = []
    for item in data:
        answers = tuple(
            GradedAnswer(
                id=answer["id"],
                text=answer["text"],
                grade=float(answer["grade"]),
                grades=dict(answer["grades"]),
                signals={rater: frozenset(marked) for rater, marked in answer.get("signals", {}).items()},
                style=answer["style"],
                target=int(answer["target"]),
            )
            for answer in item["answers"]
            if "grade" in answer
        )
        questions.append(
            GradedQuestion(item["id"], item["source"], item["pack"], item["round"], item["prompt"], answers)
        )
    return questions


# -- scorers -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scored:
    score: float
    statuses: Mapping[str, str] = field(default_factory=dict)  # check id -> pass / partial / miss


Scorer = Callable[[GradedQuestion, str], Scored]

_WORD = re.compile(r"[a-z0-9']+")
_STOPWORDS = frozenset(
    """a an the and or but if of in on at to for with from by as is are was were be been it its this that these
    those you your we our they their i me my he she his her them what which who whom how why when where do does
    did would will can could should may might must not no so than then there here about into over under up down
    out more most some any each all both one two own same such only very just also""".split()
)


def word_count(question: GradedQuestion, text: str) -> Scored:
    return Scored(len(text.split()))


def keyword_overlap(question: GradedQuestion, text: str) -> Scored:
    """How many distinct content words of the question the answer uses."""
    wanted = {word for word in _WORD.findall(question.prompt.lower()) if word not in _STOPWORDS and len(word) > 2}
    present = set(_WORD.findall(text.lower()))
    return Scored(len(wanted & present))


def rubric(question: GradedQuestion, text: str) -> Scored:
    """The product's scorer, reached the way ``practice-bot score`` reaches it."""
    from bot.rubric.assess import assess_prompt, assess_question_id  # noqa: PLC0415 - keeps --help fast

    if question.source == "bank":
        card = assess_question_id(question.id, text)
    else:
        card = assess_prompt(question.prompt, text, company=question.pack)
    return Scored(card.score, {result.check_id: result.status.value for result in card.results})


SCORERS: Mapping[str, Scorer] = {"rubric": rubric, "word count": word_count, "keyword overlap": keyword_overlap}


# -- measures ----------------------------------------------------------------------------------------


def ranks(values: Sequence[float]) -> list[float]:
    """1-based ranks, ties sharing their mean rank."""
    order = sorted(range(len(values)), key=values.__getitem__)
    result = [0.0] * len(values)
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and values[order[end + 1]] == values[order[start]]:
            end += 1
        for position in range(start, end + 1):
            result[order[position]] = (start + end) / 2 + 1
        start = end + 1
    return result


def spearman(xs: Sequence[float], ys: Sequence[float]) -> float:
    """Spearman's rho (Pearson on ranks); 0 when either side is constant."""
    rx, ry = ranks(xs), ranks(ys)
    mx, my = statistics.fmean(rx), statistics.fmean(ry)
    sxy = sum((a - mx) * (b - my) for a, b in zip(rx, ry, strict=True))
    sxx = sum((a - mx) ** 2 for a in rx)
    syy = sum((b - my) ** 2 for b in ry)
    return sxy / math.sqrt(sxx * syy) if sxx and syy else 0.0


def pearson(xs: Sequence[float], ys: Sequence[float]) -> float:
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    sxy = sum((a - mx) * (b - my) for a, b in zip(xs, ys, strict=True))
    sxx = sum((a - mx) ** 2 for a in xs)
    syy = sum((b - my) ** 2 for b in ys)
    return sxy / math.sqrt(sxx * syy) if sxx and syy else 0.0


def pairwise(grades: Sequence[float], scores: Sequence[float]) -> tuple[float, int]:
    """Credit for ordering each differently graded pair like the raters (ties half), and the pair count."""
    credit, pairs = 0.0, 0
    for i in range(len(grades)):
        for j in range(i + 1, len(grades)):
            if grades[i] == grades[j]:
                continue
            pairs += 1
            agreement = (grades[i] - grades[j]) * (scores[i] - scores[j])
            credit += 1.0 if agreement > 0 else 0.5 if agreement == 0 else 0.0
    return credit, pairs


def grade_bucket(grade: float) -> int:
    return math.floor(grade + 0.5)


@dataclass
class Measures:
    pairwise: float
    spearman: float
    by_grade: dict[int, float]
    false_miss: float | None = None
    misses: int = 0
    false_misses: int = 0
    missed_present: float | None = None  # of signals both raters marked present, the share called a miss
    penalties_fired: int = 0
    penalties_unmarked: int = 0  # fired where no rater marked the anti-pattern


def measure(questions: Sequence[GradedQuestion], results: Mapping[str, Scored]) -> Measures:
    credit = 0.0
    pairs = 0
    rhos = []
    by_grade: dict[int, list[float]] = {}
    misses = false_misses = present = present_missed = fired = unmarked = 0
    for question in questions:
        grades = [answer.grade for answer in question.answers]
        scores = [results[answer.id].score for answer in question.answers]
        got, count = pairwise(grades, scores)
        credit += got
        pairs += count
        rhos.append(spearman(grades, scores))
        for answer, score in zip(question.answers, scores, strict=True):
            by_grade.setdefault(grade_bucket(answer.grade), []).append(score)
            for check_id, status in results[answer.id].statuses.items():
                signals = SIGNAL_OF_CHECK.get(check_id)
                if signals is not None:
                    is_present = all(answer.marked_by_all(signal) for signal in signals)
                    present += is_present
                    if status == "miss":
                        misses += 1
                        false_misses += is_present
                        present_missed += is_present
                pattern = PATTERN_OF_PENALTY.get(check_id)
                if pattern is not None and status in ("miss", "partial"):
                    fired += 1
                    unmarked += not answer.marked_by_any(pattern)
    return Measures(
        pairwise=credit / pairs if pairs else float("nan"),
        spearman=statistics.fmean(rhos) if rhos else float("nan"),
        by_grade={grade: statistics.fmean(scores) for grade, scores in sorted(by_grade.items())},
        false_miss=false_misses / misses if misses else None,
        misses=misses,
        false_misses=false_misses,
        missed_present=present_missed / present if present else None,
        penalties_fired=fired,
        penalties_unmarked=unmarked,
    )


def score_all(questions: Iterable[GradedQuestion], scorer: Scorer) -> dict[str, Scored]:
    return {answer.id: scorer(question, answer.text) for question in questions for answer in question.answers}


# -- reporting ---------------------------------------------------------------------------------------


def corpus_facts(questions: Sequence[GradedQuestion]) -> dict[str, Any]:
    answers = [answer for question in questions for answer in question.answers]
    lengths = [len(answer.text.split()) for answer in answers]
    grades = [answer.grade for answer in answers]
    return {
        "questions": len(questions),
        "answers": len(answers),
        "length_grade_pearson": pearson(lengths, grades),
        "length_grade_spearman": spearman(lengths, grades),
    }


def rater_agreement(questions: Sequence[GradedQuestion]) -> dict[str, float]:
    """How much the two raters of each answer agree: grades, within-question orderings, signals."""
    pairs = [tuple(answer.grades.values()) for question in questions for answer in question.answers]
    first = [float(pair[0]) for pair in pairs]
    second = [float(pair[1]) for pair in pairs]
    same_order = both_separate = 0
    for question in questions:
        graded = [tuple(answer.grades.values()) for answer in question.answers]
        for i in range(len(graded)):
            for j in range(i + 1, len(graded)):
                a = graded[i][0] - graded[j][0]
                b = graded[i][1] - graded[j][1]
                if a and b:
                    both_separate += 1
                    same_order += a * b > 0
    marked = [list(answer.signals.values()) for question in questions for answer in question.answers]
    signal_names = sorted({name for raters in marked for names in raters for name in names})
    signal_agreement = statistics.fmean(
        sum((name in raters[0]) == (name in raters[1]) for raters in marked) / len(marked) for name in signal_names
    )
    return {
        "exact": sum(a == b for a, b in zip(first, second, strict=True)) / len(pairs),
        "within_one": sum(abs(a - b) <= 1 for a, b in zip(first, second, strict=True)) / len(pairs),
        "spearman": spearman(first, second),
        "weighted_kappa": weighted_kappa(first, second),
        "same_order": same_order / both_separate if both_separate else float("nan"),
        "signal_agreement": signal_agreement,
    }


def weighted_kappa(first: Sequence[float], second: Sequence[float]) -> float:
    """Cohen's kappa with quadratic weights, for two raters' 1-5 grades."""
    n = len(first)
    observed = sum((a - b) ** 2 for a, b in zip(first, second, strict=True)) / n
    expected = sum((a - b) ** 2 for a in first for b in second) / (n * n)
    return 1 - observed / expected if expected else float("nan")


def report(split: str, questions: Sequence[GradedQuestion], measured: Mapping[str, Measures]) -> str:
    facts = corpus_facts(questions)
    lines = [
        f"== {split}: {facts['questions']} questions, {facts['answers']} answers; "
        f"length vs grade: Pearson {facts['length_grade_pearson']:+.2f}, Spearman {facts['length_grade_spearman']:+.2f}",
    ]
    agreement = rater_agreement(questions)
    lines.append(
        f"raters: exact {agreement['exact']:.1%}, within one {agreement['within_one']:.1%}, quadratic-weighted kappa "
        f"{agreement['weighted_kappa']:.3f}, same within-question order {agreement['same_order']:.1%} of the pairs both "
        f"separate; signals marked alike {agreement['signal_agreement']:.1%}"
    )
    lines.append(f"{'scorer':<16} {'pairwise':>8} {'spearman':>8}   mean score by grade 1..5")
    for name, m in measured.items():
        by_grade = " / ".join(f"{m.by_grade[g]:.0f}" if g in m.by_grade else "-" for g in range(1, 6))
        lines.append(f"{name:<16} {m.pairwise:>8.3f} {m.spearman:>8.3f}   {by_grade}")
    m = measured["rubric"]
    if m.false_miss is not None:
        lines.append(
            f"false-miss rate: {m.false_miss:.1%} ({m.false_misses} of {m.misses} misses deny a signal both raters "
            f"marked present); present signals called a miss: {m.missed_present:.1%}"
        )
    if m.penalties_fired:
        lines.append(
            f"penalties: {m.penalties_fired} fired, {m.penalties_unmarked} where no rater marked the anti-pattern"
        )
    return "\n".join(lines)


def run(splits: Sequence[str], corpus: Path = CORPUS) -> dict[str, Any]:
    output: dict[str, Any] = {}
    for split in splits:
        questions = load_split(split, corpus)
        measured = {name: measure(questions, score_all(questions, scorer)) for name, scorer in SCORERS.items()}
        print(report(split, questions, measured))
        output[split] = {
            "corpus": corpus_facts(questions),
            "raters": rater_agreement(questions),
            **{name: vars(m) for name, m in measured.items()},
        }
    return output


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", choices=SPLITS, action="append", help="only this split (repeatable)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    output = run(args.split or SPLITS)
    if args.json:
        args.json.write_text(json.dumps(output, indent=2, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
