"""API and event reliability: idempotency, retries with backoff, ordering, versioning.

Which mechanisms an answer must cover depends on the question: a webhook question needs retries,
ordering and duplicates handled; a question about changing an API needs versioning. The check reads
the question's prompt to decide, so one check serves every API question in the bank.
"""

from __future__ import annotations

from functools import lru_cache

from bot.rubric.evidence import listed, result
from bot.rubric.framework import CheckResult, QuestionContext, Status, register
from bot.rubric.lexicon import Terms, terms, union
from bot.rubric.text import AnswerText, Sentence, compile_terms
from bot.rubric.vocabulary import USERS

IDEMPOTENCY = terms(
    "idempotent", "idempotency", "idempotence", "dedup*", "de dup*", "deduplicat*", "exactly once", "request id*", "unique key*", "same key",
    "event id*", "replay safe", "safe to retry", "safely retry", "at least once",
    name="idempotency",
)  # fmt: skip
IDEMPOTENCY_EFFECT = terms(
    "retry", "retries", "retried", "retrying", "duplicate*", "twice", "double*", "same result", "same response",
    "once", "charge*", "payout*", "replay*", "again", "resend*", "repeat*",
    name="what idempotency prevents",
)  # fmt: skip
RETRY = terms(
    "retry", "retries", "retried", "retrying", "redeliver*", "re deliver*", "resend*", "re send*", "re try",
    "reattempt*", "re attempt*",
    name="retries",
)  # fmt: skip
BACKOFF = terms(
    "backoff", "back off", "backs off", "exponential*", "jitter*", "schedule", "dead letter*", "dlq", "give up",
    "gives up", "stop retrying", "cut off", "cutoff", "max attempts", "maximum attempts", "attempts", "circuit breaker*",
    "rate limit*", "throttl*", "spaced", "spacing", "interval*", "capped", "cap", "budget", "disable the endpoint",
    "pause the endpoint", "pausing the endpoint",
    name="backoff",
)  # fmt: skip
ORDERING = terms(
    "out of order", "ordering", "in order", "sequence number*", "sequenc*", "monotonic*", "timestamp*",
    "version number*", "latest state", "fetch the latest", "re fetch*", "refetch*", "fetch the current",
    "current state", "causal*", "arrive before", "arrives before", "arrive after", "older event*", "stale event*",
    "last write*", "order of events", "newer", "older",
    name="ordering",
)  # fmt: skip
STATEFUL = terms(
    "event*", "webhook*", "update*", "message*", "notification*", "state", "status*", "object*", "record*",
    name="events and state",
)  # fmt: skip
VERSIONING = terms(
    "version*", "backward compatible", "backward compatibility", "backwards compatible", "backwards compatibility", "breaking change*", "non breaking", "without breaking",
    "deprecat*", "sunset*", "migration window", "pinned", "pin", "opt in", "additive",
    "compatible", "compatibility", "upgrade path", "api version*",
    name="versioning",
)  # fmt: skip
EXISTING = terms(
    "existing", "old", "current", "already", "integrat*", "without breaking", "break", "breaks", "broken", "upgrade*",
    "migrat*", "months", "notice", "window",
    name="existing integrations",
)  # fmt: skip

_NONE: frozenset[str] = frozenset()
MECHANISMS: dict[str, tuple[Terms, int, frozenset[str]]] = {
    # mechanism: (the word that names it, what must be near it to show it is understood, or else
    # which kinds of quantity in its own sentence show it: "retry after 5 minutes")
    "idempotency": (IDEMPOTENCY, IDEMPOTENCY_EFFECT.bit, _NONE),
    "retries with backoff": (RETRY, BACKOFF.bit, frozenset({"duration"})),
    "ordering": (ORDERING, STATEFUL.bit, _NONE),
    "versioning": (VERSIONING, union([USERS, EXISTING]), _NONE),
}

_PROMPT_CUES = {
    "events": compile_terms(
        "webhook*", "event*", "notification*", "async*", "callback*", "message*", "queue*", "stream*",
    ),
    "requests": compile_terms(
        "payment*", "charge*", "payout*", "retry", "retries", "timeout*", "times out", "timed out", "refund*",
        "transfer*", "request*",
    ),
    "versions": compile_terms(
        "version*", "breaking", "deprecat*", "migrat*", "upgrade*", "change the api", "v2", "new api", "redesign*",
        "sunset*", "integrator*", "integrations", "response shape", "shape of",
    ),
}  # fmt: skip
_REQUIRED_BY_CUE = {
    "events": ("idempotency", "retries with backoff", "ordering"),
    "requests": ("idempotency", "retries with backoff"),
    "versions": ("versioning",),
}


@lru_cache(maxsize=1024)
def required_mechanisms(prompt: str) -> tuple[tuple[str, ...], int]:
    """The mechanisms a question about ``prompt`` calls for, and how many an answer must cover.

    With no cue in the prompt any two of the four will do.
    """
    text = prompt.lower()
    required: dict[str, None] = {}
    cues = [cue for cue, pattern in _PROMPT_CUES.items() if pattern.search(text)]
    if "versions" in cues and "events" not in cues:
        cues = ["versions"]  # a question about changing an API is about versioning, whatever it changes
    for cue in cues:
        required.update(dict.fromkeys(_REQUIRED_BY_CUE[cue]))
    if not required:
        return tuple(MECHANISMS), 2
    return tuple(required), min(len(required), 3)


def _covered(answer: AnswerText) -> tuple[dict[str, Sentence], dict[str, Sentence]]:
    covered: dict[str, Sentence] = {}
    named: dict[str, Sentence] = {}
    for position, sentence in enumerate(answer.prose):
        for name, (word, context_bits, kinds) in MECHANISMS.items():
            if not sentence.mask & word.bit:
                continue
            named.setdefault(name, sentence)
            if answer.window(position) & context_bits or kinds & sentence.quantity_kinds:
                covered.setdefault(name, sentence)
    return covered, named


@register(
    "api_reliability",
    title="API and event reliability",
    missed="did not cover idempotency, retries with backoff, ordering or versioning",
    about="Idempotency, retries with backoff, event ordering and versioning without breaking integrators, as the question calls for.",
)
def api_reliability(answer: AnswerText, context: QuestionContext) -> CheckResult:
    required, need = required_mechanisms(context.prompt)
    covered, named = _covered(answer)
    hits = [name for name in required if name in covered]
    missing = [name for name in required if name not in covered]
    if len(hits) >= need:
        return result(
            "api_reliability",
            Status.PASS,
            f"Covers {listed(hits)} and what each protects against.",
            cited=[covered[name] for name in hits],
        )
    if covered or named:
        shown = listed(list(covered)) if covered else listed(list(named))
        how = "covers" if covered else "names"
        return result(
            "api_reliability",
            Status.PARTIAL,
            f"{how.capitalize()} {shown}, but not {listed(missing)}.",
            _TIPS[missing[0]] if missing else _TIPS["idempotency"],
            [*covered.values(), *named.values()],
        )
    return result(
        "api_reliability",
        Status.MISS,
        f"Leaves out the mechanics that keep integrations correct ({listed(list(required))}).",
        _TIPS[required[0]],
    )


_TIPS = {
    "idempotency": "Say how a retried request is made safe: an idempotency key, kept for how long, returning the first result.",
    "retries with backoff": "Give the retry policy: exponential backoff with jitter, a cut-off, and what happens after it.",
    "ordering": "Say what happens when events arrive out of order: sequence numbers, or fetch the latest state.",
    "versioning": "Explain how the API changes without breaking integrators: versions, additive changes, a deprecation window.",
}
