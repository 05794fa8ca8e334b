"""Interview rounds: the shared vocabulary of question packs, the rubric and mock interviews."""

from __future__ import annotations

from enum import StrEnum


class Round(StrEnum):
    SCREEN = "screen"
    BEHAVIOURAL = "behavioural"
    SYSTEM_DESIGN = "system-design"
    CASE = "case"
    GO_TO_MARKET = "go-to-market"
    ROLLOUT = "rollout"
    METRICS = "metrics"
    RISK = "risk"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    Round.SCREEN: "screen",
    Round.BEHAVIOURAL: "behavioural",
    Round.SYSTEM_DESIGN: "system design",
    Round.CASE: "case",
    Round.GO_TO_MARKET: "go-to-market",
    Round.ROLLOUT: "rollout",
    Round.METRICS: "metrics",
    Round.RISK: "risk",
}

# Spellings people type in `/mock stripe system design` or in pack files.
_ALIASES = {
    "behavioral": Round.BEHAVIOURAL,
    "behaviour": Round.BEHAVIOURAL,
    "behavior": Round.BEHAVIOURAL,
    "system design": Round.SYSTEM_DESIGN,
    "system_design": Round.SYSTEM_DESIGN,
    "systemdesign": Round.SYSTEM_DESIGN,
    "design": Round.SYSTEM_DESIGN,
    "gtm": Round.GO_TO_MARKET,
    "go to market": Round.GO_TO_MARKET,
    "go_to_market": Round.GO_TO_MARKET,
    "execution": Round.ROLLOUT,
    "launch": Round.ROLLOUT,
    "metric": Round.METRICS,
    "fraud": Round.RISK,
}


def parse_round(text: str) -> Round | None:
    """The round a member or a pack names, forgiving case, spacing and common spellings."""
    key = " ".join(text.strip().lower().replace("-", " ").split())
    for candidate in (key, key.replace(" ", "-")):
        try:
            return Round(candidate)
        except ValueError:
            pass
    return _ALIASES.get(key)
