"""A reader's story with the facts panel: see what the article states and check it at its source."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text

from tests.ui.conftest import notifications, reader, status_text, view_of, wait_until
from tui.core.fact_rows import facts_of_sentence
from tui.core.facts import FACT_KINDS, ClaimFact, DateFact, EntityFact, Facts, RelationFact
from tui.ui.messages import FactChosen
from tui.ui.screens.reader import ReaderScreen
from tui.ui.widgets.facts_panel import FactsPanel, date_text, fact_label, kind_name

WIDE = (140, 40)


def panel_of(app) -> FactsPanel:
    return app.screen.query_one(FactsPanel)


async def wait_for_facts(pilot) -> None:
    await wait_until(pilot, lambda: pilot.app.screen.facts is not None)


def rows(panel: FactsPanel) -> list[str]:
    """The panel's visible lines: section titles and fact rows, as plain text."""
    lines = []
    for node in panel.root.children:
        lines.append(node.label.plain)
        if node.is_expanded:
            lines.extend("  " + child.label.plain for child in node.children)
    return lines


async def move_to(pilot, panel: FactsPanel, predicate) -> None:
    """Press j until the panel's cursor is on the fact ``predicate`` accepts."""
    for _ in range(200):
        node = panel.cursor_node
        if node is not None and not isinstance(node.data, str) and node.data is not None and predicate(node.data):
            return
        await pilot.press("j")
    raise AssertionError("no such fact in the panel")


async def test_the_panel_fills_with_sections_once_the_entities_are_found() -> None:
    async with reader(size=WIDE) as (app, pilot):
        await wait_for_facts(pilot)
        lines = rows(panel_of(app))
        titles = [line for line in lines if not line.startswith("  ")]
        assert [t.split(" (")[0] for t in titles] == ["Entities", "When", "How many", "Who said what", "Relations"]
        facts: Facts = app.screen.facts
        assert f"Entities ({len(facts.entities)})" in titles
        putin = next(line for line in lines if "Vladimir Putin" in line)
        assert "(Putin)" in putin and "Presiden Rusia" in putin
        assert any("more than 10 000 tentara" in line for line in lines)
        assert any(line.strip().startswith("Kremlin mengkonfirmasi:") for line in lines)
        # Beside the article on a wide terminal.
        side, article = app.screen.query_one("#side").region, view_of(app).region
        assert side.x >= article.right and side.y == article.y


async def test_enter_on_an_entity_highlights_its_mentions_and_brackets_walk_them() -> None:
    async with reader(size=WIDE) as (app, pilot):
        await wait_for_facts(pilot)
        await pilot.press("tab")
        panel = panel_of(app)
        assert panel.has_focus
        await move_to(pilot, panel, lambda f: isinstance(f, EntityFact) and f.text == "Vladimir Putin")
        fact = panel.cursor_node.data
        await pilot.press("enter")
        view = view_of(app)
        assert view.walk == sorted(tuple(m) for m in fact.mentions)
        assert view.cursor == fact.mentions[0][0]
        assert status_text(app) == f"Vladimir Putin · PERSON · 1/{len(fact.mentions)}"
        await pilot.press("right_square_bracket", "right_square_bracket")  # from the panel, too
        second = sorted(fact.mentions)[2]
        assert view.cursor == second[0]
        assert view.sentence_span[0] <= second[0] < second[1] <= view.sentence_span[1]
        assert status_text(app).endswith(f"· 3/{len(fact.mentions)}")
        await pilot.press("tab", "escape")  # back in the article, esc clears the highlights
        assert view.has_focus and view.walk == [] and view.sentence_span is None


async def test_enter_on_a_claim_lands_on_its_sentence() -> None:
    async with reader(size=WIDE) as (app, pilot):
        await wait_for_facts(pilot)
        await pilot.press("tab")
        panel = panel_of(app)
        await move_to(pilot, panel, lambda f: isinstance(f, ClaimFact) and f.speaker == "Kremlin")
        claim = panel.cursor_node.data
        await pilot.press("enter")
        view = view_of(app)
        assert view.cursor == claim.start
        assert view.sentence_span == tuple(claim.sentence)
        assert app.screen.article.text[slice(*view.sentence_span)].startswith("Kremlin mengkonfirmasi")
        row = view.wrapped.row_of(view.cursor)
        assert view.scroll_offset.y <= row < view.scroll_offset.y + view.size.height


