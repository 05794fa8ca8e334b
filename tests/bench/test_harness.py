"""The benchmark harness runs with its documented command and writes every figure with its baseline.

No timing is asserted here: machines differ, so the figures are read by people (BENCHMARKS.md).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_quick_run_writes_figures_with_baselines(tmp_path: Path) -> None:
    output = tmp_path / "figures.json"
    completed = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--only", "rubric", "discord", "--json", str(output)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=110,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    report = json.loads(output.read_text())
    assert report["quick"] is True
    assert report["machine"]
    figures = {(figure["area"], figure["name"]): figure for figure in report["figures"]}
    throughput = figures[("rubric", "answers/s, 400 words, one core")]
    assert throughput["value"] > 0 and throughput["baseline"] > 0
    assert throughput["target"] == ">= 5,000"
    assert throughput["holds"] == (throughput["value"] >= 5000)
    discord = figures[("discord", "cost per answer: dispatch to stored answer and feedback")]
    assert discord["detail"]["answers"] == 100
    assert discord["ratio"] == pytest.approx(discord["value"] / discord["baseline"])
    # The printed table names every figure the JSON holds.
    for _, name in figures:
        assert name in completed.stdout
