"""An article that starts with a hard-wrapped paragraph has no heading: its title is its first
words, ending in "…" where they are cut."""

from __future__ import annotations

from tui.core.document import heading_of, make_title

WRAPPED = (
    "JAKARTA, KOMPAS.com - Direktorat Reserse Kriminal Khusus Polda Metro\n"
    "Jaya menangkap dua tersangka kasus penipuan investasi kripto pada\n"
    "Senin (12/2/2024). Kerugian korban ditaksir mencapai 2 juta dolar AS\n"
    "atau sekitar Rp 31 miliar.\n\n"
    "Kedua tersangka ditangkap di sebuah apartemen di Jakarta Selatan.\n"
)


def test_the_first_line_of_a_wrapped_paragraph_is_not_a_heading() -> None:
    assert heading_of(WRAPPED) is None
    title = make_title(WRAPPED, None)
    assert title.startswith("JAKARTA, KOMPAS.com - Direktorat") and title.endswith("…")


def test_a_short_line_of_its_own_is_still_the_heading() -> None:
    text = "Polisi Tangkap Dua Tersangka Penipuan Kripto\n\n" + WRAPPED
    assert heading_of(text) == make_title(text, None) == "Polisi Tangkap Dua Tersangka Penipuan Kripto"
    pasted = "Polisi Tangkap Dua Tersangka\nJaya menangkap dua tersangka kasus penipuan investasi kripto pada Senin.\n"
    assert heading_of(pasted) == "Polisi Tangkap Dua Tersangka"