async def test_every_fact_lands_inside_its_sentence() -> None:
    async with reader(size=WIDE) as (app, pilot):
        await wait_for_facts(pilot)
        screen: ReaderScreen = app.screen
        view = view_of(app)
        for fact in screen.facts.all():
            screen.post_message(FactChosen(fact))
            await pilot.pause()
            start, end = view.sentence_span
            assert start <= view.cursor <= end, fact
            assert start <= view.focus_span[0] < view.focus_span[1] <= end, fact


async def test_i_shows_the_facts_of_the_sentence_under_the_cursor_and_escape_shows_all_again() -> None:
    async with reader(size=WIDE) as (app, pilot):
        await wait_for_facts(pilot)
        facts: Facts = app.screen.facts
        relation = next(r for r in facts.relations if r.predicate == "melakukan panggilan telepon dengan")
        view = view_of(app)
        view.move_cursor(relation.start)
        await pilot.press("i")
        panel = panel_of(app)
        assert panel.has_focus
        lines = rows(panel)
        assert lines[0].startswith("This sentence")
        here = facts_of_sentence(facts, tuple(relation.sentence))
        assert len(lines) == 1 + len(here)
        assert any("melakukan panggilan telepon dengan" in line for line in lines)
        await pilot.press("escape")
        assert rows(panel)[0].startswith("Entities")
        await pilot.press("escape")
        assert view.has_focus


async def test_a_section_folds_and_stays_folded_when_the_facts_come_again() -> None:
    async with reader(size=WIDE) as (app, pilot):
        await wait_for_facts(pilot)
        await pilot.press("tab")
        panel = panel_of(app)
        assert panel.cursor_node.data == "entity"
        await pilot.press("enter")
        assert not panel.root.children[0].is_expanded
        panel.show_facts(app.screen.facts)
        assert not panel.root.children[0].is_expanded and panel.root.children[1].is_expanded


async def test_p_hides_the_panel_and_gives_the_article_the_width_and_brings_it_back() -> None:
    async with reader(size=WIDE) as (app, pilot):
        await wait_for_facts(pilot)
        view = view_of(app)
        narrow = view.size.width
        await pilot.press("p")
        await pilot.pause()
        assert not app.screen.query_one("#side").display
        assert view.size.width > narrow
        await pilot.press("p")
        await pilot.pause()
        assert app.screen.query_one("#side").display and view.size.width == narrow
        await pilot.press("p", "tab")  # tab brings a hidden panel back, focused
        await pilot.pause()
        assert app.screen.query_one("#side").display and panel_of(app).has_focus


async def test_on_a_narrow_terminal_the_panel_sits_under_the_article() -> None:
    async with reader(size=(80, 40)) as (app, pilot):
        await wait_for_facts(pilot)
        side, article = app.screen.query_one("#side").region, view_of(app).region
        assert app.screen.has_class("-narrow")
        assert side.y >= article.bottom and side.width >= article.width


async def test_the_panel_is_in_the_help_and_the_palette() -> None:
    async with reader(size=WIDE) as (app, pilot):
        commands = {command.title for command in app.get_system_commands(app.screen)}
        assert {"Facts ⇄ article", "Facts here", "Panel"} <= commands


def test_fact_rows_show_untrusted_text_literally() -> None:
    hostile = "[@click=app.quit]x[/] [bold]y"
    entity = EntityFact(text=hostile, start=0, end=len(hostile), sentence=(0, 40), label="PERSON", mentions=((0, 5),))
    claim = ClaimFact(text="a", start=0, end=1, sentence=(0, 1), speaker=hostile, verb="kata", content="\x1b[31mz")
    relation = RelationFact(
        text="a", start=0, end=1, sentence=(0, 1), subject=hostile, predicate="bertemu", object="[/]"
    )
    assert isinstance(fact_label(entity), Text) and fact_label(entity).plain.startswith(hostile)
    assert hostile in fact_label(claim).plain and "\x1b" not in fact_label(claim).plain
    assert fact_label(relation).plain == f"{hostile} — bertemu — [/]"


