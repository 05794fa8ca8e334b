"""The shape of a pack file, as pydantic models. Field names here are the keys authors write."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

from bot.rounds import Round
from bot.rubric.framework import registry

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{1,62}[a-z0-9]$")]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=2000)]


class Difficulty(StrEnum):
    EASY = "easy"
    MEDIUM = "medium"
    HARD = "hard"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class LoopStageModel(_Strict):
    """One round of a company's interview loop, as a mock interview runs it."""

    round: Round
    title: Text


class QuestionModel(_Strict):
    id: Slug
    round: Round
    difficulty: Difficulty
    prompt: Annotated[str, StringConstraints(strip_whitespace=True, min_length=20, max_length=1500)]
    checks: dict[str, Annotated[float, Field(gt=0, le=10)]] = Field(min_length=1)
    strong_answers: list[Text] = Field(min_length=1, max_length=6)
    followups: list[Text] = Field(min_length=1, max_length=2)
    why_asked: Text | None = None

    @field_validator("checks")
    @classmethod
    def _known_checks(cls, checks: dict[str, float]) -> dict[str, float]:
        unknown = sorted(set(checks) - set(registry()))
        if unknown:
            known = ", ".join(sorted(registry()))
            raise ValueError(f"unknown rubric check {', '.join(unknown)} (known checks: {known})")
        return checks


class PackModel(_Strict):
    pack: Slug
    title: Text
    kind: Literal["company", "track"]
    description: Text | None = None
    loop: list[LoopStageModel] = Field(default_factory=list)
    questions: list[QuestionModel] = Field(min_length=1)

    @model_validator(mode="after")
    def _loop_is_answerable(self) -> PackModel:
        if self.kind == "company" and not self.loop:
            raise ValueError("a company pack needs a `loop`: the rounds of its interview, in order")
        covered = {question.round for question in self.questions}
        missing = [stage.round.value for stage in self.loop if stage.round not in covered]
        if missing:
            raise ValueError(f"the loop names rounds with no question in this pack: {', '.join(missing)}")
        return self
