"""Words that name organisations, shared by the highlighted entities and the facts.

``tui.core.nlp.names`` makes "Amnesty International" one ORG span from the tail word, and
``tui.core.facts.clusters`` joins a later "Amnesty" to it: the name the reader sees highlighted is
the entity the facts panel lists. Plain data, no spaCy.
"""

from __future__ import annotations

# Words that end an organisation's name in English-style names ("Harvard University").
ORG_TAILS = frozenset(
    """University Institute College Inc Corp Corporation Ltd Group Company Foundation Agency
    Council Airlines Airways Times Post News Bank FC Club Party Association International Watch
    Federation Organization Organisation Union Commission Committee Alliance Network Studios
    Entertainment Motors Technologies Labs""".split()
)

# Sport clubs named after their town: a word that makes a place a club ("Real Madrid", "FC Porto",
# "Bali United", "Tottenham Hotspur"). Where the club word comes first, the
# town alone also stands for the club in the same document ("Madrid mencetak gol ...").
CLUB_BEFORE = frozenset(
    """Real FC AC Atletico Athletic Sporting Olympique Olympic Borussia Dynamo Dinamo Bayer Eintracht Werder
    Hertha Fortuna Racing Deportivo Stade""".split()
)
CLUB_AFTER = frozenset("United FC Hotspur Rovers Wanderers Athletic Albion Utama Putra".split())
# "City" too, only between an office and its holder ("Manajer Manchester City Pep Guardiola"):
# elsewhere "Kansas City" and "Mexico City" are cities.
CLUB_AFTER_IN_OFFICE = CLUB_AFTER | {"City"}
