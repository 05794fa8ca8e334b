"""Metrics that reveal leverage, and the anti-pattern of listing metrics without choosing one."""

from __future__ import annotations

from bot.rubric.evidence import listed, result
from bot.rubric.framework import CheckKind, CheckResult, QuestionContext, Status, register
from bot.rubric.lexicon import found_terms, terms
from bot.rubric.text import AnswerText, Sentence
from bot.rubric.vocabulary import CAUSAL, METRIC

CHOICE = terms(
    "one metric", "the metric", "primary metric", "main metric", "key metric", "headline metric", "single metric",
    "north star", "i'd pick", "i'd choose", "i would pick", "i would choose", "i'd track", "i would track",
    "i'd watch", "i would watch", "i'd measure", "i would measure", "measure success by", "measure it by",
    "success is", "success means", "success would be", "judge it by", "judge success", "the number i",
    "the metric i", "i'd focus on", "i would focus on", "we'd track", "we'll track", "we will track", "we'd measure",
    "we will measure", "we'll measure", "primary", "i'd report", "i would report", "the one i", "the one that",
    "i care about", "matters most", "i'd use", "i would use", "headline", "i'd look at", "i would look at",
    "i'd optimise for", "i'd optimize for", "optimise for", "optimize for", "i'd anchor on", "the signal i",
    "we tracked", "i tracked", "i chose", "we chose", "i picked", "we picked",
    name="metric choice",
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
    "trade off", "at the expense",
    name="leverage",
)  # fmt: skip
METRIC_NAMES = terms(
    "nps", "dau", "mau", "wau", "daily active*", "monthly active*", "active users", "conversion*", "retention",
    "churn*", "latency", "uptime", "availability", "error rate*", "success rate*", "adoption", "revenue", "gmv",
    "tpv", "signups", "sign ups", "engagement", "page views", "time on site", "csat", "tickets", "p99", "throughput",
    "api calls", "downloads", "installs", "click through", "ctr", "ltv", "cac", "arpu", "approval rate*",
    "default rate*", "delivery rate*", "fraud rate*", "chargeback rate*", "incidents", "satisfaction", "traffic",
    "sessions", "mttr", "velocity", "bounce rate", "volume", "growth", "users", "number of api errors",
    "api errors", "usage", "activation",
    name="metric names",
)  # fmt: skip
_CHOSEN_WITH_WHY = CAUSAL.bit | REVEALS.bit


def _choices(answer: AnswerText) -> tuple[list[Sentence], list[Sentence]]:
    """Sentences that choose a metric, and those of them that say why."""
    chosen, reasoned = [], []
    for position, sentence in enumerate(answer.prose):
        if sentence.mask & CHOICE.bit and answer.window(position) & (METRIC.bit | METRIC_NAMES.bit):
            chosen.append(sentence)
            if answer.window(position) & _CHOSEN_WITH_WHY:
                reasoned.append(sentence)
    return chosen, reasoned


@register(
    "metric_leverage",
    title="Metrics that reveal leverage",
    missed="did not choose a metric and say what it reveals",
    about="One chosen metric and why it reveals the outcome: second-order measures, client vs server errors, guardrails.",
)
def metric_leverage(answer: AnswerText, context: QuestionContext) -> CheckResult:
    chosen, reasoned = _choices(answer)
    leverage = [
        sentence
        for position, sentence in enumerate(answer.prose)
        if sentence.mask & LEVERAGE.bit and answer.window(position) & (METRIC.bit | METRIC_NAMES.bit)
    ]
    if reasoned and leverage:
        return result(
            "metric_leverage",
            Status.PASS,
            "Chooses a metric, says what it reveals, and looks past the first-order number.",
            cited=[*reasoned, *leverage],
        )
    if reasoned:
        return result(
            "metric_leverage",
            Status.PARTIAL,
            "Chooses a metric and says why, but stops at the first-order number.",
            "Add the second-order view: a guardrail, a split (client vs server errors), or a ratio that shows cost.",
            reasoned,
        )
    if chosen or leverage:
        return result(
            "metric_leverage",
            Status.PARTIAL,
            "Names a metric but not what it would reveal or why it beats the alternatives.",
            "Finish the sentence: “I'd track X because it tells us Y, which delivery rate alone would hide”.",
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
        if not sentence.mask & METRIC_NAMES.bit:
            continue
        found = found_terms(METRIC_NAMES, sentence.words)
        if len(found) >= 3 or not sentence.is_prose:
            names.update(dict.fromkeys(found))
    return list(names)


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
        return result("metric_list", Status.PASS, "Does not hide behind a list of metrics.")
    chosen, reasoned = _choices(answer)
    list_sentences = [s for s in answer.sentences if s.mask & METRIC_NAMES.bit and s.is_prose][:1]
    if reasoned:
        return result(
            "metric_list",
            Status.PASS,
            f"Lists several metrics ({listed(listed_names)}) but chooses one and says why.",
            cited=reasoned,
        )
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
