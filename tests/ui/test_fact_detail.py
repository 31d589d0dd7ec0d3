"""The facts panel cuts its rows at its width; the fact under its cursor shows whole beneath it:
a relation's parties and what qualifies it, a date's normalised value, a claim's words."""

from __future__ import annotations

from tests.ui.conftest import reader, wait_until
from tui.core.fact_rows import fact_detail
from tui.core.facts import Attachment, ClaimFact, DateFact, RelationFact
from tui.ui.widgets.facts_panel import FactDetail, FactsPanel

WIDE = (120, 40)


def detail_text(app) -> str:
    detail = app.screen.query_one(FactDetail)
    assert detail.display
    return " ".join(detail.render().plain.split())


async def test_the_highlighted_fact_shows_whole_under_the_panel_and_its_row_stays_in_sight() -> None:
    async with reader(size=WIDE) as (app, pilot):
        await wait_until(pilot, lambda: app.screen.facts is not None)
        await pilot.press("tab")
        panel = app.screen.query_one(FactsPanel)
        detail = app.screen.query_one(FactDetail)
        assert panel.cursor_node.data == "entity" and not detail.display  # a section title: no detail
        relation = [r for r in app.screen.facts.relations if r.attachments][-1]  # at the bottom of the list
        line = next(node.line for node in panel.root.children[-1].children if node.data is relation)
        await pilot.press(*["j"] * line)  # typed ahead, as a reader runs down the list
        await pilot.pause()
        assert panel.cursor_node.data is relation
        assert "…" in panel.render_line(panel.cursor_line - panel.scroll_offset.y).text  # the row is cut
        shown = detail_text(app)
        assert shown.startswith(f"Relation · {relation.subject} — {relation.predicate} — {relation.object}")
        assert all(a.text in shown for a in relation.attachments)
        # The detail took room from the list, which scrolled to keep the cursor's row on screen.
        top = panel.scroll_offset.y
        assert top <= panel.cursor_line < top + panel.scrollable_content_region.height
        assert panel.region.bottom <= detail.region.y
        dated = next(d for d in app.screen.facts.dates if d.value == "2021")
        while panel.cursor_node.data is not dated:
            await pilot.press("k")
        assert detail_text(app).startswith("Date · 2021") and "type: date" in detail_text(app)
        while panel.cursor_node.data != "date":
            await pilot.press("k")
        assert not detail.display


def test_the_detail_says_everything_the_row_cuts_and_reads_no_markup() -> None:
    hostile = "[@click=app.quit]x[/] [bold]y"
    relation = RelationFact(
        text="a", start=0, end=1, sentence=(0, 1), subject=hostile, predicate="bertemu dengan", object="Kim",
        attachments=(Attachment("number", "n1", "tiga kali", 0, 1),), negated=True, reported_by="c1",
    )  # fmt: skip
    lines = ["".join(text for text, _ in line) for line in fact_detail(relation)]
    assert lines[0] == f"Relation · {hostile} — bertemu dengan — Kim"
    assert "number: tiga kali" in lines and any("negated" in line for line in lines)
    assert any("reported" in line for line in lines) and lines[-1] == "text: “a”"
    claim = ClaimFact(
        text="x", start=0, end=1, sentence=(0, 1), speaker="Kremlin", verb="menyatakan", content="\x1b[31mz",
        speaker_text="Ia",
    )  # fmt: skip
    lines = ["".join(text for text, _ in line) for line in fact_detail(claim)]
    assert lines[0] == "Claim · Kremlin menyatakan" and "in the sentence: Ia" in lines
    assert all("\x1b" not in line for line in lines)
    relative = DateFact(text="tahun lalu", start=0, end=1, sentence=(0, 1), value=None, relative=True, offset="-P1Y")
    lines = ["".join(text for text, _ in line) for line in fact_detail(relative)]
    assert lines[0] == "Date · 1 year before the article's date" and "relative to: the article's date, -P1Y" in lines
