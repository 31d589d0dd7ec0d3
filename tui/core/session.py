"""One open document's annotations and bookmarks, as the reader changes them, with undo and redo.

``DocumentSession.open(store, text, document)`` re-anchors what the store holds for the
document (also annotations made on an older version of the same file), saves the new positions
and statuses, and from then on every change goes to the store at once and onto the undo stack.
The UI keeps no annotation state of its own: it reads ``annotations`` and ``bookmarks`` here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from tui.core.annotations import CONTEXT_CHARS, Anchored, Annotation, DocumentRef, make_annotation, reanchor
from tui.core.entities import Entity
from tui.core.store import Bookmark, Store

ENTITY_KINDS = ("entity-add", "entity-relabel", "entity-reject")


@dataclass
class _Step:
    """One undoable change: what it was, and how to take it back and do it again."""

    description: str
    undo: Callable[[], None]
    redo: Callable[[], None]


@dataclass
class DocumentSession:
    store: Store
    text: str
    document: DocumentRef
    annotations: list[Annotation] = field(default_factory=list)
    bookmarks: list[Bookmark] = field(default_factory=list)
    moved: int = 0
    orphaned: int = 0
    _undo: list[_Step] = field(default_factory=list)
    _redo: list[_Step] = field(default_factory=list)

    @classmethod
    def open(cls, store: Store, text: str, document: DocumentRef) -> DocumentSession:
        """The document's annotations, re-anchored in ``text``; moved and orphaned ones are saved so."""
        stored = store.annotations_for(document.sha256, document.path or None)
        anchored = reanchor(stored, text)
        current, changed = [], []
        for item in anchored:
            ann = item.annotation if _in_place(item, text, document) else item.rebased(text, document)
            if ann is not item.annotation and ann != item.annotation:
                changed.append(ann)
            current.append(ann)
        if changed:
            store.save_many(changed)
        if document.path:
            _carry_bookmarks(store, text, document)
        session = cls(store, text, document, current, store.bookmarks(document.sha256))
        session.moved = sum(1 for a in current if a.status == "moved")
        session.orphaned = sum(1 for a in current if a.status == "orphaned")
        session._sort()
        return session

    # -- reading ---------------------------------------------------------------------------------

    def placed(self) -> list[Annotation]:
        """Annotations with a place in the text (not orphaned), in document order."""
        return [a for a in self.annotations if a.status != "orphaned"]

    def orphans(self) -> list[Annotation]:
        return [a for a in self.annotations if a.status == "orphaned"]

    def at(self, offset: int) -> list[Annotation]:
        """Placed annotations covering ``offset``."""
        return [a for a in self.placed() if a.start <= offset < a.end]

    def corrected(self, entities: Iterable[Entity]) -> list[Entity]:
        """The pipeline's entities with this reader's corrections applied."""
        from tui.core.export import corrected_entities

        return corrected_entities(entities, self.placed(), self.text)

    def tags(self) -> list[str]:
        return self.store.tags()

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    # -- changing --------------------------------------------------------------------------------

    def annotate(self, start: int, end: int, kind: str, **fields: object) -> Annotation:
        """Add an annotation of ``text[start:end]`` (``note``, ``tags``, ``label``, ``colour``)."""
        ann = make_annotation(self.text, start, end, kind, document=self.document, **fields)
        self.store.add(ann)
        self._put(ann)
        self._record(_added(ann), undo=lambda: self._remove(ann.id), redo=lambda: self._restore(ann))
        return ann

    def edit(self, annotation_id: str, **changes: object) -> Annotation:
        """Change an annotation's note, tags, label or colour (or re-attach it: ``start``/``end``)."""
        old = self._get(annotation_id)
        start, end = changes.pop("start", None), changes.pop("end", None)
        if start is not None and end is not None:
            fresh = make_annotation(self.text, int(start), int(end), old.kind, document=self.document)
            changes.update(position=fresh.position, quote=fresh.quote, document=self.document, status="ok")
        new = old.edited(**changes)
        self.store.restore(new)
        self._put(new)
        verb = "re-attached" if start is not None and end is not None else "changed"
        self._record(f"{verb} {_describe(new)}", undo=lambda: self._restore(old), redo=lambda: self._restore(new))
        return new

    def delete(self, annotation_id: str) -> Annotation:
        old = self._get(annotation_id)
        self._remove(annotation_id)
        self._record(f"deleted {_describe(old)}", undo=lambda: self._restore(old), redo=lambda: self._remove(old.id))
        return old

    def reject_entity(
        self, start: int, end: int, label: str = "", *, pipeline_has_span: bool = False
    ) -> Annotation | None:
        """Say the entity on ``start``..``end`` is not one, as one undoable change.

        An entity the reader added is taken back: its ``entity-add`` goes, with the relabellings
        made on its span since, and the store is as if it had never been added (returns None).
        A pipeline's entity gets an ``entity-reject`` (returned), and so does an added one on the
        very span of a pipeline's entity (``pipeline_has_span``), which taking the addition back
        would show again.
        """
        added = [a for a in self.placed() if a.kind == "entity-add" and (a.start, a.end) == (start, end)]
        if not added or pipeline_has_span:
            return self.annotate(start, end, "entity-reject", label=label)
        since = min(a.created for a in added)
        relabels = [
            a
            for a in self.placed()
            if a.kind == "entity-relabel" and (a.start, a.end) == (start, end) and a.created >= since
        ]
        removed = [*added, *relabels]
        self._remove_all(removed)
        shown = _with_label(_quoted(self.text[start:end]), label or added[-1].label)
        self._record(
            f"removed entity {shown}",
            undo=lambda: self._restore_all(removed),
            redo=lambda: self._remove_all(removed),
        )
        return None

    def bookmark(self, offset: int, label: str = "") -> Bookmark:
        """Bookmark ``offset`` (the same place twice gives the same bookmark, and no undo step)."""
        existing = next((b for b in self.bookmarks if b.offset == offset), None)
        if existing is not None:
            return existing
        mark = self.store.add_bookmark(self.document, offset, label)
        self._refresh_bookmarks()
        self._record(
            f"added bookmark {_quoted(label)}" if label.strip() else "added bookmark",
            undo=lambda: (self.store.remove_bookmark(mark.id), self._refresh_bookmarks()),
            redo=lambda: (self.store.restore_bookmark(mark), self._refresh_bookmarks()),
        )
        return mark

    def remove_bookmark(self, bookmark_id: str) -> Bookmark:
        mark = self.store.remove_bookmark(bookmark_id)
        self._refresh_bookmarks()
        self._record(
            f"removed bookmark {_quoted(mark.label)}" if mark.label.strip() else "removed bookmark",
            undo=lambda: (self.store.restore_bookmark(mark), self._refresh_bookmarks()),
            redo=lambda: (self.store.remove_bookmark(mark.id), self._refresh_bookmarks()),
        )
        return mark

    def undo(self) -> str | None:
        """Take back the last change; what it was in plain words (``added entity “Kali Krukut”
        (LOC)``, quoting the article), or None when there is nothing to undo."""
        if not self._undo:
            return None
        step = self._undo[-1]
        step.undo()  # a step the store fails to take back stays on the stack
        self._redo.append(self._undo.pop())
        return step.description

    def redo(self) -> str | None:
        if not self._redo:
            return None
        step = self._redo[-1]
        step.redo()
        self._undo.append(self._redo.pop())
        return step.description

    def save_position(self, offset: int) -> None:
        self.store.set_position(self.document, max(0, min(offset, len(self.text))))

    def position(self) -> int | None:
        offset = self.store.position(self.document.sha256, self.document.path or None)
        return None if offset is None else min(offset, len(self.text))

    # -- internals -------------------------------------------------------------------------------

    def _record(self, description: str, undo: Callable[[], object], redo: Callable[[], object]) -> None:
        self._undo.append(_Step(description, undo, redo))  # type: ignore[arg-type]
        self._redo.clear()

    def _get(self, annotation_id: str) -> Annotation:
        for ann in self.annotations:
            if ann.id == annotation_id:
                return ann
        raise KeyError(annotation_id)

    def _put(self, ann: Annotation) -> None:
        self.annotations = [a for a in self.annotations if a.id != ann.id] + [ann]
        self._sort()

    def _remove(self, annotation_id: str) -> None:
        self.store.delete(annotation_id)
        self.annotations = [a for a in self.annotations if a.id != annotation_id]

    def _restore(self, ann: Annotation) -> None:
        self.store.restore(ann)
        self._put(ann)

    def _remove_all(self, anns: list[Annotation]) -> None:
        """Remove every one of ``anns``, or (when the store fails half way) none of them."""
        done: list[Annotation] = []
        try:
            for ann in anns:
                self._remove(ann.id)
                done.append(ann)
        except Exception:
            if done:
                self._restore_all(done)
            raise

    def _restore_all(self, anns: list[Annotation]) -> None:
        self.store.save_many(anns)
        for ann in anns:
            self._put(ann)

    def _refresh_bookmarks(self) -> None:
        self.bookmarks = self.store.bookmarks(self.document.sha256)

    def _sort(self) -> None:
        self.annotations.sort(key=lambda a: (a.status == "orphaned", a.start, a.end, a.created))


