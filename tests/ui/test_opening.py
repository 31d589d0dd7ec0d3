"""Opening things: a directory of articles, hostile text, files that are not articles, another model."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import OptionList

from tests.ui.conftest import reader, screen_text, view_of, wait_for_nlp, wait_until
from tui.ui.screens.library import LibraryScreen
from tui.ui.screens.reader import ReaderScreen, TitleBar

HOSTILE = (
    "Judul \x1b[41mMERAH\x1b[0m [bold]Tebal[/bold]\x1b]0;PWNED\x07\n\n"
    "Klik [@click=app.quit]klik[/] di sini, lalu [/] dan [red]merah.\n\n"
    "Warna \x1b[31mmerah\x1b[0m dan bel\x07 di Jakarta.\n"
)


async def test_markup_and_escape_sequences_in_an_article_are_shown_literally(tmp_path: Path) -> None:
    path = tmp_path / "[bold]jahat[@click=app.quit]x\x1b]0;HACKED\x07.txt"
    path.write_text(HOSTILE, encoding="utf-8")
    async with reader(path) as (app, pilot):
        shown = screen_text(app)
        assert "Klik [@click=app.quit]klik[/] di sini, lalu [/] dan [red]merah." in shown
        assert "Judul ␛[41mMERAH␛[0m [bold]Tebal[/bold]␛]0;PWNED␇" in shown
        assert "␛[31mmerah␛[0m dan bel␇" in shown
        title = app.screen.query_one(TitleBar).render()
        assert "[bold]jahat[@click=app.quit]x␛]0;HACKED␇.txt" in title.plain
        assert title.plain.startswith("Judul ␛[41mMERAH")
        painted = "".join(seg.text for strip in app.screen._compositor.render_strips() for seg in strip)
        assert "\x1b" not in painted and "\x07" not in painted
        # Clicking the would-be link only moves the cursor: nothing runs, the app keeps going.
        view = view_of(app)
        row = next(
            r for r in range(view.wrapped.height) if "klik" in view.text[view.wrapped.starts[r] : view.wrapped.ends[r]]
        )
        column = view.text[view.wrapped.starts[row] : view.wrapped.ends[row]].index("[@click")
        await pilot.click(view, offset=(view.margin + column + 3, row))
        await pilot.pause()
        assert app.is_running
        assert view.cursor == view.wrapped.starts[row] + column + 3


async def test_a_directory_lists_its_articles_enter_opens_and_backspace_returns(tmp_path: Path) -> None:
    (tmp_path / "b-kedua.md").write_text("# Berita Kedua\n\nIsi kedua di Surabaya.\n", encoding="utf-8")
    (tmp_path / "a-pertama.txt").write_text(
        "Berita Pertama\n\nPresiden Joko Widodo tiba di Bandung.\n", encoding="utf-8"
    )
    (tmp_path / "gambar.png").write_bytes(b"\x89PNG")
    async with reader(tmp_path) as (app, pilot):
        assert isinstance(app.screen, LibraryScreen)
        options = app.screen.query_one(OptionList)
        assert options.option_count == 2
        assert "a-pertama.txt" in str(options.get_option_at_index(0).prompt)
        await pilot.press("j", "enter")
        assert isinstance(app.screen, ReaderScreen)
        assert app.screen.article.title == "Berita Kedua"
        await wait_for_nlp(pilot)
        await pilot.press("backspace")
        assert isinstance(app.screen, LibraryScreen)
        await pilot.press("k", "enter")
        assert isinstance(app.screen, ReaderScreen)
        assert app.screen.article.title == "Berita Pertama"


async def test_a_broken_file_in_a_directory_gives_a_notification_not_a_crash(tmp_path: Path) -> None:
    (tmp_path / "a-kosong.txt").write_bytes(b"")
    (tmp_path / "c-\x1b]0;HACKED\x07.txt").write_text("Judul\n", encoding="utf-8")
    (tmp_path / "b-isi.txt").write_text("Ada isinya.\n", encoding="utf-8")
    async with reader(tmp_path) as (app, pilot):
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen)
        messages = [n.message for n in app._notifications]
        assert any("a-kosong.txt" in m and "empty" in m for m in messages)
        painted = "".join(seg.text for strip in app.screen._compositor.render_strips() for seg in strip)
        assert "c-␛]0;HACKED␇.txt" in painted
        assert "\x1b" not in painted and "\x07" not in painted


async def test_another_spacy_pipeline_can_be_used(tmp_path: Path, english_model: Path) -> None:
    path = tmp_path / "en.txt"
    path.write_text("Ada Lovelace wrote to Babbage from London.\n", encoding="utf-8")
    async with reader(path, model=str(english_model)) as (app, pilot):
        assert [(e.text, e.label) for e in view_of(app).entities] == [
            ("Ada Lovelace", "PERSON"),
            ("Babbage", "PERSON"),
            ("London", "GPE"),
        ]


async def test_a_pipeline_that_fails_to_load_leaves_the_article_readable(tmp_path: Path) -> None:
    broken = tmp_path / "broken-model"
    broken.mkdir()
    (broken / "config.cfg").write_text('[nlp]\nlang = "xx_nope"\n', encoding="utf-8")
    path = tmp_path / "a.txt"
    path.write_text("Teks tetap terbaca.\n", encoding="utf-8")
    async with reader(path, model=str(broken), wait=False) as (app, pilot):
        await wait_until(pilot, lambda: bool(app._notifications))
        assert "Teks tetap terbaca." in screen_text(app)
        notification = list(app._notifications)[0]
        assert notification.severity == "error"
        assert "\n" not in notification.message


async def test_a_label_with_markup_from_a_foreign_pipeline_stays_literal(tmp_path: Path) -> None:
    import spacy
    from textual.content import Content

    from tui.ui.widgets.legend import LegendChip

    label = "[@click=app.quit]X[/]"
    nlp = spacy.blank("en")
    nlp.add_pipe("entity_ruler").add_patterns([{"label": label, "pattern": "Jakarta"}])
    nlp.to_disk(tmp_path / "model")
    path = tmp_path / "a.txt"
    path.write_text("Banjir di Jakarta.\n", encoding="utf-8")
    async with reader(path, model=str(tmp_path / "model")) as (app, pilot):
        chip = app.screen.query_one(LegendChip)
        assert label in chip.render().plain
        titles = [Content.from_markup(c.title).plain for c in app.get_system_commands(app.screen)]
        assert f"Hide {label} highlighting" in titles
        await pilot.click(chip)
        assert app.is_running


async def test_the_nlp_child_process_works_inside_the_running_app(tmp_path: Path, english_model: Path) -> None:
    """The default engine spawns a child process after Textual has taken over the streams."""
    from tui.ui.app import make_app

    path = tmp_path / "en.txt"
    path.write_text("Ada Lovelace lived in London.\n", encoding="utf-8")
    app = make_app(path, model=str(english_model))
    assert not app.engine.in_process
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for_nlp(pilot)
        assert [(e.text, e.label) for e in view_of(app).entities] == [("Ada Lovelace", "PERSON"), ("London", "GPE")]
        process = app.engine._process
        assert process is not None and process.is_alive()
    assert not process.is_alive()  # quitting stops the child


async def test_quitting_while_the_child_is_busy_exits_at_once(tmp_path: Path, english_model: Path) -> None:
    import time

    from tui.ui.app import make_app

    path = tmp_path / "long.txt"
    path.write_text(("Ada Lovelace lived in London. " * 40 + "\n") * 3000, encoding="utf-8")
    app = make_app(path, model=str(english_model))
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: "finding entities" in app.screen.query_one("#nlp-status").message)
        started = time.perf_counter()
        await pilot.press("q")
    assert time.perf_counter() - started < 3
    assert not app.engine._process.is_alive()
