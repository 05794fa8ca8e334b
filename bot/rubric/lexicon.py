"""Word classes, matched against an answer's tokens in one pass.

Checks ask questions like "does this sentence name a failure mode and who pays for it?". Running a
regular expression per word class per sentence is far too slow for thousands of answers a second,
so each class of words (``Terms``) owns one bit. Every token of an answer is classified once into a
bitmask of the classes it belongs to (memoised, since vocabularies repeat), multi-word phrases are
matched from their first word, and a sentence's mask is the union of its tokens' masks. A check
then tests bits, which costs next to nothing.

A term is a word (``refund``), a word prefix (``reconcil*`` matches reconcile, reconciliation) or a
phrase of such words (``at the cost of``, ``product manager*``). Terms are written the way they are
tokenised: lower case, hyphens and slashes separate words, so ``trade-off`` is the phrase
``trade off`` and also matches "trade off" written with a space.
"""

from __future__ import annotations

import string
from collections.abc import Iterable, Sequence
from functools import reduce
from itertools import pairwise
from operator import or_

# Bytes kept by the tokenizer; everything else becomes a separator. Apostrophes stay so that
# "don't" and "i'd" are single tokens; possessive "'s" is dropped so "merchant's" is "merchant".
_KEEP = (string.ascii_lowercase + string.digits + "'").encode()
_SEPARATORS = bytes(byte if byte in _KEEP else 0x20 for byte in range(256))

_HEAD_BIT = 1  # the token starts at least one registered phrase
NUMERIC_BIT = 2  # the token starts with a digit (the sentence may hold a quantity)
_RESERVED_BITS = 2
_MAX_CACHE = 100_000

Element = tuple[str, bool]  # (word, is_prefix)


def tokenize(text: str) -> list[str]:
    """Lower-case word tokens: letters and digits, inner apostrophes kept, possessives dropped."""
    folded = text.lower().replace("’", "'").replace("‘", "'")
    spaced = folded.encode("ascii", "replace").translate(_SEPARATORS).decode("ascii")
    spaced = f" {spaced} ".replace("'s ", " ").replace(" '", " ").replace("' ", " ")
    return spaced.split()


class Terms:
    """A class of words and phrases that checks look for; matching is a bit test."""

    __slots__ = ("bit", "name", "phrases", "prefixes", "words")

    def __init__(self, name: str, bit: int) -> None:
        self.name = name
        self.bit = bit
        self.words: set[str] = set()
        self.prefixes: set[str] = set()
        self.phrases: list[tuple[Element, ...]] = []

    def __repr__(self) -> str:
        return f"Terms({self.name!r})"

    def in_mask(self, mask: int) -> bool:
        return bool(mask & self.bit)


_EXACT: dict[str, int] = {}
_PREFIX: dict[str, int] = {}
_PREFIX_LENGTHS: list[int] = []
# Phrases are indexed by their first two or three words ("i decided", "at the cost") when those are
# exact, which most are: a sentence's word pairs and triples are intersected with the index in one
# set operation each, so common first words such as "i" or "we" cost nothing per occurrence. The
# few phrases with a prefix in second place ("product manager*") are indexed by their first word.
_BIGRAMS: dict[tuple[str, str], list[tuple[tuple[Element, ...], int]]] = {}
_TRIGRAMS: dict[tuple[str, str, str], list[tuple[tuple[Element, ...], int]]] = {}
_PREFIX_SECOND: dict[str, list[tuple[tuple[Element, ...], int]]] = {}
_PHRASE_HEADS: set[str] = set()
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


def terms(*patterns: str, name: str = "") -> Terms:
    """Register a class of terms. Call at import time: registering clears the token cache."""
    bit = 1 << (len(_ALL) + _RESERVED_BITS)
    group = Terms(name or patterns[0], bit)
    for pattern in patterns:
        elements = _elements(pattern)
        if len(elements) == 1:
            word, is_prefix = elements[0]
            if is_prefix:
                if len(word) < 2:
                    raise ValueError(f"prefix {pattern!r} is too short to be useful")
                group.prefixes.add(word)
                _PREFIX[word] = _PREFIX.get(word, 0) | bit
            else:
                group.words.add(word)
                _EXACT[word] = _EXACT.get(word, 0) | bit
            continue
        head, head_is_prefix = elements[0]
        if head_is_prefix:
            raise ValueError(f"phrase {pattern!r}: the first word cannot be a prefix")
        group.phrases.append(elements)
        second, second_is_prefix = elements[1]
        _PHRASE_HEADS.add(head)
        if second_is_prefix:
            _PREFIX_SECOND.setdefault(head, []).append((elements[1:], bit))
        elif len(elements) >= 3 and not elements[2][1]:
            _TRIGRAMS.setdefault((head, second, elements[2][0]), []).append((elements[3:], bit))
        else:
            _BIGRAMS.setdefault((head, second), []).append((elements[2:], bit))
    _PREFIX_LENGTHS[:] = sorted({len(prefix) for prefix in _PREFIX})
    _ALL.append(group)
    _TOKEN_MASKS.clear()
    return group


