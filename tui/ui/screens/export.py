"""The export dialog: a format, a scope (this document or all of them), where to write, and the
format's own options (csv: the cell separator; spacy and prodigy: whether each document was
reviewed whole; prodigy: one task per sentence).

It only asks: the choice comes back as an :class:`ExportChoice` and the app runs the export
(:func:`tui.core.exchange.run_export`) in a worker. File names are untrusted: they are shown as
``rich.text.Text``, never as markup.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalGroup
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, RadioButton, RadioSet, Select

from tui.core.document import inert
from tui.core.formats import FORMATS
from tui.ui.screens.annotate import DIALOG_CSS

Scope = Literal["document", "all"]
ALL_DOCUMENTS_STEM = "sorot-annotations"


@dataclass(frozen=True, slots=True)
class ExportChoice:
    """What to export: a :data:`~tui.core.formats.FORMATS` name, which annotations, the absolute
    path to write (a directory for ``brat``), and the format's options where they are not the
    default (:attr:`~tui.core.formats.Format.options`)."""

    format: str
    scope: Scope
    path: Path
    options: dict[str, object] = field(default_factory=dict, hash=False)


# The cell separators the dialog offers for csv: the button's id and label, and the option's value.
DELIMITERS = (
    ("delimiter-comma", "comma ,", ","),
    ("delimiter-semicolon", "semicolon ;", ";"),
    ("delimiter-tab", "tab", "tab"),
)


def _safe_stem(stem: str) -> str:
    """A file-name stem from an article's: no control characters or path separators."""
    safe = "".join(c if c.isprintable() and c not in "/\\" else "_" for c in stem).strip()
    return safe.strip(".") or ALL_DOCUMENTS_STEM


