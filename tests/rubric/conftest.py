"""Fixtures for the rubric tests, and a terminal report of the calibration margins they measured.

Tests that take a ``calibration_pair`` or ``held_out_pair`` argument run once per pair; the margins
and salad gaps they record are summarised at the end of the run (``-rA`` not needed).
"""

from __future__ import annotations

import statistics

import pytest
from rubric_calibration import CALIBRATION, HELD_OUT, MEASURED, Pair


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "calibration_pair" in metafunc.fixturenames:
        metafunc.parametrize("calibration_pair", CALIBRATION, ids=[pair.id for pair in CALIBRATION])
    if "held_out_pair" in metafunc.fixturenames:
        metafunc.parametrize("held_out_pair", HELD_OUT, ids=[pair.id for pair in HELD_OUT])


@pytest.fixture
def measured() -> dict[str, list[int]]:
    return MEASURED


@pytest.fixture(scope="session")
def calibration() -> list[Pair]:
    return CALIBRATION


def _describe(values: list[int]) -> str:
    return f"min {min(values)}, median {statistics.median(values):g}, max {max(values)}"


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    lines = []
    for name, values in MEASURED.items():
        if values:
            lines.append(f"{name}: {len(values)} measured, {_describe(values)}")
    if lines:
        terminalreporter.section("rubric calibration")
        for line in lines:
            terminalreporter.write_line(line)
