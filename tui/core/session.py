"""One open document's annotations and bookmarks, as the reader changes them, with undo and redo.

``DocumentSession.open(store, text, document)`` records that the reader found this text at this
path, re-anchors what the store holds for the document (also annotations made on other texts
found at the same path: older versions of the file), saves the new positions and statuses, and
from then on every change goes to the store at once and onto the undo stack. The UI keeps no
annotation state of its own: it reads ``annotations`` and ``bookmarks`` here.

One text can live at several paths (a copy of an article). An annotation belongs to the text it
was made on: opening an unedited copy shows it and changes nothing; an edited copy shows it
re-anchored without saving it there while that text is still the one found at another path (the
original keeps it). Only a file edited in place, whose old text is nowhere else, takes its
annotations along. Changes are sent as deltas: an edit changes those fields of the stored
version, whoever wrote it last, and :meth:`DocumentSession.sync` takes in what other processes
changed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from tui.core.annotations import (
    CONTEXT_CHARS,
    ENTITY_KINDS,
    Anchored,
    Annotation,
    AnnotationFields,
    DocumentRef,
    Kind,
    make_annotation,
    reanchor,
)
from tui.core.corrections import applied_order, corrected_entities
from tui.core.document import first_words
from tui.core.entities import Entity
from tui.core.store import Bookmark, Store, StoreError

if TYPE_CHECKING:
    from typing import Unpack

    from tui.core.document import Article

BOOKMARK_LABEL_CHARS = 60
"""A bookmark is named by the text from its place to the end of the line, cut to this many characters."""


def document_of(article: Article) -> DocumentRef:
    """The document as the store knows it: its text's sha256 and the file's absolute path (the
    same file opened from another directory is the same path; a copy elsewhere is another); for
    an article read from a URL, the URL stands where the path does."""
    if article.web is not None and article.path is None:
        return DocumentRef(article.sha256, article.web.url, article.title)
    path = str(article.path.resolve()) if article.path is not None else ""
    return DocumentRef(article.sha256, path, article.title)


DELETED_ELSEWHERE = "the annotation was deleted elsewhere (another sorot, or an import)"


@dataclass
class _Step:
    """One undoable change: what it was, and how to take it back and do it again."""

    description: str
    undo: Callable[[], object]
    redo: Callable[[], object]


@dataclass
class DocumentSession:
    store: Store
    text: str
    document: DocumentRef
    annotations: list[Annotation] = field(default_factory=list)
    bookmarks: list[Bookmark] = field(default_factory=list)
    moved: int = 0
    orphaned: int = 0
    damaged: int = 0  # stored records naming this document that are not annotations: skipped, kept
    _undo: list[_Step] = field(default_factory=list)
    _redo: list[_Step] = field(default_factory=list)
    _base: dict[str, Annotation] = field(default_factory=dict)  # id -> the stored version shown
    _seen: int = -1  # the store's count of outside changes when the session last looked

    @classmethod
    def open(cls, store: Store, text: str, document: DocumentRef) -> DocumentSession:
        """The document's annotations, re-anchored in ``text``; moved and orphaned ones are saved
        so, unless the text they were made on is still the one found at another path."""
        if document.path and not store.read_only:
            store.document_opened(document)
        session = cls(store, text, document)
        session._seen = store.refresh()
        stored = store.annotations_for(document.sha256, document.path or None)
        elsewhere = {
            sha
            for sha in {a.document.sha256 for a in stored} - {document.sha256}
            if any(path != document.path for path in store.paths_of(sha, current_only=True))
        }
        changed = []
        for ann, shown in session._placed(stored):
            if shown != ann and ann.document.sha256 not in elsewhere:
                changed.append(shown)
                ann = shown
            session._base[ann.id] = ann
            session.annotations.append(shown)
        if changed:
            store.save_many(changed)
        if document.path:
            _carry_bookmarks(store, text, document)
        session.bookmarks = store.bookmarks(document.sha256)
        session.moved = sum(1 for a in session.annotations if a.status == "moved")
        session.orphaned = sum(1 for a in session.annotations if a.status == "orphaned")
        session.damaged = store.damaged_for(document.sha256, document.path or None)
        session._sort()
        return session

    def behind(self) -> bool:
        """Whether other processes changed the store since the session last looked; a stat of
        the file when they did not, a parse of it when they did (call it off the UI thread)."""
        return self.store.refresh() != self._seen

    def keep_in_memory(self) -> None:
        """Go on in memory, the database no longer taking saves (made read-only, or replaced by
        something that is not a file, since it was opened): what the session holds now and every
        change from now on last until it ends. The file is left as it is."""
        try:
            memory = self.store.in_memory()
        except StoreError:  # it cannot be read either: what this session holds
            memory = Store.memory()
            memory.save_many(self.annotations)
            for mark in self.bookmarks:
                memory.restore_bookmark(mark)
        self.store = memory
        self._seen = memory.refresh()

    def sync(self) -> bool:
        """Take in what other processes changed since the session last looked (annotations
        added, changed or deleted; bookmarks); True when anything shown changed. Costs a stat
        of the file when nothing did."""
        seen = self.store.refresh()
        if seen == self._seen:
            return False
        self._seen = seen
        stored = self.store.annotations_for(self.document.sha256, self.document.path or None)
        shown = {a.id: a for a in self.annotations}
        fresh = [a for a in stored if ((base := self._base.get(a.id)) is not a and base != a) or a.id not in shown]
        gone = set(self._base).difference(a.id for a in stored)
        for ann_id in gone:
            self._forget(ann_id)
        self._show_all(fresh)
        bookmarks = self.store.bookmarks(self.document.sha256)
        changed = bool(fresh or gone) or bookmarks != self.bookmarks
        self.bookmarks = bookmarks
        return changed

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
        return corrected_entities(entities, self.placed(), self.text)

    def corrections(self) -> list[tuple[int, int, str, str]]:
        """The entity corrections in place, as (start, end, kind, label): when they change, so do
        the entities shown and their facts."""
        return [(a.start, a.end, a.kind, a.label) for a in self.placed() if a.kind in ENTITY_KINDS]

    def corrected_spans(self) -> frozenset[tuple[int, int]]:
        """Where the reader added an entity or changed its label (drawn as the reader's own)."""
        return frozenset((a.start, a.end) for a in self.placed() if a.kind in (Kind.ENTITY_ADD, Kind.ENTITY_RELABEL))

    def entity_labels(self) -> set[str]:
        """Every label the reader's corrections give."""
        return {a.label for a in self.annotations if a.kind in ENTITY_KINDS and a.label}

    def tags(self) -> list[str]:
        return self.store.tags()

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    # -- changing --------------------------------------------------------------------------------

    def annotate(self, start: int, end: int, kind: str, **fields: Unpack[AnnotationFields]) -> Annotation:
        """Add an annotation of ``text[start:end]`` (``note``, ``tags``, ``label``, ``colour``)."""
        ann = make_annotation(self.text, start, end, kind, document=self.document, **fields)
        self._add(ann)
        self._record(_added(ann), undo=lambda: self._remove(ann), redo=lambda: self._restore(ann))
        return ann

    def edit(self, annotation_id: str, **changes: Any) -> Annotation:
        """Change an annotation's note, tags, label or colour (or re-attach it: ``start``/``end``;
        ``add_tags`` / ``remove_tags`` change its tags as they are stored now).

        Only the fields named change, in the version stored now: another process's change to
        the others is kept. An annotation re-anchored from another text stays on that text;
        re-attaching it moves it to this one. Raises :class:`StoreError` if it was deleted
        elsewhere meanwhile (it then leaves the session).
        """
        old = self._get(annotation_id)
        start, end = changes.pop("start", None), changes.pop("end", None)
        if start is not None and end is not None:
            fresh = make_annotation(self.text, int(start), int(end), old.kind, document=self.document)
            changes.update(position=fresh.position, quote=fresh.quote, document=self.document, status="ok")
        before = self._change(annotation_id, changes)
        undo = {name: getattr(before, name) for name in changes if name not in ("add_tags", "remove_tags")}
        if "add_tags" in changes or "remove_tags" in changes:
            undo["tags"] = before.tags
        new = self._get(annotation_id)
        verb = "re-attached" if start is not None and end is not None else "changed"
        self._record(
            f"{verb} {_describe(new)}",
            undo=lambda: self._change(annotation_id, undo),
            redo=lambda: self._change(annotation_id, changes),
        )
        return new

    def deleted_elsewhere(self, annotation_id: str) -> bool:
        """Whether another process (or an import) deleted this annotation since the session read it."""
        return self.store.deleted_at(annotation_id) is not None

    def delete(self, annotation_id: str) -> Annotation:
        old = self._get(annotation_id)
        removed = self._remove(old)
        self._record(f"deleted {_describe(old)}", undo=lambda: self._restore(removed), redo=lambda: self._remove(old))
        return old

    def add_entity(self, start: int, end: int, label: str) -> Annotation:
        """Mark ``start``..``end`` as an entity labelled ``label``, as one undoable change. The
        addition replaces every entity on the span, so the reader's earlier records of exactly
        this span (a rejection, relabellings) say nothing more: they go, one record stays."""
        earlier = self._on_span(start, end)
        if not earlier:
            return self.annotate(start, end, Kind.ENTITY_ADD, label=label)
        ann = make_annotation(self.text, start, end, Kind.ENTITY_ADD, document=self.document, label=label)

        def do(first: bool = False) -> list[Annotation]:
            removed = self._remove_all(earlier)
            try:
                if first:
                    self._add(ann)
                else:
                    self._restore(ann)
            except Exception:
                self._restore_all(removed)
                raise
            return removed

        removed = do(first=True)

        def undo() -> None:
            self._remove(ann)
            self._put_back(removed)

        self._record(_added(ann), undo=undo, redo=do)
        return ann

    def relabel_entity(self, start: int, end: int, label: str, *, model_label: str | None = None) -> Annotation | None:
        """Give the entity on ``start``..``end`` the label ``label``, as one undoable change, keeping
        one record per entity: the reader's own record of it (its ``entity-add``, or the
        ``entity-relabel`` made before) is changed in place, relabellings stacked on it by older
        versions go, and relabelling a pipeline's entity back to its own label (``model_label``)
        removes the relabelling. Returns the record that now gives the label (None when none
        does). The entities shown are those a new ``entity-relabel`` would have given.
        """
        base, relabels = self._making(start, end)
        if base is None and label == model_label:
            keep, stale = None, relabels  # back to the pipeline's own label: no record needed
        elif base is None and relabels:
            keep, stale = relabels[-1], relabels[:-1]
        elif base is None:
            return self.annotate(start, end, Kind.ENTITY_RELABEL, label=label)
        else:
            keep, stale = base, relabels
        if not stale and (keep is None or keep.label == label):
            return keep
        shown = f"relabelled {_quoted(self.text[start:end])} as {label}"
        ids = [keep.id] if keep is not None else []

        def do() -> list[Annotation]:
            before = [self._change(i, {"label": label}) for i in ids]
            try:
                return self._remove_all(stale) + before
            except Exception:
                for old in before:
                    self._change(old.id, {"label": old.label})
                raise

        done = do()
        self._record(shown, undo=lambda: self._put_back(done), redo=do)
        return self._get(keep.id) if keep is not None else None

    def reject_entity(
        self, start: int, end: int, label: str = "", *, model_label: str | None = None
    ) -> Annotation | None:
        """Say the entity on ``start``..``end`` (shown as ``label``) is not one, as one undoable change.

        The reader's records of the span (its ``entity-add``, relabellings, and any older
        rejection) go: an entity the reader added is taken back, as if it had never been added
        (returns None). A pipeline's entity (``model_label``: its label on exactly this span) is
        left with one ``entity-reject`` of that label (returned).
        """
        removing = self._on_span(start, end)
        if not removing:
            return self.annotate(start, end, Kind.ENTITY_REJECT, label=model_label or label)
        rejection = (
            make_annotation(self.text, start, end, Kind.ENTITY_REJECT, document=self.document, label=model_label)
            if model_label is not None
            else None
        )

        def do(first: bool = False) -> list[Annotation]:
            removed = self._remove_all(removing)
            if rejection is not None:
                try:
                    if first:
                        self._add(rejection)
                    else:
                        self._restore(rejection)
                except Exception:
                    self._restore_all(removed)
                    raise
            return removed

        def undo(removed: list[Annotation]) -> None:
            if rejection is not None:
                self._remove(rejection)
            self._put_back(removed)

        done = do(first=True)
        shown = _with_label(_quoted(self.text[start:end]), label or removing[-1].label)
        self._record(
            f"{'rejected' if rejection is not None else 'removed'} entity {shown}",
            undo=lambda: undo(done),
            redo=do,
        )
        return None if rejection is None else self._get(rejection.id)

    def bookmark(self, offset: int, label: str | None = None) -> Bookmark:
        """Bookmark ``offset`` (the same place twice gives the same bookmark, and no undo step),
        named ``label`` or, by default, by the text from there to the end of its line."""
        existing = next((b for b in self.bookmarks if b.offset == offset), None)
        if existing is not None:
            return existing
        if label is None:
            line_end = self.text.find("\n", offset)
            label = first_words(self.text[offset : line_end if line_end != -1 else None], BOOKMARK_LABEL_CHARS)
        mark = self.store.add_bookmark(self.document, offset, label)
        self._refresh_bookmarks()
        self._record(
            f"added bookmark {_quoted(label)}" if label.strip() else "added bookmark",
            undo=lambda: self._remove_bookmark(mark.id),
            redo=lambda: self._restore_bookmark(mark),
        )
        return mark

    def remove_bookmark(self, bookmark_id: str) -> Bookmark:
        mark = self.store.remove_bookmark(bookmark_id)
        self._refresh_bookmarks()
        self._record(
            f"removed bookmark {_quoted(mark.label)}" if mark.label.strip() else "removed bookmark",
            undo=lambda: self._restore_bookmark(mark),
            redo=lambda: self._remove_bookmark(mark.id),
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
        self._undo.append(_Step(description, undo, redo))
        self._redo.clear()

    def _on_span(self, start: int, end: int) -> list[Annotation]:
        """The reader's entity corrections on exactly ``start``..``end``, in the order they apply."""
        on_span = (a for a in self.placed() if a.kind in ENTITY_KINDS and (a.start, a.end) == (start, end))
        return sorted(on_span, key=applied_order)

    def _making(self, start: int, end: int) -> tuple[Annotation | None, list[Annotation]]:
        """The reader's records that make the entity on exactly ``start``..``end`` now: those
        since the last ``entity-reject`` there, as its last ``entity-add`` (None if none) and its
        ``entity-relabel`` records, in the order they apply. Relabellings older than the addition
        change nothing shown; records older than the rejection neither."""
        records = self._on_span(start, end)
        cut = max((i + 1 for i, a in enumerate(records) if a.kind == Kind.ENTITY_REJECT), default=0)
        since = records[cut:]
        base = next((a for a in reversed(since) if a.kind == Kind.ENTITY_ADD), None)
        return base, [a for a in since if a.kind == Kind.ENTITY_RELABEL]

    def _get(self, annotation_id: str) -> Annotation:
        for ann in self.annotations:
            if ann.id == annotation_id:
                return ann
        raise StoreError(DELETED_ELSEWHERE)

    def _placed(self, stored: Iterable[Annotation]) -> list[tuple[Annotation, Annotation]]:
        """Each stored annotation with the version shown in this text: re-anchored here, and
        re-pointed at this document unless it was made on this very text (it keeps its path)."""
        out = []
        for item in reanchor(stored, self.text):
            ann = item.annotation
            if _in_place(item, self.text, self.document):
                out.append((ann, ann))  # nearly all of them: no copy built (100,000 on one article)
                continue
            shown = item.rebased(self.text, self.document)
            if ann.document.sha256 == self.document.sha256:
                shown = replace(shown, document=ann.document)
            out.append((ann, shown))
        return out

    def _show_all(self, stored: Iterable[Annotation]) -> None:
        """Show these stored versions (new or changed) as they sit in this text."""
        placed = self._placed(stored)
        if not placed:
            return
        ids = {ann.id for ann, _ in placed}
        self.annotations = [a for a in self.annotations if a.id not in ids]
        for ann, shown in placed:
            self._base[ann.id] = ann
            self.annotations.append(shown)
        self._sort()

    def _add(self, ann: Annotation) -> None:
        self.store.add(ann)
        self._base[ann.id] = ann
        self._put(ann)

    def _put(self, ann: Annotation) -> None:
        self.annotations = [a for a in self.annotations if a.id != ann.id] + [ann]
        self._sort()

    def _forget(self, annotation_id: str) -> None:
        self._base.pop(annotation_id, None)
        self.annotations = [a for a in self.annotations if a.id != annotation_id]

    def _change(self, annotation_id: str, changes: dict[str, Any]) -> Annotation:
        """Apply ``changes`` to the stored version and show the result; returns the version before."""
        try:
            before, after = self.store.edit(annotation_id, **changes)
        except KeyError:
            self._forget(annotation_id)
            raise StoreError(DELETED_ELSEWHERE) from None
        self._show_all([after])
        return before

    def _remove(self, ann: Annotation) -> Annotation:
        """Delete an annotation; returns the version deleted (what undo puts back)."""
        try:
            removed = self.store.delete(ann.id)
        except KeyError:  # deleted elsewhere already: it is gone, as asked
            removed = self._base.get(ann.id, ann)
        self._forget(ann.id)
        return removed

    def _restore(self, ann: Annotation) -> None:
        self._show_all([self.store.restore(ann)])

    def _remove_all(self, anns: list[Annotation]) -> list[Annotation]:
        """Remove every one of ``anns``, or (when the store fails half way) none of them; returns
        the versions removed."""
        done: list[Annotation] = []
        try:
            for ann in anns:
                done.append(self._remove(ann))
        except Exception:
            if done:
                self._restore_all(done)
            raise
        return done

    def _restore_all(self, anns: list[Annotation]) -> None:
        self._show_all(self.store.restore_many(anns))

    def _put_back(self, corrections: list[Annotation]) -> None:
        """Put these versions of entity corrections back (undo), stamped in the order they applied
        in: they apply in that order again."""
        self._restore_all(sorted(corrections, key=applied_order))

    def _refresh_bookmarks(self) -> None:
        self.bookmarks = self.store.bookmarks(self.document.sha256)

    def _remove_bookmark(self, bookmark_id: str) -> None:
        self.store.remove_bookmark(bookmark_id)
        self._refresh_bookmarks()

    def _restore_bookmark(self, mark: Bookmark) -> None:
        self.store.restore_bookmark(mark)
        self._refresh_bookmarks()

    def _sort(self) -> None:
        self.annotations.sort(key=lambda a: (a.status == "orphaned", a.start, a.end, a.created))


def _in_place(item: Anchored, text: str, document: DocumentRef) -> bool:
    """Whether the annotation is shown here as it is stored: found where it was, on this very text
    (at whichever path it was made), with the same quote. (Checked without building the rebased
    copy: on opening a document with 100,000 annotations, nearly all are so.)"""
    ann = item.annotation
    if item.status != ann.status:
        return False
    if item.orphaned:
        return True
    start, end, quote = ann.start, ann.end, ann.quote
    return (
        (item.start, item.end) == (start, end)
        and ann.document.sha256 == document.sha256
        and quote.exact == text[start:end]
        and quote.prefix == text[max(0, start - CONTEXT_CHARS) : start]
        and quote.suffix == text[end : end + CONTEXT_CHARS]
    )


def _carry_bookmarks(store: Store, text: str, document: DocumentRef) -> None:
    """Bring bookmarks made on other versions of this file to this text.

    A bookmark remembers the words it was set at (its label): it moves to where they are now if
    they occur once, and stays with its old version otherwise (nothing is deleted).
    """
    if not document.path:
        return
    for sha in store.texts_at(document.path):  # the texts found at this path, or named with it
        if sha == document.sha256:
            continue
        for mark in store.bookmarks(sha):
            if mark.document.path != document.path:
                continue
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
    described: dict[str, str] = {
        Kind.HIGHLIGHT: f"highlight on {quoted}",
        Kind.NOTE: f"note on {quoted}",
        Kind.ENTITY_ADD: f"entity {_with_label(quoted, ann.label)}",
        Kind.ENTITY_RELABEL: f"label {ann.label} on {quoted}" if ann.label else f"label change on {quoted}",
        Kind.ENTITY_REJECT: f"rejection of {_with_label(quoted, ann.label)}",
    }
    return described.get(ann.kind, f"{ann.kind} on {quoted}")


def _added(ann: Annotation) -> str:
    """The description of making ``ann``: ``added entity “Kali Krukut” (LOC)``, ``relabelled “X” as ORG``."""
    quoted = _quoted(ann.quote.exact)
    if ann.kind == Kind.HIGHLIGHT:
        return f"highlighted {quoted}" + (f" in {ann.colour}" if ann.colour else "")
    if ann.kind == Kind.ENTITY_RELABEL:
        return f"relabelled {quoted} as {ann.label}" if ann.label else f"relabelled {quoted}"
    if ann.kind == Kind.ENTITY_REJECT:
        return f"rejected entity {_with_label(quoted, ann.label)}"
    return f"added {_describe(ann)}"
