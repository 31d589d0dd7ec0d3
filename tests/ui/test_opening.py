"""Opening things: a directory of articles, hostile text, files that are not articles, another model."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import OptionList

from tests.ui.conftest import notifications, reader, run, screen_strips, screen_text, view_of, wait_for_nlp, wait_until
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
        painted = "".join(seg.text for strip in screen_strips(app) for seg in strip)
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
        messages = [n.message for n in notifications(app)]
        assert any("a-kosong.txt" in m and "empty" in m for m in messages)
        painted = "".join(seg.text for strip in screen_strips(app) for seg in strip)
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
        await wait_until(pilot, lambda: bool(notifications(app)))
        assert "Teks tetap terbaca." in screen_text(app)
        notification = notifications(app)[0]
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
    async with run(app, size=(100, 30)) as pilot:
        await wait_for_nlp(pilot)
        assert [(e.text, e.label) for e in view_of(app).entities] == [("Ada Lovelace", "PERSON"), ("London", "GPE")]
        process = app.engine._process
        assert process is not None and process.is_alive()
    assert not process.is_alive()  # quitting stops the child


async def test_quitting_while_the_child_is_busy_stops_it_at_once(tmp_path: Path, english_model: Path) -> None:
    import signal

    from tui.ui.app import make_app

    path = tmp_path / "long.txt"
    path.write_text(("Ada Lovelace lived in London. " * 40 + "\n") * 3000, encoding="utf-8")
    app = make_app(path, model=str(english_model))
    async with run(app, size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: "finding entities" in app.screen.query_one("#nlp-status").message)
        await pilot.press("q")
    # Stopped in the middle of its work (terminated), not left to finish it: quitting is at once.
    assert not app.engine._process.is_alive() and app.engine._process.exitcode == -signal.SIGTERM


async def test_an_article_over_the_size_limit_in_a_directory_gives_a_notification(tmp_path: Path) -> None:
    # A sparse 100 GB file: listed with its size; opening it is refused from that size, not read.
    with (tmp_path / "a-raksasa.txt").open("wb") as handle:
        handle.write(b"Berita Raksasa\n\nIsinya panjang sekali.\n")
        handle.truncate(100 * 1024**3)
    (tmp_path / "b-biasa.txt").write_text("Berita Biasa\n\nIsi biasa di Bandung.\n", encoding="utf-8")
    async with reader(tmp_path) as (app, pilot):
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen)
        (message,) = [n.message for n in notifications(app)]
        assert message == f"{tmp_path / 'a-raksasa.txt'}: more than 64 MiB (107,374,182,400 bytes); raise --max-size"
        await pilot.press("j", "enter")
        assert isinstance(app.screen, ReaderScreen) and app.screen.article.title == "Berita Biasa"


async def test_max_size_of_the_reader_applies_to_the_articles_of_its_list(tmp_path: Path) -> None:
    from tui.ui.app import make_app

    path = tmp_path / "berita.txt"
    path.write_text("Berita\n\n" + "Isi berita di Bandung. " * 100, encoding="utf-8")
    app = make_app(tmp_path, in_process=True, db=tmp_path / "sorot.json", max_bytes=1024)
    async with run(app, size=(100, 30)) as pilot:
        await pilot.pause()
        (listed,) = (str(option.prompt) for option in app.screen.query_one(OptionList).options)
        assert f"{path.stat().st_size / 1024:.1f}\u00a0KiB" in listed  # the units of --max-size, never split
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen)
        assert [n.message for n in notifications(app)] == [
            f"{path}: more than 1 KiB ({path.stat().st_size:,} bytes); raise --max-size"
        ]


def _run_in_a_terminal(args: list[str], stdin: bytes, marker: bytes, env: dict[str, str]) -> tuple[int, bytes]:
    """``sorot ARGS`` with ``stdin`` piped in and a pseudo-terminal as its controlling terminal (as
    in ``curl ... | sorot -``): waits until ``marker`` is on screen, types ``q``, returns the exit
    status and everything it painted."""
    import fcntl
    import os
    import pty
    import select
    import struct
    import subprocess
    import sys
    import termios
    import time

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    process = subprocess.Popen(
        [sys.executable, "-m", "tui", *args],
        stdin=subprocess.PIPE,
        stdout=slave,
        stderr=slave,
        start_new_session=True,
        preexec_fn=lambda: fcntl.ioctl(1, termios.TIOCSCTTY, 0),  # the pty becomes its terminal
        env=env,
    )
    os.close(slave)
    process.stdin.write(stdin)
    process.stdin.close()
    painted, deadline, typed = b"", time.monotonic() + 60, False
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.5)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # the program exited and closed the terminal
                    break
                if not chunk:
                    break
                painted += chunk
            if not typed and marker in painted:
                os.write(master, b"q")
                typed = True
            if process.poll() is not None and not ready:
                break
        return process.wait(10), painted
    finally:
        if process.poll() is None:
            process.kill()
        os.close(master)


def test_sorot_dash_reads_the_article_from_a_pipe_and_keys_from_the_terminal(
    tmp_path: Path, english_model: Path
) -> None:
    import os

    env = {**os.environ, "TERM": "xterm-256color", "SOROT_DB": str(tmp_path / "sorot.json")}
    article = "Berita dari Pipa\n\nAda Lovelace menulis dari London.\n"
    code, painted = _run_in_a_terminal(["-", "--model", str(english_model)], article.encode(), b"Lovelace", env)
    assert b"Berita dari Pipa" in painted
    assert code == 0, painted[-2000:]


def test_sorot_dash_without_a_terminal_is_one_line() -> None:
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "tui", "-"],
        input=b"Judul\n\nIsi berita.\n",
        capture_output=True,
        start_new_session=True,  # no controlling terminal, as under cron or a CI runner
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stderr.decode() == (
        "sorot: standard input held the article, and there is no terminal to read keys from\n"
    )


def test_the_reader_with_standard_error_redirected_is_one_line_not_escape_codes_in_a_file(
    sample_path: Path, tmp_path: Path
) -> None:
    import subprocess
    import sys

    # Textual draws on standard error: `sorot berita.txt 2> log` would fill the log with the screen.
    result = subprocess.run(
        [sys.executable, "-m", "tui", str(sample_path), "--db", str(tmp_path / "db.json")],
        capture_output=True,
        timeout=60,
    )
    assert result.returncode == 1 and result.stdout == b""
    assert result.stderr.decode() == (
        "sorot: the reader draws on the terminal through standard error, which is redirected here; "
        "for output to a file or a pipe use sorot extract or sorot export\n"
    )


async def test_an_article_from_standard_input_keeps_its_highlights_by_its_text(tmp_path: Path) -> None:
    import io

    from tui.core.analysis.engine import NlpEngine
    from tui.core.document import load_article
    from tui.ui.app import SorotApp

    piped = b"Berita dari Pipa\n\nPresiden Joko Widodo tiba di Bandung pada Senin pagi.\n"
    db = tmp_path / "sorot.json"
    for visit in (1, 2):
        article = load_article("-", stdin=io.BytesIO(piped))
        assert article.path is None and article.title == "Berita dari Pipa"
        app = SorotApp(article, engine=NlpEngine(in_process=True), db=db)
        async with run(app, size=(100, 30)) as pilot:
            await wait_for_nlp(pilot)
            view = view_of(app)
            if visit == 1:
                view.move_cursor(view.text.index("Bandung"))
                await pilot.press("h", "1")
                await pilot.pause()
            assert [a.quote.exact for a in view.annotations] == ["Bandung"]  # saved, then found again


def test_keys_typed_while_sorot_starts_reach_the_reader_as_typed(tmp_path: Path, english_model: Path) -> None:
    """A note typed before the interface had taken the terminal lost its save key: the terminal,
    still in its own mode, turned enter into ctrl+j and took ctrl+s as "pause output". From its
    first moments the reader has the terminal hand keys on as typed."""
    import fcntl
    import os
    import pty
    import select
    import struct
    import subprocess
    import sys
    import termios
    import time

    from tui.core.store import Store

    article = tmp_path / "berita.txt"
    article.write_text("Banjir di Semarang\n\nKali Garang meluap pada Senin pagi.\n", encoding="utf-8")
    db = tmp_path / "sorot.json"
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    own_mode = termios.tcgetattr(slave)
    process = subprocess.Popen(
        [sys.executable, "-m", "tui", str(article), "--db", str(db), "--model", str(english_model)],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        start_new_session=True,
        preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0),
        env={**os.environ, "TERM": "xterm-256color"},
    )
    os.close(slave)
    painted, typed_ahead, deadline = b"", None, time.monotonic() + 60
    try:
        while time.monotonic() < deadline and b"note saved" not in painted:
            if typed_ahead is None and not termios.tcgetattr(master)[3] & termios.ICANON:
                typed_ahead = b"\x1b[?1049h" not in painted  # before the interface took the screen?
                os.write(master, b"a" + b"zz" + b"\t" + b"tt" + b"\r")  # enter in the tags saves
            ready, _, _ = select.select([master], [], [], 0.01)
            if ready:
                try:
                    painted += os.read(master, 65536)
                except OSError:
                    break
        os.write(master, b"q")
        assert process.wait(30) == 0
        assert typed_ahead, "the terminal handed keys on as typed only once the interface had started"
        with Store.open(db) as store:
            assert [(a.note, a.tags) for a in store.all_annotations()] == [("zz", ("tt",))]
        # The terminal's own mode is back once it quits.
        assert termios.tcgetattr(master)[3] == own_mode[3] and termios.tcgetattr(master)[0] == own_mode[0]
    finally:
        if process.poll() is None:
            process.kill()
        os.close(master)
