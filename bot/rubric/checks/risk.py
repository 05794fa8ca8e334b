"""Risk and compliance: both kinds of error priced, and the controls a regulator would ask about."""

from __future__ import annotations

from bot.rubric.evidence import listed, quantified_near, result
from bot.rubric.framework import CheckResult, QuestionContext, Status, register
from bot.rubric.lexicon import terms
from bot.rubric.text import AnswerText, Sentence
from bot.rubric.vocabulary import CAUSAL

FALSE_POSITIVE = terms(
    "false positive*", "good customer*", "genuine customer*", "legitimate customer*", "legit customer*",
    "good merchant*", "legit merchant*", "legitimate merchant*", "genuine merchant*", "good user*", "genuine user*",
    "legitimate user*", "honest customer*", "real customer*", "wrongly block*", "wrongly declin*", "wrongly flag*",
    "wrongly hold*", "wrongly held", "wrongful*", "false decline*", "insult rate", "over block*", "block good",
    "blocking good", "blocks good", "decline good", "declining good", "good transactions", "good orders",
    "legitimate transactions", "genuine transactions", "good applicants", "creditworthy", "lost good",
    "turn away good", "turning away good", "friction for", "legit ones", "genuine ones", "good ones",
    name="false positives",
)  # fmt: skip
FALSE_NEGATIVE = terms(
    "false negative*", "fraud gets through", "fraud slips", "slips through", "slip through", "let through",
    "lets through", "letting through", "missed fraud", "miss fraud", "missing fraud", "fraudster*", "fraudulent",
    "fraud loss*", "chargeback*", "bad actor*", "under block*", "bad debt", "defaults", "credit loss*",
    "account takeover*", "stolen", "money laundering", "launder*", "let fraud", "letting fraud", "approve fraud",
    "approving fraud", "bad merchant*", "bad loans", "losses", "takeover*", "mule*", "abuse*", "missed payment*",
    "missed instalment*", "missed installment*", "missed repayment*", "late payment*", "arrears", "non payment",
    "can't repay", "cannot repay", "unable to repay",
    name="false negatives",
)  # fmt: skip
REGULATION = terms(
    "gdpr", "regulator*", "regulation*", "regulatory", "compliance", "aml", "kyc", "kyb", "psd2", "sca",
    "consumer credit", "fair lending", "right to explanation", "explainable", "explainability", "interpretable", "interpretability", "privacy", "pii",
    "personal data", "data protection", "licence", "license", "licensing", "licensed", "fca", "bafin", "ecb", "finansinspektionen", "discriminat*",
    "bias*", "fairness", "consumer duty", "sanction*", "ofac", "legal", "law", "ccpa", "dpia", "data minimi*",
    name="regulation and privacy",
)  # fmt: skip
AUDIT = terms(
    "audit*", "decision log", "decision logs", "traceable", "traceability", "reason code*", "log every", "logged", "logs", "record every",
    "recorded", "record of", "explain the decision", "explain why", "explain each", "four eyes", "two person", "two people",
    "dual approval", "dual control", "paper trail", "evidence", "reviewable",
    name="auditability",
)  # fmt: skip
APPEAL = terms(
    "appeal*", "manual review*", "human review*", "review queue*", "dispute*", "override*", "second look", "contest*",
    "recourse", "remediat*", "unblock*", "reinstate", "reinstatement", "step up", "verify themselves", "re verify", "reverify",
    "escalation path", "path back", "way back", "way to appeal", "a human", "support can", "fast lane",
    name="appeals",
)  # fmt: skip
# Wrongly stopping someone legitimate, described rather than named: "holding a good merchant for
# three days", "genuine customers locked out".
GOOD_PARTY = terms(
    "good", "genuine", "legitimate", "legit", "honest", "real", "creditworthy", "innocent", "trustworthy",
    "low risk", "most applicants", "most customers", "most merchants", "most of them",
    name="good party",
)  # fmt: skip
STOPPED = terms(
    "block*", "declin*", "delay*", "reject*", "hold", "holds", "holding", "held", "lock*", "friction", "turn away",
    "turned away", "deny", "denied", "refus*", "flag*", "freez*", "frozen", "step up", "manual review*", "lose",
    "lost", "churn*", "abandon*", "give up", "locked out", "suspend*", "wait*", "fewer", "turn down", "turned down",
    name="stopped",
)  # fmt: skip


def _blocks_good(sentence: Sentence) -> bool:
    mask = sentence.mask
    return bool(mask & FALSE_POSITIVE.bit or (mask & GOOD_PARTY.bit and mask & STOPPED.bit))


@register(
    "risk_compliance",
    title="Risk and compliance trade-off",
    missed="did not weigh blocking good customers against letting fraud through, with the controls around it",
    about="False positives priced against false negatives, with regulation and privacy, auditability and a way to appeal.",
)
def risk_compliance(answer: AnswerText, context: QuestionContext) -> CheckResult:
    blocks_good = [s for s in answer.prose if _blocks_good(s)]
    lets_bad = [s for s in answer.prose if s.mask & FALSE_NEGATIVE.bit]
    priced = [
        sentence
        for position, sentence in enumerate(answer.prose)
        if (sentence.mask & FALSE_NEGATIVE.bit or _blocks_good(sentence)) and quantified_near(answer, position)
    ]
    controls: dict[str, Sentence] = {}
    for name, group in (("regulation", REGULATION), ("an audit trail", AUDIT), ("an appeal path", APPEAL)):
        found = next((s for s in answer.prose if s.mask & group.bit), None)
        if found is not None:
            controls[name] = found
    two_sided = bool(blocks_good and lets_bad)
    if two_sided and priced and controls:
        return result(
            "risk_compliance",
            Status.PASS,
            f"Prices wrongly blocking good customers against missed fraud, and covers {listed(list(controls))}.",
            cited=[*priced, blocks_good[0], lets_bad[0], *controls.values()],
        )
    # Noticing the cost to good customers is the insight most answers lack, so it earns partial credit
    # on its own; fraud alone ("we catch the fraudsters") does not.
    if two_sided or priced or blocks_good or (controls and lets_bad):
        gaps = []
        if not two_sided:
            gaps.append("the other kind of error" if (blocks_good or lets_bad) else "both kinds of error")
        if not priced:
            gaps.append("what each error costs")
        if not controls:
            gaps.append("audit, appeals or the regulation involved")
        return result(
            "risk_compliance",
            Status.PARTIAL,
            f"Weighs part of the risk trade-off; missing {listed(gaps)}.",
            "Price a false positive (a good customer blocked) against a false negative (fraud let through), "
            "then say how decisions are logged and appealed.",
            [*priced, *blocks_good[:1], *lets_bad[:1], *controls.values()],
        )
    reasoned_rules = [s for s in answer.prose if s.mask & REGULATION.bit and s.mask & CAUSAL.bit]
    if len(controls) >= 2 or reasoned_rules:
        return result(
            "risk_compliance",
            Status.PARTIAL,
            f"Mentions {listed(list(controls))} but never weighs the two ways a risk decision goes wrong.",
            "Set blocking good customers against letting fraud through, each in money.",
            [*controls.values(), *reasoned_rules[:1]],
        )
    return result(
        "risk_compliance",
        Status.MISS,
        "Treats risk as a filter to switch on, not a trade-off between two kinds of error.",
        "Define the cost of a false positive and a false negative in money, then the audit trail and the "
        "appeal path a regulator would expect.",
    )
