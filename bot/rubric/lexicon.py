"""Word classes, matched against an answer's tokens in one pass.

Checks ask questions like "does this sentence name a failure mode and who pays for it?". Running a
regular expression per word class per sentence is far too slow for thousands of answers a second,
so each class of words (``Terms``) owns one bit:

- every token is classified once into a bitmask of the single-word classes it belongs to (memoised,
  since vocabularies repeat: a new answer mostly reuses words seen before);
- multi-word phrases are found per sentence: its word pairs are intersected with an index of phrase
  keys (a C-level set operation) and only the phrases under a matched key are confirmed, by a
  substring test on the sentence's tokens joined with spaces;
- a sentence's mask is the union of its tokens' masks and the phrases found in it.

A check then tests bits, which costs next to nothing.

A term is a word (``refund``), a word family (``reconcil*``) or a phrase of such words (``at the cost
of``, ``product manager*``). Words are matched on lemmas (see ``lemmas``): a term written "escalate"
matches "escalated" and "escalating", and a phrase "roll back" matches "rolled back". A family stem
matches words that continue it with an ordinary English ending only (``reconcil*``: reconcile,
reconciled, reconciliation; ``fee*``: fees, but never feel, feed or feedback); every family's matches
in the dictionary are listed in ``tests/rubric/term_audit.txt`` and reviewed. Terms are tokenised
exactly like answer text: lower case, hyphens and slashes separate words, so ``trade-off`` is the
phrase ``trade off`` and also matches "trade off" written with a space.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Sequence
from functools import reduce
from itertools import pairwise
from operator import or_

from bot.rubric.lemmas import Lemmatizer, dictionary_lemma, is_own_lemma

# Bytes kept by the tokenizer; everything else becomes a separator. Apostrophes stay so that
# "don't" and "i'd" are single tokens; possessive "'s" is dropped so "merchant's" is "merchant".
_KEEP = (string.ascii_lowercase + string.digits + "'").encode()
_SEPARATORS = bytes(byte if byte in _KEEP else 0x20 for byte in range(256))

PHRASE_HEAD_BIT = 1  # the token keys a phrase that has no exact word pair (see _SINGLES)
NUMERIC_BIT = 2  # the token starts with a digit (the sentence may hold a quantity)
_RESERVED = PHRASE_HEAD_BIT | NUMERIC_BIT
_RESERVED_BITS = 2
_MAX_CACHE = 100_000
# Placed between sentences when a whole answer is tokenized at once; the tokenizer never produces it.
BOUNDARY = "\x00"

Element = tuple[str, bool]  # (word, is_prefix)


def tokenize(text: str) -> list[str]:
    """Lower-case word tokens: letters and digits, inner apostrophes kept, possessives dropped."""
    folded = text.lower().replace("’", "'").replace("‘", "'")
    spaced = folded.encode("ascii", "replace").translate(_SEPARATORS).decode("ascii")
    spaced = f" {spaced} ".replace("'s ", " ").replace(" '", " ").replace("' ", " ")
    return spaced.split()


# The same table, but BOUNDARY passes through so that many texts can be tokenized as one.
_SEPARATORS_BUT_BOUNDARY = bytes(byte if byte in _KEEP or byte == ord(BOUNDARY) else 0x20 for byte in range(256))


def tokenize_each(lowered: Sequence[str]) -> list[tuple[str, ...]]:
    """``tokenize`` of each lower-cased text, in one pass over them all: a few C calls, not a few per text.

    The texts are joined by BOUNDARY between spaces, so no rule of the tokenizer (possessives,
    quotes) can act across two texts. Lower-casing is idempotent, so it is not done again.
    """
    joined = f" {BOUNDARY} ".join(lowered)
    if joined.count(BOUNDARY) != len(lowered) - 1:  # a text holds BOUNDARY itself (or there are none)
        return [tuple(tokenize(text)) for text in lowered]
    folded = joined.replace("’", "'").replace("‘", "'")
    spaced = folded.encode("ascii", "replace").translate(_SEPARATORS_BUT_BOUNDARY).decode("ascii")
    if "'" in spaced:
        spaced = f" {spaced} ".replace("'s ", " ").replace(" '", " ").replace("' ", " ")
    return [tuple(text.split()) for text in spaced.split(BOUNDARY)]


class Terms:
    """A class of words and phrases that checks look for; matching is a bit test."""

    __slots__ = ("bit", "heads", "name")

    def __init__(self, name: str, bit: int) -> None:
        self.name = name
        self.bit = bit
        # Phrases by first word, for ``found_terms``; words and prefixes are matched by the token index.
        self.heads: dict[str, list[tuple[Element, ...]]] = {}

    def __repr__(self) -> str:
        return f"Terms({self.name!r})"


_EXACT: dict[str, int] = {}
_PREFIX: dict[str, int] = {}
_PREFIX_LENGTHS: list[int] = []
# Phrases are found from a key: one pair of adjacent exact words in the phrase, the least common
# pair available ("cost of" in "at the cost of"). Phrases with no exact adjacent pair
# ("product manager*") are keyed on one exact word, and tokens that are such a key carry
# PHRASE_HEAD_BIT in their cached mask.
# Key -> bit -> (where the key starts in the phrase, the phrase).
_PHRASES_BY_KEY: dict[tuple[str, ...], dict[int, list[tuple[int, tuple[Element, ...]]]]] = {}
# A found key is confirmed against the sentence's tokens joined by single spaces and padded with
# one each side (" w1 w2 … "), where a run of tokens is a substring bounded by spaces. A key's index
# entry is:
# - the bits of phrases that are exactly the key, so need no confirmation ("rather than");
# - the bits of the other phrases, and a regex matching any of them: most sentences with a key
#   hold none of its longer phrases, and one search rules them all out;
# - per bit, what must be in the sentence: the padded phrase (" at the cost of ") or a regex of all
#   that bit's phrases under the key.
# The regexes start with the key (" cost of(?<= at the cost of) "): every alternative then shares it,
# the regex engine scans for it as one literal, and a search costs about as much as a substring test.
_Confirm = str | re.Pattern[str]
_Index = tuple[int, int, _Confirm | None, tuple[tuple[_Confirm, int], ...]]
_PAIRS: dict[tuple[str, str], _Index] = {}
_SINGLES: dict[str, _Index] = {}
# Words too common to key a phrase when the phrase offers any other choice.
_COMMON = frozenset(
    """a an the and or but if so to of in on at by for with from as is are was were be it its this that
    these those we i you they he she our my your their not no do did does i'd we'd i'll we'll would will
    can could should what who how why when where which than then there here all any each more most""".split()
)
# Words that carry grammar. Real sentences have plenty; a list of buzzwords has almost none.
FUNCTION_WORDS = frozenset(
    """a an the and or but if when while because so that this these those to of in on at by for with
    from into than then it its we i our my you they their them he she was were is are be been being
    had has have do did does would will could should can may might must not no which who what how why
    where as after before until about over under up down out off also just only even still all any
    each every more most less least some such both either neither once again very too us me his her
    i'd i'll i'm i've we'd we'll we're we've you'd they'd they're don't didn't doesn't won't wouldn't
    can't couldn't isn't aren't wasn't weren't hadn't haven't hasn't shouldn't there here""".split()
)
# What may follow a family stem: inflections and the common derivational endings, nothing else, so
# a stem never swallows an unrelated word that happens to start with it.
FAMILY_ENDINGS = frozenset(
    """ s es e ed d ing er ers or ors ee ees ion ions ation ations iation iations ition itions al als ally ly
    ment ments ity ities ive ives ively ize izes ized izing ization izations ise ises ised ising isation
    isations se ses sed sing ze zes zed zing sation zation able ably ability ence ences ency encies ent ents
    ant ants ance ances y ies ied ful ure ures ured uring ic ics ical ness ist ists ism ory ories ate ates
    ated ating ator ators ility ilities ous ings fully ables""".split()
) | {""}
# Consonant doubling before an ending: "ship*" matches shipped, shipping.
_DOUBLED_ENDINGS = frozenset({"ed", "ing", "er", "ers"})


# An inflection ending only counts when the word really is an inflection: "feed" is a word of its
# own, not "fee" with a past-tense ending, and the dictionary says so (its lemma is itself).
_INFLECTIONS = frozenset({"s", "es", "d", "ed", "ing", "ies", "ied"})


def family_match(stem: str, word: str) -> bool:
    """Whether ``word`` is ``stem`` continued by an ordinary ending."""
    if not word.startswith(stem):
        return False
    rest = word[len(stem) :]
    if stem.isdigit():  # "in 20*": a year
        return rest.isdigit()
    if rest in _INFLECTIONS or (len(rest) > 2 and rest[0] == stem[-1] and rest[1:] in _DOUBLED_ENDINGS):
        return not is_own_lemma(word)
    return rest in FAMILY_ENDINGS


def _keeps_form(token: str) -> bool:
    return token in FUNCTION_WORDS or "'" in token


def _vocabulary() -> set[str]:
    return set(_EXACT) | {word for key in _PHRASES_BY_KEY for word in key}


lemma = Lemmatizer(keep=_keeps_form, vocabulary=_vocabulary)

_TOKEN_MASKS: dict[str, int] = {}
# Beside each token's classes, two small counters: 1 for a function word plus 1 << _COUNTER_BITS
# for "and" or "or". Summed over a sentence (small ints: a C-level loop) they count its function
# words and conjunctions in one pass, where counting each kind apart took a pass each.
_TOKEN_COUNTS: dict[str, int] = {}
_COUNTER_BITS = 8
_COUNTER_MAX = (1 << _COUNTER_BITS) - 1
_ALL: list[Terms] = []


def _term_lemma(word: str) -> str:
    return word if _keeps_form(word) else dictionary_lemma(word)


def _elements(term: str) -> tuple[Element, ...]:
    """A term as the tokens it will be compared with: tokenized exactly like answer text."""
    elements: list[Element] = []
    for raw in term.split():
        is_prefix = raw.endswith("*")
        words = tokenize(raw.rstrip("*"))
        if not words:
            raise ValueError(f"term {term!r}: {raw!r} holds no word")
        elements.extend((_term_lemma(word), False) for word in words[:-1])
        elements.append((words[-1], True) if is_prefix else (_term_lemma(words[-1]), False))
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


_ENDINGS_PATTERN = "(?:" + "|".join(sorted((re.escape(e) for e in FAMILY_ENDINGS if e), key=len, reverse=True)) + ")?"


def _element_pattern(element: Element) -> str:
    return " " + re.escape(element[0]) + (_ENDINGS_PATTERN if element[1] else "")


def _key_first(offset: int, size: int, phrase: tuple[Element, ...]) -> str:
    """A regex for ``phrase`` that starts with its key, at ``offset``, and looks behind for what precedes it."""
    key = "".join(_element_pattern(element) for element in phrase[offset : offset + size])
    after = "".join(_element_pattern(element) for element in phrase[offset + size :])
    before = phrase[:offset]
    if any(is_prefix for _, is_prefix in before):  # no fixed width to look behind for: start with the phrase
        return "".join(_element_pattern(element) for element in phrase) + " "
    if before:
        key += f"(?<={''.join(_element_pattern(element) for element in phrase[: offset + size])})"
    return f"{key}{after} "


def _confirmation(size: int, phrases: list[tuple[int, tuple[Element, ...]]]) -> _Confirm:
    """What a sentence's padded token string must contain for any of ``phrases`` to be in it."""
    if len(phrases) == 1 and not any(is_prefix for _, is_prefix in phrases[0][1]):
        return f" {' '.join(word for word, _ in phrases[0][1])} "
    return re.compile("|".join(_key_first(offset, size, phrase) for offset, phrase in phrases))


