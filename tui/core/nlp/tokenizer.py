"""spaCy's Indonesian tokenizer, built in a tenth of the time.

spaCy's Indonesian defaults carry about 16,000 tokenizer exceptions, nearly all of them hyphenated
words that must stay one token ("anak-anak", "Beramah-tamah"). Adding each as a special case costs
about 0.1 ms (spaCy tokenizes every one of them to index it), and a pipeline saved by ``spacy
train`` pays that twice on load: once when the tokenizer is built from the config and once more
from disk. That made loading the trained pipeline take about 4 s.

``SorotTokenizer`` gives the same tokens with the hyphenated words in a ``frozenset`` looked up by
``token_match`` (which spaCy consults at the same points as special cases), keeps the few hundred
other exceptions as real special cases, and does not serialise its rules: they come from spaCy's
own Indonesian data each time, so a saved pipeline cannot go stale against them. A test checks
that tokenization equals spaCy's on the corpora, the sample article and the exceptions themselves.

It is also faster on long texts. spaCy caches the tokens of each whitespace-separated chunk, but
stops adding to the cache for the rest of a text once a special case occurs in it (a newline is
one), so in an article nearly every chunk goes through the prefix, suffix and infix regexes, which
take most of the tokenizer's time. ``AffixSearch`` keeps their answers per string, and finds
prefixes with ``match`` instead of ``search`` (see ``anchored_prefix_search``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from pathlib import Path

import srsly  # type: ignore[import-untyped]
from spacy.attrs import ORTH  # type: ignore[import-not-found]  # compiled, no stubs
from spacy.lang.id import Indonesian
from spacy.language import Language
from spacy.tokenizer import Tokenizer  # type: ignore[import-not-found]  # compiled, no stubs
from spacy.tokens import Doc
from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex, registry
from spacy.vocab import Vocab

TOKENIZER_NAME = "sorot.id_tokenizer.v1"
_VERSION = 1
_HYPHENATED = re.compile(r"\w+(?:-\w+)+")
AFFIX_CACHE_LONGEST = 64
"""Longer strings are not cached (words are shorter; see ``AffixSearch.find``)."""
AFFIX_CACHE_SIZE = 20_000
"""Strings whose prefix, suffix and infix matches are kept, each (a 50,000-word text has some 8,000;
a full cache holds a few megabytes)."""

Found = re.Match[str] | tuple[re.Match[str], ...] | None
"""What an affix callback returns: a prefix or suffix match, or all infix matches."""
Exceptions = dict[str, list[dict[int, str]]]
"""Tokenizer exceptions: a string -> its tokens' attributes (``{ORTH: "..."}``)."""


class HyphenWords:
    """``token_match`` for a set of words: a callable whose truth says "keep this string whole".

    spaCy's tokenizer serialises ``token_match`` as ``token_match.__self__.pattern``, so the bound
    method ``match`` of this object has a ``pattern`` (``None``: nothing to write).
    """

    pattern = None

    def __init__(self, words: Iterable[str], fallback: Callable[[str], object] | None = None) -> None:
        self.words = frozenset(words)
        self.fallback = fallback

    def match(self, string: str) -> object:
        if string in self.words:
            return True
        return self.fallback(string) if self.fallback is not None else None


def top_level_branches(pattern: str) -> list[str]:
    """The alternatives of ``pattern`` at its top level: ``"^a|b(c|d)"`` -> ``["^a", "b(c|d)"]``."""
    branches: list[str] = []
    depth, start, i, in_class = 0, 0, 0, False
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 1  # the escaped character is a literal
        elif in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
            # A "]" first in a class ("[]a]", "[^]a]") is a literal, not the end of the class.
            if pattern.startswith("^", i + 1):
                i += 1
            if pattern.startswith("]", i + 1):
                i += 1
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            branches.append(pattern[start:i])
            start = i + 1
        i += 1
    branches.append(pattern[start:])
    return branches


