"""Every word the bot says to members, in one place, identical on every platform.

Functions here build ``Document`` values; adapters only render them. Text a member wrote enters a
document only as a ``Quote`` or as a literal string, never as markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot import emoji
from bot.channel_settings import OPTION_HELP, ChannelSettings, FeedbackVisibility, format_duration
from bot.documents import (
    Block,
    Bullets,
    Document,
    Fields,
    Heading,
    Mention,
    Quote,
    Tone,
    bullets,
    note,
    paragraph,
)
from bot.feedback import common_gaps, feedback_card
from bot.questions import Catalog, Question
from bot.questions.catalog import Pack
from bot.refs import UserRef
from bot.rubric import Scorecard
from bot.rubric.text import excerpt
from bot.scheduling import describe_schedule

QUOTE_LIMIT = 280


def when(instant: datetime, timezone: str) -> str:
    """``Tue 24 Nov, 09:00 (Europe/Berlin)``: how members read times, always in the channel's zone."""
    local = instant.astimezone(ZoneInfo(timezone))
    return f"{local:%a %d %b, %H:%M} ({timezone})"


def _doc(title: str | None, blocks: Sequence[Block], summary: str, tone: Tone = Tone.INFO) -> Document:
    return Document(title, tuple(blocks), summary=summary, tone=tone)


def _count(number: int, noun: str) -> str:
    """``1 answer``, ``3 answers``."""
    return f"{number} {noun}{'s' if number != 1 else ''}"


# -- the daily question ----------------------------------------------------------------------------


def question_title(question: Question, pack: Pack | None) -> str:
    pack_name = pack.title if pack else question.pack
    return f"Question of the day · {pack_name} · {question.round.label}"


def thread_name(question: Question, local_date: date) -> str:
    return f"{question.pack.capitalize()} · {question.round.label} · {local_date:%d %b}"[:100]


def daily_question(question: Question, pack: Pack | None, settings: ChannelSettings, closes_at: datetime) -> Document:
    votes = " or ".join(emoji.display(name) for name in settings.vote_emojis)
    where = "in this thread" if settings.feedback is FeedbackVisibility.THREAD else "privately, only to you"
    return _doc(
        question_title(question, pack),
        [
            paragraph(question.prompt),
            Fields(
                (
                    ("Round", question.round.label),
                    ("Difficulty", question.difficulty.value),
                    ("Answers close", when(closes_at, settings.timezone)),
                )
            ),
            note(
                f"Answer in this thread. Every answer gets rubric feedback {where}; "
                f"react with {votes} to vote for the answers you find strongest. Edit your answer to be re-scored."
            ),
        ],
        summary=f"Question of the day: {excerpt(question.prompt, 120)}",
        tone=Tone.QUESTION,
    )


# -- answers and feedback --------------------------------------------------------------------------


def answer_feedback(card: Scorecard, *, author: UserRef, late: bool, edited: bool) -> Document:
    heading = "Feedback on your edited answer" if edited else "Feedback on your answer"
    document = feedback_card(card, heading=heading)
    extra: list[Block] = [paragraph("For ", Mention(author), ".")]
    if late:
        extra.append(note("This question has closed, so the answer is scored for practice but not counted."))
    closing = note("Edit your answer to be scored again.")
    return replace(document, blocks=(*extra, *document.blocks, closing))


def answer_refused_empty() -> Document:
    return _doc(
        None,
        [paragraph("That reply has no text to score. Write your answer in a few sentences and post it in the thread.")],
        summary="Nothing to score",
        tone=Tone.WARN,
    )


def answer_refused_short(min_words: int) -> Document:
    return _doc(
        None,
        [
            paragraph(
                f"Thanks! Replies shorter than {min_words} words are not scored as answers, so this one is left out. "
                "When you're ready, answer in a few sentences: the rubric looks for reasoning, not keywords."
            )
        ],
        summary="Reply too short to score",
        tone=Tone.WARN,
    )


