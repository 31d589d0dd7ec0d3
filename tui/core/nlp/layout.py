"""How a news text is laid out, as the entity rules need it: paragraph breaks, headlines, datelines.

Real articles are not running text. They open with a Title Case headline ("Menteri Sebut 8 Pulau
Hilang") whose capitalised words are not names; paragraphs are lines, and a name never runs from
one into the next; and the first paragraph starts with a dateline ("PEKANBARU, KOMPAS.com -",
"Jakarta (ANTARA) -", "Suara.com -") naming a city and an outlet. Everything here reads token
strings only, so it costs little on long texts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc

from tui.core.nlp.candidates import token_texts

_SENTENCE_END = frozenset({".", "!", "?", "…", ":", ";", '"', "”", "’", "'", ")"})
MAX_HEADLINE_TOKENS = 24
"""Lines longer than this are text, not a headline or subheading."""
_DASHES = frozenset({"-", "--", "—", "–", "---"})
_OUTLET = re.compile(r"(?i)^[\w-]+\.(?:com|co\.id|id|net|org|co)$|news$|^antara$")


@dataclass(frozen=True)
class Layout:
    breaks: frozenset[int]
    """Whitespace tokens that end a paragraph or a headline: no entity spans one."""
    headlines: tuple[tuple[int, int], ...]
    """Token ranges of headline and subheading lines."""
    dateline: tuple[tuple[int, int, str], ...]
    """The city (LOC) and outlet (ORG) of datelines, as ``(start, end, label)``."""

    def in_headline(self, start: int, end: int) -> bool:
        return any(a <= start and end <= b for a, b in self.headlines)


def _lines(words: list[str]) -> list[tuple[int, int, int | None]]:
    """``(start, end, newline token)`` of each line of tokens; the newline token ends it (None at the end)."""
    lines: list[tuple[int, int, int | None]] = []
    start = 0
    for i, w in enumerate(words):
        if "\n" in w and not w.strip():
            lines.append((start, i, i))
            start = i + 1
    lines.append((start, len(words), None))
    return lines


def _is_headline(words: list[str]) -> bool:
    """A short line that does not end as a sentence does, with its words mostly capitalised."""
    if not words or len(words) > MAX_HEADLINE_TOKENS or words[-1] in _SENTENCE_END:
        return False
    alpha = [w for w in words if w[:1].isalpha()]
    if len(alpha) < 2:
        return False
    capitalised = sum(1 for w in alpha if w[:1].isupper())
    return capitalised >= 0.6 * len(alpha)


def _hard_wrapped(lines: list[tuple[int, int, int | None]], words: list[str]) -> bool:
    """True when most lines run on into the next (a text wrapped at a fixed width, paragraphs apart
    by blank lines): a single line break there is no paragraph's end."""
    running = 0
    ends = 0
    for start, end, newline in lines:
        if newline is None or end - start < 6 or words[newline].count("\n") > 1:
            continue
        ends += 1
        running += words[end - 1] not in _SENTENCE_END
    return ends >= 4 and running >= 0.6 * ends


def _dateline(words: list[str], start: int, end: int) -> list[tuple[int, int, str]]:
    """The city and outlet at the start of the line ``words[start:end]``, if it opens with a dateline.

    Shapes: ``CITY, OUTLET -``, ``CITY (OUTLET) -``, ``OUTLET -`` (an outlet alone: a domain name
    such as "Suara.com", or a name ending in "news"); the city is at most three words, the outlet
    at most three, and the dash comes within eight tokens of the line's start.
    """
    limit = min(end, start + 9)
    dash = next((i for i in range(start, limit) if words[i] in _DASHES), None)
    if dash is None or dash == start:
        return []
    head = words[start:dash]
    if "," in head:
        comma = head.index(",")
        city, outlet = (start, start + comma), (start + comma + 1, dash)
    elif "(" in head and head[-1] == ")":
        paren = head.index("(")
        city, outlet = (start, start + paren), (start + paren + 1, dash - 1)
    else:
        city, outlet = (start, start), (start, dash)
        if not _OUTLET.search("".join(head)):
            return []
    spans = []
    if city[1] > city[0]:
        if city[1] - city[0] > 3 or not all(w[:1].isupper() for w in words[city[0] : city[1]]):
            return []
        spans.append((city[0], city[1], "LOC"))
    if not 0 < outlet[1] - outlet[0] <= 3 or not words[outlet[0]][:1].isupper():
        return []
    spans.append((outlet[0], outlet[1], "ORG"))
    return spans


def read_layout(doc: Doc) -> Layout:
    words = token_texts(doc)
    lines = _lines(words)
    wrapped = _hard_wrapped(lines, words)
    breaks = set()
    headlines = []
    datelines: list[tuple[int, int, str]] = []
    first_text_line = True
    texts = [[w for w in words[start:end] if w.strip()] for start, end, _ in lines]
    shapes = [_is_headline(line) for line in texts]
    # A headline heads text: a line that all the text is made of, or that nothing follows, is none.
    last_text = max((k for k, line in enumerate(texts) if line and not shapes[k]), default=-1)
    for k, (start, end, newline) in enumerate(lines):
        line = texts[k]
        headline = shapes[k] and newline is not None and k < last_text
        if newline is not None and (not wrapped or headline or words[newline].count("\n") > 1):
            breaks.add(newline)
        if headline:
            headlines.append((start, end))
        elif line and first_text_line:
            datelines.extend(_dateline(words, start, end))
            first_text_line = False
    return Layout(frozenset(breaks), tuple(headlines), tuple(datelines))
