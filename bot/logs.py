"""Logging set-up shared by the command line and the adapters."""

from __future__ import annotations

import logging
import sys
from collections.abc import Mapping
from pathlib import Path

FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"


def configure(level: str) -> None:
    logging.basicConfig(level=level.upper(), format=FORMAT, stream=sys.stderr)
    # Their INFO lines report every job run and every migration step, and aiosqlite's DEBUG lines carry
    # SQL parameters (members' answers); warnings still come through.
    keep_quiet(dict.fromkeys(("apscheduler", "alembic", "aiosqlite"), logging.WARNING))


def keep_quiet(floors: Mapping[str, int]) -> None:
    """Hold library loggers at these levels or above, whatever level the bot itself logs at."""
    for name, floor in floors.items():
        logger = logging.getLogger(name)
        logger.setLevel(max(floor, logger.getEffectiveLevel()))


def send_to_file(data_dir: Path) -> Path:
    """Replace the root logger's handlers with a file in the data directory."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / "practice-bot.log"
    root = logging.getLogger()
    formatter = root.handlers[0].formatter if root.handlers else None
    for handler in list(root.handlers):
        root.removeHandler(handler)
    file_handler = logging.FileHandler(path, encoding="utf-8")
    file_handler.setFormatter(formatter or logging.Formatter(FORMAT))
    root.addHandler(file_handler)
    return path
