"""A reader left is collected: readers opened one after another from the library do not pile up
in memory (issue 17, item 16's review: the collector frozen out of what a reader keeps).

What a reader makes is frozen out of the collector's walks while it is open and unfrozen when it
closes, into the oldest generation, whose full passes are rare; the next reader's freeze then kept
it for good: after 24 articles of 200 KB opened from the library, 24 readers were alive and the
process had grown from 233 to 477 MB. Leaving now collects once the screen under it is back.
"""

from __future__ import annotations

import gc
from pathlib import Path

from tests.ui.conftest import reader, wait_until
from tui.core.document import sample_article_path
from tui.ui.screens.library import LibraryScreen
from tui.ui.screens.reader import LEFT_COLLECT_SECONDS, ReaderScreen


def readers_alive() -> int:
    return sum(1 for o in gc.get_objects() if isinstance(o, ReaderScreen))


async def test_readers_opened_one_after_another_from_the_library_do_not_pile_up(tmp_path: Path) -> None:
    folder = tmp_path / "berita"
    folder.mkdir()
    sample = sample_article_path().read_text(encoding="utf-8")
    for n in range(4):
        (folder / f"artikel{n}.txt").write_text(f"Berita nomor {n}\n\n{sample}", encoding="utf-8")
    try:
        async with reader(folder, db=tmp_path / "sorot.json", size=(120, 36)) as (app, pilot):
            library = app.screen
            assert isinstance(library, LibraryScreen)
            await wait_until(pilot, lambda: library._finished)
            alive = []
            for _ in range(4):
                await pilot.press("enter")
                await wait_until(pilot, lambda: isinstance(app.screen, ReaderScreen) and app.screen.facts is not None)
                assert gc.get_freeze_count() > 0  # what the reader keeps is out of the collector's walks
                await pilot.press("backspace")
                await wait_until(pilot, lambda: app.screen is library)
                await pilot.pause(LEFT_COLLECT_SECONDS + 0.2)
                alive.append(readers_alive())
                await pilot.press("j")
            assert gc.get_freeze_count() == 0
            assert max(alive) <= 1  # at most the last one, not yet collected: never one per opening
    finally:
        gc.unfreeze()