def anchored_prefix_search(regex: re.Pattern[str]) -> Callable[[str], re.Match[str] | None]:
    """A function that returns what ``regex.search`` returns, for a regex from ``compile_prefix_regex``.

    That regex is ``^piece1|^piece2|...``: ``search`` tries all pieces at every position of the
    string although they can only match at its start, which costs several microseconds per
    string; ``match`` tries the start alone. A piece with a "|" of its own at its top level
    (spaCy's HTML tags: ``<(b|i)/>|<a(...)>``) leaves its second half unanchored; only those
    halves are then searched for after the start.
    """
    if regex.flags & re.MULTILINE:
        return regex.search  # "^" also matches after a newline
    unanchored = [branch for branch in top_level_branches(regex.pattern) if not branch.startswith("^")]
    rest = re.compile("|".join(unanchored), regex.flags).search if unanchored else None

    def search(string: str) -> re.Match[str] | None:
        found = regex.match(string)
        if found is None and rest is not None:
            found = rest(string, 1)
        return found

    return search


class AffixSearch:
    """A prefix, suffix or infix callback for spaCy's tokenizer that remembers its answers per string.

    ``kind`` is ``"prefix"``, ``"suffix"`` or ``"infix"``; the callback is the bound method
    ``find``: ``regex.search(string)`` for prefixes and suffixes, ``regex.finditer(string)`` as
    a tuple for infixes. Pickles as its regex and kind (with an empty cache).
    """

    def __init__(self, regex: re.Pattern[str], kind: str) -> None:
        self.regex = regex
        self.kind = kind
        self.pattern = regex.pattern  # what spaCy's own serialisation would read
        compute: Callable[[str], Found]
        if kind == "prefix":
            compute = anchored_prefix_search(regex)
        elif kind == "suffix":
            compute = regex.search
        elif kind == "infix":

            def find_all(string: str, finditer: Callable[[str], Iterator[re.Match[str]]] = regex.finditer) -> Found:
                return tuple(finditer(string))

            compute = find_all
        else:
            raise ValueError(f"kind must be prefix, suffix or infix, got {kind!r}")
        self._compute = compute
        self._cached = lru_cache(maxsize=AFFIX_CACHE_SIZE)(compute)

    def find(self, string: str) -> Found:
        # spaCy strips affixes a character at a time, asking again for each shorter string: kept
        # for a long token ("((((...))))"), they would hold memory quadratic in its length.
        if len(string) > AFFIX_CACHE_LONGEST:
            return self._compute(string)
        return self._cached(string)

    def __reduce__(self) -> tuple[type[AffixSearch], tuple[re.Pattern[str], str]]:
        return type(self), (self.regex, self.kind)


def split_exceptions(exceptions: Exceptions) -> tuple[Exceptions, list[str]]:
    """Exceptions that must stay special cases, and the hyphenated words a set can keep whole.

    A word goes to the set when its exception only says "one token, this ORTH" and it is letters
    joined by hyphens (so the infix rule is all the exception overrides; emoticons such as ":-p"
    interact with the prefix rules and stay special cases).
    """
    special: Exceptions = {}
    words: list[str] = []
    for string, tokens in exceptions.items():
        one_token = len(tokens) == 1 and set(tokens[0]) == {ORTH} and tokens[0][ORTH] == string
        if one_token and _HYPHENATED.fullmatch(string):
            words.append(string)
        else:
            special[string] = tokens
    return special, words


@lru_cache(maxsize=4)
def _shape(words: frozenset[str]) -> tuple[int, frozenset[str]]:
    """The longest word's length, and every word's part before its first hyphen."""
    return max(map(len, words), default=0), frozenset(w.split("-", 1)[0] for w in words)


