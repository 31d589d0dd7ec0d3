"""Dialogs for marking up an article: pick one of a few choices, write a note with tags, bookmarks.

Everything shown here comes from the reader or the article (quotes, notes, tags, labels): it is
passed as ``rich.text.Text`` or with ``markup=False``, never as markup, and its control characters
are shown as symbols (:func:`~tui.core.document.inert`), in the note editor too.

Keys typed faster than the app draws (key repeat, a slow SSH link) land where the reader meant
them (see :mod:`tui.ui.keys`): a dialog closes once, and a key that reaches a dialog or a field
after it lost the focus goes on to where the focus is now.
"""

from __future__ import annotations

import os
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import TypeVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.await_complete import AwaitComplete
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Button, Input, Label, OptionList, TextArea
from textual.widgets.option_list import Option

from tui.core.document import first_words, inert, inert_lines
from tui.core.store import Bookmark
from tui.ui.keys import retype

ResultType = TypeVar("ResultType")

RESTORE_LIMIT = 2_000
"""Characters of an edited stretch of a note compared to put its control characters back (longer
stretches would make saving slow; their control characters are saved as the symbols shown)."""


BOOKMARK_CHARS = 70
"""The most characters of the text a row of the bookmark list quotes."""


def _quote(text: str, limit: int = 160, *, goes_on: bool = False) -> Text:
    """``text`` on one line in quotes, cut at a word within ``limit`` characters with "…" when cut
    (as titles are); ``goes_on``: ``text`` is the start of a longer text, so "…" ends it anyway."""
    flat = first_words(text, limit)
    if goes_on and flat and not flat.endswith("…"):  # it fitted, but its last word may be cut
        kept = flat.rsplit(" ", 1)[0] if " " in flat else flat
        flat = kept.rstrip(" ,;:-\u2013\u2014") + "…"
    return Text(f"“{inert(flat)}”", style="italic")


DIALOG_CSS = """
.dialog-screen { align: center middle; }
.dialog {
    width: 44;
    max-width: 100%;
    height: auto;
    max-height: 100%;
    overflow-y: auto;
    padding: 1 2;
    background: $panel;
    border: tall $accent;
}
.dialog-wide { width: 80; }
.dialog-title { margin-bottom: 1; }
.dialog-quote { width: 100%; margin-bottom: 1; color: $text-muted; }  /* wrapped, not clipped at the edge */
.dialog OptionList { height: auto; max-height: 16; border: none; background: $panel; }
.dialog TextArea { height: 8; margin-bottom: 1; }
.dialog Input { margin-bottom: 1; }
.dialog-buttons { height: auto; align-horizontal: right; }
.dialog-buttons Button { margin-left: 2; }
"""
"""The dialogs' rules (here and in the export dialog): Textual parses a screen's ``CSS`` when the
screen is first shown, so the reader's start does not; unscoped, as ``.dialog-screen`` is the
screen itself."""


class Dialog(ModalScreen[ResultType]):
    """A modal dialog that closes once: a second answer typed ahead (two number keys arriving
    together) is not a second dismissal, which would close the screen below it."""

    CSS = DIALOG_CSS
    SCOPED_CSS = False

    def dismiss(self, result: ResultType | None = None) -> AwaitComplete:
        if not self.is_active:
            return AwaitComplete.nothing()
        return super().dismiss(result)


