"""Metrics that reveal leverage, and the anti-pattern of listing metrics without choosing one."""

from __future__ import annotations

from bot.rubric.evidence import listed, result
from bot.rubric.framework import CheckKind, CheckResult, QuestionContext, Status, register
from bot.rubric.lexicon import found_terms, terms
from bot.rubric.text import AnswerText, Sentence
from bot.rubric.vocabulary import CAUSAL, METRIC

# Choosing a metric. Explicit phrases are about metrics by themselves; generic ones ("I'd use",
# "focus on") count only next to a metric word.
CHOICE = terms(
    "one metric", "the metric", "primary metric", "main metric", "key metric", "headline metric", "single metric",
    "north star", "measure success by", "measure it by", "success is", "success means", "success would be",
    "define success", "success as", "judge it by", "judge success", "judge the", "the number i", "the metric i",
    "criterion", "criteria", "exit criteria", "exit criterion", "the bar is", "the test is", "success criterion",
    "the one metric", "i'd track", "i would track", "we'd track", "we'll track", "we will track", "i'd measure",
    "i would measure", "we'd measure", "we will measure", "we'll measure", "i'd watch", "i would watch",
    "the guardrail is", "as a guardrail", "my guardrail", "the headline", "the signal i", "i'd anchor on",
    "anchor on", "i'd report", "i would report",
    name="metric choice",
)  # fmt: skip
CHOICE_GENERIC = terms(
    "i'd pick", "i'd choose", "i would pick", "i would choose", "i'd focus on", "i would focus on", "primary",
    "the one i", "the one that", "i care about", "matters most", "i'd use", "i would use", "i'd look at",
    "i would look at", "i'd optimise for", "i'd optimize for", "optimise for", "optimize for", "we tracked",
    "i tracked", "i chose", "we chose", "i picked", "we picked", "i'd lead with", "lead with", "i'd show",
    name="generic choice",
)  # fmt: skip
REVEALS = terms(
    "tells us", "tells me", "tells you", "which tells", "reveal*", "shows whether", "shows us", "shows if",
    "shows that", "indicat*", "proxy for", "leading indicator", "correlat*", "signal*", "predict*", "captures",
    "reflects", "exposes", "is a sign", "catches", "would catch", "surfaces",
    name="what a metric reveals",
)  # fmt: skip
LEVERAGE = terms(
    "second order", "client error*", "server error*", "4xx", "5xx", "client side", "server side", "caller error*",
    "their bug*", "our bug*", "our fault", "their fault", "integration bug*", "guardrail*", "counter metric*",
    "counterweight", "per segment", "by segment", "segment*", "cohort*", "time to first", "time to resolution",
    "time to", "as a percentage of", "as a share of", "percentage of", "share of", "per merchant", "per customer",
    "per 1000", "per thousand", "per million", "leading indicator", "lagging", "distinguish*", "separate*",
    "split by", "broken down", "break down", "breakdown", "rather than", "instead of", "not just", "vanity",
    "ignore*", "noise", "denominator", "baseline", "ratio", "versus", "vs", "downstream", "holdout", "control group",
    "trade off", "at the expense", "per transaction", "per order", "per payment", "per checkout", "per request",
    "per unit", "per thousand", "compared with", "compared to", "leave off", "leave out", "hides", "hide",
    "inputs", "input metric*", "outcome metric*", "leading", "stayed flat", "held steady", "didn't get worse",
    "did not get worse", "side effect*", "hidden cost*",
    name="leverage",
)  # fmt: skip
METRIC_NAMES = terms(
    "nps", "dau", "mau", "wau", "daily active*", "monthly active*", "active users", "conversion*", "retention",
    "churn*", "latency", "uptime", "availability target*", "error rate*", "success rate*", "adoption", "revenue", "gmv",
    "tpv", "signups", "sign ups", "engagement", "page views", "time on site", "csat", "tickets", "p99", "throughput",
    "api calls", "downloads", "installs", "click through", "ctr", "ltv", "cac", "arpu", "approval rate*",
    "default rate*", "delivery rate*", "fraud rate*", "chargeback rate*", "incidents", "satisfaction", "traffic",
    "sessions", "mttr", "velocity", "bounce rate", "volume", "growth", "users", "number of api errors",
    "api errors", "errors", "usage", "activation", "story points", "tickets closed", "meetings held",
    "deployment frequency", "completion", "match rate",
    name="metric names",
)  # fmt: skip
_WHY = CAUSAL.bit | REVEALS.bit
_MEASURE = METRIC.bit | METRIC_NAMES.bit
_CHOICE, _CHOICE_GENERIC, _NAMES = CHOICE.bit, CHOICE_GENERIC.bit, METRIC_NAMES.bit


def _no_names(answer: AnswerText) -> dict[int, list[str]]:
    return {}


def _metric_names(answer: AnswerText, sentence: Sentence) -> list[str]:
    """The metric names in a sentence, found once per answer (both metric checks ask)."""
    found = answer.derived(_no_names)
    names = found.get(sentence.order)
    if names is None:
        names = found[sentence.order] = found_terms(METRIC_NAMES, sentence.words)
    return names


