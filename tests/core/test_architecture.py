"""The dependency rule of DESIGN.md section 2, checked on the source's imports."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PLATFORM_LIBRARIES = {"slack_bolt", "slack_sdk", "discord", "adapters", "aiohttp"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_core_imports_no_platform_library_or_adapter() -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(name for name in _imports(path) if name.split(".")[0] in PLATFORM_LIBRARIES)
        for path in (ROOT / "bot").rglob("*.py")
    }
    assert {path: names for path, names in offenders.items() if names} == {}


def test_sqlalchemy_stays_in_the_store_and_apscheduler_in_scheduling() -> None:
    misplaced = []
    for path in (ROOT / "bot").rglob("*.py"):
        relative = path.relative_to(ROOT / "bot").parts
        for name in _imports(path):
            top = name.split(".")[0]
            if top in {"sqlalchemy", "alembic"} and relative[0] != "store":
                misplaced.append((str(path.relative_to(ROOT)), name))
            if top == "apscheduler" and relative[0] != "scheduling":
                misplaced.append((str(path.relative_to(ROOT)), name))
    assert misplaced == []


def test_adapters_do_not_import_each_other() -> None:
    adapters = [path for path in (ROOT / "adapters").iterdir() if path.is_dir() and (path / "__init__.py").exists()]
    crossings = []
    for adapter in adapters:
        for path in adapter.rglob("*.py"):
            for name in _imports(path):
                parts = name.split(".")
                if parts[0] == "adapters" and len(parts) > 1 and parts[1] != adapter.name:
                    crossings.append((str(path.relative_to(ROOT)), name))
    assert crossings == []


def test_the_check_itself_sees_a_forbidden_import(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("import json\nfrom slack_bolt.async_app import AsyncApp\nimport discord.ext\n")
    assert {name.split(".")[0] for name in _imports(sample)} & PLATFORM_LIBRARIES == {"slack_bolt", "discord"}
