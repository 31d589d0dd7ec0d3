"""The database file's layout: a TinyDB JSON database written one record per line.

::

    {
    "annotations":{
    "1":{"id":"...","document":{...},...},
    "2":{...}
    },
    "meta":{
    "1":{"schema":1}
    }
    }

Any JSON reader (TinyDB's own ``JSONStorage`` included) reads it as the usual
``{table: {id: record}}``. Each record read or written keeps its line (:class:`_Record`), so
saving one annotation into a database of 10,000 serialises one record, not 10,000; and a file
in this layout is parsed line by line, keeping the lines, while any other valid JSON (a file
written by hand, or by plain TinyDB) goes to the ordinary parser. Output is ASCII, so lone
surrogates in notes stay writable. A record that is not a JSON object, as a damaged file may
hold, is kept as its value (:class:`_KeptValue`) and written back as it was read.
"""

from __future__ import annotations

import gc
import json
import sys
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from _typeshed import SupportsKeysAndGetItem
    from typing_extensions import Self

from tui.core.store.errors import CorruptDatabaseError, shown_table

_encode = json.JSONEncoder(separators=(",", ":")).encode  # ASCII: lone surrogates in notes stay writable
# (text, index) -> (value, end); raises StopIteration. JSONDecoder sets it in __init__, untyped in typeshed.
_scan: Callable[[str, int], tuple[Any, int]] = json.JSONDecoder().scan_once  # type: ignore[attr-defined]


class _Record(dict[str, Any]):
    """A stored record that remembers its JSON line until something changes it."""

    __slots__ = ("_key", "_line")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._key: str | None = None
        self._line: bytes | None = None  # the file's line for this record, without its comma

    # TinyDB changes records in place (Table.update calls dict.update): drop the line then.
    def __setitem__(self, key: Any, value: Any) -> None:
        self._line = None
        super().__setitem__(key, value)

    def __delitem__(self, key: Any) -> None:
        self._line = None
        super().__delitem__(key)

    def update(self, *args: Any, **kwargs: Any) -> None:
        self._line = None
        super().update(*args, **kwargs)

    def pop(self, *args: Any) -> Any:
        self._line = None
        return super().pop(*args)

    def popitem(self) -> tuple[Any, Any]:
        self._line = None
        return super().popitem()

    def setdefault(self, key: Any, default: Any = None) -> Any:
        self._line = None
        return super().setdefault(key, default)

    def clear(self) -> None:
        self._line = None
        super().clear()

    # The types are exact; mypy holds any __ior__ of a dict subclass to dict.__or__'s generic
    # overloads, which typeshed's own dict.__ior__ (returning Self) would not pass either.
    def __ior__(self, other: SupportsKeysAndGetItem[str, Any] | Iterable[tuple[str, Any]]) -> Self:  # type: ignore[misc, override]
        self._line = None
        return super().__ior__(other)

    def _encoded(self) -> str:
        return _encode(self)


class _KeptValue(_Record):
    """A record that is not a JSON object (a list, a string, a number...), as a damaged file may hold.

    To the store it is an empty record, which every table skips as damaged; to the file it is
    its value, written back as it was read. It equals another kept value of the same value.
    """

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        super().__init__()
        self.value = value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _KeptValue) and self.value == other.value

    def __ne__(self, other: object) -> bool:
        return not self == other

    __hash__ = None  # type: ignore[assignment]

    def _encoded(self) -> str:
        return _encode(self.value)


def serialise_database(data: Mapping[str, Mapping[str, Any]]) -> bytes:
    """The file's bytes for a TinyDB state: JSON (ASCII), one record per line."""
    return b"".join(serialise_chunks(data))


def serialise_chunks(data: Mapping[str, Mapping[str, Any]]) -> list[bytes]:
    """The database file in a few large pieces, reusing each unchanged record's line.

    Records are wrapped as :class:`_Record` so that the next save reuses their lines. Pieces
    rather than one string: joining and encoding 5 MB again would copy it several times per save.
    """
    chunks = [b"{\n"]
    for n, (name, table) in enumerate(data.items()):
        # Only new or changed records are encoded: this is what makes a save into 10,000 quick.
        stale = [k for k, r in table.items() if not isinstance(r, _Record) or r._line is None or r._key != k]
        for key in stale:
            record = table[key]
            if not isinstance(record, _Record):
                record = _Record(record) if isinstance(record, dict) else _KeptValue(record)
                table[key] = record  # type: ignore[index]  # an existing key: the dict is not resized
            record._key = str(key)
            record._line = f"{_encode(str(key))}:{record._encoded()}".encode("ascii")
        if n:
            chunks.append(b",\n")
        chunks.append(f"{_encode(str(name))}:{{".encode("ascii"))
        if table:
            chunks += [b"\n", b",\n".join([r._line for r in table.values()]), b"\n}"]
        else:
            chunks.append(b"}")
    chunks.append(b"\n}\n" if len(chunks) > 1 else b"}\n")
    return chunks


