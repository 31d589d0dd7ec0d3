"""The reader's annotations in document order (orphans last): enter goes to one, keys edit them."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tui.core.annotations import Annotation
from tui.core.document import inert

KIND_MARKS = {
    "highlight": "▍ highlight",
    "note": "✎ note",
    "entity-add": "+ entity",
    "entity-relabel": "~ label",
    "entity-reject": "✗ not an entity",
}


def annotation_row(ann: Annotation) -> Text:
    """Two lines: what it is and the quoted passage; then the note and tags when there are any."""
    quote = inert(" ".join(ann.quote.exact.split()))
    head = Text(KIND_MARKS.get(ann.kind, ann.kind), style="bold")
    if ann.label:
        head.append(f" {inert(ann.label)}")
    if ann.kind == "highlight" and ann.colour:
        head.append(f" ({inert(ann.colour)})", style="dim")
    if ann.status == "orphaned":
        head.append("  not found in this text: r re-attaches to the selection", style="bold red")
    elif ann.status == "moved":
        head.append("  moved", style="dim")
    row = Text.assemble(head, "\n", (f"“{quote[:120]}{'…' if len(quote) > 120 else ''}”", "italic"))
    if ann.note:
        row.append("\n" + inert(" ".join(ann.note.split()))[:200])
    if ann.tags:
        row.append("\n" + " ".join(f"#{inert(t)}" for t in ann.tags), style="dim")
    return row


class NotesPanel(OptionList):
    """Annotations of the open document; posts what the reader wants done with one."""

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False, tooltip="Next annotation"),
        Binding("k", "cursor_up", "Up", show=False, tooltip="Previous annotation"),
        Binding("e", "edit", "Edit note", tooltip="Edit the note and tags of the highlighted annotation"),
        Binding("d,delete", "delete", "Delete", tooltip="Delete the highlighted annotation (u undoes)"),
        Binding("r", "reattach", "Re-attach", tooltip="Attach the highlighted annotation to the selected passage"),
        Binding("escape", "leave", "Article", show=False, tooltip="Back to the article"),
    ]

    class Requested(Message):
        """``action`` ("go", "edit", "delete", "reattach") on the annotation ``annotation_id``."""

        def __init__(self, action: str, annotation_id: str) -> None:
            super().__init__()
            self.action = action
            self.annotation_id = annotation_id

    class Left(Message):
        """Escape: back to the article."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.ids: list[str] = []

    def show_annotations(self, annotations: list[Annotation]) -> None:
        highlighted = self.ids[self.highlighted] if self.highlighted is not None and self.ids else None
        self.clear_options()
        self.ids = [a.id for a in annotations]
        if not annotations:
            self.add_option(Option(Text("No annotations yet: v selects, h highlights, a adds a note.", "dim")))
            return
        self.add_options([Option(annotation_row(a)) for a in annotations])
        # A row is always highlighted, so enter, e, d and r act at once.
        self.highlighted = self.ids.index(highlighted) if highlighted in self.ids else 0

    def _request(self, action: str) -> None:
        if self.highlighted is not None and self.ids:
            self.post_message(self.Requested(action, self.ids[self.highlighted]))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._request("go")

    def action_edit(self) -> None:
        self._request("edit")

    def action_delete(self) -> None:
        self._request("delete")

    def action_reattach(self) -> None:
        self._request("reattach")

    def action_leave(self) -> None:
        self.post_message(self.Left())
