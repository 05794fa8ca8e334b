"""Each check on its own: it passes on the signal in context, misses without it, and is not fooled by a
bare keyword. Invariants that hold for every check are tested over the whole calibration set."""

from __future__ import annotations

import pytest
from rubric_calibration import CALIBRATION

from bot.rounds import Round
from bot.rubric import AnswerText, CheckKind, CheckResult, QuestionContext, Status, get_check, registry

WEBHOOK_PROMPT = "Design the delivery and retry policy for payment webhooks sent to merchants."
VERSIONING_PROMPT = "How do you change the shape of an API response without breaking existing integrations?"
FILLER = "That is a good question. I have thought about it a lot over the years."


def run(check_id: str, answer: str, prompt: str = "How would you approach this?") -> CheckResult:
    result = get_check(check_id).function(AnswerText(answer), QuestionContext(prompt, Round.CASE))
    assert result.check_id == check_id
    return result


def status(check_id: str, answer: str, prompt: str = "How would you approach this?") -> Status:
    return run(check_id, answer, prompt).status


# --- quantified_tradeoff ---------------------------------------------------------------------------


def test_quantified_tradeoff_passes_when_both_sides_are_priced() -> None:
    answer = (
        "Holding a good merchant for three days costs about $150K of volume, but letting a fraudster through "
        "costs us $200K in chargebacks."
    )
    result = run("quantified_tradeoff", answer)
    assert result.status is Status.PASS
    assert result.evidence
    assert "$150K" in result.evidence[0]


def test_quantified_tradeoff_gives_engineering_numbers_only_partial_credit() -> None:
    result = run("quantified_tradeoff", "We cut p99 latency by 40% and raised throughput to 12K TPS last quarter.")
    assert result.status is Status.PARTIAL
    assert "worth" in result.reason


def test_quantified_tradeoff_unsized_tradeoff_is_partial_and_bare_counts_miss() -> None:
    assert status("quantified_tradeoff", "Shipping now costs us some revenue, but waiting costs more in trust.") is (
        Status.PARTIAL
    )
    assert status("quantified_tradeoff", "We have 12 engineers in 2 offices working on the new flow.") is Status.MISS
    assert status("quantified_tradeoff", "We should make it fast and reliable for everyone involved.") is Status.MISS


# --- business_framing ------------------------------------------------------------------------------


def test_business_framing_needs_two_dimensions_in_context() -> None:
    two = "Tiering the review cuts our fraud losses, but it adds support tickets because delayed merchants call us."
    assert status("business_framing", two) is Status.PASS
    one = "This change would grow revenue because merchants get paid faster."
    assert status("business_framing", one) is Status.PARTIAL
    assert status("business_framing", "We use a queue and a database to store the events reliably.") is Status.MISS


def test_business_framing_ignores_a_list_of_business_words() -> None:
    assert status("business_framing", "Cost, revenue, margin, churn, support tickets, chargebacks.") is Status.MISS


# --- failure_impact --------------------------------------------------------------------------------


def test_failure_impact_passes_when_modes_are_traced_to_who_pays() -> None:
    answer = (
        "A retried webhook can arrive twice, so the merchant ships the order twice and eats the cost. "
        "A lost refund event leaves their books unreconciled at month end."
    )
    result = run("failure_impact", answer)
    assert result.status is Status.PASS
    assert "duplicates" in result.reason
    assert "lost events" in result.reason


def test_failure_impact_counts_impact_in_the_next_sentence_but_not_further_away() -> None:
    traced = "Events can be delivered twice. Merchants then ship the order twice and pay for it."
    assert status("failure_impact", traced) is Status.PARTIAL  # one mode, traced
    far = f"Events can be delivered twice. {FILLER} Merchants matter a great deal to us."
    result = run("failure_impact", far)
    assert result.status is Status.PARTIAL
    assert "not what it does" in result.reason


def test_failure_impact_misses_without_any_failure() -> None:
    assert status("failure_impact", "The system uses microservices and scales horizontally on demand.") is Status.MISS


# --- api_reliability --------------------------------------------------------------------------------


def test_api_reliability_for_events_needs_idempotency_retries_and_ordering() -> None:
    answer = (
        "Every event carries an id so merchants can dedupe a retry that arrives twice. "
        "We retry with exponential backoff and jitter for three days. "
        "Events can arrive out of order, so each carries a sequence number and merchants fetch the latest state."
    )
    assert status("api_reliability", answer, WEBHOOK_PROMPT) is Status.PASS
    only_retries = "We retry failed deliveries with exponential backoff and jitter for three days."
    result = run("api_reliability", only_retries, WEBHOOK_PROMPT)
    assert result.status is Status.PARTIAL
    assert "idempotency" in result.reason
    assert "ordering" in result.reason


