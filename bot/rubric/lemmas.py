"""The dictionary form of a word, so that a term written once matches its inflections.

Rubric terms are written as lemmas ("escalate", "fee") and answers are read as lemmas, so "escalated"
and "escalating" match "escalate" while "feel" and "feedback" never match "fee". Lemmas come from
simplemma's English dictionary (pure Python, no model), with three adjustments:

- words that carry grammar (negations, modals, pronouns, "i'd") keep their own form: "don't" must
  never become "do", or a negation would read as its opposite;
- comparatives keep their form ("better" is not "good", "fewer" is not "few");
- a word the dictionary does not know (domain words such as "webhooks", or a typo) loses a plain
  plural or verb ending when what is left is a word the rubric knows, and a typo one edit away from
  a rubric word is read as that word ("escalted" as "escalate"), so hurried typing still counts.
"""

from __future__ import annotations

from collections.abc import Callable, Collection

import simplemma

_LANGUAGE = "en"
# Forms kept as written: their lemma would change what the sentence says.
_KEEP_FORM = frozenset(
    """better best worse worst fewer fewest less least more most further furthest later latest earlier earliest
    lower lowest higher highest bigger biggest smaller smallest faster fastest slower slowest cheaper cheapest
    data media criteria left saw""".split()
)
_PLAIN_ENDINGS = ("ies", "es", "s", "ed", "ing", "d")
_MIN_TYPO_LENGTH = 6  # shorter words are too often a different real word one edit away

_CACHE: dict[str, str] = {}
_MAX_CACHE = 200_000


def dictionary_lemma(word: str) -> str:
    """The dictionary's lemma of a lower-case word (the word itself when the dictionary lacks it)."""
    return simplemma.lemmatize(word, lang=_LANGUAGE).lower()


def is_own_lemma(word: str) -> bool:
    """Whether the dictionary knows ``word`` as a word in its own right (its lemma is itself)."""
    return _known(word) and dictionary_lemma(word) == word


def _known(word: str) -> bool:
    return bool(simplemma.is_known(word, lang=_LANGUAGE))


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


class TypoIndex:
    """Words of the rubric's vocabulary, found from a form one edit away (deletion, insertion,
    substitution or a swap of neighbours), by the symmetric-deletion method: every word is stored
    under itself and each of its one-letter deletions, and a form looks itself and its deletions up."""

    def __init__(self, words: Collection[str]) -> None:
        self._by_key: dict[str, set[str]] = {}
        for word in words:
            if len(word) >= _MIN_TYPO_LENGTH - 1:
                for key in {word, *_deletions(word)}:
                    self._by_key.setdefault(key, set()).add(word)

    def nearest(self, form: str) -> str | None:
        candidates: set[str] = set()
        for key in {form, *_deletions(form)}:
            candidates |= self._by_key.get(key, set())
        close = sorted(word for word in candidates if _one_edit(form, word))
        return close[0] if len(close) == 1 else None


def _one_edit(a: str, b: str) -> bool:
    if a == b:
        return False
    if len(a) == len(b):
        diffs = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diffs) == 1:
            return True
        return (
            len(diffs) == 2 and diffs[1] == diffs[0] + 1 and a[diffs[0]] == b[diffs[1]] and a[diffs[1]] == b[diffs[0]]
        )
    if abs(len(a) - len(b)) != 1:
        return False
    shorter, longer = (a, b) if len(a) < len(b) else (b, a)
    return any(longer[:i] + longer[i + 1 :] == shorter for i in range(len(longer)))


class Lemmatizer:
    """Lemmas of answer tokens, with the rubric's own vocabulary as the fallback for unknown words."""

    def __init__(self, keep: Callable[[str], bool], vocabulary: Callable[[], Collection[str]]) -> None:
        self._keep = keep
        self._source = vocabulary
        self._known_words: frozenset[str] | None = None
        self._typos: TypoIndex | None = None

    def invalidate(self) -> None:
        """The rubric's vocabulary changed: forget what was derived from it."""
        self._known_words = None
        self._typos = None
        _CACHE.clear()

    @property
    def _vocabulary(self) -> frozenset[str]:
        if self._known_words is None:
            self._known_words = frozenset(self._source())
        return self._known_words

    def __call__(self, token: str) -> str:
        cached = _CACHE.get(token)
        if cached is not None:
            return cached
        result = self._resolve(token)
        if len(_CACHE) >= _MAX_CACHE:
            _CACHE.clear()
        _CACHE[token] = result
        return result

    def _resolve(self, token: str) -> str:
        if self._keep(token) or token in _KEEP_FORM or not token.isalpha():
            return token
        if _known(token):
            return dictionary_lemma(token)
        vocabulary = self._vocabulary
        if token in vocabulary:
            return token
        for ending in _PLAIN_ENDINGS:
            if token.endswith(ending) and len(token) > len(ending) + 2:
                stem = token[: -len(ending)]
                for candidate in (stem, stem + "e", stem[:-1] if stem[-1:] == stem[-2:-1] else "", stem + "y"):
                    if candidate and candidate in vocabulary:
                        return candidate
        if len(token) >= _MIN_TYPO_LENGTH:
            if self._typos is None:
                self._typos = TypoIndex(vocabulary)
            near = self._typos.nearest(token)
            if near is not None:
                return near
        return token