class ChoiceScreen(Dialog[str | None]):
    """Pick one of a list of values: number keys for the first nine, typing the start of a name,
    or arrows and enter (the list scrolls); esc cancels."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", tooltip="Close without choosing", id="choice.cancel")]

    def __init__(self, title: str, choices: list[tuple[str, str]], *, current: str | None = None) -> None:
        """``choices``: (value, shown text) pairs."""
        super().__init__(classes="dialog-screen")
        self.title_text = inert(title)
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

    def on_key(self, event: events.Key) -> None:
        if not self.is_active:  # typed after the choice was made: the screen below has it
            retype(self.app, event)
            return
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
    """What the note dialog saves: the note and its tags, with the control characters of a note
    being edited where the reader left them."""

    note: str
    tags: tuple[str, ...]


def restore_hidden(original: str, shown: str, edited: str) -> str:
    """``edited``, the editor's text that began as ``shown`` (``original`` with its control
    characters shown as symbols, one for one), with the original characters back wherever the
    reader left the text as it was: only what they changed takes what they typed."""
    if edited == shown:
        return original
    if shown == original or len(shown) != len(original):
        return edited
    head = len(os.path.commonprefix([shown, edited]))
    tail = len(os.path.commonprefix([shown[head:][::-1], edited[head:][::-1]]))
    was, now = shown[head : len(shown) - tail], edited[head : len(edited) - tail]
    middle = now
    if max(len(was), len(now)) <= RESTORE_LIMIT:
        pieces = SequenceMatcher(None, was, now, autojunk=False).get_opcodes()
        middle = "".join(original[head + i : head + j] if op == "equal" else now[k:m] for op, i, j, k, m in pieces)
    return original[:head] + middle + original[len(original) - tail :]


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


class ConfirmScreen(Dialog[bool]):
    """A yes/no question with two buttons; n or esc says no, and enter presses the focused button,
    which is "no" to begin with (the safe answer). Yes takes its button (← or shift+tab, then
    enter, or a click): no single letter says yes, so words typed on after a stray esc cannot."""

    BINDINGS = [
        Binding("n,escape", "answer(False)", "No", tooltip="No", id="confirm.no"),
        Binding("left,right", "other_button", "Other button", show=False, id="confirm.other_button"),
    ]

    def __init__(self, question: str, detail: str = "", *, yes: str = "Yes", no: str = "No") -> None:
        super().__init__(classes="dialog-screen")
        self.question = inert(question)
        self.detail = inert(detail)
        self.yes, self.no = yes, no

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Text(self.question, style="bold"), classes="dialog-title")
            if self.detail:
                yield Label(Text(self.detail), classes="dialog-quote")
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.yes, id="yes", variant="error", compact=True)
                yield Button(f"{self.no} (n)", id="no", variant="primary", compact=True)
            yield Label(Text(f"← → choose · n, esc: {self.no.lower()}", style="dim"))

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def action_other_button(self) -> None:
        self.query_one("#no" if self.focused is self.query_one("#yes") else "#yes", Button).focus()

    @on(Button.Pressed)
    def pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


def split_tags(value: str, known: list[str]) -> list[str]:
    """Tags typed as comma-separated text; one of the ``known`` tags that holds a comma (imported
    from another tool) is kept whole where it still stands."""
    with_commas = sorted((tag for tag in known if "," in tag), key=len, reverse=True)
    tags, rest = [], value
    while rest.strip():
        rest = rest.lstrip()
        whole = next((t for t in with_commas if rest.startswith(t) and rest[len(t) :].lstrip()[:1] in ("", ",")), None)
        if whole is not None:
            tag, rest = whole, rest[len(whole) :].lstrip().removeprefix(",")
        else:
            tag, _, rest = rest.partition(",")
        if tag.strip():
            tags.append(tag.strip())
    return tags


class _DialogField:
    """For the text fields of a dialog, where a burst of keys must not end up in the wrong field
    (the keys typed after a tab went into the field being left): a field acts on the dialog's keys
    itself, at once, and a key reaching a field that has lost the focus goes on to where it is now."""

    DIALOG_KEYS: dict[str, str] = {}
    """Key -> action of the dialog, run by the field itself."""

    def on_key(self, event: events.Key) -> None:
        if self.app.focused is not self:
            retype(self.app, event)
        elif (action := self.DIALOG_KEYS.get(event.key)) is not None:
            event.stop()
            event.prevent_default()
            getattr(self.screen, f"action_{action}")()


_NOTE_KEYS = {"tab": "next_field", "shift+tab": "previous_field", "ctrl+s": "save", "escape": "cancel"}


class NoteArea(_DialogField, TextArea):
    """The note's text."""

    DIALOG_KEYS = _NOTE_KEYS


class TagsInput(_DialogField, Input):
    """The note's tags; enter saves. Tabbing to tags already there starts a new one after them
    (", " is added, and taken away again on leaving the field if nothing was typed after it)."""

    DIALOG_KEYS = {**_NOTE_KEYS, "enter": "save"}
    SEPARATOR = ", "

    def on_focus(self) -> None:
        if self.value.strip() and not self.value.rstrip().endswith(","):
            self.value = self.value.rstrip() + self.SEPARATOR
        self.cursor_position = len(self.value)

    def on_blur(self) -> None:
        if self.value.endswith(self.SEPARATOR):
            self.value = self.value.removesuffix(self.SEPARATOR)


