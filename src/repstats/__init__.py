"""repstats: tidy, validated data and honest statistics on politically motivated
criminal cases in Russia.

Data flows one way: sources -> clean -> validate -> tables -> stats -> plots -> notebooks.

Start here
----------
``repstats.tables()``
    the processed tables, one line each, and whether they are built;
``repstats.load(name)``
    one processed table with its dtypes restored (periods, categories, nullable integers);
``repstats.codebook(name)``
    what each column of a table means.

Build the tables first with the command line: ``repstats fetch && repstats build`` (see
``repstats --help``); ``repstats report`` executes the notebooks into HTML reports.

Subpackages (imported lazily, so ``import repstats`` stays cheap)
-----------------------------------------------------------------
config      where data, tables, reports and notebooks live
sources     the manifest of upstream files; fetch: obtain them
courts      Judicial Department court statistics (forms 10-a, 10.3, 10.3.1)
statutes    Criminal Code sanctions on any date, taxonomy of political articles
text        parsers for Russian dates, numbers, sentences, charges, regions, names
instability instability and stress indicators, protest lists
cases       notable cases and OVD-Info prosecutions
quality     data-quality summaries (row flows, check counts, coverage)
stats       counts, associations, change points, sentences against minimums
plots       charts in one house style
privacy     pseudonyms, small-cell suppression, safe exports
catalog     the table registry behind tables(), load() and codebook()
report      executes the notebooks into HTML reports
build       the build stages; cli: the command line
"""
import importlib as _importlib

__version__ = "0.1.0"

_SUBMODULES = (
    "build", "cases", "catalog", "cli", "config", "courts", "errors", "fetch", "instability",
    "io", "plots", "privacy", "quality", "report", "sources", "stats", "statutes", "text",
)

__all__ = sorted((*_SUBMODULES, "load", "tables", "codebook", "__version__"))


def __getattr__(name: str):
    if name in _SUBMODULES:
        return _importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module 'repstats' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(n for n in set(globals()) | set(__all__) if not n.startswith("_")
                  or n.startswith("__"))


def load(name: str, *, columns=None, processed=None):
    """Load processed table ``name`` with its dtypes restored (see
    :func:`repstats.catalog.load`)."""
    from .catalog import load as _load

    return _load(name, columns=columns, processed=processed)


def tables(processed=None):
    """The processed tables, one line each (see :func:`repstats.catalog.tables`)."""
    from .catalog import tables as _tables

    return _tables(processed)


def codebook(name: str):
    """What each column of table ``name`` means (see :func:`repstats.catalog.codebook`)."""
    from .catalog import codebook as _codebook

    return _codebook(name)
