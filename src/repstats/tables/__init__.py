"""Tidy summary tables built from the package's outputs, one module per theme.

Import from the module path, e.g. ``from repstats.tables.quality import row_flow``.
"""
