"""Sorot's headless core: loading articles, NLP, facts, annotations, storage and export.

Nothing under this package imports Textual; it is usable as a library (a test enforces it).
"""