class NoteScreen(Dialog[NoteResult | None]):
    """A note (several lines) and comma-separated tags for a passage; ctrl+s saves, esc cancels
    (asking first when the note or its tags were changed).

    The note and tags are shown with their control characters as symbols (``␛``), like the
    article. Saving a note as it was gives back the note as it was; in an edited one the control
    characters the reader did not touch stay (:func:`restore_hidden`).
    """

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", tooltip="Save the note and its tags", id="note.save"),
        Binding(
            "escape",
            "cancel",
            "Cancel",
            tooltip="Close without saving (asks first if anything was typed)",
            id="note.cancel",
        ),
    ]

    def __init__(self, quote: str, *, note: str = "", tags: tuple[str, ...] = (), known_tags: list[str] = ()) -> None:
        super().__init__(classes="dialog-screen")
        self.quote = quote
        self.note = note
        self.tags = tuple(tags)
        self.known_tags = list(known_tags)
        """Tags used on other annotations, as stored (offered, shown inert, to complete a tag)."""
        self.shown_note = ""
        """The note as the editor first held it (its control characters as symbols)."""
        self.shown_tags = [inert(tag) for tag in self.tags]
        self.tags_value = ", ".join(self.shown_tags)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog dialog-wide"):
            yield Label(Text("Note", style="bold"), classes="dialog-title")
            yield Label(_quote(self.quote), classes="dialog-quote")
            area = NoteArea(
                inert_lines(self.note), id="note", soft_wrap=True, show_line_numbers=False, tab_behavior="focus"
            )
            self.shown_note = area.text
            yield area
            yield TagsInput(
                self.tags_value,
                placeholder="tags, comma-separated (→ completes a tag used before)",
                id="tags",
                suggester=TagSuggester([inert(tag) for tag in self.known_tags]),
                select_on_focus=False,  # tab to the tags, then type: adds to them, replaces none
            )
            yield Label(Text("ctrl+s save · esc cancel · tab next field", style="dim"))

    def on_mount(self) -> None:
        note = self.query_one("#note", TextArea)
        note.move_cursor(note.document.end)  # an existing note is added to, at its end
        note.focus()

    def on_key(self, event: events.Key) -> None:
        if self.focused is None and self.is_active:  # typed ahead of the dialog's opening
            self.set_focus(self.query_one("#note", TextArea))
            retype(self.app, event)

    def action_next_field(self) -> None:
        self.focus_next()

    def action_previous_field(self) -> None:
        self.focus_previous()

    def typed_tags(self) -> list[str] | None:
        """The tags as typed, or None when they are those the dialog opened with (which may hold
        commas, from an import, so that their text split at commas would not give them back)."""
        value = self.query_one("#tags", Input).value
        typed = split_tags(value, self.shown_tags)
        return None if value == self.tags_value or typed == self.shown_tags else typed

    def action_save(self) -> None:
        note = restore_hidden(self.note, self.shown_note, self.query_one("#note", TextArea).text)
        typed = self.typed_tags()
        as_stored = {inert(tag): tag for tag in [*self.known_tags, *self.tags]}  # a tag as shown -> as stored
        tags = self.tags if typed is None else tuple(as_stored.get(tag, tag) for tag in typed)
        self.dismiss(NoteResult(note, tags))

    @property
    def changed(self) -> bool:
        """Whether the note or the tags differ from what the dialog opened with."""
        return self.query_one("#note", TextArea).text != self.shown_note or self.typed_tags() is not None

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


class BookmarksScreen(Dialog[tuple[str, str] | None]):
    """The document's bookmarks: enter jumps to one, d deletes it. Returns ("go"|"delete", id)."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", tooltip="Close", id="bookmarks.cancel"),
        Binding("d,delete", "delete", "Delete", tooltip="Delete the highlighted bookmark", id="bookmarks.delete"),
    ]

    def __init__(self, bookmarks: list[Bookmark], text: str, paragraph_starts: Sequence[int] = ()) -> None:
        """``paragraph_starts``: where the article's paragraphs start, to say which one a bookmark is in."""
        super().__init__(classes="dialog-screen")
        self.bookmarks = bookmarks
        self.text = text
        self.paragraph_starts = paragraph_starts

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog dialog-wide"):
            yield Label(Text(f"Bookmarks ({len(self.bookmarks)})", style="bold"), classes="dialog-title")
            if self.bookmarks:
                options = []
                width = len(str(len(self.paragraph_starts)))
                for mark in self.bookmarks:
                    # A window of the text wider than the snippet, so that its cut falls at a word.
                    end = mark.offset + 2 * BOOKMARK_CHARS
                    where = mark.label or self.text[mark.offset : end]
                    quote = _quote(where, BOOKMARK_CHARS, goes_on=not mark.label and end < len(self.text))
                    paragraph = max(1, bisect_right(self.paragraph_starts, mark.offset))
                    options.append(Option(Text.assemble((f"¶ {paragraph:>{width}}  ", "dim"), quote)))
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