def _choices(answer: AnswerText) -> tuple[list[Sentence], list[Sentence]]:
    """Sentences that choose a metric, and those of them that say why (use ``answer.derived``).

    "I'd track A, B, C and D" is the list itself, not a choice, so a sentence naming three or more
    metrics does not count as choosing one.
    """
    chosen, reasoned = [], []
    windows = answer.windows
    for position, mask in enumerate(answer.masks):
        if not (mask & _CHOICE or (mask & _CHOICE_GENERIC and windows[position] & _MEASURE)):
            continue
        sentence = answer.prose[position]
        if mask & _NAMES and len(_metric_names(answer, sentence)) >= 3:
            continue
        chosen.append(sentence)
        if windows[position] & _WHY:
            reasoned.append(sentence)
    return chosen, reasoned


def _leverage(answer: AnswerText) -> tuple[list[Sentence], list[Sentence]]:
    """Sentences that look past the first-order number, and those of them that say why."""
    found, reasoned = [], []
    leverage = LEVERAGE.bit
    windows = answer.windows
    for position, mask in enumerate(answer.masks):
        if not mask & leverage:
            continue
        sentence = answer.prose[position]
        around = windows[position]
        if around & _MEASURE or "percent" in sentence.quantity_kinds:
            found.append(sentence)
            if around & _WHY:
                reasoned.append(sentence)
    return found, reasoned


@register(
    "metric_leverage",
    title="Metrics that reveal leverage",
    missed="did not choose a metric and say what it reveals",
    about="One chosen metric and why it reveals the outcome: second-order measures, client vs server errors, guardrails.",
)
def metric_leverage(answer: AnswerText, context: QuestionContext) -> CheckResult:
    chosen, reasoned = answer.derived(_choices)
    leverage, reasoned_leverage = _leverage(answer)
    if (reasoned and leverage) or len(reasoned_leverage) >= 2 or (reasoned_leverage and chosen):
        return result(
            "metric_leverage",
            Status.PASS,
            "Chooses what to measure, says what it reveals, and looks past the first-order number.",
            cited=[*reasoned, *reasoned_leverage, *leverage],
        )
    if reasoned or reasoned_leverage:
        return result(
            "metric_leverage",
            Status.PARTIAL,
            "Chooses a metric and says why, but stops at the first-order number.",
            "Add the second-order view: a guardrail, a split (client vs server errors), or a ratio that shows cost.",
            [*reasoned, *reasoned_leverage],
        )
    if chosen or leverage:
        return result(
            "metric_leverage",
            Status.PARTIAL,
            "Names a metric but not what it would reveal or why it beats the alternatives.",
            "Finish the sentence: “I'd track X because it tells us Y, which the obvious metric would hide”.",
            [*chosen, *leverage],
        )
    return result(
        "metric_leverage",
        Status.MISS,
        "Chooses no metric to judge the outcome by.",
        "Pick one metric that reveals the outcome (e.g. duplicate events as a share of all events, because "
        "they create reconciliation work) and say why.",
    )


def _listed_metrics(answer: AnswerText) -> list[str]:
    """Metric names that appear in lists: three or more in one sentence, or in bullet fragments."""
    names: dict[str, None] = {}
    for sentence in answer.sentences:
        if not sentence.mask & _NAMES:
            continue
        found = _metric_names(answer, sentence)
        if len(found) >= 3 or not sentence.is_prose:
            names.update(dict.fromkeys(found))
    return list(names)


_NO_LIST = result("metric_list", Status.PASS, "Does not hide behind a list of metrics.")


@register(
    "metric_list",
    title="Metric list with no choice",
    kind=CheckKind.PENALTY,
    missed="listed metrics without choosing one",
    about="Penalty: a list of metrics (NPS, latency, adoption …) with no choice of which matters or why.",
)
def metric_list(answer: AnswerText, context: QuestionContext) -> CheckResult:
    listed_names = _listed_metrics(answer)
    if len(listed_names) < 4:
        return _NO_LIST
    chosen, reasoned = answer.derived(_choices)
    if reasoned:
        return result(
            "metric_list",
            Status.PASS,
            f"Lists several metrics ({listed(listed_names)}) but chooses one and says why.",
            cited=reasoned,
        )
    list_sentences = [s for s in answer.sentences if s.mask & _NAMES and s.is_prose][:1]
    if chosen:
        return result(
            "metric_list",
            Status.PARTIAL,
            f"Lists {listed(listed_names)} and leans on one without saying why it matters most.",
            "Cut the list to one metric and say what it reveals that the others do not.",
            [*chosen, *list_sentences],
        )
    return result(
        "metric_list",
        Status.MISS,
        f"Lists metrics ({listed(listed_names)}) without choosing one.",
        "A list is noise to an interviewer: choose the one that exposes the outcome and say why.",
        list_sentences,
    )
