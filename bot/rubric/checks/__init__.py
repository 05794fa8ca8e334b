"""Built-in rubric checks. Importing this package registers every check."""

from bot.rubric.checks import behavioural, failures, rollout, stakeholders, tradeoffs

__all__ = ["behavioural", "failures", "rollout", "stakeholders", "tradeoffs"]