def _index_key(key: tuple[str, ...]) -> _Index:
    whole = others = 0
    confirms = []
    phrases_by_bit = _PHRASES_BY_KEY[key]
    size = len(key)
    for bit, phrases in phrases_by_bit.items():
        if any(phrase == tuple((word, False) for word in key) for _, phrase in phrases):
            whole |= bit  # the key itself is one of the phrases: the others add nothing
        else:
            others |= bit
            confirms.append((_confirmation(size, phrases), bit))
    if len(confirms) < 2:
        return whole, others, None, tuple(confirms)
    # Distinct phrases only: the same phrase often belongs to several classes ("support ticket*").
    distinct = dict.fromkeys(p for bit, phrases in phrases_by_bit.items() if bit & others for p in phrases)
    return whole, others, _confirmation(size, list(distinct)), tuple(confirms)


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
                _PREFIX[word] = _PREFIX.get(word, 0) | bit
            else:
                _EXACT[word] = _EXACT.get(word, 0) | bit
            continue
        if elements[0][1]:
            raise ValueError(f"phrase {pattern!r}: the first word cannot be a prefix")
        group.heads.setdefault(elements[0][0], []).append(elements)
        offset, size = _key(elements)
        key = tuple(word for word, _ in elements[offset : offset + size])
        _PHRASES_BY_KEY.setdefault(key, {}).setdefault(bit, []).append((offset, elements))
        if size == 2:
            _PAIRS[key[0], key[1]] = _index_key(key)
        else:
            _SINGLES[key[0]] = _index_key(key)
    _PREFIX_LENGTHS[:] = sorted({len(prefix) for prefix in _PREFIX})
    _ALL.append(group)
    lemma.invalidate()
    _TOKEN_MASKS.clear()
    return group


