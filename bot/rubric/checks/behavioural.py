"""Behavioural stories: STAR-L structure, personal ownership, and friction with its resolution."""

from __future__ import annotations

from bot.rubric.evidence import listed, result
from bot.rubric.framework import CheckResult, QuestionContext, Status, register
from bot.rubric.lexicon import terms
from bot.rubric.text import AnswerText, Sentence
from bot.rubric.vocabulary import CAUSAL, FIRST_PERSON

# Verbs after "I" that describe doing something, not helping or feeling. Regular verbs are
# recognised by their "-ed" ending unless they are on the weak list.
_IRREGULAR_ACTIONS = frozenset(
    """built wrote rewrote ran cut took made chose set went got put held met sent brought told said sat led drew kept
    spent fought won dug shut sold stood broke caught found gave left paid split struck threw began overrode undertook
    withdrew laid bet quit sought swapped shipped""".split()
)
_WEAK = frozenset(
    """helped worked supported collaborated aligned partnered participated attended joined assisted contributed
    liaised facilitated communicated synced felt thought believed wanted needed liked hoped tried learned learnt
    realised realized noticed wondered enjoyed loved hated used managed handled ensured coordinated
    interfaced engaged""".split()
)
_DECISIVE = frozenset(
    """decided chose pushed escalated overruled overrode paused killed delayed cut insisted proposed negotiated refused
    vetoed reallocated traded deferred dropped stopped made rejected redirected reframed descoped stopped halted
    reverted blocked bet forced convinced persuaded""".split()
)
# "I took ownership", "I stepped up", "I brought everyone together": claims about oneself, not acts.
_CLAIM_OBJECTS = frozenset({"ownership", "responsibility", "up", "in", "charge"})
_TOGETHER = frozenset({"together", "aligned", "alignment", "page", "loop"})
_ADVERBS = frozenset(
    """then also eventually finally personally immediately instead still just first quickly ultimately directly
    deliberately explicitly""".split()
)


def first_person_actions(words: tuple[str, ...]) -> tuple[str, ...]:
    """The verbs of "I <did something>" clauses in a sentence's tokens, e.g. ("escalated", "cut")."""
    verbs: list[str] = []
    last = len(words) - 1
    index = -1
    while True:
        try:  # the next "i" that has a word after it, found by a C-level scan
            index = words.index("i", index + 1, last)
        except ValueError:
            return tuple(verbs)
        verb = words[index + 1]
        if verb in _ADVERBS and index + 2 < len(words):
            verb = words[index + 2]
        if verb in _WEAK:
            continue
        after = words[index + 2 : index + 7]
        if (after and after[0] in _CLAIM_OBJECTS) or _TOGETHER.intersection(after):
            continue
        if verb in _IRREGULAR_ACTIONS or (verb.endswith("ed") and len(verb) > 4):
            verbs.append(verb)


def prose_actions(answer: AnswerText) -> tuple[tuple[str, ...], ...]:
    """``first_person_actions`` of each prose sentence, by position (use ``answer.derived``: several checks ask)."""
    first_person = FIRST_PERSON.bit
    return tuple([first_person_actions(s.words) if s.mask & first_person else () for s in answer.prose])


