"""Command line: ``repstats fetch | build | validate | report``.

``repstats fetch`` fills the raw folder (from the mirror, else by download),
``repstats build`` cleans and validates it into tables, ``repstats validate`` re-checks the
tables and ``repstats report`` executes the notebooks into HTML reports. Without a project
checkout the folders live in the user's data home (see ``repstats.config``); every command
says where it read and wrote. Progress and messages go to stderr (``-q`` for warnings
only, ``-v`` for details); results go to stdout. A failure prints one line naming the file
and exits with status 2 (1 when ``validate`` finds failing checks).
"""
from __future__ import annotations

import argparse
import errno
import json
import logging
import sys
import textwrap

from . import __version__

log = logging.getLogger("repstats")


class _Formatter(argparse.RawDescriptionHelpFormatter):
    """Shows every default that is a value, and keeps the epilog's line breaks."""

    def _get_help_string(self, action):
        text = action.help or ""
        if (action.option_strings and "default" not in text
                and action.default not in (None, False, [], 0, argparse.SUPPRESS)):
            text += " (default: %(default)s)"
        return text


def _epilog() -> str:
    from .config import ENVIRONMENT

    lines = ["environment variables:"]
    for name, meaning in ENVIRONMENT.items():
        lines.append(f"  {name:20s} " + textwrap.fill(
            meaning, width=56, subsequent_indent=" " * 23))
    lines.append("\nexamples:\n  repstats fetch && repstats build && repstats report\n"
                 "  repstats validate --format json > checks.json")
    return "\n".join(lines)


def _paths(args):
    from .config import paths

    return paths(root=args.root, raw=args.raw_dir, processed=args.processed_dir,
                 reports=getattr(args, "out", None), mirror=args.mirror,
                 notebooks=getattr(args, "notebooks_dir", None))


# ------------------------------------------------------------------ commands
def cmd_fetch(args) -> int:
    from .fetch import fetch, summary
    from .sources import read_manifest

    p = _paths(args)
    if args.list:
        df = read_manifest(p.manifest)
        for r in df.itertuples():
            print(f"{r.id:24s} {r.group:14s} {r.file}")
        return 0
    if args.ovdinfo_url:
        from .cases import download_ovdinfo
        out = download_ovdinfo(args.ovdinfo_url, p.raw, refresh=args.refresh)
        print(f"fetch: OVD-Info prosecutions saved to {out} (pages cached beside it)")
        if not args.ids:
            return 0
    args.writing = p.raw
    log.info("fetch: raw folder %s; mirror %s", p.raw, p.mirror or "none (downloading)")
    results = fetch(args.ids or None, raw_dir=p.raw, mirror=p.mirror, offline=args.offline,
                    keep_going=args.keep_going, skip_manual=args.skip_manual,
                    progress=False if args.verbosity < 0 else None)
    print(f"fetch: {summary(results)} in {p.raw}")
    return 0


def cmd_build(args) -> int:
    from .build import run_build

    p = _paths(args)
    args.writing = p.processed
    log.info("build: reading %s, writing %s", p.raw, p.processed)
    out = run_build(p, args.stage or None, log=log.info)
    n = sum(len(v) for v in out.values())
    print(f"build: {n} file(s) from {len(out)} stage(s) in {p.processed}")
    return 0


def cmd_validate(args) -> int:
    from .build import run_validate

    df = run_validate(_paths(args), args.stage or None)
    failed = int((df["status"] == "fail").sum())
    warned = int((df["status"] == "warn").sum())
    if args.format == "csv":
        df.to_csv(sys.stdout, index=False, lineterminator="\n")
    elif args.format == "json":
        json.dump(df.to_dict("records"), sys.stdout, ensure_ascii=False, indent=1,
                  default=str)
        sys.stdout.write("\n")
    else:
        print(format_checks(df))
        print(f"\nvalidate: {len(df)} checks, {failed} failed, {warned} warnings")
    return 1 if failed else 0