def test_api_reliability_for_api_changes_is_about_versioning() -> None:
    answer = (
        "Every account stays pinned to the API version it integrated against, so existing integrations keep "
        "the old shape, and new fields are additive."
    )
    assert status("api_reliability", answer, VERSIONING_PROMPT) is Status.PASS
    assert status("api_reliability", answer, WEBHOOK_PROMPT) is not Status.PASS


def test_api_reliability_naming_a_mechanism_is_not_explaining_it() -> None:
    result = run("api_reliability", "We care a lot about idempotency in this design.", WEBHOOK_PROMPT)
    assert result.status is Status.PARTIAL
    assert result.reason.startswith("Names")
    assert status("api_reliability", "We would build it carefully and test it well.", WEBHOOK_PROMPT) is Status.MISS


# --- problem_framing -------------------------------------------------------------------------------


def test_problem_framing_passes_when_the_problem_is_defined_before_the_design() -> None:
    answer = (
        "First, who is the client: a ten-person shop or a bank? And what does delivered mean for them: "
        "a 200 response, or the order fulfilled? Then I'd design the retry policy around that."
    )
    assert status("problem_framing", answer) is Status.PASS


def test_problem_framing_late_definitions_are_partial_and_padding_does_not_change_it() -> None:
    late = "I'd use a queue with retries and a database. Later I'd define what delivered means for merchants."
    result = run("problem_framing", late)
    assert result.status is Status.PARTIAL
    assert "after choosing a design" in result.reason
    assert run("problem_framing", f"{FILLER} {late}").status is Status.PARTIAL
    assert status("problem_framing", "I'd build a Kafka pipeline with consumers and a retry topic.") is Status.MISS


# --- prioritisation --------------------------------------------------------------------------------


def test_prioritisation_needs_a_reason_a_rejected_option_and_a_cost() -> None:
    full = (
        "I'd choose self-serve onboarding rather than enterprise features, because activation is our bottleneck. "
        "The cost is that one enterprise deal slips to next year."
    )
    assert status("prioritisation", full) is Status.PASS
    reason_only = "I'd choose self-serve onboarding because activation is the bottleneck for growth."
    assert status("prioritisation", reason_only) is Status.PARTIAL
    assert status("prioritisation", "Both options have merit, and there are pros and cons to each.") is Status.MISS


def test_prioritisation_a_bare_modal_is_not_a_decision() -> None:
    answer = "I would keep everyone informed because communication matters, but it takes time."
    assert status("prioritisation", answer) is Status.MISS


# --- risk_compliance -------------------------------------------------------------------------------


def test_risk_compliance_passes_when_both_errors_are_priced_with_controls() -> None:
    answer = (
        "Blocking 18,000 genuine customers a month costs about $100K in churn, while each missed account "
        "takeover costs $400 in fraud. Blocked customers get an appeal path through support, and every block "
        "is logged with its reason."
    )
    assert status("risk_compliance", answer) is Status.PASS


def test_risk_compliance_one_sided_risk_is_partial_and_a_filter_is_a_miss() -> None:
    assert status("risk_compliance", "Fraudsters cost us $200K in chargebacks last year.") is Status.PARTIAL
    assert status("risk_compliance", "Security is the top priority so we keep the checks strict.") is Status.MISS


def test_risk_compliance_good_customers_must_be_stopped_to_count() -> None:
    assert status("risk_compliance", "Most of our customers are good people who pay on time.") is Status.MISS
    assert status("risk_compliance", "Strict checks lock out good customers, who then leave us.") is Status.PARTIAL


# --- metric_leverage and metric_list ---------------------------------------------------------------


def test_metric_leverage_passes_with_a_reasoned_choice_and_a_second_order_view() -> None:
    answer = (
        "I'd track duplicate deliveries as a share of all events, because each duplicate is reconciliation "
        "work for merchants. As a guardrail I'd watch the time to first delivery."
    )
    assert status("metric_leverage", answer) is Status.PASS
    reasoned = "The main metric is the reconciliation rate, because finance feels it every month end."
    assert status("metric_leverage", reasoned) is Status.PARTIAL
    assert status("metric_leverage", "We will build it and see how it goes after launch.") is Status.MISS


def test_metric_leverage_a_list_is_not_a_choice() -> None:
    answer = "I'd track NPS, DAU, latency and uptime because they all matter to the business."
    assert status("metric_leverage", answer) is Status.MISS


