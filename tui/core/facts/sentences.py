"""Indonesian-aware sentence splitting, and finding the sentence of a span."""

from __future__ import annotations

import re
from bisect import bisect_right

from tui.core.facts.model import Span

# A full stop after these is part of an abbreviation, not the end of a sentence ("Jl. Sudirman",
# "No. 5", "dr. Budi", "H. Agus Salim", "Prof. Dr. Ir. ..."). Lower-cased, without the dot.
ABBREVIATIONS = frozenset(
    """jl jln no nomor dr drs dra ir prof h hj st kh kol brig jend letjen mayjen kapt pol ust
    tn ny nn sdr sdri bpk yth kec kab kel prov kota rt rw gg blok lt mr mrs ms jr sr st vs
    a.n u.p s.h s.e s.pd s.sos m.si m.m m.h m.a m.sc ph.d s.t s.kom sbg tgl pk pkl rp
    e.g i.e bd""".split()
)
# Abbreviations that often end a sentence ("dll.", "dkk.", "Tbk.") are left out: a capital after
# them starts a new sentence.

# A sentence ends after . ! ? or an ellipsis, with any closing quotes or brackets, before a space.
# A dot written against the next sentence after a space ("harga .Inflasi yang ...") ends one too.
_END = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s)|\n|(?<=\s)\.(?=[A-Z][a-z])")
_WORD_BEFORE = re.compile(r"([^\W\d_]+(?:\.[^\W\d_]+)*)\.$")
# Quotations stay in one sentence ("Kami siap. Besok kami berangkat," kata Budi): pairs of
# double quotes on one line, up to a length past which a lost closing quote is more likely.
_QUOTE = re.compile(r"“[^”\n]{1,1000}”|\"[^\"\n]{1,1000}\"")


def split_sentences(text: str) -> list[Span]:
    """The sentences of ``text`` as ``(start, end)`` spans, trimmed of surrounding space.

    Breaks after . ! ? … when the next sentence starts with a capital, digit or quote, never
    after an abbreviation ("Jl.", "No.", "dr.") or an initial ("H. Agus"), never inside a quotation,
    and always at a blank line. A single line break ends a sentence unless the next line carries
    on in lower case (hard-wrapped text).
    """
    quotes = [(m.start(), m.end()) for m in _QUOTE.finditer(text)]
    quote_starts = [q[0] for q in quotes]
    spans: list[Span] = []
    start = 0
    n = len(text)
    for m in _END.finditer(text):
        end = m.end()
        nxt = end
        while nxt < n and text[nxt] in " \t\r\u00a0":
            nxt += 1
        if m.group() == "\n":
            end = m.start()
            if nxt < n and text[nxt] != "\n" and text[nxt].islower() and not _ends_sentence(text, m.start()):
                continue  # a hard-wrapped line goes on
        else:
            if nxt < n and text[nxt] != "\n" and not _starts_sentence(text[nxt]):
                continue
            if _inside_quote(quotes, quote_starts, end):
                continue
            if m.group() == "." and nxt < n and text[nxt] != "\n" and _abbreviation_before(text, m.start()):
                continue
        _add(text, start, end, spans)
        start = end
    _add(text, start, n, spans)
    return spans


def _starts_sentence(char: str) -> bool:
    return char.isupper() or char.isdigit() or char in "\"'“‘([-–—•*"


def _ends_sentence(text: str, pos: int) -> bool:
    j = pos
    while j > 0 and text[j - 1] in " \t\r":
        j -= 1
    return j > 0 and text[j - 1] in '.!?…:"”)'


def _inside_quote(quotes: list[Span], starts: list[int], pos: int) -> bool:
    i = bisect_right(starts, pos) - 1
    return i >= 0 and quotes[i][0] < pos < quotes[i][1]


def _abbreviation_before(text: str, dot: int) -> bool:
    """True when the word before the full stop at ``dot`` is an abbreviation or an initial."""
    m = _WORD_BEFORE.search(text, max(0, dot - 12), dot + 1)
    if m is None:
        return False
    word = m.group(1)
    return (len(word) == 1 and word.isupper()) or word.lower() in ABBREVIATIONS


def _add(text: str, start: int, end: int, spans: list[Span]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end:
        spans.append((start, end))


class SentenceIndex:
    """Finds the sentence (or run of sentences) that holds a span, in O(log n)."""

    def __init__(self, spans: list[Span], length: int) -> None:
        self.spans = spans
        self._starts = [s for s, _ in spans]
        self._length = length

    def at(self, pos: int) -> int:
        """Index of the sentence that holds ``pos`` (or the last one starting before it)."""
        return max(0, bisect_right(self._starts, pos) - 1)

    def around(self, start: int, end: int) -> Span:
        """The sentence span holding ``[start, end)``, widened to every sentence it touches."""
        if not self.spans:
            return (0, self._length)
        first = self.spans[self.at(start)]
        last = self.spans[self.at(max(start, end - 1))]
        return (min(first[0], start), max(last[1], end))