def parse_database(raw: bytes) -> dict[str, dict[str, Any]]:
    """Parse a database file; raises :class:`CorruptDatabaseError` saying why it is not one.

    The reason is one line and never quotes the file. A record that is not a JSON object is
    kept as a :class:`_KeptValue`: it is the store's to skip, not a reason to refuse the file.
    """
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise CorruptDatabaseError("is not a text file (not UTF-8)") from None
    # Tens of thousands of small dicts at once: the cyclic GC would run many times over them,
    # finding nothing to free (a third of the open time). It is switched back on just after.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        data = _parse_lines(text, raw)
    except (ValueError, IndexError, StopIteration, RecursionError):
        data = None
    finally:
        if gc_was_enabled:
            gc.enable()
    if data is not None:
        return data  # the line parser takes only tables of records
    try:  # written by something else (or by hand): the plain parser decides
        data = json.loads(text)
    except RecursionError:
        raise CorruptDatabaseError("is nested too deeply to read") from None
    except ValueError as exc:
        if "integer string conversion" in str(exc):
            raise CorruptDatabaseError(
                f"holds a number too long to read (over {sys.get_int_max_str_digits()} digits)"
            ) from None
        raise CorruptDatabaseError(f"is not valid JSON ({exc})") from None
    if not isinstance(data, dict):
        raise CorruptDatabaseError(f"is JSON but not a database (a {type(data).__name__} at the top)")
    for name, table in data.items():
        if not isinstance(table, dict):
            raise CorruptDatabaseError(
                f"is JSON but not a TinyDB database ({shown_table(name)} is not a table of records)"
            )
        for key, record in table.items():
            if not isinstance(record, dict):
                table[key] = _KeptValue(record)
    return data


def _parse_lines(text: str, raw: bytes) -> dict[str, dict[str, Any]] | None:
    """Parse the one-record-per-line layout :func:`serialise_database` writes, keeping each line.

    Returns None when the text is laid out otherwise; anything accepted here is valid JSON.
    """
    lines = text.split("\n")
    raw_lines = raw.split(b"\n")  # in step with ``lines``: a newline byte is only ever a newline
    if lines[0] != "{" or len(raw_lines) != len(lines):
        return None
    data: dict[str, dict[str, Any]] = {}
    i, last = 1, len(lines) - 1
    while last > 0 and lines[last] == "":
        last -= 1
    if lines[last] != "}":
        return None
    while i < last:
        line = lines[i]
        name, end = _scan(line, 0)
        if not isinstance(name, str):
            return None
        head = line[end:]
        table: dict[str, Any] = {}
        if head in (":{}", ":{},"):
            more = head.endswith(",")
            i += 1
        elif head == ":{":
            i += 1
            while True:
                line = lines[i]
                more = line.endswith(",")
                if line == "},":
                    raise ValueError("comma before the end of a table")
                colon = line.find('":', 1)
                key = line[1:colon]
                if line[0] != '"' or not key.isdigit():  # TinyDB's ids are digits: anything else, parse
                    key, colon = _scan(line, 0)
                    if not isinstance(key, str) or line[colon : colon + 1] != ":":
                        return None
                    colon -= 1
                record, r_end = _scan(line, colon + 2)
                if r_end != len(line) - more:
                    return None
                record = _Record(record) if type(record) is dict else _KeptValue(record)
                record._key = key
                record._line = raw_lines[i][:-1] if more else raw_lines[i]
                table[key] = record
                i += 1
                if not more:
                    break
            close = lines[i]
            if close not in ("}", "},"):
                return None
            more = close == "},"
            i += 1
        else:
            return None
        data[name] = table
        if more == (i >= last):  # a comma after the last table, or none between two
            return None
    return data
