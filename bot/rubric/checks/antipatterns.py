"""Anti-patterns that cost points: collaboration with no decision, technology before users, ML for everything.

These are penalty checks: PASS means the answer does not show the pattern, MISS means it shows it
plainly (the full penalty), PARTIAL means it shows it but also does some of the right thing.
"""

from __future__ import annotations

from bot.rubric.checks.behavioural import prose_actions
from bot.rubric.checks.framing import CLIENT, DEFINE, ends_with_question
from bot.rubric.evidence import listed, result, terms_in
from bot.rubric.framework import CheckKind, CheckResult, QuestionContext, Status, register
from bot.rubric.lexicon import terms
from bot.rubric.text import AnswerText, Sentence
from bot.rubric.vocabulary import CAUSAL, CONTRAST, DECIDE, MONEY, TECHNOLOGY, USER_IMPACT, USERS

THEATRE = terms(
    "collaborat*", "aligned", "align", "aligning", "alignment", "worked closely", "work closely", "working closely",
    "worked together", "work together", "working together", "partnered", "partnering", "synergy", "synergies",
    "same page", "got everyone", "brought everyone", "brought the team together", "bring everyone", "facilitat*",
    "kept everyone", "kept stakeholders", "keep everyone", "keep stakeholders", "team effort", "as a team",
    "consensus", "buy in", "bought in", "stakeholder management", "communicated", "synced", "touch base",
    "touched base", "reprioriti*", "worked hard", "kept them informed", "kept them in the loop", "in the loop",
    name="collaboration theatre",
)  # fmt: skip
# What turns collaboration into a decision: a call made, something traded, a number, a reason.
DECISION_MADE = terms(
    "decided", "decision", "chose", "picked", "prioritised", "prioritized", "overruled", "escalated", "paused",
    "cut", "dropped", "deferred", "killed", "delayed", "traded", "agreed to", "instead of", "rather than",
    "at the cost of", "even though", "in exchange", "said no", "pushed back", "insisted", "vetoed", "my call",
    "because", "refused", "reallocated", "descoped", "moved the date", "slipped",
    name="decision made",
)  # fmt: skip


def _anchored(answer: AnswerText, position: int) -> bool:
    if answer.window(position) & DECISION_MADE.bit or answer.prose[position].quantities:
        return True
    return bool(answer.derived(prose_actions)[position])


# Results that depend on nothing in the answer are built once (they are immutable).
_NO_THEATRE = result("collaboration_theatre", Status.PASS, "Collaboration, where mentioned, comes with a decision.")


@register(
    "collaboration_theatre",
    title="Collaboration with no decision",
    kind=CheckKind.PENALTY,
    missed="said they collaborated or aligned without saying what was decided",
    about="Penalty: “we collaborated / aligned the team” with no decision, trade-off or number next to it.",
)
def collaboration_theatre(answer: AnswerText, context: QuestionContext) -> CheckResult:
    theatre_bit = THEATRE.bit
    if not answer.prose_mask & theatre_bit:
        return _NO_THEATRE
    theatre = [position for position, mask in enumerate(answer.masks) if mask & theatre_bit]
    unanchored = [answer.prose[position] for position in theatre if not _anchored(answer, position)]
    if not unanchored:
        return _NO_THEATRE
    decided_somewhere = bool(answer.prose_mask & DECISION_MADE.bit)
    if decided_somewhere and len(unanchored) < 2:
        return result("collaboration_theatre", Status.PASS, "Mentions working together, but shows decisions too.")
    words = terms_in(THEATRE, unanchored)
    if decided_somewhere:
        return result(
            "collaboration_theatre",
            Status.PARTIAL,
            f"Leans on “{words[0]}” in places where a decision should be.",
            "Replace each “we aligned” with the call that was made and what it cost.",
            unanchored,
        )
    return result(
        "collaboration_theatre",
        Status.MISS,
        f"Describes {listed([f'“{word}”' for word in words], 2)} but never a decision, a conflict or a trade-off.",
        "Say where people disagreed, what you decided, and what you gave up: harmony is not a result.",
        unanchored,
    )


def _frames_users_or_business(sentence: Sentence) -> bool:
    mask = sentence.mask
    if mask & USERS.bit and mask & USER_IMPACT.bit:
        return True
    if mask & MONEY.bit and (mask & (CAUSAL.bit | CONTRAST.bit | DECIDE.bit) or sentence.quantities):
        return True
    return bool(mask & (CLIENT.bit | DEFINE.bit)) or ends_with_question(sentence)


_TECH_ONLY = 1
_FRAMED = 2
_NO_TECH = result("technology_first", Status.PASS, "Does not lead with technology.")


