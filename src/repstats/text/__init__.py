"""Parsers that turn free text into tidy columns: charges, sentences, dates, regions, names.

Every parser takes a pandas Series and returns a DataFrame aligned to it (``parse_charges``
returns one row per charge with the input's index label in ``row``). Bad text never raises:
it gives missing values and a ``reason``; ``strict=True`` raises one
:class:`~repstats.errors.InputError` naming the first offending row and value. Inputs are
never modified. Columns are read in bounded chunks; the regular, common shapes of each
column are read at once by Arrow's regex kernels, the rest by Python once per distinct
value (:mod:`repstats.text._distinct`), so repeated and all-distinct columns both parse
fast. Every value is read in bounded time: over-long text, lone surrogates, huge integers
and list/dict cells get a ``reason``. Columns too large for one process run per partition
on dask worker processes: see :mod:`repstats.scale`.
"""
from repstats.text.charges import parse_charges, render_charge
from repstats.text.dates import parse_date
from repstats.text.names import match_people, name_key, transliterate
from repstats.text.numbers import parse_number, words_to_number
from repstats.text.regions import normalize_region, regions_table
from repstats.text.sentences import parse_sentence, render_sentence

__all__ = [
    "parse_charges", "parse_sentence", "parse_date", "normalize_region", "transliterate",
    "name_key", "match_people", "render_charge", "render_sentence", "regions_table",
    "parse_number", "words_to_number",
]