def test_metric_list_penalises_lists_without_a_choice() -> None:
    listing = "We'd track NPS, DAU, retention, latency, uptime and revenue on a weekly dashboard."
    assert status("metric_list", listing) is Status.MISS  # the anti-pattern is shown
    chosen = f"{listing} Of these, the one metric I'd pick is retention, because it tells us whether merchants stay."
    assert status("metric_list", chosen) is Status.PASS
    assert status("metric_list", "We'd judge it by retention, because it shows whether merchants stay.") is (
        Status.PASS
    )


# --- rollback_trigger and staged_rollout -----------------------------------------------------------


def test_rollback_trigger_passes_with_condition_threshold_duration_and_action() -> None:
    result = run("rollback_trigger", "If checkout errors exceed 0.5% for 10 minutes, the on-call engineer rolls back.")
    assert result.status is Status.PASS
    assert "0.5%" in result.evidence[0]


@pytest.mark.parametrize(
    ("answer", "missing"),
    [
        ("If something goes wrong we can always roll back.", "threshold and duration"),
        ("If errors exceed 2% we roll back the release.", "duration"),
        ("We roll back the release after 10 minutes of trouble.", "threshold"),
    ],
)
def test_rollback_mentioned_without_a_full_trigger_is_partial(answer: str, missing: str) -> None:
    result = run("rollback_trigger", answer)
    assert result.status is Status.PARTIAL
    assert missing in result.reason


def test_rollback_trigger_condition_may_sit_in_the_sentence_before_the_action() -> None:
    answer = "The trigger is p99 latency above 800 ms for 15 minutes on the canary. When it fires, we revert at once."
    assert status("rollback_trigger", answer) is Status.PASS
    assert status("rollback_trigger", "We'll monitor the dashboards closely after launch.") is Status.MISS


def test_staged_rollout_needs_steps_gates_and_an_off_ramp() -> None:
    full = (
        "Start with employees, then 1% of traffic for two days, then 10% for a week, moving on only if "
        "conversion holds. The old flow stays behind the flag as the fallback."
    )
    assert status("staged_rollout", full) is Status.PASS
    assert status("staged_rollout", "We'd roll out to 5% of users and then to 50% of users.") is Status.PARTIAL
    assert status("staged_rollout", "We launch to every customer on Monday morning.") is Status.MISS
    off_ramp_only = run("staged_rollout", "We launch to everyone at once and can roll back if needed.")
    assert off_ramp_only.status is Status.MISS
    assert "no stages" in off_ramp_only.reason


# --- escalation and stakeholders --------------------------------------------------------------------


def test_escalation_needs_an_owner_and_evidence() -> None:
    full = (
        "When the platform team refused, I escalated to the director with a memo showing the six-week slip "
        "would delay €1.2M of volume."
    )
    assert status("escalation", full) is Status.PASS
    assert status("escalation", "I escalated the problem so that it would get unblocked.") is Status.PARTIAL
    assert status("escalation", "We kept working on it until it was done.") is Status.MISS


def test_stakeholders_need_functions_beyond_engineering_with_a_reason() -> None:
    full = (
        "Legal must sign off the new terms, finance needs to reconcile settlements, and support needs scripts "
        "because customers will call."
    )
    result = run("stakeholders", full)
    assert result.status is Status.PASS
    assert "legal" in result.reason
    assert "finance" in result.reason
    assert status("stakeholders", "I'd bring legal along to the launch meeting with the engineers.") is Status.PARTIAL
    assert status("stakeholders", "The engineering leads and QA will run the release together.") is Status.MISS


def test_stakeholders_are_roles_not_words_that_look_like_them() -> None:
    answer = "Support tickets doubled last month, and the risk of a repeat is high for the product."
    assert status("stakeholders", answer) is Status.MISS


# --- behavioural ------------------------------------------------------------------------------------

STORY = (
    "At my last company we had promised a bank partner a payouts API by the end of the quarter. "
    "I was responsible for the launch. "
    "I decided to ship without the reporting endpoints, because the partner only needed payouts. "
    "We launched on the date and the partner moved $4M through it in the first month. "
    "I learned to write down every cut with its cost the day I make it."
)


def test_star_l_passes_on_a_story_told_in_order_with_a_measured_result() -> None:
    result = run("star_l", STORY)
    assert result.status is Status.PASS
    assert any(line.startswith("result:") for line in result.evidence)


def test_star_l_without_a_measured_result_or_lesson_is_partial() -> None:
    unmeasured = STORY.replace("moved $4M through it in the first month", "was happy").rsplit(" I learned", 1)[0]
    result = run("star_l", unmeasured)
    assert result.status is Status.PARTIAL
    assert status("star_l", "I think teamwork and communication are the keys to success in any project.") is (
        Status.MISS
    )


