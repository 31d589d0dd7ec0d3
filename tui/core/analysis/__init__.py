"""Analysis of an article, as the reader and the CLI ask for it: the NLP pipeline's entities
(:mod:`tui.core.nlp`) and the facts found from them (:mod:`tui.core.facts`), run off the
interface's thread (:mod:`.engine`, a child process or a thread) and remembered per text and
pipeline (:mod:`.cache`). ``nlp`` knows nothing of facts; this is where the two meet.
"""
