"""Sorot: a terminal reader for news articles, with their entities highlighted."""

__version__ = "0.1.0"
