"""Benchmark the rubric scorer on realistic 400-word answers.

    python -m bench.rubric            # full run
    python -m bench.rubric --quick    # a few seconds, for a smoke check
    python -m bench.rubric --json bench/results/rubric.json

Each measurement scores an answer from scratch (``AnswerText`` + ``score_answer``) with the checks and
weights of its bank question, in one process pinned to one core where the OS allows it. It reports:

- throughput: answers scored per second in a tight loop;
- latency p50/p99 per answer, warm (the token cache already knows the vocabulary, as in a running
  bot) and cold (the token cache cleared before every answer, the worst case after a restart).

The budget from the issue is p99 under 2 ms for a 400-word answer; ``--check`` exits non-zero when
the warm p99 is over budget. Timing is not a unit test: machines differ, so this is run by hand or
in a dedicated CI job.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from bench.common import percentile
from bot.questions import load_catalog
from bot.rubric import AnswerText, QuestionContext, score_answer
from bot.rubric.lexicon import clear_token_cache

ANSWERS = Path(__file__).with_name("answers.yaml")
BUDGET_P99_MS = 2.0


@dataclass(frozen=True)
class Case:
    question_id: str
    text: str
    weights: Mapping[str, float]
    context: QuestionContext

    @property
    def words(self) -> int:
        return len(self.text.split())

    def score(self) -> int:
        return score_answer(AnswerText(self.text), self.weights, self.context).score

    def shortened(self, words: int) -> Case:
        """The same answer cut to its first ``words`` words: the length of a typical chat answer."""
        return Case(self.question_id, " ".join(self.text.split()[:words]), self.weights, self.context)


def load_cases() -> list[Case]:
    catalog = load_catalog()
    cases = []
    for item in yaml.safe_load(ANSWERS.read_text(encoding="utf-8")):
        question = catalog.question(item["question"])
        if question is None:
            raise SystemExit(f"bench: unknown question {item['question']!r} in {ANSWERS}")
        context = QuestionContext(question.prompt, question.round, question.pack)
        cases.append(Case(question.id, item["answer"], dict(question.checks), context))
    return cases


TYPICAL_WORDS = 150


def pin_to_one_core() -> str:
    """Run on a single CPU so the figures are per core (Linux only; elsewhere it is a no-op)."""
    if hasattr(os, "sched_setaffinity") and hasattr(os, "sched_getaffinity"):
        core = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {core})
        return f"pinned to CPU {core}"
    return "not pinned (no sched_setaffinity on this platform)"


def latencies_ms(cases: Sequence[Case], rounds: int, *, before_each: Callable[[], None] | None = None) -> list[float]:
    samples = []
    for _ in range(rounds):
        for case in cases:
            if before_each is not None:
                before_each()
            start = time.perf_counter_ns()
            case.score()
            samples.append((time.perf_counter_ns() - start) / 1e6)
    return samples


def throughput(cases: Sequence[Case], seconds: float) -> float:
    scored = 0
    start = time.perf_counter()
    deadline = start + seconds
    while time.perf_counter() < deadline:
        for case in cases:
            case.score()
        scored += len(cases)
    return scored / (time.perf_counter() - start)


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.rubric", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="short run (a few seconds)")
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write the results as JSON to PATH")
    parser.add_argument("--check", action="store_true", help=f"exit 1 if warm p99 is {BUDGET_P99_MS} ms or more")
    parser.add_argument("--no-pin", action="store_true", help="do not pin the process to one CPU")
    args = parser.parse_args(argv)

    pinning = "not pinned (--no-pin)" if args.no_pin else pin_to_one_core()
    cases = load_cases()
    rounds, cold_rounds, seconds = (100, 20, 1.0) if args.quick else (1500, 200, 5.0)

    latencies_ms(cases, 20)  # warm up: imports, regex caches, the token cache
    warm = latencies_ms(cases, rounds)
    cold = latencies_ms(cases, cold_rounds, before_each=clear_token_cache)
    clear_token_cache()
    latencies_ms(cases, 5)
    rate = throughput(cases, seconds)
    typical = [case.shortened(TYPICAL_WORDS) for case in cases]
    latencies_ms(typical, 5)
    typical_rate = throughput(typical, seconds / 2)

    results = {
        "answers_per_second": round(rate),
        f"answers_per_second_{TYPICAL_WORDS}_words": round(typical_rate),
        "p50_ms": round(statistics.median(warm), 3),
        "p99_ms": round(percentile(warm, 99), 3),
        "max_ms": round(max(warm), 3),
        "cold_p50_ms": round(statistics.median(cold), 3),
        "cold_p99_ms": round(percentile(cold, 99), 3),
        "samples": len(warm),
        "cold_samples": len(cold),
        "answers": [{"question": case.question_id, "words": case.words, "score": case.score()} for case in cases],
        "budget_p99_ms": BUDGET_P99_MS,
        "python": platform.python_version(),
        "cpu": cpu_model(),
        "cpu_pinning": pinning,
    }
    words = ", ".join(f"{answer['words']}" for answer in results["answers"])  # type: ignore[union-attr]
    print(f"rubric scorer: {len(cases)} answers of {words} words, Python {results['python']}, {results['cpu']}")
    print(f"  {pinning}")
    print(f"  throughput     {results['answers_per_second']:>8} answers/s")
    print(f"  throughput     {round(typical_rate):>8} answers/s for the same answers cut to {TYPICAL_WORDS} words")
    print(f"  latency warm   p50 {results['p50_ms']:.3f} ms   p99 {results['p99_ms']:.3f} ms   ({len(warm)} samples)")
    print(
        f"  latency cold   p50 {results['cold_p50_ms']:.3f} ms   p99 {results['cold_p99_ms']:.3f} ms   "
        f"({len(cold)} samples, token cache cleared before each)"
    )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
        print(f"  wrote {args.json}")
    if args.check and results["p99_ms"] >= BUDGET_P99_MS:  # type: ignore[operator]
        print(f"  over budget: p99 must be under {BUDGET_P99_MS} ms", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