def merge_hyphen_words(doc: Doc, words: frozenset[str], longest: int = 9) -> None:
    """Merge tokens that spell a word of ``words`` when the infix rule split it ("x-anak-anak").

    spaCy does this for special cases with a PhraseMatcher over token texts, then keeps matches
    longest first, then leftmost, where neither end token was claimed by a match considered before
    (kept or not), and merges those whose text, spaces included, is the special case
    (``Tokenizer._filter_special_spans``). The same here, for matches around a "-" token only:
    every word in ``words`` is split at a hyphen, so every match contains one.
    """
    n = len(doc)
    strings = doc.vocab.strings
    orths = doc.to_array(ORTH).tolist()
    hyphen = strings["-"]
    widest, heads = _shape(words)
    found: set[tuple[int, int]] = set()
    # A match starts with a word's first part followed by the hyphen the infix rule split off.
    for a in [i - 1 for i in range(1, n - 1) if orths[i] == hyphen]:
        joined = strings[orths[a]]
        if joined not in heads:
            continue
        for b in range(a + 1, min(n, a + longest)):
            joined += strings[orths[b]]
            if len(joined) > widest:
                break
            if joined in words:
                found.add((a, b + 1))
    if not found:
        return
    seen: set[int] = set()
    keep = []
    for a, b in sorted(found, key=lambda span: (span[0] - span[1], span[0])):
        if a not in seen and b - 1 not in seen and doc[a:b].text in words:
            keep.append((a, b))
        seen.update(range(a, b))
    if keep:
        with doc.retokenize() as retokenizer:
            for a, b in keep:
                retokenizer.merge(doc[a:b])


class SorotTokenizer(Tokenizer):  # type: ignore[misc]  # Tokenizer is compiled, without stubs
    """spaCy's Indonesian tokenizer with the hyphenated exceptions in a set (see module docstring)."""

    @classmethod
    def for_vocab(cls, vocab: Vocab) -> SorotTokenizer:
        defaults = Indonesian.Defaults
        special, words = split_exceptions(defaults.tokenizer_exceptions)
        fallback = defaults.token_match
        if isinstance(fallback, str):
            fallback = re.compile(fallback).match
        tokenizer = cls(
            vocab,
            rules=special,
            prefix_search=AffixSearch(compile_prefix_regex(defaults.prefixes), "prefix").find,
            suffix_search=AffixSearch(compile_suffix_regex(defaults.suffixes), "suffix").find,
            infix_finditer=AffixSearch(compile_infix_regex(defaults.infixes), "infix").find,
            token_match=HyphenWords(words, fallback).match,
            url_match=defaults.url_match,
        )
        return tokenizer

    def __call__(self, text: str) -> Doc:
        doc: Doc = super().__call__(text)
        if "-" in text:
            merge_hyphen_words(doc, self.token_match.__self__.words)
        return doc

    # The rules are code and spaCy's data, not state: a saved pipeline records only which
    # tokenizer it used, and loading it keeps the rules built above.
    def _state(self) -> dict[str, str | int]:
        return {"tokenizer": TOKENIZER_NAME, "version": _VERSION}

    def to_bytes(self, *, exclude: Iterable[str] = ()) -> bytes:
        data: bytes = srsly.msgpack_dumps(self._state())
        return data

    def from_bytes(self, bytes_data: bytes, *, exclude: Iterable[str] = ()) -> SorotTokenizer:
        self._check(srsly.msgpack_loads(bytes_data))
        return self

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        Path(path).write_text(json.dumps(self._state()) + "\n", encoding="utf-8")

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> SorotTokenizer:
        self._check(json.loads(Path(path).read_text(encoding="utf-8")))
        return self

    def _check(self, state: object) -> None:
        if not isinstance(state, dict) or state.get("tokenizer") != TOKENIZER_NAME:
            raise ValueError(f"not a {TOKENIZER_NAME} tokenizer file")
        if state.get("version", 0) > _VERSION:
            raise ValueError(f"tokenizer file of version {state.get('version')} is newer than this Sorot")


@registry.tokenizers(TOKENIZER_NAME)  # type: ignore[untyped-decorator]  # catalogue has no types
def create_tokenizer() -> Callable[[Language], SorotTokenizer]:
    """The ``[nlp.tokenizer]`` factory named in training/config.cfg."""

    def make(nlp: Language) -> SorotTokenizer:
        return SorotTokenizer.for_vocab(nlp.vocab)

    return make
