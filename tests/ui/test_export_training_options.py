"""The export dialog offers the training formats' options as the CLI does: ``--reviewed`` for
spacy and prodigy, ``--split sentences`` for prodigy; each shows only for the formats that take it."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Checkbox

from tests.ui.test_export_screen import choose_format, dialog
from tui.ui.screens.export import ExportChoice


async def test_reviewed_and_split_show_for_the_formats_that_take_them(tmp_path: Path) -> None:
    async with dialog(tmp_path) as (app, pilot):
        reviewed = app.dialog.query_one("#export-reviewed-group")
        split = app.dialog.query_one("#export-split-group")
        assert not reviewed.display and not split.display  # w3c takes neither
        await choose_format(pilot, "spacy")
        assert reviewed.display and not split.display
        await choose_format(pilot, "prodigy")
        assert reviewed.display and split.display
        await choose_format(pilot, "csv")
        assert not reviewed.display and not split.display


async def test_the_options_ticked_come_back_in_the_choice_for_the_format_chosen(tmp_path: Path) -> None:
    async with dialog(tmp_path, fmt="prodigy") as (app, pilot):
        assert app.dialog.selected_options() == {}
        app.dialog.set_focus(app.dialog.query_one("#export-split", Checkbox))
        await pilot.press("space")
        app.dialog.set_focus(app.dialog.query_one("#export-reviewed", Checkbox))
        await pilot.press("space")
        assert app.dialog.selected_options() == {"split": "sentences", "reviewed": True}
        await choose_format(pilot, "spacy")  # split is prodigy's only: not passed to spacy
        assert app.dialog.selected_options() == {"reviewed": True}
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.results == [ExportChoice("spacy", "document", tmp_path / "banjir.spacy", {"reviewed": True})]
