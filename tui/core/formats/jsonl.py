"""JSON Lines (``jsonl``): one stored annotation a line, every field, as the database holds it.

Each line is :meth:`Annotation.to_dict`; the reader takes the same records back (one a line, or a
list of them), so an export imported into an empty database exports again byte for byte.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import IO, Any

from tui.core.annotations import Annotation
from tui.core.formats.base import ExportItem, Labels, TextFormat, json_text
from tui.core.formats.reading import Reader


def write_jsonl(items: Sequence[ExportItem], out: IO[str], labels: Labels = None) -> None:
    """Every item's annotations, one a line (``labels``: no entities here)."""
    for item in items:
        for ann in item.annotations:
            out.write(json_text(ann.to_dict()) + "\n")


def _is_record(item: Mapping[str, Any]) -> bool:
    return bool({"document", "position", "quote", "kind"} & item.keys())


JSONL = TextFormat(
    "jsonl",
    "one annotation per line, every stored field; re-importable",
    ".jsonl",
    write_jsonl,
    reader=Reader(_is_record, Annotation.from_dict, "a Sorot annotation (no document)"),
)
