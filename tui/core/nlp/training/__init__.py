"""Tools that build Sorot's pipeline, never imported at runtime (a test holds that).

``corpora`` converts the NER corpora, ``train`` trains the NER on them, ``evaluate`` scores a
pipeline, ``package`` assembles the pipeline Sorot ships, ``build_gazetteer`` generates the
gazetteer's data. Each runs as ``python -m tui.core.nlp.training.<name>``.
"""