def format_checks(df, width: int | None = None) -> str:
    """Checks as text for a terminal: one block per stage, one line per check with its
    status, details wrapped (never cut) below it."""
    import shutil

    width = width or max(60, min(shutil.get_terminal_size((100, 20)).columns, 120))
    out = []
    for stage, rows in df.groupby("stage", sort=False):
        out.append(f"{stage}")
        for r in rows.itertuples():
            out.append(f"  {str(r.status).upper():5s} {r.check}")
            detail = "" if r.detail is None else str(r.detail)
            if detail and detail != "nan":
                out.append(textwrap.fill(detail, width=width, initial_indent=" " * 8,
                                         subsequent_indent=" " * 8))
    return "\n".join(out)


def skip_unused_iri_grammars() -> None:
    """Keep jsonschema from importing its optional ``rfc3987_syntax`` in this process.

    jupyter installs it; jsonschema (under nbformat) then compiles 38 Lark grammars on import
    (~2 CPU-s, more in a large process) for its "iri" format checks. nbformat validates
    notebooks with a Draft 4 validator and no format checker, so nothing here uses them and
    validation is unchanged. Only for processes this package runs (the command line, the
    tests), never on ``import repstats``; the kernels executing notebooks are not affected.
    """
    sys.modules.setdefault("rfc3987_syntax", None)


def cmd_report(args) -> int:
    skip_unused_iri_grammars()
    from .report import run_reports

    p = _paths(args)
    args.writing = p.reports
    log.info("report: notebooks from %s, tables from %s", p.notebooks, p.processed)
    written = run_reports(p, names=args.notebooks or None, timeout=args.timeout,
                          keep_code=args.keep_code, jobs=args.jobs)
    pages = [w for w in written if w.suffix == ".html"]
    print(f"report: {len(pages)} report(s) and {len(written) - len(pages)} figure(s) in "
          f"{p.reports}")
    for page in pages:
        print(f"  {page}")
    return 0


# ------------------------------------------------------------------ parser
def build_parser() -> argparse.ArgumentParser:
    from .build import STAGES
    from .config import paths

    here = paths()
    parser = argparse.ArgumentParser(prog="repstats", description=__doc__,
                                     formatter_class=_Formatter, epilog=_epilog())
    parser.add_argument("--version", action="version", version=f"repstats {__version__}")

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("-v", "--verbose", dest="verbosity", action="count", default=0,
                        help="more detail (repeatable)")
    common.add_argument("-q", "--quiet", dest="verbosity", action="store_const", const=-1,
                        help="warnings and errors only; no progress bars")
    common.add_argument("--root", metavar="DIR", help=f"project checkout (default: {here.root})")
    common.add_argument("--raw-dir", metavar="DIR", help=f"raw data folder (default: {here.raw})")
    common.add_argument("--processed-dir", metavar="DIR",
                        help=f"processed tables (default: {here.processed})")
    common.add_argument("--mirror", metavar="DIR", help="local mirror of the upstream files "
                        f"(default: {here.mirror or 'none'})")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name, help_text):
        return sub.add_parser(name, parents=[common], help=help_text, description=help_text,
                              formatter_class=_Formatter, epilog=_epilog())

    f = add("fetch", "fill the raw folder from the mirror or upstream (checksummed)")
    f.add_argument("ids", nargs="*", help="source ids or groups (default: all; see --list)")
    f.add_argument("--list", action="store_true", help="list the sources and exit")
    f.add_argument("--offline", action="store_true", help="never download; mirror only")
    f.add_argument("--keep-going", action="store_true",
                   help="try every source, report all failures")
    f.add_argument("--skip-manual", action="store_true",
                   help="skip (with a warning) sources that have no direct URL and are not "
                        "in the mirror; the build then reports them as absent")
    f.add_argument("--ovdinfo-url", help="also download OVD-Info's prosecution database from "
                   "this API URL (paginated JSON) into <raw>/ovdinfo_prosecutions/")
    f.add_argument("--refresh", action="store_true",
                   help="with --ovdinfo-url: ignore the page cache")
    f.set_defaults(func=cmd_fetch)

    b = add("build", "clean and validate the raw data into the processed tables")
    b.add_argument("--stage", action="append", choices=list(STAGES),
                   help="run only this stage (repeatable; default: all, in order)")
    b.set_defaults(func=cmd_build)

    v = add("validate", "re-check the processed tables")
    v.add_argument("--stage", action="append", choices=list(STAGES),
                   help="check only this stage (repeatable; default: all)")
    v.add_argument("--format", choices=("table", "csv", "json"), default="table",
                   help="output: readable text, or CSV / JSON records with the columns "
                        "stage, check, status, detail")
    v.set_defaults(func=cmd_validate)

    r = add("report", "execute the notebooks into HTML reports for readers")
    r.add_argument("notebooks", nargs="*", help="notebook names, e.g. 01_data_quality "
                   "(default: all)")
    r.add_argument("--out", "--reports-dir", dest="out", metavar="DIR",
                   help=f"folder for the reports (default: {here.reports})")
    r.add_argument("--notebooks", dest="notebooks_dir", metavar="DIR",
                   help=f"folder of NN_name.ipynb notebooks to execute (default: {here.notebooks})")
    r.add_argument("--keep-code", action="store_true",
                   help="show the code cells in the HTML (hidden by default)")
    r.add_argument("--timeout", type=int, default=600, metavar="SECONDS",
                   help="seconds allowed per cell")
    r.add_argument("--jobs", type=int, default=None, metavar="N",
                   help="notebooks executed at once, each in its own kernel (default: one "
                        "per CPU, at most 3; 1 = one after another)")
    r.set_defaults(func=cmd_report)
    return parser


