"""Built-in rubric checks. Importing this package registers every check.

Signal checks (earn their weight when the answer shows the signal):

- ``quantified_tradeoff``, ``business_framing`` (tradeoffs)
- ``failure_impact`` (failures), ``api_reliability`` (apis)
- ``problem_framing`` (framing), ``prioritisation`` (decisions)
- ``risk_compliance`` (risk), ``metric_leverage`` (metrics)
- ``rollback_trigger``, ``staged_rollout`` (rollout), ``escalation`` (escalation)
- ``stakeholders`` (stakeholders), ``star_l``, ``ownership``, ``friction`` (behavioural)

Penalty checks (take points away when the answer shows the anti-pattern):

- ``collaboration_theatre``, ``technology_first``, ``ml_everywhere`` (antipatterns)
- ``metric_list`` (metrics)
"""

from bot.rubric.checks import (
    antipatterns,
    apis,
    behavioural,
    decisions,
    escalation,
    failures,
    framing,
    metrics,
    risk,
    rollout,
    stakeholders,
    tradeoffs,
)

__all__ = [
    "antipatterns",
    "apis",
    "behavioural",
    "decisions",
    "escalation",
    "failures",
    "framing",
    "metrics",
    "risk",
    "rollout",
    "stakeholders",
    "tradeoffs",
]
