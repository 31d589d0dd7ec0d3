"""Dialogs for marking up an article: pick one of a few choices, write a note with tags, bookmarks.

Everything shown here comes from the reader or the article (quotes, notes, tags, labels): it is
passed as ``rich.text.Text`` or with ``markup=False``, never as markup.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Button, Input, Label, OptionList, TextArea
from textual.widgets.option_list import Option

from tui.core.document import inert
from tui.core.store import Bookmark


def _quote(text: str, limit: int = 160) -> Text:
    flat = inert(" ".join(text.split()))
    return Text(f"“{flat[:limit]}{'…' if len(flat) > limit else ''}”", style="italic")


class ChoiceScreen(ModalScreen[str | None]):
    """Pick one of a list of values: number keys for the first nine, typing the start of a name,
    or arrows and enter (the list scrolls); esc cancels."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", tooltip="Close without choosing")]

    def __init__(self, title: str, choices: list[tuple[str, str]], *, current: str | None = None) -> None:
        """``choices``: (value, shown text) pairs."""
        super().__init__(classes="dialog-screen")
        self.title_text = title
        self.choices = list(choices)
        self.current = current
        self.typed = ""
        """What the reader typed to find a choice by its name."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Text(self.title_text, style="bold"), classes="dialog-title")
            options = [
                Option(
                    Text.assemble(
                        (f"{n} " if n <= 9 else "  ", "bold"),
                        inert(shown),
                        " (now)" if value == self.current else "",
                    )
                )
                for n, (value, shown) in enumerate(self.choices, start=1)
            ]
            yield OptionList(*options, id="choices")
            yield Label(self._hint(), id="choice-hint")

    def _hint(self) -> Text:
        digits = f"1-{min(9, len(self.choices))}" if len(self.choices) > 1 else "1"
        if self.typed:
            return Text.assemble(("find: ", "dim"), (inert(self.typed), "bold"), (" · enter to choose · esc", "dim"))
        return Text(f"{digits} or enter to choose · esc to cancel\ntype a name to find it", style="dim")

    def on_key(self, event) -> None:
        character = event.character
        if character and character.isdigit() and not self.typed:
            event.stop()
            if 1 <= int(character) <= min(9, len(self.choices)):
                self.dismiss(self.choices[int(character) - 1][0])
            else:
                self.app.bell()
        elif character and (character.isalnum() or character in "_-") and character.isprintable():
            event.stop()
            if not (self.find(self.typed + character) or self.find(character)):
                self.app.bell()
        elif event.key == "backspace" and self.typed:
            event.stop()
            self.typed = self.typed[:-1]
            if self.typed:
                self.find(self.typed)
            self.query_one("#choice-hint", Label).update(self._hint())

    def find(self, typed: str) -> bool:
        """Highlight the first choice whose name starts with ``typed`` (any case); False if none does."""
        wanted = typed.casefold()
        for index, (value, shown) in enumerate(self.choices):
            if shown.casefold().startswith(wanted) or value.casefold().startswith(wanted):
                self.typed = typed
                self.query_one("#choices", OptionList).highlighted = index
                self.query_one("#choice-hint", Label).update(self._hint())
                return True
        return False

    @on(OptionList.OptionSelected, "#choices")
    def chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.choices[event.option_index][0])

    def action_cancel(self) -> None:
        self.dismiss(None)


@dataclass(frozen=True)
class NoteResult:
    note: str
    tags: str


class TagSuggester(Suggester):
    """Completes the tag being typed (the text after the last comma) from the tags already used."""

    def __init__(self, tags: list[str]) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.tags = tags

    async def get_suggestion(self, value: str) -> str | None:
        head, _, last = value.rpartition(",")
        typed = last.lstrip()
        if not typed:
            return None
        used = {t.strip().casefold() for t in head.split(",")}
        for tag in self.tags:
            if tag.casefold().startswith(typed.casefold()) and tag.casefold() not in used and tag != typed:
                return value[: len(value) - len(typed)] + tag
        return None


class ConfirmScreen(ModalScreen[bool]):
    """A yes/no question with two buttons; n or esc says no, and enter presses the focused button,
    which is "no" to begin with (the safe answer). Yes takes its button (shift+tab, then enter, or
    a click): no single letter says yes, so words typed on after a stray esc cannot."""

    BINDINGS = [Binding("n,escape", "answer(False)", "No", tooltip="No")]

    def __init__(self, question: str, detail: str = "", *, yes: str = "Yes", no: str = "No") -> None:
        super().__init__(classes="dialog-screen")
        self.question = question
        self.detail = detail
        self.yes, self.no = yes, no

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Text(self.question, style="bold"), classes="dialog-title")
            if self.detail:
                yield Label(Text(self.detail), classes="dialog-quote")
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.yes, id="yes", variant="error", compact=True)
                yield Button(f"{self.no} (n)", id="no", variant="primary", compact=True)

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    @on(Button.Pressed)
    def pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


class NoteScreen(ModalScreen[NoteResult | None]):
    """A note (several lines) and comma-separated tags for a passage; ctrl+s saves, esc cancels
    (asking first when the note or its tags were changed)."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", tooltip="Save the note and its tags"),
        Binding("escape", "cancel", "Cancel", tooltip="Close without saving (asks first if anything was typed)"),
    ]

    def __init__(self, quote: str, *, note: str = "", tags: tuple[str, ...] = (), known_tags: list[str] = ()) -> None:
        super().__init__(classes="dialog-screen")
        self.quote = quote
        self.note = note
        self.tags = tags
        self.known_tags = list(known_tags)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog dialog-wide"):
            yield Label(Text("Note", style="bold"), classes="dialog-title")
            yield Label(_quote(self.quote), classes="dialog-quote")
            yield TextArea(self.note, id="note", soft_wrap=True, show_line_numbers=False, tab_behavior="focus")
            yield Input(
                ", ".join(self.tags),
                placeholder="tags, comma-separated (→ completes a tag used before)",
                id="tags",
                suggester=TagSuggester(self.known_tags),
            )
            yield Label(Text("ctrl+s save · esc cancel · tab next field", style="dim"))

    def on_mount(self) -> None:
        self.query_one("#note", TextArea).focus()

    @on(Input.Submitted, "#tags")
    def tags_done(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        self.dismiss(NoteResult(self.query_one("#note", TextArea).text, self.query_one("#tags", Input).value))

    @property
    def changed(self) -> bool:
        """Whether the note or the tags differ from what the dialog opened with."""
        note = self.query_one("#note", TextArea).text
        tags = self.query_one("#tags", Input).value
        return note != self.note or [t.strip() for t in tags.split(",") if t.strip()] != list(self.tags)

    def action_cancel(self) -> None:
        if not self.changed:
            self.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        question = ConfirmScreen(
            "Discard the changes to this note?", "What was typed here is not saved.", yes="Discard", no="Keep editing"
        )
        self.app.push_screen(question, answered)


class BookmarksScreen(ModalScreen[tuple[str, str] | None]):
    """The document's bookmarks: enter jumps to one, d deletes it. Returns ("go"|"delete", id)."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", tooltip="Close"),
        Binding("d,delete", "delete", "Delete", tooltip="Delete the highlighted bookmark"),
    ]

    def __init__(self, bookmarks: list[Bookmark], text: str) -> None:
        super().__init__(classes="dialog-screen")
        self.bookmarks = bookmarks
        self.text = text

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog dialog-wide"):
            yield Label(Text(f"Bookmarks ({len(self.bookmarks)})", style="bold"), classes="dialog-title")
            if self.bookmarks:
                options = []
                for mark in self.bookmarks:
                    where = mark.label or self.text[mark.offset : mark.offset + 60]
                    options.append(Option(Text.assemble((f"{mark.offset:>7} ", "dim"), _quote(where, 70))))
                yield OptionList(*options, id="marks")
                yield Label(Text("enter go · d delete · esc close", style="dim"))
            else:
                yield Label(Text("No bookmarks yet: m sets one at the cursor.", style="dim"))

    @on(OptionList.OptionSelected, "#marks")
    def chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(("go", self.bookmarks[event.option_index].id))

    def action_delete(self) -> None:
        if not self.bookmarks:
            return
        index = self.query_one("#marks", OptionList).highlighted
        if index is not None:
            self.dismiss(("delete", self.bookmarks[index].id))

    def action_cancel(self) -> None:
        self.dismiss(None)
