"""The reader's annotations: the model, its JSON form, and re-anchoring to a changed text.

An annotation points into a document by two selectors in the spirit of the W3C Web Annotation
model: a position (``start``/``end``, Python string offsets into the document text) and a quote
(the ``exact`` text with up to 32 characters of ``prefix`` and ``suffix`` around it). The
position is fast; the quote is what lets an annotation survive the file being edited or the
article being fetched again: :func:`reanchor` finds each passage in the new text, or says it
cannot, and never attaches an annotation to a look-alike passage.

Notes, tags, labels and quotes are untrusted text: they are stored and returned as they are.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from difflib import SequenceMatcher
from enum import Enum
from typing import Any, TypedDict, TypeGuard

from tui.core.document import text_sha256


class Kind(str, Enum):
    """The kinds of annotation: the one place that says what each is. An annotation stores its
    kind as the member's value (plain text, ``"entity-add"``); what depends on the kind is read
    from the member, so a new kind is one more member here and nothing else to keep in step.

    Each carries its W3C Web Annotation ``motivation`` (what the ``w3c`` export writes: a relabel
    is ``editing`` with a ``classifying`` body, a rejection ``assessing`` with a body that says
    "not PERSON", so the W3C terms alone tell every kind apart), its
    ``display_name`` (the CSV/Markdown heading and brat's type), its ``mark`` in the Notes list,
    and whether it ``corrects_entities`` (applied to the model's entities by
    :mod:`tui.core.corrections`).
    """

    motivation: str
    display_name: str
    mark: str
    corrects_entities: bool

    def __new__(cls, value: str, motivation: str, display_name: str, mark: str, corrects_entities: bool) -> Kind:
        member = str.__new__(cls, value)
        member._value_ = value
        member.motivation = motivation
        member.display_name = display_name
        member.mark = mark
        member.corrects_entities = corrects_entities
        return member

    @classmethod
    def of(cls, value: str) -> Kind:
        """The member stored as ``value`` (a member gives itself), as ``Kind(value)`` does;
        ``ValueError`` if there is none. (Type checkers read ``Kind(value)`` as a call to the
        five-argument ``__new__``; this says what it is.)"""
        member = _KIND_BY_VALUE.get(value)
        if member is None:
            raise ValueError(f"{value!r} is not a valid {cls.__qualname__}")
        return member

    HIGHLIGHT = ("highlight", "highlighting", "Highlight", "▍ highlight", False)
    NOTE = ("note", "commenting", "Note", "✎ note", False)
    ENTITY_ADD = ("entity-add", "classifying", "Entity added", "+ entity", True)
    ENTITY_RELABEL = ("entity-relabel", "editing", "Entity relabelled", "~ label", True)
    ENTITY_REJECT = ("entity-reject", "assessing", "Entity rejected", "✗ not an entity", True)


_KIND_BY_VALUE: dict[str, Kind] = {kind.value: kind for kind in Kind}
KINDS = tuple(kind.value for kind in Kind)
"""Every kind's stored name, in the order above."""
ENTITY_KINDS = frozenset(kind.value for kind in Kind if kind.corrects_entities)
"""The kinds that correct the model's entities."""
STATUSES = ("ok", "moved", "orphaned")
CONTEXT_CHARS = 32
# Weighted similarity of quote and context an anchor needs. Below it a passage is a look-alike.
MATCH_THRESHOLD = 0.85
# The passage itself must still read mostly the same, however well its context matches.
QUOTE_THRESHOLD = 0.8
# Two candidates scoring within this of each other cannot be told apart: the annotation is orphaned.
TIE_MARGIN = 0.02
# A passage found once keeps its place when one side of its context is at least this similar.
SIDE_THRESHOLD = 0.9
# Beyond this many exact occurrences, candidates are ranked by a cheap context score first.
_FULL_SCORE_LIMIT = 20
_CHUNK = 8
_GROUP_GAP = 16
_EDGE = 48  # characters of the passage aligned at each end to find its new boundaries
_LONG = 400  # beyond this many characters, similarity is measured in words
_CHUNK_MAX_HITS = 64


def now_iso() -> str:
    """The current time as ISO-8601 UTC with milliseconds, e.g. ``2025-01-31T08:15:02.123Z``."""
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass(frozen=True, slots=True)
class DocumentRef:
    """Which text an annotation was made on: its sha256, and where it came from when known."""

    sha256: str
    path: str = ""
    title: str = ""

    @classmethod
    def for_text(cls, text: str, path: str | os.PathLike[str] | None = None, title: str = "") -> DocumentRef:
        return cls(text_sha256(text), os.fspath(path) if path is not None else "", title)

    def to_dict(self) -> dict[str, str]:
        return {"sha256": self.sha256, "path": self.path, "title": self.title}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DocumentRef:
        sha = data.get("sha256")
        if not isinstance(sha, str) or not sha:
            raise ValueError("document has no sha256")
        return cls(sha, _str(data, "path"), _str(data, "title"))


@dataclass(frozen=True, slots=True)
class TextPosition:
    """W3C TextPositionSelector: ``text[start:end]`` is the passage."""

    start: int
    end: int


@dataclass(frozen=True, slots=True)
class TextQuote:
    """W3C TextQuoteSelector: the passage and a little of the text on either side."""

    exact: str
    prefix: str = ""
    suffix: str = ""

    @classmethod
    def at(cls, text: str, start: int, end: int, context: int = CONTEXT_CHARS) -> TextQuote:
        return cls(text[start:end], text[max(0, start - context) : start], text[end : end + context])


@dataclass(frozen=True, slots=True)
class Annotation:
    """One mark a reader made. Immutable: edits make a new value (see :meth:`edited`)."""

    id: str
    document: DocumentRef
    kind: str
    position: TextPosition
    quote: TextQuote
    note: str = ""
    tags: tuple[str, ...] = ()
    label: str = ""
    colour: str = ""
    created: str = ""
    updated: str = ""
    status: str = "ok"  # where the last re-anchoring found it: ok | moved | orphaned

    @property
    def start(self) -> int:
        return self.position.start

    @property
    def end(self) -> int:
        return self.position.end

    def edited(self, **changes: Any) -> Annotation:
        """A copy with ``changes`` applied and ``updated`` set to now; tags are normalised."""
        if "tags" in changes:
            changes["tags"] = normalise_tags(changes["tags"])
        if "kind" in changes:
            _check_kind(changes["kind"])
        changes.setdefault("updated", now_iso())
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """The stored form (schema 1): the fields as named here, selectors as ``position`` and ``quote``."""
        return {
            "id": self.id,
            "document": self.document.to_dict(),
            "kind": self.kind,
            "position": {"start": self.position.start, "end": self.position.end},
            "quote": {"exact": self.quote.exact, "prefix": self.quote.prefix, "suffix": self.quote.suffix},
            "note": self.note,
            "tags": list(self.tags),
            "label": self.label,
            "colour": self.colour,
            "created": self.created,
            "updated": self.updated,
            "status": self.status,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Annotation:
        """Parse :meth:`to_dict` output; raises ``ValueError`` naming what is wrong."""
        if not isinstance(data, Mapping):
            raise ValueError("an annotation must be a JSON object")
        ident = data.get("id")
        if not isinstance(ident, str) or not ident:
            raise ValueError("annotation has no id")
        document = data.get("document")
        if not isinstance(document, Mapping):
            raise ValueError(f"annotation {ident}: no document")
        kind = _str(data, "kind")
        _check_kind(kind)
        pos, quote = data.get("position"), data.get("quote")
        if not isinstance(pos, Mapping) or not isinstance(quote, Mapping):
            raise ValueError(f"annotation {ident}: needs a position and a quote")
        start, end = pos.get("start"), pos.get("end")
        if not (_is_int(start) and _is_int(end) and 0 <= start <= end):
            raise ValueError(f"annotation {ident}: bad position {start!r}..{end!r}")
        exact = quote.get("exact")
        if not isinstance(exact, str) or not exact:
            raise ValueError(f"annotation {ident}: empty quote")
        tags = data.get("tags", [])
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
            raise ValueError(f"annotation {ident}: tags must be a list of strings")
        status = _str(data, "status") or "ok"
        if status not in STATUSES:
            raise ValueError(f"annotation {ident}: unknown status {status!r}")
        return cls(
            id=ident,
            document=DocumentRef.from_dict(document),
            kind=kind,
            position=TextPosition(start, end),
            quote=TextQuote(exact, _str(quote, "prefix"), _str(quote, "suffix")),
            note=_str(data, "note"),
            tags=tuple(tags),
            label=_str(data, "label"),
            colour=_str(data, "colour"),
            created=_str(data, "created"),
            updated=_str(data, "updated"),
            status=status,
        )


def new_id() -> str:
    """A fresh annotation id: stable forever, so exports and re-imports match up."""
    return uuid.uuid4().hex


def normalise_tags(tags: Iterable[str] | str) -> tuple[str, ...]:
    """Tags as typed, trimmed, empties and repeats dropped, first spelling kept."""
    if isinstance(tags, str):
        tags = tags.split(",")
    seen: set[str] = set()
    out = []
    for tag in tags:
        tag = tag.strip()
        if tag and tag.casefold() not in seen:
            seen.add(tag.casefold())
            out.append(tag)
    return tuple(out)


class AnnotationFields(TypedDict, total=False):
    """What a reader may give an annotation beyond its place and kind (``make_annotation``'s
    keywords that :meth:`tui.core.session.DocumentSession.annotate` passes on)."""

    note: str
    tags: Iterable[str]
    label: str
    colour: str


def make_annotation(
    text: str,
    start: int,
    end: int,
    kind: str = "highlight",
    *,
    document: DocumentRef | None = None,
    note: str = "",
    tags: Iterable[str] = (),
    label: str = "",
    colour: str = "",
    id: str | None = None,
    now: str | None = None,
) -> Annotation:
    """An annotation of ``text[start:end]``, with its quote selector taken from ``text``."""
    if not (0 <= start < end <= len(text)):
        raise ValueError(f"cannot annotate {start}..{end}: the text has {len(text)} characters")
    _check_kind(kind)
    stamp = now or now_iso()
    return Annotation(
        id=id or new_id(),
        document=document or DocumentRef.for_text(text),
        kind=Kind.of(kind).value,  # stored as plain text, a member given or its name
        position=TextPosition(start, end),
        quote=TextQuote.at(text, start, end),
        note=note,
        tags=normalise_tags(tags),
        label=label,
        colour=colour,
        created=stamp,
        updated=stamp,
    )


# --- re-anchoring ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Anchor:
    """Where a quote was found in a text: ``ok`` at its old position, ``moved``, or ``orphaned``."""

    status: str
    start: int | None = None
    end: int | None = None
    score: float = 0.0


@dataclass(frozen=True, slots=True)
class Anchored:
    """An annotation and where it sits in the current text (``start``/``end`` None if orphaned)."""

    annotation: Annotation
    status: str
    start: int | None = None
    end: int | None = None
    score: float = field(default=0.0, compare=False)

    @property
    def orphaned(self) -> bool:
        return self.status == "orphaned"

    def rebased(self, text: str, document: DocumentRef) -> Annotation:
        """The annotation re-pointed at ``text`` (new position, quote and document), for saving.

        An orphan keeps its old selectors, only its status changes: it still says what it meant.
        """
        ann = self.annotation
        if self.start is None or self.end is None:
            return replace(ann, status="orphaned")
        return replace(
            ann,
            document=document,
            position=TextPosition(self.start, self.end),
            quote=TextQuote.at(text, self.start, self.end),
            status=self.status,
        )


def reanchor(annotations: Iterable[Annotation], text: str) -> list[Anchored]:
    """Find each annotation in ``text`` (the document as it is now), in the order given."""
    sha = text_sha256(text)
    out = []
    for ann in annotations:
        if ann.document.sha256 == sha and ann.end <= len(text) and text[ann.start : ann.end] == ann.quote.exact:
            out.append(Anchored(ann, "ok", ann.start, ann.end, 1.0))
            continue
        found = locate(text, ann.position, ann.quote)
        out.append(Anchored(ann, found.status, found.start, found.end, found.score))
    return out


def locate(text: str, position: TextPosition, quote: TextQuote) -> Anchor:
    """Anchor one passage: by position if the quote is still there, else by quote and context.

    Exact occurrences of the quote are scored by how well their context matches; if none is
    good enough, a fuzzy search looks for the passage with small edits. A candidate must reach
    :data:`MATCH_THRESHOLD`, and two candidates the context cannot tell apart orphan the
    annotation rather than pick one.
    """
    exact = quote.exact
    if not exact:
        return Anchor("orphaned")
    start, end = position.start, position.end
    at_old: float | None = None
    if 0 <= start and end == start + len(exact) and text[start:end] == exact:
        at_old = _score(text, start, end, quote, exact_sim=1.0)
        if at_old >= MATCH_THRESHOLD:
            return Anchor("ok", start, end, at_old)

    if at_old is None and (quote.prefix or quote.suffix):
        # The usual edit is elsewhere in the text: the passage and its whole context, once.
        whole = quote.prefix + exact + quote.suffix
        hit = text.find(whole)
        if hit != -1 and text.find(whole, hit + 1) == -1:
            where = hit + len(quote.prefix)
            return Anchor("ok" if where == start else "moved", where, where + len(exact), 1.0)
        if hit != -1:
            # Twice with its whole context: two candidates that score 1.0, which no ranking
            # below can tell apart (and ranking 100,000 occurrences of a word costs a while).
            return Anchor("orphaned", score=1.0)
    scored = [(s, c) for s, c in _exact_candidates(text, quote) if c != start or at_old is None]
    scored.sort(reverse=True)
    n = len(exact)
    if at_old is not None:
        # The quote is still at its old place but its context changed: stay, unless another
        # occurrence plainly has the context this one lost.
        if scored and scored[0][0] >= MATCH_THRESHOLD and _unique(scored):
            return Anchor("moved", scored[0][1], scored[0][1] + n, scored[0][0])
        return Anchor("ok", start, end, at_old)
    passing = [(s, c) for s, c in scored if s >= MATCH_THRESHOLD]
    if not passing and len(scored) == 1 and _one_side_kept(text, scored[0][1], quote):
        # The passage is in the text once, and the text on one side of it is as it was: an
        # insertion or rewrite right before (or after) it, such as a new dateline. Not a look-alike.
        score, where = scored[0]
        return Anchor("ok" if where == start else "moved", where, where + len(exact), score)
    if passing:
        if not _unique(passing):
            return Anchor("orphaned", score=passing[0][0])
        best, where = passing[0]
        return Anchor("ok" if where == start else "moved", where, where + n, best)

    fuzzy = _fuzzy_candidates(text, quote)
    if fuzzy:
        fuzzy.sort(reverse=True)
        best, s, e = fuzzy[0]
        if len(fuzzy) > 1 and fuzzy[1][0] > best - TIE_MARGIN and not _overlap((s, e), fuzzy[1][1:]):
            return Anchor("orphaned", score=best)
        return Anchor("ok" if (s, e) == (start, end) else "moved", s, e, best)
    return Anchor("orphaned", score=max((s for s, _ in scored), default=0.0))


def _one_side_kept(text: str, where: int, quote: TextQuote) -> bool:
    """True when the prefix or the suffix (of at least 8 characters) is still beside ``where``."""
    end = where + len(quote.exact)
    before = text[max(0, where - len(quote.prefix)) : where]
    after = text[end : end + len(quote.suffix)]
    return any(
        len(want) >= 8 and _similarity(want, got) >= SIDE_THRESHOLD
        for want, got in ((quote.prefix, before), (quote.suffix, after))
    )


def _unique(ranked: Sequence[tuple[float, int]]) -> bool:
    return len(ranked) < 2 or ranked[1][0] <= ranked[0][0] - TIE_MARGIN


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _similarity(a: str, b: str) -> float:
    if a == b:
        return 1.0
    if not a or not b:
        return 0.0
    if len(a) + len(b) > _LONG:
        # Character matching is quadratic-ish on long passages: compare them word by word.
        return SequenceMatcher(None, a.split(), b.split(), autojunk=False).ratio()
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def _score(text: str, start: int, end: int, quote: TextQuote, exact_sim: float | None = None) -> float:
    """Similarity of quote plus context at ``text[start:end]``, each part weighted by its length."""
    lp, le, ls = len(quote.prefix), len(quote.exact), len(quote.suffix)
    before = text[max(0, start - lp) : start]
    after = text[end : end + ls]
    if exact_sim is None:
        exact_sim = _similarity(quote.exact, text[start:end])
    total = le * exact_sim + lp * _similarity(quote.prefix, before) + ls * _similarity(quote.suffix, after)
    return total / (lp + le + ls)


def _exact_candidates(text: str, quote: TextQuote) -> list[tuple[float, int]]:
    exact, n = quote.exact, len(quote.exact)
    # Without context there is nothing to rank occurrences by: a few say whether the passage is
    # there once (a quote-only annotation of a common word, found 500,000 times, is not scanned).
    most = _FULL_SCORE_LIMIT if not quote.prefix and not quote.suffix else None
    hits: list[int] = []
    i = text.find(exact)
    while i != -1 and (most is None or len(hits) < most):
        hits.append(i)
        i = text.find(exact, i + 1)
    if len(hits) > _FULL_SCORE_LIMIT:
        # Many occurrences (a common word): rank by shared character trigrams of the context,
        # then score only the most promising ones properly.
        lp, ls = len(quote.prefix), len(quote.suffix)
        want = _trigrams(quote.prefix) | _trigrams(quote.suffix, "s")

        def shared(h: int) -> int:
            return len(want & (_trigrams(text[max(0, h - lp) : h]) | _trigrams(text[h + n : h + n + ls], "s")))

        hits = sorted(hits, key=shared, reverse=True)[:_FULL_SCORE_LIMIT]
    return [(_score(text, h, h + n, quote, exact_sim=1.0), h) for h in hits]


def _trigrams(s: str, side: str = "p") -> set[str]:
    return {side + s[i : i + 3] for i in range(len(s) - 2)}


def _fuzzy_candidates(text: str, quote: TextQuote) -> list[tuple[float, int, int]]:
    """Places where the passage appears with small edits, each as (score, start, end).

    Chunks of quote-plus-context vote for where the passage would start; each well-supported
    spot is aligned with the pattern by SequenceMatcher to find the passage's new boundaries.
    """
    pattern = quote.prefix + quote.exact + quote.suffix
    off, n = len(quote.prefix), len(quote.exact)
    votes: list[int] = []
    for i in range(0, max(1, len(pattern) - _CHUNK + 1), _CHUNK):
        chunk = pattern[i : i + _CHUNK]
        hits: list[int] = []
        j = text.find(chunk)
        while j != -1 and len(hits) <= _CHUNK_MAX_HITS:
            hits.append(j)
            j = text.find(chunk, j + 1)
        if len(hits) <= _CHUNK_MAX_HITS:  # a chunk found everywhere says nothing about where
            votes.extend(h - i + off for h in hits)
    if not votes:
        return []
    slack = 8 + n // 4  # how far an edit inside the passage may move its ends
    votes.sort()
    # Votes a few characters apart (an edit shifted the chunks after it) make one spot; a wider
    # gap would chain chance hits all over a long text into one meaningless group.
    groups: list[list[int]] = [[votes[0]]]
    for v in votes[1:]:
        if v - groups[-1][-1] <= _GROUP_GAP:
            groups[-1].append(v)
        else:
            groups.append([v])
    groups.sort(key=len, reverse=True)
    found: list[tuple[float, int, int]] = []
    for group in groups[:5]:
        span = _boundaries(text, quote, group[len(group) // 2], slack)
        if span is None:
            continue
        s, e = span
        exact_sim = _similarity(quote.exact, text[s:e])
        if exact_sim < QUOTE_THRESHOLD:
            continue
        score = _score(text, s, e, quote, exact_sim=exact_sim)
        if score >= MATCH_THRESHOLD and not any((s, e) == (fs, fe) for _, fs, fe in found):
            found.append((score, s, e))
    return found


def _boundaries(text: str, quote: TextQuote, guess: int, slack: int) -> tuple[int, int] | None:
    """The passage's start and end near ``guess``, each found by aligning the context and the
    first (last) characters of the passage: small alignments, however long the passage."""
    off, n = len(quote.prefix), len(quote.exact)
    k = min(n, _EDGE)
    lo = max(0, guess - off - slack)
    head = _map(quote.prefix + quote.exact[:k], text[lo : guess + k + slack], off, at_end=False)
    lo_end = max(0, guess + n - k - slack)
    tail = _map(
        quote.exact[n - k :] + quote.suffix, text[lo_end : guess + n + len(quote.suffix) + slack], k, at_end=True
    )
    if head is None or tail is None or lo_end + tail <= lo + head:
        return None
    return lo + head, lo_end + tail


def _map(pattern: str, region: str, p: int, *, at_end: bool) -> int | None:
    """Where index ``p`` of ``pattern`` falls in ``region``, by the blocks the two have in common.

    A start maps to the first matched character at or after ``p``; an end (exclusive) to just
    after the last matched character before ``p``.
    """
    blocks = [b for b in SequenceMatcher(None, pattern, region, autojunk=False).get_matching_blocks() if b.size]
    if at_end:
        for a, b, size in reversed(blocks):
            if a < p:
                return b + min(size, p - a)
        return None
    for a, b, size in blocks:
        if a + size > p:
            return b + max(0, p - a)
    return None


def _str(data: Mapping[str, Any], key: str) -> str:
    value = data.get(key, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValueError(f"{key} must be a string, not {type(value).__name__}")
    return value


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"unknown annotation kind {kind!r} (expected one of {', '.join(KINDS)})")