def _in_place(item: Anchored, text: str, document: DocumentRef) -> bool:
    """Whether ``item.rebased(text, document)`` would give its annotation back unchanged: found where
    it was, in this document, with the same quote. (Checked without building the rebased copy: on
    opening a document with 100,000 annotations, nearly all are so.)"""
    ann = item.annotation
    if item.status != ann.status:
        return False
    if item.orphaned:
        return True
    start, end, quote = ann.start, ann.end, ann.quote
    return (
        (item.start, item.end) == (start, end)
        and ann.document == document
        and quote.exact == text[start:end]
        and quote.prefix == text[max(0, start - CONTEXT_CHARS) : start]
        and quote.suffix == text[end : end + CONTEXT_CHARS]
    )


def _carry_bookmarks(store: Store, text: str, document: DocumentRef) -> None:
    """Bring bookmarks made on other versions of this file to this text.

    A bookmark remembers the words it was set at (its label): it moves to where they are now if
    they occur once, and stays with its old version otherwise (nothing is deleted).
    """
    for ref in store.documents():
        if ref.path != document.path or ref.sha256 == document.sha256:
            continue
        for mark in store.bookmarks(ref.sha256):
            where = text.find(mark.label) if mark.label else -1
            if where == -1 or text.find(mark.label, where + 1) != -1:
                continue
            store.restore_bookmark(Bookmark(mark.id, document, where, mark.label, mark.created))