SITUATION = terms(
    "at my last", "at my previous", "in my last role", "in my previous role", "at my current", "in my current role",
    "at the time", "we were", "our team was", "our team had", "last year", "in 20*", "when i was", "i was working",
    "i was leading", "i was the", "i was a", "i was an", "the company was", "we had", "our platform", "context",
    "situation", "years ago", "a year ago", "months ago", "at a previous", "while at", "i worked at", "i was at",
    "at a fintech", "at a payments", "at an", "in my role", "background", "a few years back", "back when",
    name="situation",
)  # fmt: skip
TASK = terms(
    "i was responsible", "i owned", "i own", "my goal", "my job", "my task", "i needed to", "i had to",
    "i was asked", "the task", "i was accountable", "my role was", "the goal was", "we needed to", "the deadline",
    "i was on the hook", "it was my", "i was in charge", "my responsibility", "had to", "the target", "the brief",
    "we had to", "my mandate", "i was tasked", "i was brought in", "the ask was", "i needed", "the aim was",
    "the objective", "we were asked", "committed to", "the plan was",
    name="task",
)  # fmt: skip
RESULT = terms(
    "as a result", "result*", "which led", "led to", "reduced", "increased", "cut", "saved", "avoided", "shipped",
    "launched", "went from", "dropped", "improved", "grew", "outcome", "in the end", "ended up", "fell", "rose",
    "recovered", "lifted", "raised", "lowered", "halved", "doubled", "moved", "came in", "landed", "hit", "reached",
    "down from", "up from", "down to", "up to", "prevented", "kept", "held", "delivered", "closed", "won", "lost",
    name="result",
)  # fmt: skip
LEARNED = terms(
    "i learned", "i learnt", "lesson*", "next time", "in hindsight", "taught me", "i now", "since then",
    "do differently", "did differently", "i'd do", "i would do", "what i took away", "takeaway*", "i realised",
    "i realized", "the learning", "my learning", "i changed how", "now i", "these days", "ever since", "looking back",
    "i've since", "i have since", "from then on", "i always", "i no longer", "i never", "i started to", "i now ask",
    "my rule", "i stopped", "i'd have", "i would have", "should have", "if i did it again", "doing it again",
    name="learned",
)  # fmt: skip
OWNERSHIP_PHRASES = terms(
    "my call", "i made the call", "i owned", "i was accountable", "on me", "my decision", "i signed off",
    "i said no", "i pushed back",
    name="ownership",
)  # fmt: skip


def _story(answer: AnswerText) -> dict[str, tuple[int, Sentence]]:
    """The first sentence of each STAR-L part; result and lesson are looked for after the action."""
    found: dict[str, tuple[int, Sentence]] = {}
    acts = answer.derived(prose_actions)
    situation, task, ownership, result_bit, learned = (
        SITUATION.bit,
        TASK.bit,
        OWNERSHIP_PHRASES.bit,
        RESULT.bit,
        LEARNED.bit,
    )
    for position, sentence in enumerate(answer.prose):
        mask = sentence.mask
        if mask & situation and "situation" not in found:
            found["situation"] = (position, sentence)
        if mask & task and "task" not in found:
            found["task"] = (position, sentence)
        if "action" not in found:
            if acts[position] or mask & ownership:
                found["action"] = (position, sentence)
            else:
                continue  # the result and the lesson come after the action
        # The result is the consequence of the action and the lesson comes after it: look in order.
        if "result" not in found:
            if mask & result_bit and sentence.quantities:
                found["result"] = (position, sentence)
            else:
                continue
        if "learned" not in found and mask & learned:
            found["learned"] = (position, sentence)
    return found


_STAR_L = ("situation", "task", "action", "result", "learned")


@register(
    "star_l",
    title="STAR-L story structure",
    missed="did not tell one story with situation, task, action, measured result and lesson",
    about="One real story told in order: Situation, Task, Action, a measured Result, and what was Learned.",
)
def star_l(answer: AnswerText, context: QuestionContext) -> CheckResult:
    found = _story(answer)
    parts = [part for part in _STAR_L if part in found]
    missing = [part for part in _STAR_L if part not in found]
    labelled = [(part, found[part][1]) for part in parts]
    setup = min((found[part][0] for part in ("situation", "task") if part in found), default=0)
    in_order = "action" not in found or setup <= found["action"][0]
    if not missing and in_order:
        return result(
            "star_l",
            Status.PASS,
            "Tells one story in order: situation, task, action, a measured result and a lesson.",
            cited=[sentence for _, sentence in labelled],
            labelled=labelled[2:],
        )
    if len(parts) >= 3 or (len(parts) >= 2 and "action" in found):
        if "result" not in found and "action" in found:
            problem = "the result is not measured (or missing)"
        elif missing:
            problem = f"it has no {listed(missing)}"
        else:
            problem = "the parts are out of order"
        return result(
            "star_l",
            Status.PARTIAL,
            f"Has a story shape, but {problem}.",
            "Close with a measured result (a number) and the lesson you took from it and now apply.",
            [sentence for _, sentence in labelled],
            labelled=labelled,
        )
    return result(
        "star_l",
        Status.MISS,
        "Does not tell one concrete story.",
        "Pick one real episode: the situation, your task, what you decided, the measured result, and the lesson.",
        [sentence for _, sentence in labelled],
        labelled=labelled,
    )