class ExportScreen(ModalScreen[ExportChoice | None]):
    """Choose a format, a scope and a destination; ctrl+s (or enter in the path) exports, esc cancels.

    ``stem`` is the open article's file stem (``None`` when no article is open: only "all
    documents" is offered). The destination starts as the format's
    :meth:`~tui.core.formats.Format.default_name` in ``directory`` (default: the current
    directory) and follows the format and scope until the reader edits it.
    Confirming an existing destination asks once more before the app replaces it.
    """

    BINDINGS = [
        Binding("ctrl+s", "export", "Export", tooltip="Export with these settings", id="export.export"),
        Binding("escape", "cancel", "Cancel", tooltip="Close without exporting", id="export.cancel"),
    ]

    CSS = DIALOG_CSS  # the dialogs' look, parsed when a dialog is first shown
    SCOPED_CSS = False
    DEFAULT_CSS = """
    ExportScreen { align: center middle; }
    ExportScreen > .dialog {
        width: 80;
        max-width: 95%;
        height: auto;
        max-height: 95%;
        overflow-y: auto;
        padding: 0 1;
        background: $panel;
        border: tall $accent;
    }
    ExportScreen .export-heading { margin-top: 1; color: $text-muted; }
    ExportScreen Select { width: 100%; }
    ExportScreen RadioSet { layout: horizontal; width: 100%; height: auto; }
    ExportScreen .export-options { display: none; height: auto; }
    ExportScreen .export-options.shown { display: block; }
    ExportScreen #export-problem { color: $text-error; height: auto; }
    ExportScreen #export-buttons { height: auto; align-horizontal: right; margin-top: 1; }
    ExportScreen #export-buttons Button { margin-left: 1; }
    """

    def __init__(
        self,
        stem: str | None = None,
        *,
        fmt: str = "w3c",
        scope: Scope = "document",
        directory: str | Path | None = None,
    ) -> None:
        super().__init__(classes="dialog-screen")
        if fmt not in FORMATS:
            raise ValueError(f"unknown export format {fmt!r}")
        self.stem = _safe_stem(stem) if stem is not None else None
        self.initial_format = fmt
        self.initial_scope: Scope = scope if self.stem is not None else "all"
        self.directory = Path(directory) if directory is not None else Path.cwd()
        self._suggested = self.suggested_name(fmt, self.initial_scope)
        self._confirmed: Path | None = None  # an existing destination the reader was warned about

    def suggested_name(self, fmt: str, scope: Scope) -> str:
        """The default destination for ``fmt`` and ``scope``: a name in :attr:`directory`."""
        stem = self.stem if scope == "document" and self.stem is not None else ALL_DOCUMENTS_STEM
        return FORMATS[fmt].default_name(stem)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog dialog-wide") as dialog:
            dialog.border_title = "Export annotations"
            dialog.border_subtitle = "ctrl+s export · esc cancel"
            yield Label("Format", classes="export-heading", markup=False)
            yield Select(
                [(Text.assemble((name, "bold"), "  ", spec.description), name) for name, spec in FORMATS.items()],
                value=self.initial_format,
                allow_blank=False,
                id="export-format",
            )
            yield Label("Annotations of", classes="export-heading", markup=False)
            with RadioSet(id="export-scope"):
                yield RadioButton(
                    Text("this document"),
                    value=self.initial_scope == "document",
                    disabled=self.stem is None,
                    id="scope-document",
                )
                yield RadioButton(Text("all documents"), value=self.initial_scope == "all", id="scope-all")
            yield Label(
                Text.assemble("Write to (relative to ", inert(str(self.directory)), ")"),
                classes="export-heading",
            )
            yield Input(self._suggested, placeholder="file name (brat: a directory)", id="export-path")
            with VerticalGroup(id="export-csv", classes=self._options_class("delimiter")):
                yield Label("Cells separated by (; for a spreadsheet in the Indonesian locale)", markup=False)
                with RadioSet(id="export-delimiter"):
                    for n, (ident, label, _) in enumerate(DELIMITERS):
                        yield RadioButton(Text(label), value=n == 0, id=ident)
            with VerticalGroup(id="export-reviewed-group", classes=self._options_class("reviewed")):
                yield Checkbox(
                    Text("I read each document whole (other tokens are no entity, not unknown)"),
                    id="export-reviewed",
                )
            with VerticalGroup(id="export-split-group", classes=self._options_class("split")):
                yield Checkbox(Text("one task per sentence"), id="export-split")
            yield Label("", id="export-problem", markup=False)
            with Horizontal(id="export-buttons"):
                yield Button(Text("Cancel"), id="export-cancel")
                yield Button(Text("Export"), variant="primary", id="export-ok")

    def on_mount(self) -> None:
        self.query_one("#export-format", Select).focus()

    # -- reading the form ------------------------------------------------------------------------

    @property
    def selected_format(self) -> str:
        value = self.query_one("#export-format", Select).value
        return value if isinstance(value, str) else self.initial_format

    @property
    def selected_scope(self) -> Scope:
        return "document" if self.query_one("#scope-document", RadioButton).value else "all"

    def _options_class(self, option: str, fmt: str | None = None) -> str:
        """``shown`` when the format (default: the one first offered) has ``option``."""
        return "export-options shown" if option in FORMATS[fmt or self.initial_format].options else "export-options"

    def selected_options(self) -> dict[str, object]:
        """The chosen format's options that are not its default."""
        takes = FORMATS[self.selected_format].options
        options: dict[str, object] = {}
        if "delimiter" in takes:
            pressed = self.query_one("#export-delimiter", RadioSet).pressed_button
            value = next((v for ident, _, v in DELIMITERS if pressed is not None and pressed.id == ident), ",")
            if value != ",":
                options["delimiter"] = value
        if "reviewed" in takes and self.query_one("#export-reviewed", Checkbox).value:
            options["reviewed"] = True
        if "split" in takes and self.query_one("#export-split", Checkbox).value:
            options["split"] = "sentences"
        return options

    @property
    def path_input(self) -> Input:
        return self.query_one("#export-path", Input)

    def destination(self) -> Path | None:
        """The path typed, made absolute against :attr:`directory`; ``None`` when it is empty."""
        typed = self.path_input.value.strip()
        if not typed:
            return None
        path = Path(typed).expanduser()
        return path if path.is_absolute() else self.directory / path

    # -- keeping the default name in step ----------------------------------------------------------

    @on(Select.Changed, "#export-format")
    @on(RadioSet.Changed, "#export-scope")
    def follow_choice(self) -> None:
        """Suggest the name for the new format or scope, unless the reader typed their own."""
        suggestion = self.suggested_name(self.selected_format, self.selected_scope)
        for group, option in (
            ("#export-csv", "delimiter"),
            ("#export-reviewed-group", "reviewed"),
            ("#export-split-group", "split"),
        ):
            self.query_one(group).set_class(option in FORMATS[self.selected_format].options, "shown")
        if self.path_input.value.strip() in ("", self._suggested):
            self.path_input.value = suggestion
        self._suggested = suggestion
        self._confirmed = None
        self.show_problem("")

    @on(Input.Changed, "#export-path")
    def path_edited(self) -> None:
        self._confirmed = None
        self.show_problem("")

    def show_problem(self, message: str) -> None:
        """Say under the path why the export cannot go ahead yet (``""`` clears it)."""
        self.query_one("#export-problem", Label).update(Text(inert(message)))

    # -- confirming ------------------------------------------------------------------------------

    @on(Input.Submitted, "#export-path")
    @on(Button.Pressed, "#export-ok")
    def export_pressed(self) -> None:
        self.action_export()

    def action_export(self) -> None:
        """Return the choice, unless the destination cannot take this format or needs a second look."""
        path = self.destination()
        if path is None:
            self.show_problem("Give a file name to write the export to.")
            self.path_input.focus()
            return
        problem, replaces = self.check(path)
        if problem:
            self.show_problem(problem)
            self.path_input.focus()
            return
        if replaces and self._confirmed != path:
            self.show_problem(replaces)
            self._confirmed = path
            return
        self.dismiss(ExportChoice(self.selected_format, self.selected_scope, path, self.selected_options()))

    def check(self, path: Path) -> tuple[str, str]:
        """Why ``path`` cannot take this format (or ``""``), and a warning when it would replace something."""
        name = path.name or str(path)
        spec = FORMATS[self.selected_format]
        try:
            if spec.output == "directory":
                if path.exists() and not path.is_dir():
                    return f"{name} is a file: {spec.name} writes {spec.writes}.", ""
                if path.is_dir() and any(path.iterdir()):
                    return "", f"{name} is not empty: press ctrl+s again to write into it (same-named files replaced)."
                return "", ""
            if path.is_dir():
                return f"{name} is a directory: give a file name.", ""
            if path.exists():
                return "", f"{name} exists: press ctrl+s again to replace it."
        except OSError as exc:
            return f"{name}: {exc.strerror or exc}", ""
        return "", ""

    @on(Button.Pressed, "#export-cancel")
    def cancel_pressed(self) -> None:
        self.action_cancel()

    def action_cancel(self) -> None:
        self.dismiss(None)
