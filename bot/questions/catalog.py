"""Loaded questions, indexed for the engine: by id, by pack, by round."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from bot.questions.schema import Difficulty
from bot.rounds import Round


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    pack: str
    round: Round
    difficulty: Difficulty
    prompt: str
    checks: Mapping[str, float]
    strong_answers: tuple[str, ...]
    followups: tuple[str, ...]
    why_asked: str | None = None


@dataclass(frozen=True, slots=True)
class LoopStage:
    round: Round
    title: str


@dataclass(frozen=True, slots=True)
class Pack:
    name: str
    title: str
    kind: str
    description: str | None
    loop: tuple[LoopStage, ...]
    questions: tuple[Question, ...]
    source: str

    def in_round(self, round_: Round) -> tuple[Question, ...]:
        return tuple(question for question in self.questions if question.round is round_)

    @property
    def rounds(self) -> tuple[Round, ...]:
        return tuple(dict.fromkeys(question.round for question in self.questions))


@dataclass(frozen=True)
class Catalog:
    """Every pack that loaded, immutable once built (a reload builds a new catalog)."""

    packs: Mapping[str, Pack]
    _by_id: Mapping[str, Question] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        by_id = {question.id: question for pack in self.packs.values() for question in pack.questions}
        object.__setattr__(self, "_by_id", MappingProxyType(by_id))
        object.__setattr__(self, "packs", MappingProxyType(dict(self.packs)))

    def question(self, question_id: str) -> Question | None:
        return self._by_id.get(question_id)

    def pack(self, name: str) -> Pack | None:
        return self.packs.get(name.strip().lower())

    def questions_in(self, pack_names: Iterable[str]) -> Sequence[Question]:
        return tuple(q for name in pack_names if (pack := self.pack(name)) for q in pack.questions)

    def __len__(self) -> int:
        return len(self._by_id)