def answer_refused_long(length: int, limit: int) -> Document:
    return _doc(
        None,
        [
            paragraph(
                f"That answer is {length:,} characters; answers up to {limit:,} characters are scored. "
                "Nothing was saved: trim it to the parts you would say in the interview and post it again."
            )
        ],
        summary="Answer too long to score",
        tone=Tone.WARN,
    )


def question_retired() -> Document:
    return _doc(
        None,
        [paragraph("This question is no longer in the question bank, so answers to it can't be scored.")],
        summary="Question retired",
        tone=Tone.WARN,
    )


def own_vote_not_counted() -> Document:
    return _doc(
        None,
        [paragraph("Reactions on your own answer are not counted as votes. Vote for the answers you learn from.")],
        summary="Own votes don't count",
    )


# -- wrap-up ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class WrapUpAnswer:
    author: UserRef
    text: str
    score: int
    votes: int
    card: Scorecard


def wrap_up(question: Question | None, answers: Sequence[WrapUpAnswer], late_count: int) -> Document:
    title = "Wrap-up" if question is None else f"Wrap-up · {question.round.label}"
    blocks: list[Block] = []
    if not answers:
        blocks.append(paragraph("No answers came in before this question closed."))
    else:
        members = len({answer.author for answer in answers})
        blocks.append(paragraph(f"{_count(len(answers), 'answer')} from {_count(members, 'member')}."))
        voted = [a for a in answers if a.votes > 0]
        if voted:
            pick = max(voted, key=lambda a: (a.votes, a.score))
            blocks += [
                Heading("Community pick"),
                paragraph(Mention(pick.author), f" with {_count(pick.votes, 'vote')}:"),
                Quote(excerpt(pick.text, QUOTE_LIMIT)),
            ]
        best = max(answers, key=lambda a: (a.score, a.votes))
        blocks += [Heading("Best rubric score"), paragraph(Mention(best.author), f" scored {best.score}/100.")]
        gaps = common_gaps([answer.card for answer in answers])
        if gaps:
            blocks += [Heading("Common gaps"), bullets(f"{gap}." for gap in gaps)]
    if question is not None:
        blocks += [Heading("What strong answers do"), bullets(question.strong_answers)]
        blocks.append(note(f"A follow-up to think about: {question.followups[0]}"))
    if late_count:
        blocks.append(note(f"{late_count} answer(s) arrived after the close and are not counted."))
    return _doc(title, blocks, summary=f"{title}: {_count(len(answers), 'answer')}", tone=Tone.SUMMARY)


# -- mock interviews -------------------------------------------------------------------------------


def mock_usage(catalog: Catalog) -> Document:
    packs = ", ".join(pack.name for pack in catalog.packs.values())
    return _doc(
        "Mock interviews",
        [
            paragraph("Start one with /mock COMPANY, or /mock COMPANY ROUND for a single round."),
            paragraph(f"Packs: {packs}."),
            note("Answer each question in the mock's thread; /mock stop ends it early."),
        ],
        summary="How to start a mock interview",
    )


def unknown_company(name: str, catalog: Catalog) -> Document:
    known = ", ".join(pack.name for pack in catalog.packs.values())
    return _doc(
        None,
        [paragraph(f"There is no question pack called “{name}”. Known packs: {known}.")],
        summary=f"Unknown pack {name}",
        tone=Tone.WARN,
    )


def unknown_round(pack: Pack, requested: str) -> Document:
    rounds = ", ".join(round_.label for round_ in pack.rounds)
    return _doc(
        None,
        [paragraph(f"The {pack.name} pack has no “{requested}” round. Its rounds: {rounds}.")],
        summary="Unknown round",
        tone=Tone.WARN,
    )


def mock_already_open(company: str, position: int, total: int) -> Document:
    return _doc(
        None,
        [
            paragraph(
                f"You already have a {company} mock interview running (round {position} of {total}). "
                "Answer in its thread, or use /mock stop to end it and start another."
            )
        ],
        summary="A mock interview is already running",
        tone=Tone.WARN,
    )


