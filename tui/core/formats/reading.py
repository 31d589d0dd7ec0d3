"""Annotations read back from JSON, within limits: what every re-importable format's reader shares.

A format that can be read back carries a :class:`Reader`: which decoded JSON objects are its own
and the annotation each one is. :func:`read_annotations` takes the text of a file in any of the
forms those formats write (one annotation, a list of them, a W3C ``AnnotationCollection`` or
``AnnotationPage`` with embedded items, or JSON Lines, one annotation a line) and gives each
annotation in it to the first reader that recognises it. Everything is checked before anything
is returned: problems raise :class:`AnnotationImportError` naming each bad ``line N`` or
``item N``, and :class:`ImportLimits` bound what one file may hold, so that a hostile file costs
no more memory or time than the limits allow. Imported times are normalised to the form Sorot
writes (:func:`utc_time`), so that the newest version of an annotation can be told by comparing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from itertools import islice
from typing import Any

from tui.core.annotations import Annotation

_MAX_LISTED_ERRORS = 5


class AnnotationImportError(ValueError):
    """An import file is not valid; ``errors`` holds its first problems (``total`` counts them all),
    each naming its line or item."""

    def __init__(self, errors: Sequence[str], total: int | None = None) -> None:
        self.errors = list(errors)
        self.total = len(self.errors) if total is None else total
        shown = "; ".join(self.errors[:_MAX_LISTED_ERRORS])
        more = self.total - min(len(self.errors), _MAX_LISTED_ERRORS)
        super().__init__(shown + (f" (and {more:,} more problem{'s' * (more > 1)})" if more > 0 else ""))


@dataclass(frozen=True, slots=True)
class ImportLimits:
    """What one import accepts: each limit refuses the file with a one-line reason naming it.

    ``annotations``: how many annotations one file may hold; ``text_chars``: the longest note,
    quote (and its context), title, path or other text of an annotation, and of its tags
    together; ``depth``: how deeply the JSON may nest (Sorot's own exports nest 7 deep);
    ``int_digits``: the longest number. ``None`` lifts the first two (:meth:`lifted`), for a
    backup bigger than the defaults. The last two guard the parser and keep a limit always: no
    export comes near them, and Python's parser cannot go past :data:`MAX_DEPTH` and
    :data:`MAX_INT_DIGITS`.
    """

    annotations: int | None = 100_000
    text_chars: int | None = 100_000
    depth: int = 64
    int_digits: int = 100

    def __post_init__(self) -> None:
        for name in ("annotations", "text_chars", "depth", "int_digits"):
            value = getattr(self, name)
            if value is not None and value < 1:
                raise ValueError(f"the {name} limit must be at least 1")
        if self.depth > MAX_DEPTH or self.int_digits > MAX_INT_DIGITS:
            raise ValueError(f"depth is at most {MAX_DEPTH} and int_digits at most {MAX_INT_DIGITS}")

    def lifted(self) -> ImportLimits:
        """No limit on the number of annotations or the length of their texts (a full backup)."""
        return replace(self, annotations=None, text_chars=None)


MAX_DEPTH = 500
"""The deepest nesting an import can allow: deeper would run into Python's recursion limit."""
MAX_INT_DIGITS = 4300
"""The longest number an import can allow: Python's own limit on converting digits to an int."""
DEFAULT_LIMITS = ImportLimits()
MAX_IMPORT_BYTES = 256 * 1024 * 1024
"""The largest file an import reads by default (256 MB: about 200,000 annotations as W3C JSON-LD,
450,000 as JSON Lines); ``sorot import --max-size`` changes it, ``--no-limits`` lifts it."""
_KEPT_ERRORS = 100  # problems kept for the message; the rest are counted
_LIFT = "--no-limits lifts it"


@dataclass(frozen=True, slots=True)
class LinkedData:
    """How a JSON-LD format brings a document written in another form than its own (another
    context, expanded, flattened) to its own compact form: ``own_form`` tells whether a decoded
    object needs nothing done (the fast path: Sorot's own files; ``deep``: its nested objects
    too); ``annotations`` gives the annotations of a whole decoded document in the reader's form,
    at most ``most`` of them (``ValueError`` says why not, in one line). Documents longer than ``max_chars`` are not
    processed (the whole document is decoded at once, unlike the streamed fast path)."""

    own_form: Callable[[Mapping[str, Any], bool], bool]
    annotations: Callable[[Any, int | None], Iterable[Any]]
    max_chars: int
    marker: str
    """Text found in an object's JSON whenever ``own_form`` needs to look into its nested objects
    (``deep``): without it, only the object's own keys are looked at."""


@dataclass(frozen=True, slots=True)
class Reader:
    """How a format's annotations are read back: whether a decoded JSON object is one of its own
    (``recognises``), and the annotation it is (``annotation``: ``ValueError`` says why not).
    ``expected`` names what it reads, for the message about an object no reader recognises;
    ``linked_data``, for a JSON-LD format, how other forms of it are read."""

    recognises: Callable[[Mapping[str, Any]], bool]
    annotation: Callable[[Mapping[str, Any]], Annotation]
    expected: str
    linked_data: LinkedData | None = None


def read_annotations(text: str, limits: ImportLimits, readers: Sequence[Reader]) -> list[Annotation]:
    """The annotations of ``text``, each read by the first of ``readers`` that recognises it.

    Annotations are decoded and checked one at a time, so the memory an import takes follows
    what the limits let through: a file holding more annotations than ``limits.annotations`` is
    refused when the first one too many is reached, before the rest of it is read.
    """
    text = text.lstrip("\ufeff")
    if not text or text.isspace():
        raise AnnotationImportError(["no annotations: the input is empty"])
    linked = next((r.linked_data for r in readers if r.linked_data is not None), None)
    found = _Found(limits, readers, linked)
    reader = _DocumentReader(text, limits, found)
    try:
        end = reader.read_first()
    except json.JSONDecodeError as exc:
        raise AnnotationImportError([f"line {exc.lineno}, column {exc.colno}: not valid JSON ({exc.msg})"]) from None
    except _OtherForm:
        assert linked is not None
        return _read_linked(text, limits, readers, linked)
    if _skip(text, end) < len(text):
        return _parse_jsonl(text, limits, readers)  # more after the first value: JSON Lines, each line on its own
    return found.result()


class _OtherForm(Exception):
    """The document is JSON-LD in another form than the reader's own: it is processed whole."""


def _read_linked(text: str, limits: ImportLimits, readers: Sequence[Reader], linked: LinkedData) -> list[Annotation]:
    """The annotations of a JSON-LD document in another form, decoded whole and processed by
    ``linked`` (after the same checks of numbers and depth as the streamed reading)."""
    if len(text) > linked.max_chars:
        raise AnnotationImportError(
            [f"JSON-LD in another form than Sorot's is processed up to {linked.max_chars:,} characters"]
        )
    try:
        document = _decoder(limits).decode(text)
        _check_depth(document, text, 0, len(text), 0, limits)
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data":
            return _parse_jsonl(text, limits, readers)  # JSON Lines: each line on its own
        raise AnnotationImportError([f"line {exc.lineno}, column {exc.colno}: not valid JSON ({exc.msg})"]) from None
    except RecursionError:
        raise AnnotationImportError([_too_deep(limits)]) from None
    except _Unreadable as exc:
        raise AnnotationImportError([str(exc)]) from None
    found = _Found(limits, readers)
    found.take_linked("item", document, linked, len(text))
    return found.result()


def _parse_jsonl(text: str, limits: ImportLimits, readers: Sequence[Reader]) -> list[Annotation]:
    """One annotation a line, each decoded and checked on its own; a bad line does not stop the
    others from being checked, so every problem is named at once."""
    found = _Found(limits, readers)
    linked = next((r.linked_data for r in readers if r.linked_data is not None), None)
    most = limits.annotations
    if most is not None and text.count("\n") >= most and sum(1 for _ in islice(_lines(text), most + 1)) > most:
        raise _too_many(most)  # counting lines is cheap: a file far over the limit is not parsed at all
    decoder = _decoder(limits)
    for n, line in _lines(text):
        found.arrived()
        try:
            value = decoder.decode(line)
            _check_depth(value, line, 0, len(line), 0, limits)
            items = value if isinstance(value, list) else [value]  # a list: expanded JSON-LD, on one line
            if linked is not None and any(
                isinstance(v, dict) and not linked.own_form(v, linked.marker in line) for v in items
            ):
                found.take_linked(f"line {n}", value, linked, len(line), counted=True)
                continue
        except json.JSONDecodeError as exc:
            found.problem(f"line {n}: not valid JSON ({exc.msg} at column {exc.colno})")
        except RecursionError:
            found.problem(f"line {n}: {_too_deep(limits)}")
        except _Unreadable as exc:
            found.problem(f"line {n}: {exc}")
        else:
            found.take(f"line {n}", value, len(line))
    return found.result()


def _lines(text: str) -> Iterator[tuple[int, str]]:
    """The lines of ``text`` that are not blank, with their numbers (one line copied at a time)."""
    start, n = 0, 0
    while start < len(text):
        stop = text.find("\n", start)
        stop = len(text) if stop == -1 else stop
        line = text[start:stop]
        start, n = stop + 1, n + 1
        if line and not line.isspace():
            yield n, line


def _too_many(limit: int) -> AnnotationImportError:
    return AnnotationImportError(
        [f"more than {limit:,} annotations (the limit of one import: --max-annotations N raises it, {_LIFT})"]
    )


class _Found:
    """The annotations read so far, counted against the limit, and the problems met."""

    def __init__(self, limits: ImportLimits, readers: Sequence[Reader], linked: LinkedData | None = None) -> None:
        self.limits = limits
        self.readers = readers
        self.linked = linked  # given: an annotation in another JSON-LD form stops the streamed reading
        self.annotations: list[Annotation] = []
        self.errors: list[str] = []
        self.problems = 0
        self.count = 0

    def arrived(self) -> int:
        """One more annotation is about to be read: its number, or the whole import is refused."""
        self.count += 1
        limit = self.limits.annotations
        if limit is not None and self.count > limit:
            raise _too_many(limit)
        return self.count

    def take(self, label: str, value: Any, source_chars: int, source: tuple[str, int, int] | None = None) -> None:
        """Check and keep the annotation ``value``, decoded from ``source_chars`` characters of JSON
        (``source``: the text they are in and where, to tell whether to look deep for a context)."""
        linked = self.linked
        if linked is not None and isinstance(value, dict):
            deep = source is None or source[0].find(linked.marker, source[1], source[2]) != -1
            if not linked.own_form(value, deep):
                raise _OtherForm
        try:
            annotation = annotation_from_json(value, self.readers)
            if self.limits.text_chars is not None and source_chars > self.limits.text_chars:
                # (A JSON string is never shorter than its text: a shorter item needs no check.)
                _check_texts(annotation, self.limits.text_chars)
        except ValueError as exc:
            self.problem(f"{label}: {exc}")
        else:
            self.annotations.append(annotation)

    def take_linked(self, label: str, document: Any, linked: LinkedData, chars: int, counted: bool = False) -> None:
        """Check and keep each annotation of a JSON-LD ``document`` in another form (``counted``:
        the first was counted already, as a line of JSON Lines)."""
        remaining = None if self.limits.annotations is None else self.limits.annotations - self.count + counted
        try:
            for n, value in enumerate(linked.annotations(document, remaining), 1):
                if n > 1 or not counted:
                    self.arrived()
                self.take(label if counted else f"{label} {self.count}", value, chars)
        except AnnotationImportError:
            raise
        except ValueError as exc:
            self.problem(f"{label}: {exc}" if counted else str(exc))

    def problem(self, message: str) -> None:
        self.problems += 1
        if len(self.errors) < _KEPT_ERRORS:
            self.errors.append(message)

    def failure(self) -> AnnotationImportError:
        return AnnotationImportError(self.errors, self.problems)

    def result(self) -> list[Annotation]:
        if self.problems:
            raise self.failure()
        return self.annotations


_WS = re.compile(r"[ \t\n\r]*")


def _skip(text: str, i: int) -> int:
    """Where the JSON white space from ``i`` ends."""
    space = _WS.match(text, i)
    assert space is not None  # it matches the empty string
    return space.end()


_STREAMED = object()  # stands for an ``items`` array whose annotations went one by one to :class:`_Found`


class _DocumentReader:
    """Reads one JSON document of annotations without building it whole.

    The containers (a list of annotations; a collection, its pages and their ``items``) are walked
    here, and each annotation in them is decoded on its own by the C decoder and handed to
    :class:`_Found` at once: the count limit stops the reading at the first annotation too many,
    and no tree of the whole file is ever built. Any other value is decoded whole.
    """

    def __init__(self, text: str, limits: ImportLimits, found: _Found) -> None:
        self.text = text
        self.limits = limits
        self.found = found
        self.scan = _decoder(limits).scan_once

    def read_first(self) -> int:
        """Read the first JSON value of the text; where it ends."""
        text = self.text
        i = _skip(text, 0)
        if text.startswith("[", i):
            return self._items(i, 1)
        if not text.startswith("{", i):
            value, end = self._field(i, 0)
            if _skip(text, end) == len(text):
                raise AnnotationImportError([f"expected annotations, found a JSON {type(value).__name__}"])
            return end
        data, end = self._object(i, 1)
        if _skip(text, end) < len(text):
            return end  # JSON Lines: the caller starts again line by line
        if not self._is_container(data):
            self._annotation(i, data)
            return end
        types = json_types(data)
        first = data.get("first")
        if "AnnotationCollection" in types and first is not None and not isinstance(first, dict):
            raise AnnotationImportError(["the collection's pages are not embedded (first is a link): cannot import"])
        return end

    def _is_container(self, data: Mapping[str, Any]) -> bool:
        types = json_types(data)
        return (
            "AnnotationCollection" in types
            or "AnnotationPage" in types
            or data.get("items") is _STREAMED
            or isinstance(data.get("first"), dict)
        )

    def _object(self, i: int, depth: int, page: int = 0) -> tuple[dict[str, Any], int]:
        """The object at ``i`` with its ``items`` read one by one and its ``first``/``next`` pages walked."""
        text = self.text
        if depth > self.limits.depth:
            raise AnnotationImportError([f"line {self._line(i)}: {_too_deep(self.limits)}"])
        data: dict[str, Any] = {}
        i = _skip(text, i + 1)
        if text.startswith("}", i):
            return data, i + 1
        while True:
            if not text.startswith('"', i):
                raise json.JSONDecodeError("Expecting property name enclosed in double quotes", text, i)
            key, i = self._field(i, depth)
            i = _skip(text, i)
            if not text.startswith(":", i):
                raise json.JSONDecodeError("Expecting ':' delimiter", text, i)
            i = _skip(text, i + 1)
            if key == "@graph" and self.found.linked is not None:
                raise _OtherForm
            if key == "items" and text.startswith("[", i):
                i = self._items(i, depth + 1)
                data[key] = _STREAMED
            elif key in ("first", "next") and text.startswith("{", i):
                data[key], i = self._object(i, depth + 1, page + 1)
            else:
                data[key], i = self._field(i, depth)
                linked = self.found.linked
                if key == "@context" and linked is not None and not linked.own_form({key: data[key]}, True):
                    raise _OtherForm
            i = _skip(text, i)
            if text.startswith(",", i):
                i = _skip(text, i + 1)
            elif text.startswith("}", i):
                break
            else:
                raise json.JSONDecodeError("Expecting ',' delimiter", text, i)
        if "items" in data and data["items"] is not _STREAMED:
            raise AnnotationImportError([f"page {max(page, 1)}: items must be a list"])
        if isinstance(data.get("next"), str):
            raise AnnotationImportError(["the collection's next page is a link, not embedded: cannot import"])
        return data, i + 1

    def _items(self, i: int, depth: int) -> int:
        """The array of annotations at ``i``, each decoded and checked as it comes; where it ends."""
        text = self.text
        if depth > self.limits.depth:
            raise AnnotationImportError([f"line {self._line(i)}: {_too_deep(self.limits)}"])
        i = _skip(text, i + 1)
        if text.startswith("]", i):
            return i + 1
        while True:
            n = self.found.arrived()
            try:
                value, end = self._value(i, depth)
            except _Unreadable as exc:
                # Where this item ends is unknown, so the reading stops here.
                self.found.problem(f"item {n} (line {self._line(i)}): {exc}")
                raise self.found.failure() from None
            self.found.take(f"item {n}", value, end - i, (text, i, end))
            i = _skip(text, end)
            if text.startswith(",", i):
                i = _skip(text, i + 1)
            elif text.startswith("]", i):
                return i + 1
            else:
                raise json.JSONDecodeError("Expecting ',' delimiter", text, i)

    def _annotation(self, i: int, data: dict[str, Any]) -> None:
        """A document that is one annotation."""
        self.found.arrived()
        self.found.take("item 1", data, len(self.text) - i)

    def _value(self, i: int, depth: int) -> tuple[Any, int]:
        """Any JSON value at ``i``, decoded whole, inside ``depth`` levels of containers."""
        try:
            value, end = self.scan(self.text, i)
        except StopIteration as exc:
            raise json.JSONDecodeError("Expecting value", self.text, exc.value) from None
        except RecursionError:
            raise _Unreadable(_too_deep(self.limits)) from None
        _check_depth(value, self.text, i, end, depth, self.limits)
        return value, end

    def _field(self, i: int, depth: int) -> tuple[Any, int]:
        """A value outside the annotations (a key, a type, a total): a problem in it ends the import."""
        try:
            return self._value(i, depth)
        except _Unreadable as exc:
            raise AnnotationImportError([f"line {self._line(i)}: {exc}"]) from None

    def _line(self, i: int) -> int:
        return self.text.count("\n", 0, i) + 1


class _Unreadable(ValueError):
    """A value refused before it is used: a number too long, or nesting too deep."""


def _decoder(limits: ImportLimits) -> _Decoder:
    """A JSON decoder that refuses numbers longer than the limit before converting them (Python's own
    limit would stop a 5,000-digit one with a message about ``sys.set_int_max_str_digits``)."""
    most = limits.int_digits

    def parse_int(digits: str) -> int:
        length = len(digits) - digits.startswith("-")
        if length > most:
            raise _Unreadable(
                f"a number {length:,} digits long (more than {most:,} digits: --max-int-digits N raises it)"
            )
        return int(digits)

    return _Decoder(parse_int=parse_int)


class _Decoder(json.JSONDecoder):
    scan_once: Callable[[str, int], tuple[Any, int]]
    """Decodes the one JSON value at an index: where it ends (set by ``JSONDecoder``; undocumented)."""


def _too_deep(limits: ImportLimits) -> str:
    levels = f"{limits.depth} level{'s' * (limits.depth != 1)}"
    if limits.depth >= MAX_DEPTH:
        return f"nested more than {levels} deep (the most an import can read)"
    return f"nested more than {levels} deep (--max-depth N raises it, up to {MAX_DEPTH})"


def _check_depth(value: Any, text: str, start: int, end: int, depth: int, limits: ImportLimits) -> None:
    """Refuse ``value`` (``text[start:end]``, inside ``depth`` containers) if it nests past the limit."""
    room = limits.depth - depth
    if end - start <= room or text.count("[", start, end) + text.count("{", start, end) <= room:
        return  # fewer brackets than levels left: cannot be too deep (counting is fast; walking is not)
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is None:
            continue
        deepest = max(deepest, level)
        if deepest > room:
            raise _Unreadable(_too_deep(limits))
        stack.extend((child, level + 1) for child in children if isinstance(child, (dict, list)))


def _check_texts(ann: Annotation, limit: int | None) -> None:
    """Refuse an annotation whose note, quote or other text is longer than ``limit`` characters."""
    if limit is None:
        return
    lengths = (
        ("its note", len(ann.note)),
        ("its quote", len(ann.quote.exact)),
        ("the text before its quote", len(ann.quote.prefix)),
        ("the text after its quote", len(ann.quote.suffix)),
        ("its tags together", sum(len(tag) or 1 for tag in ann.tags)),
        ("its label", len(ann.label)),
        ("its colour", len(ann.colour)),
        ("its id", len(ann.id)),
        ("its document's path", len(ann.document.path)),
        ("its document's title", len(ann.document.title)),
        ("its document's sha256", len(ann.document.sha256)),
        ("its created time", len(ann.created)),
        ("its updated time", len(ann.updated)),
    )
    for what, length in lengths:
        if length > limit:
            raise ValueError(
                f"{what} is {length:,} characters long (more than {limit:,}: --max-text-chars N raises it, {_LIFT})"
            )


def json_types(data: Mapping[str, Any]) -> list[str]:
    """The JSON-LD types of an object (``type`` or ``@type``, one or a list)."""
    value = data.get("type", data.get("@type", []))
    return [value] if isinstance(value, str) else [v for v in value if isinstance(v, str)] if value else []


def annotation_from_json(item: Any, readers: Sequence[Reader]) -> Annotation:
    """One annotation, read by the first of ``readers`` that recognises ``item``; ``ValueError``
    says why not. Its times are given as Sorot writes them (:func:`utc_time`): the newest version
    of an annotation wins an import, and that is told by comparing them."""
    if not isinstance(item, dict):
        raise ValueError(f"expected an annotation object, found a JSON {type(item).__name__}")
    reader = next((r for r in readers if r.recognises(item)), None)
    if reader is None:
        expected = [r.expected for r in readers]
        raise ValueError(f"neither {' nor '.join(expected)}" if len(expected) > 1 else f"not {''.join(expected)}")
    ann = reader.annotation(item)
    created, updated = utc_time(ann.created, "created"), utc_time(ann.updated, "updated")
    return ann if (created, updated) == (ann.created, ann.updated) else replace(ann, created=created, updated=updated)


def utc_time(value: str, name: str) -> str:
    """An imported time (ISO 8601, any offset; none is UTC) as Sorot writes times: UTC, to the
    millisecond, ``2025-01-31T08:15:02.123Z``, so that they compare as text in time order
    ("...:23Z" was later than "...:23.394Z", and "zzz" later than any time). Empty stays empty."""
    if not value:
        return value
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        shown = value if len(value) <= 40 else value[:40] + "…"
        raise ValueError(f"{name} {shown!r} is not a date and time (ISO 8601)") from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
