"""The ``practice-bot`` command line: run the bot, manage the database, validate packs, score answers."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from bot import logs, messages
from bot.config import ConfigError, Settings
from bot.documents import plain_text
from bot.feedback import full_breakdown
from bot.questions import Catalog, PackError, load_catalog
from bot.questions.loader import load_packs, pack_files
from bot.rubric import AnswerText, QuestionContext, checks_for_question, score_answer

log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="practice-bot",
        description="Interview-practice study groups: a daily question, rubric feedback, votes and mock interviews.",
    )
    parser.add_argument("--log-level", help="DEBUG, INFO, WARNING or ERROR (default: PRACTICE_BOT_LOG_LEVEL or INFO)")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = commands.add_parser("run", help="run the bot (console when no platform tokens are set)")
    run.add_argument("platform", nargs="?", help="console, slack or discord (default: chosen from the tokens set)")
    run.add_argument("--http", action="store_true", help="serve HTTP endpoints instead of a socket (Slack)")
    run.add_argument("--host", default="0.0.0.0", help="address to listen on with --http (default 0.0.0.0)")  # noqa: S104
    run.add_argument("--port", type=int, default=3000, help="port to listen on with --http (default 3000)")

    db = commands.add_parser("db", help="database schema")
    db_commands = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    db_commands.add_parser("upgrade", help="apply every pending migration")
    db_commands.add_parser("status", help="show the schema revision and whether it is current")

    questions = commands.add_parser("questions", help="question packs")
    q_commands = questions.add_subparsers(dest="questions_command", required=True, metavar="ACTION")
    validate = q_commands.add_parser("validate", help="check pack files (default: the shipped and configured packs)")
    validate.add_argument("paths", nargs="*", type=Path, help="pack files or directories")
    listing = q_commands.add_parser("list", help="list questions")
    listing.add_argument("--company", help="only this pack")

    score = commands.add_parser("score", help="score an answer read from standard input")
    target = score.add_mutually_exclusive_group(required=True)
    target.add_argument("--question-id", help="a question id from the bank")
    target.add_argument("--question", help="the text of any question; its checks are chosen from the text")
    score.add_argument("--company", help="the company or pack the question is for")
    score.add_argument("--json", action="store_true", help="print one JSON object")
    return parser


def _catalog(settings: Settings) -> Catalog:
    return load_catalog(settings.extra_question_dirs)


def _cmd_questions_validate(settings: Settings, paths: Sequence[Path]) -> int:
    catalog = load_packs(pack_files(paths)) if paths else _catalog(settings)
    print(messages.packs_valid(catalog))
    return EXIT_OK


def _cmd_questions_list(settings: Settings, company: str | None) -> int:
    catalog = _catalog(settings)
    packs = list(catalog.packs.values())
    if company is not None:
        pack = catalog.pack(company)
        if pack is None:
            print(plain_text(messages.unknown_company(company, catalog)), file=sys.stderr, end="")
            return EXIT_USAGE
        packs = [pack]
    for pack in packs:
        print(f"{pack.name} — {pack.title} ({len(pack.questions)} questions)")
        for question in pack.questions:
            print(
                f"  {question.id:<40} {question.round.label:<14} {question.difficulty.value:<7} {question.prompt[:70]}"
            )
    return EXIT_OK


def _cmd_score(settings: Settings, args: argparse.Namespace) -> int:
    answer = sys.stdin.read()
    if args.question_id is not None:
        catalog = _catalog(settings)
        question = catalog.question(args.question_id)
        if question is None:
            print(
                f"practice-bot: no question with id {args.question_id!r} (see `practice-bot questions list`)",
                file=sys.stderr,
            )
            return EXIT_USAGE
        context = QuestionContext(question.prompt, question.round, args.company or question.pack)
        weights = dict(question.checks)
        question_id: str | None = question.id
    else:
        round_, weights = checks_for_question(args.question)
        context = QuestionContext(args.question, round_, args.company)
        question_id = None
    card = score_answer(AnswerText(answer), weights, context)
    if args.json:
        payload = {
            "score": card.score,
            "checks": [
                {"id": r.check_id, "status": r.status.value, "message": r.message, "evidence": list(r.evidence)}
                for r in card.results
            ],
            "round": context.round.value,
            "question_id": question_id,
        }
        print(json.dumps(payload, ensure_ascii=False))
    else:
        print(plain_text(full_breakdown(card, context.round)), end="")
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = Settings.from_env(os.environ)
    except ConfigError as error:
        print(f"practice-bot: configuration refused: {error}", file=sys.stderr)
        return EXIT_USAGE
    logs.configure(args.log_level or settings.log_level)
    try:
        if args.command == "questions" and args.questions_command == "validate":
            return _cmd_questions_validate(settings, args.paths)
        if args.command == "questions":
            return _cmd_questions_list(settings, args.company)
        if args.command == "score":
            return _cmd_score(settings, args)
        if args.command == "db":
            from bot.runtime import db_command  # noqa: PLC0415 - only the db and run commands need the store

            return db_command(settings, args.db_command)
        from bot.runtime import run_command  # noqa: PLC0415

        return run_command(settings, args.platform, http=args.http, host=args.host, port=args.port)
    except PackError as error:
        print(f"practice-bot: {error}", file=sys.stderr)
        return EXIT_ERROR
    except ConfigError as error:
        print(f"practice-bot: configuration refused: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