def configure_logging(verbosity: int = 0) -> None:
    """Messages of the ``repstats`` loggers to stderr: warnings only (``verbosity < 0``),
    progress (0), details (1 and more)."""
    level = logging.WARNING if verbosity < 0 else logging.INFO if verbosity == 0 \
        else logging.DEBUG
    root = logging.getLogger("repstats")
    for h in list(root.handlers):
        if getattr(h, "_repstats_cli", False):
            root.removeHandler(h)
    handler = _TqdmAwareHandler()
    handler._repstats_cli = True
    handler.setFormatter(_Format())
    root.addHandler(handler)
    root.setLevel(level)
    root.propagate = False


class _Format(logging.Formatter):
    def format(self, record):
        msg = record.getMessage()
        if record.levelno >= logging.WARNING:
            return f"{record.levelname.lower()}: {msg}"
        return msg


class _TqdmAwareHandler(logging.StreamHandler):
    """Writes through tqdm when a progress bar may be on screen, so lines do not tear it."""

    def emit(self, record):
        try:
            from tqdm import tqdm

            stream = self.stream if self.stream is not None else sys.stderr
            tqdm.write(self.format(record), file=stream)
        except Exception:  # pragma: no cover - logging must never raise
            self.handleError(record)

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value):
        pass


def _describe(exc: BaseException, writing=None) -> str:
    """One line for an error; an OSError names its path (or the folder being written)."""
    if isinstance(exc, OSError) and exc.strerror:
        name = exc.filename or (f"a file in {writing}" if writing else "a file")
        if exc.errno == errno.ENOSPC:
            return f"no space left on the device while writing {name}"
        if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            return (f"{exc.strerror}: {name} (check the folder's permissions, or choose "
                    "another folder with the options or environment variables in --help)")
        return f"{exc.strerror}: {name}"
    return str(exc) or type(exc).__name__


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    configure_logging(args.verbosity)
    from .errors import RepstatsError
    try:
        return args.func(args)
    except (RepstatsError, ValueError, OSError) as exc:
        if args.verbosity > 0:
            log.debug("traceback:", exc_info=exc)
        print(f"repstats {args.command}: error: "
              f"{_describe(exc, getattr(args, 'writing', None))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"repstats {args.command}: interrupted; nothing partial was kept",
              file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
