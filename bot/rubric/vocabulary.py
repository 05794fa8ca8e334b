"""Word classes shared by several checks: reasons, contrasts, decisions, people and money.

Check-specific classes live with their check. Everything here is registered once at import.
"""

from __future__ import annotations

from bot.rubric.lexicon import terms

# Why: a reason attached to a claim or a decision.
CAUSAL = terms(
    "because", "since", "so that", "so we", "so they", "so the", "so it", "which means", "that means", "this means",
    "which would", "which is why", "that is why", "given", "in order to", "otherwise", "therefore", "the reason",
    "leads to", "led to", "results in", "resulted in", "caused", "causes", "due to", "as a result", "driven by",
    "which costs", "which cost", "which saves", "which saved", "which lets", "which let", "so", "means",
    name="causal",
)  # fmt: skip

# A trade-off being weighed: two sides, or one side given up for the other.
CONTRAST = terms(
    "trade off*", "tradeoff*", "but", "however", "at the cost of", "at the expense of", "in exchange", "instead of",
    "rather than", "versus", "vs", "against", "even though", "although", "though", "whereas", "on the other hand",
    "the downside", "the price", "outweigh*", "worth it", "worth more", "cheaper than", "more expensive", "compared",
    "compare", "weigh*", "while", "unless", "not worth",
    name="contrast",
)  # fmt: skip

# A decision being made (first person or as a recommendation).
DECIDE = terms(
    "choose", "chose", "chosen", "choosing", "pick", "picked", "decide*", "decision*", "prioriti*", "recommend*",
    "opt for", "opted", "go with", "went with", "going with", "start with", "started with", "focus on", "focused on",
    "bet on", "commit to", "committed to", "my call", "the call", "made the call", "settle on", "settled on",
    "i'd ship", "we'd ship", "ship first", "i would", "i'd", "we'd", "we would", "i'll", "we will", "we'll",
    "i want", "i'd want", "i propose", "i proposed", "proposed", "i pushed", "i insisted", "overruled", "i killed",
    "i paused", "i delayed", "i cut", "we cut", "i dropped", "we dropped", "i deferred", "we deferred", "defer*", "deferral*",
    "agreed to", "approved", "escalated", "i'd keep",
    name="decision",
)  # fmt: skip

FIRST_PERSON = terms("i", "i'd", "i'll", "i've", "i'm", "me", "my", "myself", name="first person")

# The people a product decision lands on.
USERS = terms(
    "customer*", "user*", "merchant*", "buyer*", "seller*", "shopper*", "consumer*", "client*", "developer*",
    "integrator*", "partner*", "platforms", "cardholder*", "borrower*", "account holder*", "isv", "isvs",
    "marketplace*", "enterprise*", "startup*", "bank", "banks", "end user*", "finance team*", "support agent*",
    "applicant*", "subscriber*",
    name="users",
)  # fmt: skip

# Consequences for users: what they see, do or suffer.
USER_IMPACT = terms(
    "need*", "pain*", "problem*", "want*", "expect*", "experience*", "see", "sees", "saw", "notice*", "lose", "loses",
    "lost", "charged", "pay", "pays", "paid", "trust*", "affect*", "hurt*", "impact*", "care", "cares", "cared", "caring", "complain*", "complaint*",
    "confus*", "frustrat*", "struggl*", "wait*", "stuck", "blocked", "can't", "cannot", "unable", "fail to",
    "friction", "churn*", "leave", "switch", "abandon*", "success*", "goal*", "outcome*", "job to be done",
    "jobs to be done", "fulfil*", "fulfill*", "reconcil*", "support ticket*", "call support", "contact*",
    "double charge*", "refund*",
    name="user impact",
)  # fmt: skip

# Business value: money and the things that turn into money.
MONEY = terms(
    "cost*", "revenue*", "margin*", "gmv", "tpv", "volume", "sales", "conversion*", "profit*", "price*", "pricing",
    "fee*", "spend*", "budget*", "savings", "save*", "loss", "losses", "lose", "losing", "lost", "a fine", "the fine", "fines",
    "fined", "penalt*", "chargeback*", "write off*", "bad debt", "default rate*", "defaults", "credit loss*", "fraud loss*", "churn*",
    "retention", "lifetime value", "ltv", "arr", "mrr", "take rate", "interchange", "unit economics",
    "approval rate*", "acceptance rate*", "authorisation rate*", "authorization rate*", "checkout completion", "basket*",
    "money", "cash", "cash flow", "liabilit*", "exposure", "dollar*", "euro*", "expens*", "invest*", "roi",
    "payback", "worth", "upsell*", "adoption", "signups", "activation", "sign ups",
    name="business value",
)  # fmt: skip

# Engineering measures that are not business value until tied to it.
ENGINEERING_MEASURE = terms(
    "latency", "p50", "p95", "p99", "uptime", "availability target*", "throughput", "error rate*", "cpu", "memory",
    "response time*", "load time*", "build time*", "deploy time*", "deployment time*", "tps", "qps", "rps",
    name="engineering measure",
)  # fmt: skip

