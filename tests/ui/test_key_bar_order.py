"""Bindings the config rebinds keep their place in the key bar, shown with their new keys."""

from __future__ import annotations

from pathlib import Path

from textual.widgets._footer import FooterKey

from tests.ui.test_keys_and_config import config_of, configured


async def key_bar(config_text: str | None, tmp_path: Path) -> list[tuple[str, str]]:
    config = config_of(tmp_path, config_text) if config_text is not None else None
    async with configured(config) as (app, pilot):
        await pilot.pause()
        return [(key.key, key.description) for key in app.screen.query(FooterKey)]


async def test_rebound_bindings_keep_their_place_in_the_key_bar(tmp_path: Path) -> None:
    default = await key_bar(None, tmp_path)
    rebound = await key_bar(
        '[keys]\npreset = "vim"\n"reader.start_search" = "slash,ctrl+f"\n"app.quit" = "q,Q"\n', tmp_path
    )
    assert [description for _, description in rebound] == [description for _, description in default]
    assert ("H", "Highlight") in rebound and ("slash", "Search") in rebound and ("q", "Quit") in rebound
