"""One pass of text analysis per answer, shared by every check.

Checks look for signals inside sentences (a threshold *and* a duration *and* an action in the same
sentence, or in the one next to it), so the unit here is the sentence: its text, its tokens, the
word classes present (a bitmask, see ``lexicon``) and the quantities in it.

Three rules keep the analysis honest:

- A sentence that is a run of nouns with almost no grammar (a buzzword list) is not prose, and
  checks look for evidence in prose only.
- A sentence that repeats an earlier one is ignored, so pasting an answer twice changes nothing.
- A very long run-on is cut into spans of a few dozen words, so one wall of text cannot put every
  term "in the same sentence".
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from functools import reduce
from operator import or_
from typing import Any, Generic, NamedTuple, TypeVar, overload

from bot.rubric.lexicon import (
    FUNCTION_WORDS,
    NUMERIC_BIT,
    Terms,
    sentence_classes,
    strip_reserved,
    terms,
    tokenize_each,
)

# Sentence ends: . ! ? (optionally closed by a quote or bracket) followed by whitespace. The end
# is captured, not looked behind for, so the regex engine can skip quickly to candidate characters.
_SENTENCE_END = re.compile(r"([.!?][\"”’')\]]?)\s+")
# The same for a line with no "!" or "?" (most lines): starting with a literal, it is scanned for
# with a fast search rather than tried at every character.
_PERIOD_END = re.compile(r"(\.[\"”’')\]]?)\s+")
# A line break ends a piece when the line ends a sentence or the next line starts a list item;
# otherwise it is a soft wrap (pasted or hard-wrapped text) and the lines are joined.
# A soft wrap is a line break between two stripped lines, the first not ending a sentence (. ! ? : ;
# a closing quote or bracket) and the second not starting a list item (- * • – — # > or "1." / "2)"
# and text), neither of them blank; it becomes a space. One substitution over the whole answer,
# starting with a literal the regex engine skips to, where a loop over its lines cost microseconds.
_SOFT_WRAP = re.compile(r"\n(?<=[^.!?:;\"”'’)\n]\n)(?=[^\-*•–—#>\n])(?!\d{1,2}[.)][^\S\n]+\S)")
_ABBREVIATIONS = frozenset(
    {"e.g.", "i.e.", "etc.", "vs.", "approx.", "incl.", "u.s.", "u.k.", "cf.", "esp.", "mr.", "ms.", "dr."}
)
_MAX_SPAN_WORDS = 60  # a piece longer than this is a run-on ...
_SPAN_WORDS = 40  # ... and is cut into spans of this many words

# Quantities with units: money, percentages, durations, rates and volumes. A bare number is not a
# quantity: "3 teams" is a count, "$3M", "3 hours" or "3% of checkouts" is a measure. Numbers are
# found with a cheap scan and the word after each one is looked up in a table (one big alternation
# tried at every position costs tens of microseconds a sentence).
_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")
_FOLLOWING = re.compile(r" ?(%|[a-z]+)(?: ([a-z]+))?")
_CURRENCY_SIGNS = "$€£¥"
_MAGNITUDES = frozenset("k m mm bn b million billion thousand".split())
_UNITS: dict[str, str] = {
    **dict.fromkeys("usd eur gbp sek dollar dollars euro euros pound pounds kronor krona".split(), "money"),
    **dict.fromkeys("% percent pct bps pp point points".split(), "percent"),
    **dict.fromkeys("ms millisecond milliseconds".split(), "latency"),
    **dict.fromkeys(
        "s sec secs second seconds min mins minute minutes h hr hrs hour hours day days week weeks month months "
        "quarter quarters year years sprint sprints".split(),
        "duration",
    ),
    **dict.fromkeys(
        "tps qps rps request requests call calls event events transaction transactions payment payments merchant "
        "merchants user users customer customers order orders ticket tickets chargeback chargebacks payout payouts "
        "account accounts integration integrations partner partners developer developers countries market markets "
        "incident incidents complaint complaints engineer engineers people application applications loan loans "
        "refund refunds dispute disputes signup signups install installs message messages webhook webhooks "
        "deliveries login logins checkout checkouts purchase purchases retries duplicate duplicates alert alerts "
        "page pages contact contacts".split(),
        "volume",
    ),
    "x": "multiple",
}
_TWO_WORD_PERCENT = frozenset({("per", "cent"), ("basis", "point"), ("basis", "points"), ("percentage", "points")})

_NUMBER_WORD_SET = frozenset(
    "one two three four five six seven eight nine ten eleven twelve fifteen twenty thirty forty fifty sixty ninety".split()
)
_NUMBER_WORDS = terms(*sorted(_NUMBER_WORD_SET), name="number words")
_MIN_PROSE_WORDS = 4
_MIN_FUNCTION_SHARE = 0.18
# Grammar glued onto a list ("idempotency and the retries and the backoff and the …") has enough
# function words but gives itself away: real sentences rarely spend a quarter of their words on
# "and"/"or", and long real sentences use several different function words, not the same two.
_MAX_CONJUNCTION_SHARE = 0.25
_LONG_SENTENCE = 16
_MIN_DISTINCT_FUNCTION_WORDS = 3
# Template spam ("We have the X. We have the Y. …" or "We use the X to handle the Y. We use the …"):
# four or more sentences that open with the same three words and have about the same length, or
# share one skeleton of function words around a few content words, are a list in disguise.
_TEMPLATE_CONTENT_WORDS = 3
_TEMPLATE_REPEATS = 4


class Sentence(NamedTuple):
    """A sentence (or list item, or span of a run-on) of an answer.

    A named tuple rather than a frozen dataclass: an answer has dozens and it is built thousands of
    times a second, and a tuple is several times cheaper to construct.
    """

    order: int  # position among all pieces of the answer, in reading order
    text: str
    lower: str
    words: tuple[str, ...]
    quantities: tuple[str, ...]
    is_prose: bool
    mask: int = 0  # the word classes present, one bit per ``Terms``
    quantity_kinds: frozenset[str] = frozenset()  # money, percent, latency, duration, volume, ...
    function_words: int = 0  # how many of ``words`` are function words

    def has(self, group: Terms) -> bool:
        return bool(self.mask & group.bit)

    def __hash__(self) -> int:
        # Checks collect sentences in dicts to drop repeats; hashing every field (the words too) for
        # that is needless. Equal sentences have the same order, so this agrees with equality.
        return self.order


def _lines(text: str) -> list[str]:
    """Lines of text with soft wraps joined; blank lines and list items stay separate."""
    stripped = "\n".join(map(str.strip, text.replace("\r", "\n").split("\n")))
    return list(filter(None, _SOFT_WRAP.sub(" ", stripped).split("\n")))


def _pieces(text: str) -> list[str]:
    pieces: list[str] = []
    for line in _lines(text):
        parts = (_SENTENCE_END if "?" in line or "!" in line else _PERIOD_END).split(line)
        pending = ""
        # A piece is part of its line: when the line has no double space or tab, neither has a piece,
        # and when it is too short to hold a span's worth of spaces, no piece is a run-on.
        spaced = "  " in line or "\t" in line
        short = len(line) <= 2 * _MAX_SPAN_WORDS
        # parts alternate text and the end that closed it: [text, end, text, end, ..., text]
        for index in range(0, len(parts), 2):
            piece = parts[index] + (parts[index + 1] if index + 1 < len(parts) else "")
            if spaced and ("  " in piece or "\t" in piece):
                piece = " ".join(piece.split())
            if not piece:
                continue
            if pending:
                piece = f"{pending} {piece}"
                pending = ""
            if piece[-1] == "." and index + 1 < len(parts):
                last = piece[piece.rfind(" ") + 1 :].lower()
                if last in _ABBREVIATIONS or (len(last) == 2 and last[0].isalpha() and " " in piece):
                    pending = piece  # "e.g." or an initial ended the text, not the sentence
                    continue
            if not short and piece.count(" ") >= _MAX_SPAN_WORDS:
                words = piece.split(" ")
                pieces.extend(" ".join(words[i : i + _SPAN_WORDS]) for i in range(0, len(words), _SPAN_WORDS))
            else:
                pieces.append(piece)
        if pending:  # an abbreviation never joins text across a line break
            pieces.append(pending)
    return pieces


def _unit(lower: str, end: int) -> tuple[str | None, int]:
    """The kind of quantity named by the words right after a number, and where they end."""
    if lower.startswith(" in ", end) and lower[end + 4 : end + 5].isdigit():  # "1 in 1,000"
        ratio = _NUMBER.match(lower, end + 4)
        return "percent", ratio.end() if ratio else end
    following = _FOLLOWING.match(lower, end)
    if following is None:
        return None, end
    first, second = following.group(1), following.group(2)
    if first in _MAGNITUDES:
        kind = _UNITS.get(second or "")
        if kind in ("money", "volume"):
            return kind, following.end()
        return "magnitude", following.end(1)
    if (first, second) in _TWO_WORD_PERCENT:
        return "percent", following.end()
    kind = _UNITS.get(first)
    return (kind, following.end(1)) if kind else (None, end)


def _quantities(
    piece: str, lower: str, words: tuple[str, ...], *, words_too: bool
) -> tuple[tuple[str, ...], frozenset[str]]:
    found: list[tuple[int, str, str]] = []
    consumed = 0
    for number in _NUMBER.finditer(lower):
        start, end = number.span()
        if start < consumed:
            continue
        before = lower[start - 1] if start else " "
        if before.isalnum() or before in "._":  # p99, v2.1, a4: names, not measures
            continue
        sign = before if before in _CURRENCY_SIGNS else (lower[start - 2] if start > 1 and before == " " else "")
        if sign and sign in _CURRENCY_SIGNS:
            following = _FOLLOWING.match(lower, end)
            if following and following.group(1) in _MAGNITUDES:
                end = following.end(1)
            found.append((start, piece[start - (1 if before != " " else 2) : end], "money"))
            continue
        kind, unit_end = _unit(lower, end)
        if kind:
            found.append((start, piece[start:unit_end], kind))
            consumed = unit_end
    if words_too:  # "two weeks", "twenty percent": rare, so matched on tokens rather than a regex
        for index in [index for index, word in enumerate(words[:-1]) if word in _NUMBER_WORD_SET]:
            kind = _UNITS.get(words[index + 1])
            if kind in ("duration", "percent"):
                found.append((len(piece) + index, f"{words[index]} {words[index + 1]}", kind))
    return tuple(text for _, text, _ in found), frozenset(kind for _, _, kind in found)


def _reads_as_prose(words: tuple[str, ...], function_count: int, conjunctions: int) -> bool:
    size = len(words)
    if size < _MIN_PROSE_WORDS or function_count < _MIN_FUNCTION_SHARE * size:
        return False
    if conjunctions >= 3 and conjunctions > _MAX_CONJUNCTION_SHARE * size:
        return False
    return size < _LONG_SENTENCE or len(FUNCTION_WORDS.intersection(words)) >= _MIN_DISTINCT_FUNCTION_WORDS


def _skeleton(words: tuple[str, ...]) -> tuple[str, ...]:
    """A sentence's function words in place, its content words blanked: a template's shape."""
    return tuple([word if word in FUNCTION_WORDS else "_" for word in words])


def _analyse(pieces: Sequence[str]) -> tuple[Sentence, ...]:
    """Every piece of an answer as a ``Sentence``.

    All pieces are tokenized in one pass; each sentence's classes are then the union of its tokens'
    cached masks and the phrases confirmed in it (see ``lexicon.sentence_mask``).
    """
    lowers = [piece.lower() for piece in pieces]
    sentences = []
    number_words = _NUMBER_WORDS.bit
    no_kinds: frozenset[str] = frozenset()
    for index, words in enumerate(tokenize_each(lowers)):
        tokens_mask, function_count, conjunctions = sentence_classes(words)
        mask = strip_reserved(tokens_mask)
        quantities: tuple[str, ...] = ()
        kinds = no_kinds
        if tokens_mask & NUMERIC_BIT or mask & number_words:
            quantities, kinds = _quantities(pieces[index], lowers[index], words, words_too=bool(mask & number_words))
        is_prose = _reads_as_prose(words, function_count, conjunctions)
        # tuple.__new__ skips the named tuple's Python-level constructor: dozens per answer add up.
        fields = (index, pieces[index], lowers[index], words, quantities, is_prose, mask, kinds, function_count)
        sentences.append(tuple.__new__(Sentence, fields))
    return tuple(sentences)


# Only this much of an answer is analysed: far beyond any interview answer (about 3,500 words), and
# it bounds the time one pasted novel can take to score (tens of milliseconds at worst).
MAX_ANALYSED_CHARS = 20_000


_T = TypeVar("_T")


class _Once(Generic[_T]):
    """A property computed on first use and then stored on the instance.

    ``functools.cached_property`` without its lock: in Python 3.11 one lock serves every instance
    and costs about a microsecond a property, a dozen properties an answer. The values here are
    pure functions of the answer, so two threads computing one at once is harmless.
    """

    def __init__(self, function: Callable[[Any], _T]) -> None:
        self.function = function
        self.name = function.__name__
        self.__doc__ = function.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, instance: None, owner: type | None = None) -> _Once[_T]: ...

    @overload
    def __get__(self, instance: object, owner: type | None = None) -> _T: ...

    def __get__(self, instance: object, owner: type | None = None) -> _T | _Once[_T]:
        if instance is None:
            return self
        # The instance attribute now shadows this (non-data) descriptor: later reads skip it.
        value = instance.__dict__[self.name] = self.function(instance)
        return value


class AnswerText:
    """An answer, analysed once. Properties are computed on first use and cached."""

    def __init__(self, raw: str) -> None:
        self.raw = raw
        self._derived: dict[Callable[[AnswerText], object], object] = {}

    def derived(self, compute: Callable[[AnswerText], _T]) -> _T:
        """``compute(self)``, worked out once per answer: for what several checks derive from it."""
        try:
            return self._derived[compute]  # type: ignore[return-value]  # stored by this method only
        except KeyError:
            value = self._derived[compute] = compute(self)
            return value

    @_Once
    def sentences(self) -> tuple[Sentence, ...]:
        return _analyse(_pieces(self.raw[:MAX_ANALYSED_CHARS]))

    @_Once
    def _distinct(self) -> tuple[Sentence, ...]:
        """The first sentence with each sequence of words (repeats are set aside)."""
        first: dict[tuple[str, ...], Sentence] = {}
        for sentence in self.sentences:
            first.setdefault(sentence.words, sentence)
        return tuple(first.values())

    @_Once
    def prose(self) -> tuple[Sentence, ...]:
        """Distinct sentences that read as sentences; checks look for evidence only here."""
        # Whether a sentence reads as prose depends on its words alone, so the first prose sentence
        # with some words is the first sentence with them.
        result = [sentence for sentence in self._distinct if sentence.is_prose]
        if len(result) < _TEMPLATE_REPEATS:
            return tuple(result)
        # Every sentence has an opening key; those with few content words have a skeleton key too.
        openings = [(sentence.words[:3], len(sentence.words) // 3) for sentence in result]
        skeletons = {
            position: _skeleton(sentence.words)
            for position, sentence in enumerate(result)
            if len(sentence.words) - sentence.function_words <= _TEMPLATE_CONTENT_WORDS
        }
        counts: Counter[object] = Counter(openings)
        counts.update(skeletons.values())
        if max(counts.values()) >= _TEMPLATE_REPEATS:
            result = [
                sentence
                for position, sentence in enumerate(result)
                if counts[openings[position]] < _TEMPLATE_REPEATS
                and (position not in skeletons or counts[skeletons[position]] < _TEMPLATE_REPEATS)
            ]
        return tuple(result)

    @_Once
    def masks(self) -> tuple[int, ...]:
        """The word-class mask of each prose sentence, by position in ``prose``."""
        return tuple(sentence.mask for sentence in self.prose)

    @_Once
    def prose_mask(self) -> int:
        """Every word class that occurs anywhere in the prose."""
        return reduce(or_, self.masks, 0)

    def window(self, position: int, span: int = 1) -> int:
        """The classes present in prose sentence ``position`` and the ``span`` sentences either side."""
        if span == 1:
            return self.windows[position]
        masks = self.masks
        mask = 0
        for neighbour in range(max(0, position - span), min(len(masks), position + span + 1)):
            mask |= masks[neighbour]
        return mask

    @_Once
    def windows(self) -> tuple[int, ...]:
        """``window(position)`` for every position, computed once: checks ask for it constantly."""
        masks = (0, *self.masks, 0)
        return tuple(map(or_, map(or_, masks[:-2], masks[1:-1]), masks[2:]))

    @_Once
    def word_count(self) -> int:
        return sum([len(sentence.words) for sentence in self.sentences])

    @_Once
    def prose_word_count(self) -> int:
        return sum([len(sentence.words) for sentence in self.prose])

    @_Once
    def distinct_word_count(self) -> int:
        """Words in the answer once repeated sentences are set aside."""
        return sum([len(sentence.words) for sentence in self._distinct])

    @_Once
    def prose_share(self) -> float:
        distinct = self.distinct_word_count
        return self.prose_word_count / distinct if distinct else 0.0


def excerpt(text: str, limit: int = 90) -> str:
    """A short quote of evidence: whole words, an ellipsis when cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"


def compile_terms(*terms: str) -> re.Pattern[str]:
    """A word-bounded, case-insensitive regex for phrases; ``*`` in a term matches a word ending.

    For short texts such as a question's prompt; answers are matched with ``lexicon.terms``.
    """
    parts = []
    for term in terms:
        escaped = re.escape(term.lower()).replace(r"\*", r"[a-z'’\-]*").replace(r"\ ", r"\s+")
        parts.append(escaped)
    return re.compile(r"(?<![a-z0-9])(?:" + "|".join(parts) + r")(?![a-z0-9])")
