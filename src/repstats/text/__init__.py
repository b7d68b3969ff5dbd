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
from repstats._lazy import lazy_names as _lazy_names

# names resolved on first use (PEP 562): importing one parser (e.g. the number words the
# statutes read) does not compile the regular expressions of all the others
_LAZY = {
    "parse_charges": "charges", "render_charge": "charges",
    "parse_date": "dates",
    "match_people": "names", "name_key": "names", "transliterate": "names",
    "parse_number": "numbers", "words_to_number": "numbers",
    "normalize_region": "regions", "regions_table": "regions",
    "parse_sentence": "sentences", "render_sentence": "sentences",
}

__all__ = [
    "parse_charges", "parse_sentence", "parse_date", "normalize_region", "transliterate",
    "name_key", "match_people", "render_charge", "render_sentence", "regions_table",
    "parse_number", "words_to_number",
]

__getattr__, __dir__ = _lazy_names(__name__, _LAZY, __all__)
