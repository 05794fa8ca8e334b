"""Defining the problem before designing: who the client is, what success means, what to ask first.

"Before" is measured against the answer's own first design move, not against its first sentence,
so an introduction (or padding) in front of the answer neither helps nor hurts.
"""

from __future__ import annotations

from bot.rubric.evidence import listed, result
from bot.rubric.framework import CheckResult, QuestionContext, Status, register
from bot.rubric.lexicon import terms
from bot.rubric.text import AnswerText, Sentence
from bot.rubric.vocabulary import TECHNOLOGY, USER_IMPACT, USERS

CLIENT = terms(
    "who the client is", "who is the client", "who the user is", "who the users are", "who the customer is",
    "who the customers are", "who are the users", "who are the customers", "who uses", "who is this for",
    "who it is for", "who it's for", "who this is for", "which merchants", "which customers", "which users",
    "which developers", "which integrators", "what kind of", "what type of", "segment*", "persona*", "pain point*",
    "their pain", "job to be done", "jobs to be done", "for whom", "the client is", "the user is", "the customer is",
    "the buyer is", "our users are", "the users are", "use case*", "who is affected", "who feels", "who gets hurt",
    "who needs", "who would use", "who will use", "startup or", "or a bank", "small merchants", "large merchants",
    "enterprise merchants", "platforms like", "marketplaces like", "start with who", "starting with who",
    "begin with who", "who reads", "who will read", "who relies on", "who depends on", "who will use it",
    name="the client",
)  # fmt: skip
DEFINE = terms(
    "define*", "definition", "what counts", "counts as", "what we mean", "what do we mean", "i mean", "by delivered",
    "by success", "success looks like", "success is", "success means", "success would be", "done means",
    "delivered means", "means delivered", "the goal is", "our goal is", "my goal is", "the goal here", "goal would be",
    "the problem is", "the real problem", "the problem here", "problem we are solving", "problem we're solving",
    "clarify*", "clarifying", "assume", "assumption*", "requirement*", "constraint*", "first question", "ask first", "i'd first ask",
    "i'd want to know", "i would want to know", "want to know", "start by asking", "i'd start by", "before designing",
    "before i design", "before we design", "before choosing", "before picking", "before building", "before we build",
    "before i pick", "before anything", "scope", "what problem", "first understand", "understand who", "understand what", "is it http", "is it the",
    "the goal", "first goal", "goal is", "the aim", "aim is", "objective is", "the job is", "what good looks like",
    "the outcome", "the point is", "what the customer needs", "what they need",
    name="definition",
)  # fmt: skip
DESIGN_MOVE = terms(
    "i'd build", "we'd build", "i would build", "we would build", "build a", "build an", "i'd use", "we'd use",
    "i would use", "we would use", "use a", "use an", "implement*", "design a", "the system", "architecture",
    "i'd add", "we'd add", "i would add", "set up", "deploy*", "i'd put", "we'd put", "store the", "store each",
    "i'd design", "my design",
    name="design move",
)  # fmt: skip


_WHO = terms("who", "whom", "which", name="who")


def ends_with_question(sentence: Sentence) -> bool:
    return sentence.text.rstrip("”\"') ").endswith("?")


def _questions(answer: AnswerText) -> tuple[bool, ...]:
    """Whether each prose sentence is a question (use ``answer.derived``)."""
    return tuple([ends_with_question(sentence) for sentence in answer.prose])


_WHO_OR_IMPACT = USER_IMPACT.bit | _WHO.bit


def _frames(mask: int, is_question: bool) -> list[str]:
    parts = []
    # Who the client is: named directly, asked about ("who are the users"), or described as users
    # and what they need or suffer.
    if mask & CLIENT.bit or (mask & USERS.bit and mask & _WHO_OR_IMPACT):
        parts.append("who the client is")
    if mask & DEFINE.bit:
        parts.append("what success or the terms mean")
    if is_question:
        parts.append("clarifying questions")
    return parts


_DESIGN = DESIGN_MOVE.bit | TECHNOLOGY.bit


@register(
    "problem_framing",
    title="Defines the problem first",
    missed="jumped to a solution without defining the client, success or the terms",
    about="Before designing: who the client is, what 'delivered' or 'success' means, the clarifying questions to ask.",
)
def problem_framing(answer: AnswerText, context: QuestionContext) -> CheckResult:
    questions = answer.derived(_questions)
    frames = [_frames(mask, question) for mask, question in zip(answer.masks, questions, strict=True)]
    # The first design move: a design or technology sentence that frames nothing.
    first_design = next(
        (position for position, mask in enumerate(answer.masks) if mask & _DESIGN and not frames[position]),
        len(frames),
    )
    early: dict[str, Sentence] = {}
    late: dict[str, Sentence] = {}
    for position, parts in enumerate(frames):
        for part in parts:
            (early if position < first_design else late).setdefault(part, answer.prose[position])
    if len(early) >= 2:
        return result(
            "problem_framing",
            Status.PASS,
            f"Defines the problem before designing: {listed(list(early))}.",
            cited=early.values(),
        )
    if early:
        return result(
            "problem_framing",
            Status.PARTIAL,
            f"Starts by pinning down {listed(list(early))}, but not the rest of the problem.",
            "Open with two things: who the client is and what “done” or “success” means for them.",
            [*early.values(), *late.values()],
        )
    if late:
        return result(
            "problem_framing",
            Status.PARTIAL,
            f"Gets to {listed(list(late))} only after choosing a design.",
            "Move the definitions to the front: who is it for and what counts as success, before any mechanism.",
            late.values(),
        )
    return result(
        "problem_framing",
        Status.MISS,
        "Goes straight to a solution without defining the problem.",
        "Start with “who is the client, and what does ‘delivered’ (or ‘success’) mean to them?” "
        "and let the answers drive the design.",
    )
