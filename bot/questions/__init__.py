"""Question packs: interview questions as data, validated at start-up."""

from bot.questions.catalog import Catalog, Question
from bot.questions.loader import PackError, Problem, builtin_pack_dir, load_catalog

__all__ = ["Catalog", "PackError", "Problem", "Question", "builtin_pack_dir", "load_catalog"]
