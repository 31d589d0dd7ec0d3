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
