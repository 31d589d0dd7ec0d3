"""Sorot's terminal interface: a thin Textual layer over ``tui.core``."""
