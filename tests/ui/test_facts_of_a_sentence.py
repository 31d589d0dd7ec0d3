"""``i`` lists what a sentence states and whom it names: its entities too, though each was first
mentioned elsewhere, and enter on one goes to its mention in that sentence."""

from __future__ import annotations

from tests.ui.conftest import reader, view_of, wait_until
from tui.core.fact_rows import facts_of_sentence, mention_in
from tui.core.facts import DateFact, EntityFact, Facts
from tui.ui.widgets.facts_panel import FactsPanel

WIDE = (140, 40)
SENTENCE = "Pertemuan antara Putin dan Trump"


async def test_i_on_a_sentence_lists_the_entities_it_names_with_its_dates() -> None:
    async with reader(size=WIDE) as (app, pilot):
        await wait_until(pilot, lambda: app.screen.facts is not None)
        view = view_of(app)
        start = view.text.index(SENTENCE)
        view.move_cursor(start)
        await pilot.press("i")
        panel = app.screen.query_one(FactsPanel)
        listed = [node.data for node in panel.root.children[0].children]
        names = {fact.text for fact in listed if isinstance(fact, EntityFact)}
        assert {"Vladimir Putin", "Donald Trump", "Amerika Serikat", "Rusia"} <= names
        assert any(isinstance(fact, DateFact) and fact.text == "2021" for fact in listed)
        # In the order the sentence names them: Putin, then Trump, ..., then 2021.
        assert [mention_in(fact, panel.sentence) for fact in listed] == sorted(
            mention_in(fact, panel.sentence) for fact in listed
        )
        trump = next(fact for fact in listed if isinstance(fact, EntityFact) and fact.text == "Donald Trump")
        while panel.cursor_node.data is not trump:
            await pilot.press("j")
        await pilot.press("enter")
        assert view.cursor == view.text.index("Trump", start)  # this sentence's mention, not the first
        assert view.sentence_span == panel.sentence


def test_facts_of_a_sentence_take_entities_by_their_mentions() -> None:
    entity = EntityFact(text="Putin", start=0, end=5, sentence=(0, 10), label="PERSON", mentions=((0, 5), (20, 25)))
    date = DateFact(text="2021", start=30, end=34, sentence=(12, 40), value="2021")
    facts = Facts(entities=(entity,), dates=(date,), sentences=((0, 10), (12, 40)))
    assert facts_of_sentence(facts, (12, 40)) == [entity, date]
    assert facts_of_sentence(facts, (0, 10)) == [entity]
    assert mention_in(entity, (12, 40)) == (20, 25) and mention_in(date, (0, 10)) is None