def mock_started_elsewhere() -> Document:
    return _doc(None, [paragraph("Your mock interview is starting in its own thread.")], summary="Mock started")


def mock_round_question(position: int, total: int, stage_title: str, question: Question) -> list[Block]:
    return [
        Heading(f"Round {position} of {total}: {stage_title}"),
        paragraph(question.prompt),
        note(f"{question.round.label} · {question.difficulty.value} · answer in this thread"),
    ]


def mock_intro(user: UserRef, pack: Pack, total: int, first: list[Block]) -> Document:
    return _doc(
        f"Mock interview · {pack.title}",
        [
            paragraph(
                "A mock interview for ",
                Mention(user),
                f": {_count(total, 'round')}, each a question, your answer, feedback and one "
                "follow-up push-back, then a debrief with a verdict.",
            ),
            *first,
            note("Reply skip to pass on a question, or use /mock stop to end early."),
        ],
        summary=f"Mock interview: {pack.title}",
        tone=Tone.QUESTION,
    )


def mock_feedback_and_followup(card: Scorecard, followup: str) -> Document:
    document = feedback_card(card, heading="Feedback")
    return Document(
        document.title,
        (*document.blocks, Heading("Follow-up"), paragraph(followup), note("Answer the follow-up, or reply skip.")),
        summary=f"Feedback {card.score}/100 and a follow-up",
        tone=Tone.INFO,
    )


def mock_next(blocks: list[Block], followup_score: int | None) -> Document:
    lead: list[Block] = []
    if followup_score is not None:
        lead.append(note(f"With your follow-up, this round scores {followup_score}/100."))
    return _doc(None, [*lead, *blocks], summary="Next round", tone=Tone.QUESTION)


def mock_not_yours(owner: UserRef) -> Document:
    return _doc(
        None,
        [paragraph("This thread is ", Mention(owner), "'s mock interview. Start your own with /mock COMPANY.")],
        summary="Not your mock interview",
    )


@dataclass(frozen=True, slots=True)
class DebriefRound:
    title: str
    question: str
    score: int | None
    top_miss: str | None


def verdict(scores: Sequence[int]) -> tuple[str, str]:
    """A hiring-committee style call: high impact, solid contributor, or not yet."""
    if not scores:
        return "No verdict", "No round was answered, so there is nothing to judge."
    average = sum(scores) / len(scores)
    if average >= 75 and min(scores) >= 55:
        return "High impact", "Strong in every round: a committee would be debating your strengths, not your gaps."
    if average >= 55:
        return (
            "Solid contributor",
            "Good signal, but not yet the bar: a committee that hires only high impact would pass. "
            "Close the gaps below and the call flips.",
        )
    return "Not yet", "The answers did not show enough of what the rounds test. Work on the misses below and try again."


def mock_debrief(user: UserRef, pack: Pack, rounds: Sequence[DebriefRound], *, ended_early: bool) -> Document:
    answered = [r.score for r in rounds if r.score is not None]
    label, explanation = verdict(answered)
    overall = round(sum(answered) / len(answered)) if answered else 0
    lines = [
        f"{r.title}: {'skipped' if r.score is None else f'{r.score}/100'} — {excerpt(r.question, 80)}" for r in rounds
    ]
    blocks: list[Block] = [
        paragraph("Debrief for ", Mention(user), "." + (" The interview was ended early." if ended_early else "")),
        Fields(
            (("Verdict", label), ("Overall", f"{overall}/100"), ("Rounds answered", f"{len(answered)}/{len(rounds)}"))
        ),
        paragraph(explanation),
        Heading("Per round"),
        bullets(lines),
    ]
    misses = [f"{r.title}: {r.top_miss}" for r in rounds if r.top_miss]
    if misses:
        blocks += [Heading("Practise next"), bullets(misses[:3])]
    return _doc(f"Debrief · {pack.title}", blocks, summary=f"Mock debrief: {label}, {overall}/100", tone=Tone.SUMMARY)


# -- commands --------------------------------------------------------------------------------------


