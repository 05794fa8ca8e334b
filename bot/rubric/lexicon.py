"""Word classes, matched against an answer's tokens in one pass.

Checks ask questions like "does this sentence name a failure mode and who pays for it?". Running a
regular expression per word class per sentence is far too slow for thousands of answers a second,
so each class of words (``Terms``) owns one bit:

- every token is classified once into a bitmask of the single-word classes it belongs to (memoised,
  since vocabularies repeat: a new answer mostly reuses words seen before);
- multi-word phrases are found in one sweep over the whole answer: its word pairs are intersected
  with an index of phrase keys (a C-level set operation) and only the matches are verified;
- a sentence's mask is the union of its tokens' masks and the phrases found in it.

A check then tests bits, which costs next to nothing.

A term is a word (``refund``), a word prefix (``reconcil*`` matches reconcile, reconciliation) or a
phrase of such words (``at the cost of``, ``product manager*``). Terms are tokenised exactly like
answer text: lower case, hyphens and slashes separate words, so ``trade-off`` is the phrase
``trade off`` and also matches "trade off" written with a space.
"""

from __future__ import annotations

import string
from collections.abc import Iterable, Sequence
from functools import lru_cache, reduce
from itertools import pairwise
from operator import or_

# Bytes kept by the tokenizer; everything else becomes a separator. Apostrophes stay so that
# "don't" and "i'd" are single tokens; possessive "'s" is dropped so "merchant's" is "merchant".
_KEEP = (string.ascii_lowercase + string.digits + "'").encode()
_SEPARATORS = bytes(byte if byte in _KEEP else 0x20 for byte in range(256))

PHRASE_HEAD_BIT = 1  # the token keys a phrase that has no exact word pair (see _SINGLES)
NUMERIC_BIT = 2  # the token starts with a digit (the sentence may hold a quantity)
_RESERVED = PHRASE_HEAD_BIT | NUMERIC_BIT
_RESERVED_BITS = 2
_MAX_CACHE = 100_000
# Placed between sentences when phrases are matched over a whole answer; the tokenizer never
# produces it, so no phrase can span two sentences.
BOUNDARY = "\x00"

Element = tuple[str, bool]  # (word, is_prefix)


def tokenize(text: str) -> list[str]:
    """Lower-case word tokens: letters and digits, inner apostrophes kept, possessives dropped."""
    folded = text.lower().replace("’", "'").replace("‘", "'")
    spaced = folded.encode("ascii", "replace").translate(_SEPARATORS).decode("ascii")
    spaced = f" {spaced} ".replace("'s ", " ").replace(" '", " ").replace("' ", " ")
    return spaced.split()


class Terms:
    """A class of words and phrases that checks look for; matching is a bit test."""

    __slots__ = ("bit", "heads", "name", "phrases", "prefixes", "words")

    def __init__(self, name: str, bit: int) -> None:
        self.name = name
        self.bit = bit
        self.words: set[str] = set()
        self.prefixes: tuple[str, ...] = ()
        self.phrases: list[tuple[Element, ...]] = []
        self.heads: dict[str, list[tuple[Element, ...]]] = {}  # phrases by first word

    def __repr__(self) -> str:
        return f"Terms({self.name!r})"


_EXACT: dict[str, int] = {}
_PREFIX: dict[str, int] = {}
_PREFIX_LENGTHS: list[int] = []
# Phrases are found from a key: one pair of adjacent exact words in the phrase, the least common
# pair available ("cost of" in "at the cost of"). Phrases with no exact adjacent pair
# ("product manager*") are keyed on one exact word, and tokens that are such a key carry
# PHRASE_HEAD_BIT in their cached mask.
# An entry is (offset of the key in the phrase, the phrase, its words when none is a prefix, bit);
# a phrase that is exactly its key pair needs no check at all ("rather than").
_Entry = tuple[int, tuple[Element, ...], tuple[str, ...] | None, int]
_PAIRS: dict[tuple[str, str], list[_Entry]] = {}
_WHOLE = -1  # offset marking an entry whose phrase is its key pair
# Single-word keys are refined by the first two letters of the word after them ("support ticket*"
# is found under ("support", "ti")), so a common key word costs one lookup, not one check per phrase.
_SINGLES: dict[str, dict[str, list[_Entry]]] = {}
# Words too common to key a phrase when the phrase offers any other choice.
_COMMON = frozenset(
    """a an the and or but if so to of in on at by for with from as is are was were be it its this that
    these those we i you they he she our my your their not no do did does i'd we'd i'll we'll would will
    can could should what who how why when where which than then there here all any each more most""".split()
)
_TOKEN_MASKS: dict[str, int] = {}
_ALL: list[Terms] = []


