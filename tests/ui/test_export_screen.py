"""The export dialog on its own: the reader picks a format, a scope and a file, by keyboard."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Input, Label, RadioButton, Select

from tests.ui.conftest import run
from tui.ui.screens.export import ExportChoice, ExportScreen


class Host(App[None]):
    """Opens the dialog and keeps what it returns."""

    def __init__(self, dialog: ExportScreen) -> None:
        super().__init__()
        self.dialog = dialog
        self.results: list[ExportChoice | None] = []

    def on_mount(self) -> None:
        self.push_screen(self.dialog, self.results.append)


@asynccontextmanager
async def dialog(tmp_path: Path, stem: str | None = "banjir", **kwargs) -> AsyncIterator[tuple[Host, Pilot]]:
    app = Host(ExportScreen(stem, directory=tmp_path, **kwargs))
    async with run(app, size=(100, 32)) as pilot:
        await pilot.pause()
        yield app, pilot


def path_value(app: Host) -> str:
    return app.dialog.query_one("#export-path", Input).value


def problem(app: Host) -> str:
    return str(app.dialog.query_one("#export-problem", Label).render())


async def choose_format(pilot: Pilot, fmt: str) -> None:
    pilot.app.dialog.query_one("#export-format", Select).value = fmt
    await pilot.pause()


async def choose_scope(pilot: Pilot, scope: str) -> None:
    pilot.app.dialog.query_one(f"#scope-{scope}", RadioButton).value = True
    await pilot.pause()


async def test_the_default_path_follows_the_format_and_the_scope(tmp_path: Path) -> None:
    async with dialog(tmp_path) as (app, pilot):
        assert path_value(app) == "banjir.jsonld"
        for fmt, name in [
            ("csv", "banjir.csv"),
            ("md", "banjir.md"),
            ("prodigy", "banjir.prodigy.jsonl"),
            ("spacy", "banjir.spacy"),
            ("brat", "banjir-brat"),  # a directory
            ("jsonl", "banjir.jsonl"),
        ]:
            await choose_format(pilot, fmt)
            assert path_value(app) == name
        await choose_scope(pilot, "all")
        assert path_value(app) == "sorot-annotations.jsonl"
        await choose_scope(pilot, "document")
        assert path_value(app) == "banjir.jsonl"


async def test_a_name_the_reader_typed_is_kept_when_the_format_changes(tmp_path: Path) -> None:
    async with dialog(tmp_path) as (app, pilot):
        app.dialog.query_one("#export-path", Input).focus()
        await pilot.pause()
        await pilot.press(*"catatan.json")  # the name is selected on focus: typing replaces it
        assert path_value(app) == "catatan.json"
        await choose_format(pilot, "csv")
        await choose_scope(pilot, "all")
        assert path_value(app) == "catatan.json"
        await pilot.press("ctrl+a", "ctrl+k")  # emptied: the suggestion comes back
        await choose_format(pilot, "md")
        assert path_value(app) == "sorot-annotations.md"


async def test_escape_returns_nothing(tmp_path: Path) -> None:
    async with dialog(tmp_path) as (app, pilot):
        await pilot.press("escape")
        await pilot.pause()
        assert app.results == [None]
        assert not isinstance(app.screen, ExportScreen)
        assert list(tmp_path.iterdir()) == []  # the dialog itself writes nothing


async def test_ctrl_s_returns_the_choice_with_an_absolute_path(tmp_path: Path) -> None:
    async with dialog(tmp_path) as (app, pilot):
        await choose_format(pilot, "csv")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.results == [ExportChoice("csv", "document", tmp_path / "banjir.csv")]
        assert list(tmp_path.iterdir()) == []


async def test_keyboard_only_choose_format_scope_and_path(tmp_path: Path) -> None:
    async with dialog(tmp_path) as (app, pilot):
        assert isinstance(app.focused, Select)  # the format first
        await pilot.press("enter", "down", "down", "enter")  # open the list: w3c -> jsonl -> csv
        assert app.dialog.selected_format == "csv"
        await pilot.press("tab", "right", "enter")  # the scope: all documents
        assert app.dialog.selected_scope == "all"
        await pilot.press("tab")
        assert isinstance(app.focused, Input)
        assert path_value(app) == "sorot-annotations.csv"
        await pilot.press(*"keluar/semua.csv", "enter")  # enter in the path exports too
        await pilot.pause()
        assert app.results == [ExportChoice("csv", "all", tmp_path / "keluar" / "semua.csv")]


async def test_tab_reaches_the_buttons(tmp_path: Path) -> None:
    async with dialog(tmp_path) as (app, pilot):
        await pilot.press("tab", "tab", "tab", "tab")  # format, scope, path, Cancel, Export
        assert app.focused is not None and app.focused.id == "export-ok"
        await pilot.press("enter")
        await pilot.pause()
        assert app.results == [ExportChoice("w3c", "document", tmp_path / "banjir.jsonld")]


async def test_replacing_an_existing_file_takes_a_second_ctrl_s(tmp_path: Path) -> None:
    (tmp_path / "banjir.jsonld").write_text("{}", encoding="utf-8")
    async with dialog(tmp_path) as (app, pilot):
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.results == []
        assert problem(app) == "banjir.jsonld exists: press ctrl+s again to replace it."
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.results == [ExportChoice("w3c", "document", tmp_path / "banjir.jsonld")]


@pytest.mark.parametrize(
    ("fmt", "existing", "expected"),
    [
        ("brat", "file", "banjir-brat is a file: brat writes a directory"),
        ("csv", "directory", "banjir.csv is a directory: give a file name."),
    ],
)
async def test_a_destination_of_the_wrong_kind_is_refused(tmp_path: Path, fmt: str, existing: str, expected) -> None:
    async with dialog(tmp_path, fmt=fmt) as (app, pilot):
        target = tmp_path / path_value(app)
        if existing == "file":
            target.write_text("x", encoding="utf-8")
        else:
            target.mkdir()
        for _ in range(2):
            await pilot.press("ctrl+s")
            await pilot.pause()
        assert app.results == []
        assert problem(app).startswith(expected)
        assert isinstance(app.focused, Input)


async def test_an_empty_path_is_refused(tmp_path: Path) -> None:
    async with dialog(tmp_path) as (app, pilot):
        app.dialog.query_one("#export-path", Input).value = "   "
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.results == []
        assert problem(app) == "Give a file name to write the export to."


async def test_without_an_open_article_only_all_documents_is_offered(tmp_path: Path) -> None:
    async with dialog(tmp_path, stem=None, fmt="md") as (app, pilot):
        assert app.dialog.query_one("#scope-document", RadioButton).disabled
        assert path_value(app) == "sorot-annotations.md"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.results == [ExportChoice("md", "all", tmp_path / "sorot-annotations.md")]


async def test_markup_in_file_names_is_shown_literally(tmp_path: Path) -> None:
    folder = tmp_path / "[bold]berita"
    folder.mkdir()
    async with dialog(folder, stem="[@click=app.quit]x[/]\x1b[31m") as (app, pilot):
        assert path_value(app) == "[@click=app.quit]x[_]_[31m.jsonld"  # no control characters in a file name
        headings = [str(label.render()) for label in app.dialog.query(".export-heading")]
        assert f"Write to (relative to {folder})" in headings
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.results == [ExportChoice("w3c", "document", folder / "[@click=app.quit]x[_]_[31m.jsonld")]
