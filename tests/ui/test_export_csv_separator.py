"""The export dialog offers csv's cell separator (a semicolon for a spreadsheet in the Indonesian
locale), and the reader writes the file with it."""

from __future__ import annotations

import json
from pathlib import Path

import pandas

from tests.ui.conftest import notifications, reader, wait_until
from tests.ui.test_annotation_database import highlight, opened
from tests.ui.test_export_screen import choose_format, dialog
from tests.ui.test_marking_up import WIDE
from tui.ui.screens.export import ExportChoice


async def test_the_separator_shows_for_csv_only_and_comes_back_in_the_choice(tmp_path: Path) -> None:
    async with dialog(tmp_path) as (app, pilot):
        separators = app.dialog.query_one("#export-csv")
        assert not separators.display  # w3c: nothing to choose
        await choose_format(pilot, "csv")
        assert separators.display
        app.dialog.set_focus(app.dialog.query_one("#export-delimiter"))
        await pilot.press("right", "enter")  # comma -> semicolon
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.results == [ExportChoice("csv", "document", tmp_path / "banjir.csv", {"delimiter": ";"})]


async def test_the_default_comma_adds_no_option_and_another_format_none(tmp_path: Path) -> None:
    async with dialog(tmp_path, fmt="csv") as (app, pilot):
        assert app.dialog.query_one("#export-csv").display
        assert app.dialog.selected_options() == {}
        app.dialog.set_focus(app.dialog.query_one("#export-delimiter"))
        await pilot.press("right", "right", "enter")  # tab
        assert app.dialog.selected_options() == {"delimiter": "tab"}
        await choose_format(pilot, "md")
        assert not app.dialog.query_one("#export-csv").display and app.dialog.selected_options() == {}


async def test_the_reader_exports_csv_with_semicolons(article: Path, tmp_path: Path) -> None:
    out = tmp_path / "anotasi.csv"
    async with reader(article, size=WIDE, db=tmp_path / "db.json") as (app, pilot):
        await opened(pilot)
        await highlight(pilot, "Kremlin")
        app.screen.run_export(ExportChoice("csv", "all", out, {"delimiter": ";"}), app.screen.session.store)
        await wait_until(pilot, lambda: any(n.title in ("Exported", "Export failed") for n in notifications(app)))
    frame = pandas.read_csv(out, sep=";", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert out.read_text(encoding="utf-8-sig").startswith("document;title;quote;")
    (row,) = frame.to_dict("records")
    assert row["quote"].startswith("Kremlin") and json.loads(row["tags"]) == []