def clear_token_cache() -> None:
    """Forget every token's classes (they are recomputed on demand; results never depend on the cache)."""
    _TOKEN_MASKS.clear()
    _TOKEN_COUNTS.clear()


def _classify(token: str) -> int:
    lemma_of = lemma(token)
    mask = _EXACT.get(token, 0) | _EXACT.get(lemma_of, 0)
    for form in {token, lemma_of}:
        size = len(form)
        for length in _PREFIX_LENGTHS:
            if length > size:
                break
            stem = form[:length]
            bits = _PREFIX.get(stem)
            if bits and family_match(stem, form):
                mask |= bits
    if lemma_of in _SINGLES or token in _SINGLES:
        mask |= PHRASE_HEAD_BIT
    if token[:1].isdigit():
        mask |= NUMERIC_BIT
    if len(_TOKEN_MASKS) >= _MAX_CACHE:
        _TOKEN_MASKS.clear()
        _TOKEN_COUNTS.clear()
    _TOKEN_MASKS[token] = mask
    _TOKEN_COUNTS[token] = (token in FUNCTION_WORDS) + ((token in ("and", "or")) << _COUNTER_BITS)
    return mask


def token_masks(tokens: Sequence[str]) -> list[int]:
    """The single-word classes of each token (plus the reserved bookkeeping bits)."""
    masks: list[int | None] = list(map(_TOKEN_MASKS.get, tokens))
    if None in masks:
        return [_classify(token) if mask is None else mask for token, mask in zip(tokens, masks, strict=True)]
    return masks  # type: ignore[return-value]  # no None left