def _elements(term: str) -> tuple[Element, ...]:
    """A term as the tokens it will be compared with: tokenized exactly like answer text."""
    elements: list[Element] = []
    for raw in term.split():
        is_prefix = raw.endswith("*")
        words = tokenize(raw.rstrip("*"))
        if not words:
            raise ValueError(f"term {term!r}: {raw!r} holds no word")
        elements.extend((word, False) for word in words[:-1])
        elements.append((words[-1], is_prefix))
    if not elements:
        raise ValueError("empty term")
    return tuple(elements)


def _key(elements: tuple[Element, ...]) -> tuple[int, int]:
    """Where a phrase's key starts, and whether it is a word pair (2) or a single exact word (1)."""
    pairs = [
        (elements[i][0] not in _COMMON, elements[i + 1][0] not in _COMMON, -i)
        for i in range(len(elements) - 1)
        if not elements[i][1] and not elements[i + 1][1]
    ]
    if pairs:
        return -max(pairs)[2], 2
    singles = [(word not in _COMMON, len(word), -i) for i, (word, is_prefix) in enumerate(elements) if not is_prefix]
    if not singles:
        raise ValueError(f"phrase {' '.join(word for word, _ in elements)!r} needs one word without a *")
    return -max(singles)[2], 1


def terms(*patterns: str, name: str = "") -> Terms:
    """Register a class of terms. Call at import time: registering clears the token cache."""
    bit = 1 << (len(_ALL) + _RESERVED_BITS)
    group = Terms(name or patterns[0], bit)
    prefixes: list[str] = []
    for pattern in patterns:
        elements = _elements(pattern)
        if len(elements) == 1:
            word, is_prefix = elements[0]
            if is_prefix:
                if len(word) < 2:
                    raise ValueError(f"prefix {pattern!r} is too short to be useful")
                prefixes.append(word)
                _PREFIX[word] = _PREFIX.get(word, 0) | bit
            else:
                group.words.add(word)
                _EXACT[word] = _EXACT.get(word, 0) | bit
            continue
        if elements[0][1]:
            raise ValueError(f"phrase {pattern!r}: the first word cannot be a prefix")
        group.phrases.append(elements)
        group.heads.setdefault(elements[0][0], []).append(elements)
        offset, size = _key(elements)
        plain = None if any(is_prefix for _, is_prefix in elements) else tuple(word for word, _ in elements)
        key_word = elements[offset][0]
        if size == 2:
            whole = plain is not None and len(plain) == 2
            entry = (_WHOLE if whole else offset, elements, plain, bit)
            _PAIRS.setdefault((key_word, elements[offset + 1][0]), []).append(entry)
        else:
            after = elements[offset + 1][0][:2] if offset + 1 < len(elements) else ""
            _SINGLES.setdefault(key_word, {}).setdefault(after, []).append((offset, elements, plain, bit))
    group.prefixes = tuple(prefixes)
    _PREFIX_LENGTHS[:] = sorted({len(prefix) for prefix in _PREFIX})
    _ALL.append(group)
    _TOKEN_MASKS.clear()
    _found_terms.cache_clear()
    return group


def clear_token_cache() -> None:
    """Forget every token's classes (they are recomputed on demand; results never depend on the cache)."""
    _TOKEN_MASKS.clear()
    _found_terms.cache_clear()