def test_date_values_read_as_words() -> None:
    def date(**fields) -> DateFact:
        return DateFact(text="x", start=0, end=1, sentence=(0, 1), **fields)

    assert date_text(date(value="2024-04")) == "2024-04"
    assert date_text(date(value="XXXX-04")) == "April, year unknown"
    assert date_text(date(value="P3Y", type="duration")) == "3 years"
    assert date_text(date(value="2025-12-01TNI")) == "2025-12-01 night"  # not "TNI", the army
    assert date_text(date(value="2025-12-01TMO")) == "2025-12-01 morning"
    assert (
        date_text(date(value=None, relative=True, anchor="article", offset="-P1Y"))
        == "1 year before the article's date"
    )
    assert date_text(date(value=None, relative=True, anchor="event", offset="+P3D")) == "3 days after an event"


async def test_an_article_without_facts_says_so(tmp_path: Path) -> None:
    path = tmp_path / "kosong.txt"
    path.write_text("ini hanya teks biasa tanpa nama apa pun.\n", encoding="utf-8")
    async with reader(path, size=WIDE) as (app, pilot):
        await wait_for_facts(pilot)
        assert "no facts found" in rows(panel_of(app))


async def test_fact_kinds_read_capitalised_in_the_panel_and_the_status_line() -> None:
    async with reader(size=WIDE) as (app, pilot):
        await wait_for_facts(pilot)
        facts: Facts = app.screen.facts
        date = facts.timeline()[0]
        view = view_of(app)
        view.move_cursor(date.start)
        await pilot.press("i")  # one sentence's facts, of mixed kinds: each row says its kind
        here = rows(panel_of(app))[1:]
        kinds = {kind_name(kind) for kind in FACT_KINDS}
        assert kinds == {"Entity", "Date", "Number", "Claim", "Relation"}
        assert here and all(line.strip().split(":")[0] in kinds for line in here), here
        assert any(line.strip().startswith(f"Date: {date_text(date)}") for line in here)
        panel = panel_of(app)
        await move_to(pilot, panel, lambda f: f is date)
        await pilot.press("enter")
        assert status_text(app).endswith(" · Date · 1/1")
        assert date.kind == "date" and facts.to_json()[0]["kind"] == "entity"  # the JSON keeps its kinds


async def test_a_row_too_long_for_the_panel_ends_with_an_ellipsis() -> None:
    async with reader(size=WIDE) as (app, pilot):
        await wait_for_facts(pilot)
        await pilot.pause()
        panel = panel_of(app)

        def lines() -> list[str]:
            return [panel.render_line(y).text.rstrip() for y in range(panel.size.height)]

        width = panel.scrollable_content_region.width
        assert panel.virtual_size.width <= width  # nothing hidden off to the right
        putin = next(line for line in lines() if "Vladimir Putin" in line)
        assert putin.endswith("…") and len(putin) <= width, putin
        assert all(len(line) <= width for line in lines())
        # Under the article on a narrow terminal the panel is wider: the same row is whole again.
        await pilot.resize_terminal(100, 40)
        await pilot.pause()
        assert any("Vladimir Putin" in line and line.endswith("· Presiden Rusia") for line in lines())


async def test_a_fault_in_a_fact_rule_is_one_line_and_the_reader_goes_on(monkeypatch) -> None:
    import tui.core.facts

    def faulty(text, entities, reference_date=None):
        raise ZeroDivisionError("division by zero in a rule")

    monkeypatch.setattr(tui.core.facts, "extract_facts", faulty)
    async with reader(size=WIDE) as (app, pilot):
        await wait_until(pilot, lambda: any("no facts:" in row for row in rows(panel_of(app))))
        (row,) = rows(panel_of(app))
        assert row == "no facts: fact extraction failed: ZeroDivisionError: division by zero in a rule"
        assert [n.title for n in notifications(app)] == ["Facts"]
        await pilot.press("j")
        assert app.is_running and isinstance(app.screen, ReaderScreen)


async def test_a_worker_failing_unexpectedly_is_one_line_and_never_ends_the_app(monkeypatch) -> None:
    from tui.core.analysis.engine import NlpEngine

    def broken(self, text, entities, cancelled=lambda: False, reference_date=None, making=None):
        raise RuntimeError("a bug\nover two lines")

    monkeypatch.setattr(NlpEngine, "find_facts", broken)
    async with reader(size=WIDE) as (app, pilot):
        await wait_until(pilot, lambda: any("no facts:" in row for row in rows(panel_of(app))))
        (message,) = [n.message for n in notifications(app)]
        assert message == "facts could not be computed: RuntimeError: a bug over two lines"
        await pilot.press("j")
        assert app.is_running and isinstance(app.screen, ReaderScreen)