# Someone carrying a cost: the question of who pays.
WHO_BEARS = terms(
    "who pays", "who bears", "who eats", "who absorbs", "who carries", "absorb*", "bear the", "bears the", "bore the",
    "eat the", "eats the", "ate the", "on the hook", "liable", "falls on",
    "lands on", "borne by", "picks up the", "foot the bill", "we absorb", "we eat", "carry the cost",
    "carries the cost", "at our expense", "at their expense", "out of pocket", "passed on",
    name="who bears the cost",
)  # fmt: skip

# Technology vocabulary: mechanisms and infrastructure.
TECHNOLOGY = terms(
    "queue*", "kafka", "rabbitmq", "sqs", "sns", "kinesis", "pubsub", "pub sub", "grpc", "graphql", "protobuf",
    "microservice*", "kubernetes", "k8s", "docker", "container*", "database*", "db", "postgres*", "mysql", "mongo*",
    "redis", "cache", "caching", "cached", "shard*", "replica*", "replication", "load balancer*", "nosql", "sql",
    "schema*", "entity relationship", "erd", "ack", "acks", "nack", "nacks", "protocol*", "event bus", "message bus",
    "broker*", "lambda", "serverless", "blockchain", "consistency model*", "eventual consistency",
    "strong consistency", "cassandra", "dynamo*", "elasticsearch", "partition*", "index*", "tech stack",
    "payload*", "json", "rest api*", "restful", "http", "tcp", "websocket*", "cluster*", "nodes", "server*",
    "architecture", "pipeline*", "cron", "batch job*", "consumer group*", "kafka topic*", "dlq",
    "dead letter queue*",
    name="technology",
)  # fmt: skip

# Words of measurement: a metric being named or chosen.
METRIC = terms(
    "metric*", "measure*", "track*", "kpi*", "rate", "rates", "percentage of", "share of", "ratio", "north star",
    "indicator*", "guardrail*", "counter metric*", "time to", "nps", "csat", "dau", "mau", "wau", "p99", "p95",
    "dashboard*", "monitor*", "alert*", "slo", "slos", "sli", "slis", "sla", "slas",
    name="metric",
)  # fmt: skip

# A condition: the shape of "if X then Y".
CONDITION = terms(
    "if", "when", "once", "whenever", "exceed*", "above", "below", "over", "under", "more than", "less than",
    "greater than", "higher than", "lower than", "drops", "drop below", "falls", "rises", "climbs", "crosses",
    "breach*", "goes past", "at least", "at most", "reaches", "hits", "beyond", "outside",
    name="condition",
)  # fmt: skip

# Non-engineering functions. Bare words such as "product" or "support" are too ambiguous, so
# functions are named as roles or teams; "legal" and "finance" are unambiguous enough alone.
FUNCTIONS = {
    "product": terms(
        "product manager*",
        "product team*",
        "product owner*",
        "product lead*",
        "product management",
        "pm",
        "pms",
        "product and",
        "and product",
        "head of product",
        name="product",
    ),
    "legal": terms("legal", "lawyer*", "counsel", "legal team", name="legal"),
    "compliance": terms(
        "compliance",
        "compliance team",
        "compliance officer*",
        "regulator*",
        "mlro",
        "aml team",
        "kyc team",
        name="compliance",
    ),
    "finance": terms(
        "finance",
        "finance team",
        "accounting",
        "accountant*",
        "treasury",
        "cfo",
        "controller*",
        "fp a",
        name="finance",
    ),
    "risk": terms(
        "risk team*",
        "risk owner*",
        "financial risk",
        "credit risk",
        "risk and fraud",
        "fraud team*",
        "risk ops",
        "fraud ops",
        "risk operations",
        "fraud operations",
        "risk officer*",
        "risk analyst*",
        "risk function",
        "head of risk",
        "chief risk officer",
        "cro",
        "second line",
        name="risk",
    ),
    "support": terms(
        "support team*",
        "customer support",
        "support agent*",
        "support staff",
        "support lead*",
        "customer service",
        "customer success",
        "customer care",
        "operations",
        "ops team*",
        "support ops",
        "support and",
        "and support",
        "contact centre",
        "contact center",
        "call centre",
        "call center",
        "support desk",
        "helpdesk",
        "help desk",
        "brief support",
        "support needs",
        "support will",
        "support can",
        "support gets",
        name="support",
    ),
    "security": terms(
        "security team*",
        "security",
        "privacy",
        "dpo",
        "data protection",
        "infosec",
        "privacy team*",
        name="security and privacy",
    ),
    "commercial": terms(
        "sales",
        "marketing",
        "partnerships",
        "partner manager*",
        "account manager*",
        "bizdev",
        "business development",
        "comms",
        "communications",
        "pr team",
        "go to market team",
        name="sales and marketing",
    ),
}