def _classify(token: str) -> int:
    mask = _EXACT.get(token, 0)
    size = len(token)
    for length in _PREFIX_LENGTHS:
        if length > size:
            break
        mask |= _PREFIX.get(token[:length], 0)
    if token in _SINGLES:
        mask |= PHRASE_HEAD_BIT
    if token[:1].isdigit():
        mask |= NUMERIC_BIT
    if len(_TOKEN_MASKS) >= _MAX_CACHE:
        _TOKEN_MASKS.clear()
    _TOKEN_MASKS[token] = mask
    return mask


def token_masks(tokens: Sequence[str]) -> list[int]:
    """The single-word classes of each token (plus the reserved bookkeeping bits)."""
    masks: list[int | None] = list(map(_TOKEN_MASKS.get, tokens))
    if None in masks:
        return [_classify(token) if mask is None else mask for token, mask in zip(tokens, masks, strict=True)]
    return masks  # type: ignore[return-value]  # no None left


def _phrase_at(tokens: Sequence[str], start: int, rest: tuple[Element, ...]) -> bool:
    """Whether ``rest`` matches the tokens from ``start`` on."""
    if start + len(rest) > len(tokens):
        return False
    for offset, (word, is_prefix) in enumerate(rest):
        token = tokens[start + offset]
        if not (token.startswith(word) if is_prefix else token == word):
            return False
    return True


def _check(tokens: Sequence[str], index: int, entries: list[_Entry], hits: list[tuple[int, int]]) -> None:
    """Add the entries whose phrase matches around the key found at ``index``."""
    for offset, elements, plain, bit in entries:
        if offset == _WHOLE:
            hits.append((index, bit))
            continue
        start = index - offset
        if start < 0:
            continue
        if plain is not None:  # compare slices in C when the phrase has no prefixes
            if tuple(tokens[start : start + len(plain)]) == plain:
                hits.append((start, bit))
        elif _phrase_at(tokens, start, elements):
            hits.append((start, bit))


def phrase_hits(tokens: Sequence[str], masks: Sequence[int] | None = None) -> list[tuple[int, int]]:
    """``(start, bit)`` for every registered phrase found in ``tokens``.

    ``tokens`` may hold many sentences separated by ``BOUNDARY``, which no phrase can match across.
    """
    hits: list[tuple[int, int]] = []
    pairs = list(pairwise(tokens))
    matched = _PAIRS.keys() & pairs
    if matched:
        for index in [index for index, pair in enumerate(pairs) if pair in matched]:
            _check(tokens, index, _PAIRS[pairs[index]], hits)
    if masks is None:
        masks = token_masks(tokens)
    if reduce(or_, masks, 0) & PHRASE_HEAD_BIT:
        last = len(tokens) - 1
        for index in [index for index, mask in enumerate(masks) if mask & PHRASE_HEAD_BIT]:
            by_next = _SINGLES[tokens[index]]
            entries = by_next.get(tokens[index + 1][:2] if index < last else "")
            if entries:
                _check(tokens, index, entries, hits)
            entries = by_next.get("") if index < last else None
            if entries:
                _check(tokens, index, entries, hits)
    return hits


def strip_reserved(mask: int) -> int:
    """A mask with only word-class bits: the bookkeeping bits for phrases and digits removed."""
    return mask & ~_RESERVED


def found_terms(group: Terms, tokens: Sequence[str]) -> list[str]:
    """The words and phrases of ``group`` present in ``tokens``, in order of appearance (for reasons)."""
    return list(_found_terms(group, tuple(tokens)))


@lru_cache(maxsize=4096)
def _found_terms(group: Terms, tokens: tuple[str, ...]) -> tuple[str, ...]:
    # Memoised: several checks ask about the same sentence (metric names for a choice and for a list).
    seen: dict[str, None] = {}
    bit = group.bit
    heads = group.heads
    for index, (token, mask) in enumerate(zip(tokens, token_masks(tokens), strict=True)):
        for phrase in heads.get(token, ()):
            if _phrase_at(tokens, index + 1, phrase[1:]):
                seen.setdefault(" ".join(tokens[index : index + len(phrase)]), None)
        if mask & bit:
            seen.setdefault(token, None)
    return tuple(seen)


def union(groups: Iterable[Terms]) -> int:
    """One mask covering several classes: ``mask & union(...)`` tests for any of them."""
    return reduce(or_, (group.bit for group in groups), 0)
