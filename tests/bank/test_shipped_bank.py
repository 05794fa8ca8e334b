"""The shipped question bank: it loads, it is big enough, it covers every round, and its ids are stable."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from bot.questions import Catalog, load_catalog
from bot.questions.loader import builtin_pack_dir
from bot.rounds import Round
from bot.rubric import CheckKind, registry

IDS_FILE = Path(__file__).with_name("question_ids.txt")
README = builtin_pack_dir() / "README.md"

# The interview loops the packs model; a mock interview walks these rounds in order.
EXPECTED_LOOPS = {
    "stripe": [Round.SCREEN, Round.BEHAVIOURAL, Round.SYSTEM_DESIGN, Round.GO_TO_MARKET],
    "klarna": [Round.SCREEN, Round.BEHAVIOURAL, Round.ROLLOUT, Round.RISK, Round.METRICS],
}


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


def test_bank_has_at_least_80_questions_across_the_three_packs(catalog: Catalog) -> None:
    assert set(catalog.packs) == {"stripe", "klarna", "general"}
    assert len(catalog) >= 80
    for pack in catalog.packs.values():
        assert len(pack.questions) >= 20, pack.name


@pytest.mark.parametrize("company", sorted(EXPECTED_LOOPS))
def test_company_loops_are_the_real_loops_and_every_round_has_questions(catalog: Catalog, company: str) -> None:
    pack = catalog.pack(company)
    assert pack is not None
    assert [stage.round for stage in pack.loop] == EXPECTED_LOOPS[company]
    for stage in pack.loop:
        # Enough questions per loop round that repeated mock interviews do not repeat themselves.
        assert len(pack.in_round(stage.round)) >= 4, (company, stage.round)


def test_every_round_is_covered_overall(catalog: Catalog) -> None:
    covered = {question.round for pack in catalog.packs.values() for question in pack.questions}
    assert covered == set(Round)


def test_general_pack_covers_every_round(catalog: Catalog) -> None:
    general = catalog.pack("general")
    assert general is not None
    assert set(general.rounds) == set(Round)


def test_every_question_names_registered_checks_with_at_least_two_signals(catalog: Catalog) -> None:
    checks = registry()
    for pack in catalog.packs.values():
        for question in pack.questions:
            assert set(question.checks) <= set(checks), question.id
            signals = [c for c in question.checks if checks[c].kind is CheckKind.SIGNAL]
            assert len(signals) >= 2, question.id
            for check_id, weight in question.checks.items():
                if checks[check_id].kind is CheckKind.PENALTY:
                    assert 4 <= weight <= 10, (question.id, check_id)
                else:
                    assert 1 <= weight <= 3, (question.id, check_id)


def test_every_question_has_notes_and_followups(catalog: Catalog) -> None:
    for pack in catalog.packs.values():
        for question in pack.questions:
            assert question.strong_answers, question.id
            assert 1 <= len(question.followups) <= 2, question.id
            assert question.prompt.rstrip().endswith(("?", ".")), question.id


def test_ids_are_unique_across_pack_files_and_prefixed_with_their_pack() -> None:
    seen: dict[str, str] = {}
    for path in sorted(builtin_pack_dir().glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for question in data["questions"]:
            assert question["id"] not in seen, f"{question['id']} in {path.name} and {seen.get(question['id'])}"
            seen[question["id"]] = path.name
            assert question["id"].startswith(f"{data['pack']}-"), question["id"]


def test_no_two_questions_share_a_prompt(catalog: Catalog) -> None:
    prompts: dict[str, str] = {}
    for pack in catalog.packs.values():
        for question in pack.questions:
            key = " ".join(re.findall(r"[a-z0-9]+", question.prompt.lower()))
            assert key not in prompts, (question.id, prompts.get(key))
            prompts[key] = question.id


def test_shipped_ids_are_never_removed(catalog: Catalog) -> None:
    """Scores are stored against question ids: an id that once shipped must keep existing.

    Adding questions is fine (append their ids to question_ids.txt); removing or renaming one
    orphans every stored answer, so it must be a deliberate edit of that file.
    """
    shipped = [line.strip() for line in IDS_FILE.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(shipped) == len(set(shipped))
    missing = [question_id for question_id in shipped if catalog.question(question_id) is None]
    assert not missing
    unlisted = sorted(q.id for pack in catalog.packs.values() for q in pack.questions if q.id not in set(shipped))
    assert not unlisted, f"add new question ids to {IDS_FILE.name}: {unlisted}"


def test_the_pack_authors_guide_documents_every_check() -> None:
    guide = README.read_text(encoding="utf-8")
    for check_id, spec in registry().items():
        assert f"| `{check_id}` | {spec.kind.value} |" in guide, check_id
