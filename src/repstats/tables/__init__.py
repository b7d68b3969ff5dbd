"""``repstats.tables()``: the processed tables, one line each (see :mod:`repstats.catalog`).

This package only exists so that the old import path ``repstats.tables.quality`` keeps
working (deprecated: the data-quality summaries are now :mod:`repstats.quality`). The
module is callable, so ``repstats.tables()`` lists the tables whichever way it was reached.
"""
import sys as _sys
import types as _types


class _CallableModule(_types.ModuleType):
    def __call__(self, processed=None):
        from repstats.catalog import tables

        return tables(processed)


_sys.modules[__name__].__class__ = _CallableModule