def _element_matches(element: Element, token: str) -> bool:
    word, is_family = element
    if is_family:
        return family_match(word, token) or family_match(word, lemma(token))
    return token == word or lemma(token) == word


def _phrase_at(tokens: Sequence[str], start: int, rest: tuple[Element, ...]) -> bool:
    """Whether ``rest`` matches the tokens from ``start`` on."""
    if start + len(rest) > len(tokens):
        return False
    return all(_element_matches(element, tokens[start + offset]) for offset, element in enumerate(rest))


def _confirm(index: _Index, padded: str, mask: int) -> int:
    """``mask`` with the bits of the phrases under one found key that the sentence ``padded`` holds."""
    _, _, any_phrase, confirms = index
    if any_phrase is not None and not (
        any_phrase in padded if isinstance(any_phrase, str) else any_phrase.search(padded)
    ):
        return mask
    for confirm, bit in confirms:
        if mask & bit:
            continue  # the class is already present: no need to look for more of its phrases
        if confirm in padded if isinstance(confirm, str) else confirm.search(padded):
            mask |= bit
    return mask


def sentence_classes(words: tuple[str, ...]) -> tuple[int, int, int]:
    """One sentence's classes (words, prefixes and phrases, with the reserved bits), function words and conjunctions."""
    try:  # most tokens belong to no class: leave their zeros out of the union
        mask: int = reduce(or_, filter(None, map(_TOKEN_MASKS.__getitem__, words)), 0)
        counts: int = sum(map(_TOKEN_COUNTS.__getitem__, words))
    except KeyError:  # a token not seen before: classify the missing ones
        mask = reduce(or_, token_masks(words), 0)
        counts = sum(map(_TOKEN_COUNTS.__getitem__, words))
    lemmas = tuple(map(lemma, words))
    padded = ""  # the sentence's lemmas as _confirm needs them, built when a key needs confirming
    for pair in _PAIRS.keys() & pairwise(lemmas):
        index = _PAIRS[pair]
        mask |= index[0]
        if mask & index[1] != index[1]:  # the longer phrases could add a class
            padded = padded or f" {' '.join(lemmas)} "
            mask = _confirm(index, padded, mask)
    if mask & PHRASE_HEAD_BIT:
        for head in _SINGLES.keys() & lemmas:
            index = _SINGLES[head]
            if mask & index[1] != index[1]:
                padded = padded or f" {' '.join(lemmas)} "
                mask = _confirm(index, padded, mask)
    if len(words) > _COUNTER_MAX:  # the function-word counter may have carried into the other one
        return mask, sum(map(FUNCTION_WORDS.__contains__, words)), words.count("and") + words.count("or")
    return mask, counts & _COUNTER_MAX, counts >> _COUNTER_BITS