@register(
    "ownership",
    title="Personal ownership",
    missed="told the story as “we” with no decision of their own",
    about="What the candidate personally decided and did (“I escalated”, “I cut”), not what “we” or “the team” did.",
)
def ownership(answer: AnswerText, context: QuestionContext) -> CheckResult:
    acts = answer.derived(prose_actions)
    own = OWNERSHIP_PHRASES.bit
    acting = [(s, acts[p]) for p, s in enumerate(answer.prose) if acts[p] or s.mask & own]
    decisive = [s for s, verbs in acting if s.mask & own or not _DECISIVE.isdisjoint(verbs)]
    if (len(acting) >= 2 and decisive) or len(acting) >= 3:
        return result(
            "ownership",
            Status.PASS,
            "Says what they decided and did themselves, not only what the team did.",
            cited=[*decisive, *(s for s, _ in acting)],
        )
    if acting:
        return result(
            "ownership",
            Status.PARTIAL,
            "Shows one thing they did personally; the rest is what the team did.",
            "Say the decisions that were yours: “I chose…”, “I escalated…”, “I cut…”, and why.",
            [s for s, _ in acting],
        )
    return result(
        "ownership",
        Status.MISS,
        "Tells the story as “we” or “the team”; it is unclear what they decided.",
        "Use “I” for your own calls: what you decided, what you pushed for, what you gave up.",
    )


CONFLICT = terms(
    "disagree*", "conflict*", "pushed back", "push back", "pushback", "refus*", "objected", "objection*", "resist*",
    "blocked", "blocker*", "deadlock*", "tension*", "argued", "argument*", "against", "didn't want", "did not want",
    "wouldn't", "would not", "no bandwidth", "competing", "clash*", "veto*", "opposed", "unhappy", "frustrat*",
    "stalled", "at odds", "insisted", "fought", "contested", "challenged", "didn't agree", "did not agree",
    "not convinced", "skeptic*", "sceptic*", "said no", "wanted to ship", "wanted to launch", "wanted to wait",
    "angry", "escalat*", "friction", "standoff", "worried", "concern*", "unconvinced", "doubt*",
    name="conflict",
)  # fmt: skip
RESOLUTION = terms(
    "resolved", "resolve*", "we agreed", "agreed", "compromise*", "settled", "decided", "decision", "in the end",
    "eventually", "ultimately", "convinced", "overruled", "accepted", "escalated", "we landed", "landed on",
    "unblocked", "unblock*", "traded", "in exchange", "reallocat*", "which got", "signed off", "approved",
    "the outcome", "broke the deadlock", "won", "gave way", "came round", "came around", "persuaded", "backed",
    "so we", "chose", "paused", "shipped", "moved",
    name="resolution",
)  # fmt: skip


@register(
    "friction",
    title="Friction and its resolution",
    missed="described smooth agreement, with no friction and how it was resolved",
    about="Real friction (a disagreement, a refusal, a blocker) and how the candidate resolved it.",
)
def friction(answer: AnswerText, context: QuestionContext) -> CheckResult:
    resolved, unresolved = [], []
    conflict_bit, resolution_bit, causal = CONFLICT.bit, RESOLUTION.bit, CAUSAL.bit
    prose = answer.prose
    actions = answer.derived(prose_actions)
    for position, mask in enumerate(answer.masks):
        if not mask & conflict_bit:
            continue
        sentence = prose[position]
        nearby = prose[position : position + 3]
        resolution = next((s for s in nearby if s.mask & resolution_bit and s is not sentence), None)
        if resolution is None and mask & resolution_bit:
            resolution = sentence
        acts = actions[position : position + 3]
        drove = any(acts[i] or s.quantities or s.mask & causal for i, s in enumerate(nearby))
        if resolution is not None and drove:
            resolved.append((sentence, resolution))
        else:
            unresolved.append(sentence)
    if resolved:
        conflict, resolution = resolved[0]
        return result(
            "friction",
            Status.PASS,
            "Names real friction and says how it was resolved.",
            labelled=[("friction", conflict), ("resolution", resolution)],
        )
    if unresolved:
        return result(
            "friction",
            Status.PARTIAL,
            "Names friction but not how it was resolved or what they did about it.",
            "Say how the deadlock broke: the argument you made, the evidence, who decided, and what was traded.",
            unresolved,
        )
    return result(
        "friction",
        Status.MISS,
        "Describes smooth agreement; interviewers learn most from the friction.",
        "Tell the part where someone disagreed or refused, and how you moved them.",
    )