HELP_LINES = (
    "/practice help: this list",
    "/practice leaderboard [week|all]: points, votes and streaks",
    "/practice stats: your own progress",
    "/practice export: your data as a JSON file",
    "/practice forget: delete everything stored about you",
    "/mock COMPANY [ROUND]: a mock interview (e.g. /mock stripe, /mock klarna rollout)",
)
ADMIN_LINES = (
    "{admin} setup: show this channel's set-up; add key=value options to change it",
    "{admin} post: post a question now",
    "{admin} skip: skip the next scheduled question",
    "{admin} pause, {admin} resume: stop or restart the schedule",
)


def help_text(*, unknown: str | None = None, admin: str = "/practice") -> Document:
    blocks: list[Block] = []
    if unknown:
        blocks.append(paragraph(f"“{unknown}” is not a command I know. Here is what I can do:"))
    blocks += [
        paragraph(
            "Every day I post an interview question here. Answer in its thread to get rubric feedback, "
            "and react to the answers you find strongest."
        ),
        Heading("For everyone"),
        bullets(HELP_LINES),
        Heading("For admins"),
        bullets(line.format(admin=admin) for line in ADMIN_LINES),
        Heading("Set-up options"),
        bullets(f"{key}: {text}" for key, text in OPTION_HELP.items()),
    ]
    return _doc("practice-bot", blocks, summary="practice-bot commands", tone=Tone.WARN if unknown else Tone.INFO)


def admin_only() -> Document:
    return _doc(
        None,
        [paragraph("Only admins can change this channel's practice set-up. Ask an admin, or see /practice help.")],
        summary="Admins only",
        tone=Tone.WARN,
    )


def settings_fields(settings: ChannelSettings, next_due: datetime | None) -> Fields:
    return Fields(
        (
            ("Schedule", describe_schedule(settings.schedule, settings.timezone)),
            ("Next question", when(next_due, settings.timezone) if next_due and settings.enabled else "paused"),
            ("Packs", ", ".join(settings.packs)),
            ("Answer window", format_duration(settings.answer_window)),
            ("Votes", " ".join(emoji.display(name) for name in settings.vote_emojis)),
            ("Feedback", "in the thread" if settings.feedback is FeedbackVisibility.THREAD else "private"),
        )
    )


def setup_shown(settings: ChannelSettings, next_due: datetime | None, *, configured: bool) -> Document:
    lead = (
        "This channel's practice set-up:"
        if configured
        else "This channel is not set up yet. These are the defaults /practice setup would save:"
    )
    return _doc(
        "Practice set-up",
        [
            paragraph(lead),
            settings_fields(settings, next_due),
            note("Change it with key=value options, e.g. /practice setup time=08:30 tz=Europe/Berlin days=mon-fri"),
        ],
        summary="Practice set-up",
    )


def setup_saved(settings: ChannelSettings, next_due: datetime | None) -> Document:
    return _doc(
        "Set-up saved",
        [settings_fields(settings, next_due)],
        summary="Practice set-up saved",
        tone=Tone.GOOD,
    )


def setup_refused(reasons: Sequence[str]) -> Document:
    return _doc(
        "Set-up not changed",
        [paragraph("Nothing was changed, because:"), bullets(reasons), note("See /practice help for the options.")],
        summary="Set-up refused",
        tone=Tone.WARN,
    )


def schedule_never_fires() -> Document:
    return setup_refused(["the schedule never fires (check the days and the cron expression)"])


def no_questions(packs: Sequence[str]) -> Document:
    return _doc(
        None,
        [paragraph(f"The packs {', '.join(packs)} have no questions, so nothing can be posted.")],
        summary="No questions",
        tone=Tone.WARN,
    )


def skipped(local_date: date, next_due: datetime | None, timezone: str) -> Document:
    following = when(next_due, timezone) if next_due else "none scheduled"
    return _doc(
        None,
        [paragraph(f"Skipped the question due on {local_date:%a %d %b}. The next one: {following}.")],
        summary="Question skipped",
        tone=Tone.GOOD,
    )