@register(
    "technology_first",
    title="Technology before users",
    kind=CheckKind.PENALTY,
    missed="jumped to technology (queues, databases, protocols) before users or the business",
    about="Penalty: an answer that opens with, or consists of, mechanisms (queues, protocols, schemas) with no user or business framing.",
)
def technology_first(answer: AnswerText, context: QuestionContext) -> CheckResult:
    technology = TECHNOLOGY.bit
    # Fewer than two technology sentences always passes: count them before framing every sentence.
    if sum(1 for mask in answer.masks if mask & technology) < 2:
        return _NO_TECH
    kinds = []
    for sentence in answer.prose:
        if _frames_users_or_business(sentence):
            kinds.append(_FRAMED)
        elif sentence.mask & technology:
            kinds.append(_TECH_ONLY)
        else:
            kinds.append(0)
    tech = [s for s, kind in zip(answer.prose, kinds, strict=True) if kind == _TECH_ONLY]
    framed = kinds.count(_FRAMED)
    if len(tech) < 2:
        return _NO_TECH
    named = terms_in(TECHNOLOGY, tech)
    if not framed:
        return result(
            "technology_first",
            Status.MISS,
            f"Talks mechanisms ({listed(named)}) and never says who it is for or what it does for the business.",
            "Start from the user and the money: who is hurt when this fails and what it costs; then the mechanism.",
            tech,
        )
    opening = next(kind for kind in kinds if kind)
    if opening == _TECH_ONLY and len(tech) > framed:
        return result(
            "technology_first",
            Status.PARTIAL,
            f"Opens with mechanisms ({listed(named)}) before saying who they serve.",
            "Lead with the user's problem and the business stakes, then bring in the technology.",
            tech[:1],
        )
    return result("technology_first", Status.PASS, "Frames the technology in terms of users and the business.")


ML = terms(
    "machine learning", "ml", "ai", "artificial intelligence", "neural*", "deep learning", "llm", "llms",
    "large language model*", "classifier*", "predictive model*", "ml model*", "train a model", "trained a model",
    "train the model", "training a model", "a model to", "build a model", "use a model", "model will", "model would",
    "model can", "model could", "gradient boost*", "random forest*", "xgboost", "anomaly detection",
    name="machine learning",
)  # fmt: skip
# Why a model fits (or rules fit better): the data it needs, what it can explain, what it replaces.
# Operating words such as "monitor" or "retrain" are not reasons to use a model in the first place.
FITNESS = terms(
    "rule*", "rules based", "heuristic*", "interpretable", "interpretability", "explainable", "explainability", "explain*", "labelled", "labeled", "labels",
    "training data", "ground truth", "cold start", "enough data", "not enough", "feedback loop*", "human review",
    "manual review", "fit for", "fitness", "pattern space", "too many patterns", "simple rule*", "start with rules",
    "baseline", "appeal*", "where it fits", "when to use", "instead of", "rather than", "overkill", "shadow mode",
    "backtest*", "too large", "too many", "can't keep up", "scale beyond", "beats the rules", "beat the rules",
    "outperform*",
    name="fitness for purpose",
)  # fmt: skip


_NO_ML = result("ml_everywhere", Status.PASS, "Does not reach for machine learning by default.")


@register(
    "ml_everywhere",
    title="Machine learning for everything",
    kind=CheckKind.PENALTY,
    missed="reached for machine learning without saying why it fits",
    about="Penalty: machine learning proposed as the answer without saying why it fits better than rules (data, interpretability, appeals).",
)
def ml_everywhere(answer: AnswerText, context: QuestionContext) -> CheckResult:
    ml = ML.bit
    if not answer.prose_mask & ml:
        return _NO_ML
    ml_positions = [position for position, mask in enumerate(answer.masks) if mask & ml]
    fitted = [position for position in ml_positions if answer.window(position) & FITNESS.bit]
    if fitted:
        return result("ml_everywhere", Status.PASS, "Uses machine learning where it says why it fits.")
    unfitted = [answer.prose[position] for position in ml_positions]
    if len(unfitted) >= 2 or any(s.mask & DECIDE.bit for s in unfitted):
        return result(
            "ml_everywhere",
            Status.MISS,
            "Proposes machine learning as the answer without saying why it fits this problem.",
            "Say where rules are better (interpretable, appealable, no labels yet) and where a model earns its "
            "place (a pattern space too large for rules).",
            unfitted,
        )
    return result(
        "ml_everywhere",
        Status.PARTIAL,
        "Mentions machine learning without saying why it fits better than rules here.",
        "One sentence on fitness: what data trains it, how its decisions are explained, and the rule-based fallback.",
        unfitted,
    )