def test_star_l_a_lesson_before_the_story_does_not_count() -> None:
    lesson_first = "I learned to write down every cut. " + STORY.rsplit(" I learned", 1)[0]
    assert status("star_l", lesson_first) is Status.PARTIAL


def test_ownership_counts_acts_not_claims() -> None:
    acts = "I decided to cut the reporting endpoints. I escalated the staffing gap to the director with numbers."
    assert status("ownership", acts) is Status.PASS
    assert status("ownership", "I decided to cut the reporting endpoints so we could launch.") is Status.PARTIAL
    claims = "I took ownership of the problem. I brought everyone together and we worked on it as a team."
    assert status("ownership", claims) is Status.MISS


def test_friction_needs_a_conflict_and_how_it_was_resolved() -> None:
    resolved = (
        "The lead engineer disagreed and wanted to ship the new pipeline. I showed him the repair costs and "
        "we agreed to keep refunds synchronous."
    )
    assert status("friction", resolved) is Status.PASS
    assert status("friction", "The lead engineer disagreed with me about the design of the service.") is (
        Status.PARTIAL
    )
    assert status("friction", "Everyone was happy with the plan from the very start.") is Status.MISS


# --- penalties ---------------------------------------------------------------------------------------


def test_collaboration_theatre_is_penalised_only_without_a_decision() -> None:
    theatre = "We collaborated closely and aligned with all stakeholders. Everyone worked together to deliver it."
    assert status("collaboration_theatre", theatre) is Status.MISS
    anchored = "We aligned on cutting the reporting endpoints because the partner only needed payouts."
    assert status("collaboration_theatre", anchored) is Status.PASS
    mixed = (
        "We collaborated closely with every team on the plan. Later we aligned with everyone again on the "
        "timeline. The launch itself went smoothly for everyone. Months later, I decided to cut scope because "
        "we were running late."
    )
    assert status("collaboration_theatre", mixed) is Status.PARTIAL


def test_technology_first_is_penalised_when_mechanisms_replace_users() -> None:
    mechanisms = "I'd put the events on Kafka with consumer groups. A Redis cache holds state and Postgres the schema."
    assert status("technology_first", mechanisms) is Status.MISS
    opens_with_tech = (
        "I'd use Kafka and a Postgres schema for this. Consumers ACK each message from the queue. "
        "Merchants need to know when an order is paid, because they ship on it."
    )
    assert status("technology_first", opens_with_tech) is Status.PARTIAL
    framed = (
        "Merchants need to know when an order is paid, because they ship on it. So events go on a durable queue "
        "and each one is stored in Postgres until the merchant confirms it."
    )
    assert status("technology_first", framed) is Status.PASS


def test_ml_everywhere_is_penalised_unless_fitness_is_argued() -> None:
    everywhere = "We'd use machine learning to detect fraud. An AI model will learn all the patterns."
    assert status("ml_everywhere", everywhere) is Status.MISS
    fitted = (
        "For onboarding I'd use rules, because rejections must be explained and appealed. For transactions "
        "I'd use a model, because the pattern space is too large for rules."
    )
    assert status("ml_everywhere", fitted) is Status.PASS
    assert status("ml_everywhere", "Machine learning could be interesting here at some point.") is Status.PARTIAL
    assert status("ml_everywhere", "Rules are enough for this decision today.") is Status.PASS


# --- invariants over the calibration set -----------------------------------------------------------

ANSWERS = [
    (pair.id, side, text, pair.context)
    for pair in CALIBRATION
    for side, text in (("strong", pair.strong), ("weak", pair.weak))
]


@pytest.mark.parametrize("check_id", sorted(registry()))
def test_every_result_explains_itself(check_id: str) -> None:
    spec = get_check(check_id)
    assert spec.title
    assert spec.about
    assert spec.missed
    seen = set()
    for answer_id, side, text, context in ANSWERS:
        result = spec.function(AnswerText(text), context)
        seen.add(result.status)
        where = f"{answer_id}/{side}"
        assert result.check_id == check_id
        assert 0 < len(result.reason) <= 160, where
        assert all(len(quote) <= 90 for quote in result.evidence), where
        bad = Status.MISS if spec.kind is CheckKind.SIGNAL else Status.PASS
        if result.status is not Status.PASS:
            assert result.tip, where
            assert len(result.tip) <= 170, where
        if spec.kind is CheckKind.SIGNAL and result.status is not bad:
            # Credit is always backed by a quote the member can see.
            assert result.evidence, where
            assert result.cited, where
    assert len(seen) >= 2, f"{check_id} gave the same status to every calibration answer"


def test_the_original_check_ids_are_still_registered() -> None:
    original = {"quantified_tradeoff", "failure_impact", "star_l", "rollback_trigger", "stakeholders"}
    assert original <= set(registry())