def nothing_to_skip() -> Document:
    return _doc(
        None, [paragraph("There is no scheduled question to skip (the schedule is paused).")], summary="Nothing to skip"
    )


def paused(is_paused: bool, next_due: datetime | None, timezone: str) -> Document:
    text = (
        "Paused: no questions will be posted until /practice resume."
        if is_paused
        else f"Resumed. The next question: {when(next_due, timezone) if next_due else 'none scheduled'}."
    )
    return _doc(None, [paragraph(text)], summary="Schedule paused" if is_paused else "Schedule resumed", tone=Tone.GOOD)


@dataclass(frozen=True, slots=True)
class Standing:
    user: UserRef
    points: int
    answered: int
    votes: int
    streak: int


def leaderboard(rows: Sequence[Standing], *, weekly: bool) -> Document:
    title = "Leaderboard · last 7 days" if weekly else "Leaderboard · all time"
    if not rows:
        return _doc(title, [paragraph("No scored answers yet. Answer today's question to get on the board!")], title)
    lines = [
        (
            f"{position}. ",
            Mention(row.user),
            f" — {row.points} points, {row.answered} answered, {_count(row.votes, 'vote')}"
            + (f", {row.streak}-day streak" if row.streak > 1 else ""),
        )
        for position, row in enumerate(rows, start=1)
    ]
    return _doc(
        title,
        [Bullets(tuple(lines)), note("Points are each member's best rubric score per question, answered on time.")],
        summary=title,
        tone=Tone.SUMMARY,
    )


@dataclass(frozen=True, slots=True)
class PersonalStats:
    user: UserRef
    answered: int
    points: int
    average: int | None
    best: int | None
    votes: int
    streak: int
    rank: int | None
    members: int
    weakest: str | None
    mocks: int


def stats(data: PersonalStats) -> Document:
    if data.answered == 0 and data.votes == 0:
        return _doc(
            "Your practice",
            [paragraph("You haven't answered a question yet. Today's question is waiting in its thread!")],
            summary="No answers yet",
        )
    fields = [
        ("Answered", str(data.answered)),
        ("Points", str(data.points)),
        ("Average score", f"{data.average}/100" if data.average is not None else "—"),
        ("Best score", f"{data.best}/100" if data.best is not None else "—"),
        ("Votes received", str(data.votes)),
        ("Streak", _count(data.streak, "day")),
        ("Rank", f"{data.rank} of {data.members}" if data.rank else "—"),
    ]
    blocks: list[Block] = [Fields(tuple(fields))]
    if data.weakest:
        blocks.append(paragraph(f"What you miss most often: {data.weakest}. Make it the focus of your next answer."))
    return _doc("Your practice", blocks, summary="Your practice stats", tone=Tone.INFO)


def home(data: PersonalStats) -> Document:
    document = stats(data)
    return replace(document, title="practice-bot", blocks=(*document.blocks, Heading("Commands"), bullets(HELP_LINES)))


def export_ready() -> Document:
    return _doc(None, [paragraph("Here is everything stored about you, as JSON.")], summary="Your data export")


def nothing_stored() -> Document:
    return _doc(None, [paragraph("Nothing is stored about you in this workspace.")], summary="Nothing stored")


def forget_confirm() -> Document:
    return _doc(
        "Forget me",
        [
            paragraph(
                "This deletes your answers, scores, votes you cast and received, and mock interviews in this "
                "workspace. It cannot be undone. To go ahead, run /practice forget confirm."
            )
        ],
        summary="Confirm forget me",
        tone=Tone.WARN,
    )


def forgotten() -> Document:
    return _doc(
        None,
        [paragraph("Done: everything stored about you in this workspace has been deleted.")],
        summary="Your data was deleted",
        tone=Tone.GOOD,
    )


def packs_valid(catalog: Catalog) -> str:
    packs = ", ".join(f"{pack.name} ({len(pack.questions)})" for pack in catalog.packs.values())
    return f"ok: {len(catalog)} questions in {len(catalog.packs)} packs: {packs}"