def strip_reserved(mask: int) -> int:
    """A mask with only word-class bits: the bookkeeping bits for phrases and digits removed."""
    return mask & ~_RESERVED


def found_terms(group: Terms, tokens: Sequence[str]) -> list[str]:
    """The words and phrases of ``group`` present in ``tokens``, in order of appearance (for reasons)."""
    bit = group.bit
    masks = token_masks(tokens)
    heads = group.heads
    if not heads or heads.keys().isdisjoint(map(lemma, tokens)):  # no phrase of the group can start here
        return list(dict.fromkeys([token for token, mask in zip(tokens, masks, strict=True) if mask & bit]))
    seen: dict[str, None] = {}
    for index, (token, mask) in enumerate(zip(tokens, masks, strict=True)):
        for phrase in heads.get(lemma(token), ()):
            if _phrase_at(tokens, index + 1, phrase[1:]):
                seen.setdefault(" ".join(tokens[index : index + len(phrase)]), None)
        if mask & bit:
            seen.setdefault(token, None)
    return list(seen)


def union(groups: Iterable[Terms]) -> int:
    """One mask covering several classes: ``mask & union(...)`` tests for any of them."""
    return reduce(or_, (group.bit for group in groups), 0)


def family_stems() -> set[str]:
    """Every family stem registered, alone or inside a phrase (for the term audit)."""
    stems = set(_PREFIX)
    for by_bit in _PHRASES_BY_KEY.values():
        for phrases in by_bit.values():
            stems.update(word for _, phrase in phrases for word, is_family in phrase if is_family)
    return stems
