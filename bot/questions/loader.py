"""Loading pack files with errors that name the file, the line and the field.

YAML is composed into nodes first so every value keeps its line; the plain data is then validated by
pydantic, and each validation error is mapped back to the line of the field it concerns. Loading is
all or nothing: any problem in any file refuses the whole set, so no half-loaded catalog exists.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from bot.questions.catalog import Catalog, LoopStage, Pack, Question
from bot.questions.schema import PackModel

PathKey = tuple[str | int, ...]
# Plain YAML only: maps, lists, text, numbers, booleans, null. Anything else (a python/object tag, say)
# marks a forged or broken file.
_PLAIN_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("map", "seq", "str", "int", "float", "bool", "null", "timestamp")
)
MAX_PACK_BYTES = 2_000_000


@dataclass(frozen=True, slots=True)
class Problem:
    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}"
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class PackError(Exception):
    """One or more pack files are malformed; nothing was loaded."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        count = len(self.problems)
        lines = "\n".join(f"  {problem}" for problem in self.problems)
        super().__init__(f"{count} problem{'s' if count != 1 else ''} in question packs:\n{lines}")


def builtin_pack_dir() -> Path:
    return Path(__file__).resolve().parents[2] / "questions"


def _display(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)


def _field_name(path: PathKey) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


class _Document:
    """Plain data from one YAML file, with the line of every key and value."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.lines: dict[PathKey, int] = {}
        self.problems: list[Problem] = []

    def line_for(self, path: PathKey) -> int:
        while path and path not in self.lines:
            path = path[:-1]
        return self.lines.get(path, 1)

    def convert(self, node: yaml.Node, path: PathKey, loader: yaml.SafeLoader) -> Any:
        self.lines.setdefault(path, node.start_mark.line + 1)
        if node.tag not in _PLAIN_TAGS:
            raise yaml.MarkedYAMLError(problem=f"the tag {node.tag!r} is not allowed", problem_mark=node.start_mark)
        if isinstance(node, yaml.MappingNode):
            loader.flatten_mapping(node)  # resolves `<<` merge keys
            mapping: dict[str, Any] = {}
            for key_node, value_node in node.value:
                key = loader.construct_object(key_node)
                key_line = key_node.start_mark.line + 1
                if not isinstance(key, str):
                    self.problems.append(Problem(self.file, key_line, _field_name(path), "keys must be text"))
                    continue
                if key in mapping:
                    self.problems.append(
                        Problem(self.file, key_line, _field_name((*path, key)), "this key appears twice")
                    )
                    continue
                self.lines[(*path, key)] = key_line
                mapping[key] = self.convert(value_node, (*path, key), loader)
            return mapping
        if isinstance(node, yaml.SequenceNode):
            return [self.convert(item, (*path, index), loader) for index, item in enumerate(node.value)]
        return loader.construct_object(node, deep=True)


def _read_document(path: Path) -> tuple[Any, _Document]:
    file = _display(path)
    document = _Document(file)
    try:
        if path.stat().st_size > MAX_PACK_BYTES:
            document.problems.append(Problem(file, 1, "", f"file is larger than {MAX_PACK_BYTES} bytes"))
            return None, document
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        document.problems.append(Problem(file, 1, "", f"not UTF-8 text ({error.reason})"))
        return None, document
    except OSError as error:
        document.problems.append(Problem(file, 1, "", f"cannot read: {error.strerror}"))
        return None, document
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            document.problems.append(Problem(file, 1, "", "the file is empty"))
            return None, document
        return document.convert(node, (), loader), document
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        reason = " ".join(filter(None, [error.context, error.problem]))
        document.problems.append(Problem(file, line, "", f"not valid YAML: {reason}"))
        return None, document
    except yaml.YAMLError as error:
        document.problems.append(Problem(file, 1, "", f"not valid YAML: {error}"))
        return None, document
    finally:
        loader.dispose()


def _validation_problems(error: ValidationError, document: _Document) -> list[Problem]:
    problems = []
    for detail in error.errors(include_url=False):
        path: PathKey = tuple(part for part in detail["loc"] if isinstance(part, str | int))
        message = detail["msg"].removeprefix("Value error, ")
        if detail["type"] == "extra_forbidden":
            message = "unknown field (check the spelling; see questions/README.md for the fields)"
        elif detail["type"] == "missing":
            message = "required field is missing"
        elif "input" in detail and not isinstance(detail["input"], dict | list):
            message += f" (got {detail['input']!r})"
        problems.append(Problem(document.file, document.line_for(path), _field_name(path), message))
    return problems


def _to_pack(model: PackModel, source: str) -> Pack:
    questions = tuple(
        Question(
            id=q.id,
            pack=model.pack,
            round=q.round,
            difficulty=q.difficulty,
            prompt=" ".join(q.prompt.split()),
            checks=dict(q.checks),
            strong_answers=tuple(q.strong_answers),
            followups=tuple(q.followups),
            why_asked=q.why_asked,
        )
        for q in model.questions
    )
    loop = tuple(LoopStage(stage.round, stage.title) for stage in model.loop)
    return Pack(model.pack, model.title, model.kind, model.description, loop, questions, source)


def pack_files(paths: Iterable[Path]) -> list[Path]:
    """Pack files named directly, or found (``*.yaml``, ``*.yml``) in named directories."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted([*path.glob("*.yaml"), *path.glob("*.yml")]))
        else:
            files.append(path)
    return files


def load_packs(files: Iterable[Path]) -> Catalog:
    """Validate every file and build one catalog, or raise ``PackError`` listing every problem."""
    problems: list[Problem] = []
    packs: dict[str, Pack] = {}
    seen_ids: dict[str, str] = {}
    for path in files:
        data, document = _read_document(path)
        problems.extend(document.problems)
        if data is None or document.problems:
            continue
        try:
            model = PackModel.model_validate(data)
        except ValidationError as error:
            problems.extend(_validation_problems(error, document))
            continue
        if model.pack in packs:
            problems.append(
                Problem(
                    document.file,
                    document.line_for(("pack",)),
                    "pack",
                    f"pack {model.pack!r} is already defined in {packs[model.pack].source}",
                )
            )
            continue
        for index, question in enumerate(model.questions):
            where = f"{document.file}:{document.line_for(('questions', index, 'id'))}"
            if question.id in seen_ids:
                problems.append(
                    Problem(
                        document.file,
                        document.line_for(("questions", index, "id")),
                        f"questions[{index}].id",
                        f"question id {question.id!r} is already used at {seen_ids[question.id]}",
                    )
                )
            seen_ids.setdefault(question.id, where)
        packs[model.pack] = _to_pack(model, document.file)
    if problems:
        raise PackError(problems)
    return Catalog(packs)


def load_catalog(extra_dirs: Iterable[Path] = ()) -> Catalog:
    """The shipped packs plus any packs in the configured extra directories."""
    directories = [builtin_pack_dir(), *extra_dirs]
    missing = [directory for directory in directories if not directory.is_dir()]
    if missing:
        raise PackError([Problem(_display(d), 1, "", "question pack directory does not exist") for d in missing])
    return load_packs(pack_files(directories))