def clear_token_cache() -> None:
    """Forget every token's classes (they are recomputed on demand; results never depend on the cache)."""
    _TOKEN_MASKS.clear()


def _classify(token: str) -> int:
    mask = _EXACT.get(token, 0)
    size = len(token)
    for length in _PREFIX_LENGTHS:
        if length > size:
            break
        mask |= _PREFIX.get(token[:length], 0)
    if token in _PHRASE_HEADS:
        mask |= _HEAD_BIT
    if token[0].isdigit():
        mask |= NUMERIC_BIT
    if len(_TOKEN_MASKS) >= _MAX_CACHE:
        _TOKEN_MASKS.clear()
    _TOKEN_MASKS[token] = mask
    return mask


def _element_matches(element: Element, token: str) -> bool:
    word, is_prefix = element
    return token.startswith(word) if is_prefix else token == word


def _phrase_at(tokens: Sequence[str], start: int, rest: tuple[Element, ...]) -> bool:
    """Whether ``rest`` matches the tokens from ``start`` on."""
    if start + len(rest) > len(tokens):
        return False
    for offset, (word, is_prefix) in enumerate(rest):
        token = tokens[start + offset]
        if not (token.startswith(word) if is_prefix else token == word):
            return False
    return True


def token_masks(tokens: Sequence[str]) -> list[int]:
    masks: list[int | None] = list(map(_TOKEN_MASKS.get, tokens))
    if None in masks:
        return [_classify(token) if mask is None else mask for token, mask in zip(tokens, masks, strict=True)]
    return masks  # type: ignore[return-value]  # no None left


def _first_match(
    tokens: Sequence[str], grams: Sequence[tuple[str, ...]], gram: tuple[str, ...], rest: tuple[Element, ...]
) -> bool:
    start = len(gram)
    return any(candidate == gram and _phrase_at(tokens, index + start, rest) for index, candidate in enumerate(grams))


def sentence_mask(tokens: Sequence[str], masks: Sequence[int]) -> int:
    """Union of the classes of every token, plus the phrases found in the tokens."""
    mask = reduce(or_, masks, 0)
    if not mask & _HEAD_BIT or len(tokens) < 2:
        return mask
    found: list[tuple[tuple[str, ...], tuple[Element, ...], int]] = [
        (pair, rest, bit) for pair in _BIGRAMS.keys() & pairwise(tokens)
        for rest, bit in _BIGRAMS[pair]
    ]  # fmt: skip
    if len(tokens) >= 3:
        found += [
            (triple, rest, bit)
            for triple in _TRIGRAMS.keys() & zip(tokens, tokens[1:], tokens[2:], strict=False)
            for rest, bit in _TRIGRAMS[triple]
        ]
    for gram, rest, bit in found:
        if mask & bit:
            continue
        if not rest or _first_match(
            tokens, list(zip(*(tokens[i:] for i in range(len(gram))), strict=False)), gram, rest
        ):
            mask |= bit
    for head in _PREFIX_SECOND.keys() & set(tokens):
        for index, token in enumerate(tokens):
            if token != head:
                continue
            for rest, bit in _PREFIX_SECOND[head]:
                if not mask & bit and _phrase_at(tokens, index + 1, rest):
                    mask |= bit
    return mask & ~_HEAD_BIT


def found_terms(group: Terms, tokens: Sequence[str]) -> list[str]:
    """The words and phrases of ``group`` present in ``tokens``, in order of appearance (for reasons)."""
    seen: dict[str, None] = {}
    for index, token in enumerate(tokens):
        for phrase in group.phrases:
            if _element_matches(phrase[0], token) and _phrase_at(tokens, index + 1, phrase[1:]):
                seen.setdefault(" ".join(tokens[index : index + len(phrase)]), None)
        if token in group.words or token.startswith(tuple(group.prefixes)):
            seen.setdefault(token, None)
    return list(seen)


def union(groups: Iterable[Terms]) -> int:
    """One mask covering several classes: ``mask & union(...)`` tests for any of them."""
    bits = 0
    for group in groups:
        bits |= group.bit
    return bits
