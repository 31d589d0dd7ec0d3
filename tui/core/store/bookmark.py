"""A bookmark: a place in a document the reader marked to come back to (table ``bookmarks``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tui.core.annotations import DocumentRef


@dataclass(frozen=True, slots=True)
class Bookmark:
    """A place in a document the reader marked to come back to."""

    id: str
    document: DocumentRef
    offset: int
    label: str = ""
    created: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "document": self.document.to_dict(),
            "offset": self.offset,
            "label": self.label,
            "created": self.created,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Bookmark:
        """Parse :meth:`to_dict` output; raises ``ValueError`` (or ``KeyError``, ``TypeError``,
        ``AttributeError`` for a record of the wrong shape)."""
        offset, ident = data.get("offset"), data.get("id")
        if not isinstance(offset, int) or isinstance(offset, bool) or offset < 0:
            raise ValueError("bookmark: bad offset")
        if not isinstance(ident, str) or not ident:
            raise ValueError("bookmark: no id")
        label, created = data.get("label"), data.get("created")
        if not all(value is None or isinstance(value, str) for value in (label, created)):
            raise ValueError("bookmark: label and time must be text")
        return cls(ident, DocumentRef.from_dict(data["document"]), offset, label or "", created or "")
