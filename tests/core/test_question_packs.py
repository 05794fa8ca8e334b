"""Pack loading: valid packs load whole; malformed or forged packs are refused with file, line and field."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from bot.questions import PackError, load_catalog
from bot.questions.loader import load_packs, pack_files

GOOD = """\
pack: mini
title: Mini pack
kind: company
loop:
  - round: screen
    title: Screen
questions:
  - id: mini-screen-1
    round: screen
    difficulty: easy
    prompt: Explain why idempotency keys matter to a merchant.
    checks: {failure_impact: 2}
    strong_answers: [Ties retries to double charges.]
    followups: ["Who pays for the refund?"]
"""


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def problems_for(tmp_path: Path, text: str) -> list[str]:
    path = write(tmp_path, "pack.yaml", text)
    with pytest.raises(PackError) as refused:
        load_packs([path])
    return [str(problem) for problem in refused.value.problems]


def test_a_good_pack_loads(tmp_path: Path) -> None:
    catalog = load_packs([write(tmp_path, "mini.yaml", GOOD)])
    question = catalog.question("mini-screen-1")
    assert question is not None
    assert question.pack == "mini"
    assert question.checks == {"failure_impact": 2}
    assert catalog.pack("MINI") is catalog.pack("mini")


@pytest.mark.parametrize(
    ("change", "line", "field", "message"),
    [
        (
            ("    round: screen\n    difficulty", "    round: sistem-design\n    difficulty"),
            9,
            "questions[0].round",
            "sistem-design",
        ),
        (("    difficulty: easy\n", "    difficulty: trivial\n"), 10, "questions[0].difficulty", "trivial"),
        (
            ("    checks: {failure_impact: 2}\n", "    checks: {made_up_check: 2}\n"),
            12,
            "questions[0].checks",
            "unknown rubric check made_up_check",
        ),
        (
            ("    checks: {failure_impact: 2}\n", "    checks: {failure_impact: -1}\n"),
            12,
            "questions[0].checks.failure_impact",
            "greater than 0",
        ),
        (("    followups:", "    folowups:"), 14, "questions[0].folowups", "unknown field"),
        (
            ("    prompt: Explain why idempotency keys matter to a merchant.\n", ""),
            8,
            "questions[0].prompt",
            "required field is missing",
        ),
        (("  - id: mini-screen-1", "  - id: Mini Screen 1"), 8, "questions[0].id", "should match pattern"),
        (("kind: company\n", "kind: company\nkind: track\n"), 4, "kind", "appears twice"),
    ],
)
def test_malformed_packs_name_file_line_and_field(
    tmp_path: Path, change: tuple[str, str], line: int, field: str, message: str
) -> None:
    old, new = change
    assert old in GOOD
    problems = problems_for(tmp_path, GOOD.replace(old, new, 1))
    assert any(f"pack.yaml:{line}: {field}: " in p and message in p for p in problems), problems


def test_a_forged_pack_with_a_python_tag_is_refused(tmp_path: Path) -> None:
    forged = GOOD.replace("title: Mini pack", 'title: !!python/object/apply:os.system ["echo pwned"]')
    problems = problems_for(tmp_path, forged)
    assert len(problems) == 1
    assert "pack.yaml:2: not valid YAML" in problems[0]
    assert "python/object" in problems[0]


def test_broken_yaml_names_the_line(tmp_path: Path) -> None:
    problems = problems_for(tmp_path, GOOD.replace("    followups:", "    followups: [unclosed"))
    assert problems and "pack.yaml:14: not valid YAML" in problems[0]


def test_a_company_loop_needs_questions_in_each_round(tmp_path: Path) -> None:
    text = GOOD.replace(
        "  - round: screen\n    title: Screen\n",
        "  - round: screen\n    title: Screen\n  - round: risk\n    title: Risk\n",
    )
    assert any("no question in this pack: risk" in p for p in problems_for(tmp_path, text))


def test_duplicate_ids_across_files_and_nothing_half_loaded(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", GOOD)
    write(tmp_path, "b.yaml", GOOD.replace("pack: mini", "pack: other"))
    with pytest.raises(PackError) as refused:
        load_packs(pack_files([tmp_path]))
    (problem,) = refused.value.problems
    assert problem.file.endswith("b.yaml") and problem.line == 8
    assert "already used at" in problem.message and "a.yaml:8" in problem.message


def test_not_utf8_and_empty_files(tmp_path: Path) -> None:
    (tmp_path / "latin.yaml").write_bytes("pack: caf\xe9\n".encode("latin-1"))
    (tmp_path / "empty.yaml").write_text("")
    with pytest.raises(PackError) as refused:
        load_packs(pack_files([tmp_path]))
    messages = sorted(str(p) for p in refused.value.problems)
    assert any("empty.yaml:1: the file is empty" in m for m in messages)
    assert any("latin.yaml:1: not UTF-8" in m for m in messages)


def test_extra_pack_directory_adds_to_the_shipped_packs(tmp_path: Path) -> None:
    write(tmp_path, "mini.yaml", GOOD)
    shipped = load_catalog()
    combined = load_catalog([tmp_path])
    assert set(combined.packs) == set(shipped.packs) | {"mini"}
    with pytest.raises(PackError, match="does not exist"):
        load_catalog([tmp_path / "missing"])


def test_validate_command_exit_codes(tmp_path: Path) -> None:
    good = write(tmp_path, "mini.yaml", GOOD)
    bad = write(tmp_path, "bad.yaml", GOOD.replace("difficulty: easy", "difficulty: trivial"))
    ok = subprocess.run(
        [sys.executable, "-m", "bot.cli", "questions", "validate", str(good)], capture_output=True, text=True
    )
    assert ok.returncode == 0 and "ok: 1 questions" in ok.stdout
    refused = subprocess.run(
        [sys.executable, "-m", "bot.cli", "questions", "validate", str(bad)], capture_output=True, text=True
    )
    assert refused.returncode == 1
    assert "bad.yaml:10: questions[0].difficulty" in refused.stderr