QUOTE_CHARS = 40
"""Longest passage quoted in a change's description; longer ones are cut with "…"."""


def _quoted(passage: str) -> str:
    """``“passage”``, on one line and at most ``QUOTE_CHARS`` characters."""
    flat = " ".join(passage.split())
    if len(flat) > QUOTE_CHARS:
        cut = flat[: QUOTE_CHARS - 1]
        space = cut.rfind(" ")
        flat = (cut[:space] if space > QUOTE_CHARS // 2 else cut).rstrip() + "…"  # at a word's end if one is near
    return f"“{flat}”"


def _with_label(quoted: str, label: str) -> str:
    return f"{quoted} ({label})" if label else quoted


def _describe(ann: Annotation) -> str:
    """What ``ann`` is, in a few words: ``note on “…”``, ``entity “Kali Krukut” (LOC)``."""
    quoted = _quoted(ann.quote.exact)
    return {
        "highlight": f"highlight on {quoted}",
        "note": f"note on {quoted}",
        "entity-add": f"entity {_with_label(quoted, ann.label)}",
        "entity-relabel": f"label {ann.label} on {quoted}" if ann.label else f"label change on {quoted}",
        "entity-reject": f"rejection of {_with_label(quoted, ann.label)}",
    }.get(ann.kind, f"{ann.kind} on {quoted}")


def _added(ann: Annotation) -> str:
    """The description of making ``ann``: ``added entity “Kali Krukut” (LOC)``, ``relabelled “X” as ORG``."""
    quoted = _quoted(ann.quote.exact)
    if ann.kind == "highlight":
        return f"highlighted {quoted}" + (f" in {ann.colour}" if ann.colour else "")
    if ann.kind == "entity-relabel":
        return f"relabelled {quoted} as {ann.label}" if ann.label else f"relabelled {quoted}"
    if ann.kind == "entity-reject":
        return f"rejected entity {_with_label(quoted, ann.label)}"
    return f"added {_describe(ann)}"
