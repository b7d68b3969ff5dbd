"""Command-line interface: ``repstats fetch | build | validate | report``."""
from __future__ import annotations

import argparse
import sys

from . import __version__


def _paths(args):
    from .config import paths
    return paths(root=args.root, raw=args.raw_dir, processed=args.processed_dir,
                 reports=getattr(args, "reports_dir", None), mirror=args.mirror)


def cmd_fetch(args) -> int:
    from .fetch import fetch
    from .sources import read_manifest

    if args.list:
        df = read_manifest()
        for r in df.itertuples():
            print(f"{r.id:24s} {r.group:14s} {r.file}")
        return 0
    p = _paths(args)
    if args.ovdinfo_url:
        from .cases import download_ovdinfo
        out = download_ovdinfo(args.ovdinfo_url, p.raw, refresh=args.refresh)
        print(f"fetch: OVD-Info prosecutions saved to {out} (pages cached beside it)")
        if not args.ids:
            return 0
    stream = None if args.quiet else sys.stderr
    results = fetch(args.ids or None, raw_dir=p.raw, mirror=p.mirror, offline=args.offline,
                    stream=stream, keep_going=args.keep_going, skip_manual=args.skip_manual)
    for r in results:
        if r.action == "skipped":
            print(f"fetch: warning: {r.id} skipped: {r.detail}", file=sys.stderr)
    counts: dict[str, int] = {}
    for r in results:
        counts[r.action] = counts.get(r.action, 0) + 1
    print(f"fetch: {len(results)} source(s) in {p.raw} ("
          + ", ".join(f"{v} {k}" for k, v in sorted(counts.items())) + ")")
    return 0


def cmd_build(args) -> int:
    from .build import run_build
    run_build(_paths(args), args.stage or None)
    return 0


def cmd_validate(args) -> int:
    from .build import run_validate
    df = run_validate(_paths(args), args.stage or None)
    with_pd_opts = df.to_string(index=False, max_colwidth=100)
    print(with_pd_opts)
    failed = int((df["status"] == "fail").sum())
    warned = int((df["status"] == "warn").sum())
    print(f"\nvalidate: {len(df)} checks, {failed} failed, {warned} warnings")
    return 1 if failed else 0


def cmd_report(args) -> int:
    from .report import run_reports
    p = _paths(args)
    run_reports(p, names=args.notebooks or None, timeout=args.timeout)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="repstats", description=__doc__)
    parser.add_argument("--version", action="version", version=f"repstats {__version__}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--root", help="project root (default: the checkout, or $REPSTATS_ROOT)")
    common.add_argument("--raw-dir", help="raw data folder (default: <root>/data/raw)")
    common.add_argument("--processed-dir", help="output folder (default: <root>/data/processed)")
    common.add_argument("--mirror", help="local mirror of upstream data "
                        "(default: $REPSTATS_MIRROR or ../shared/data)")
    sub = parser.add_subparsers(dest="command", required=True)

    f = sub.add_parser("fetch", parents=[common], help="fill data/raw from the mirror or upstream")
    f.add_argument("ids", nargs="*", help="source ids or groups (default: all)")
    f.add_argument("--list", action="store_true", help="list the sources and exit")
    f.add_argument("--offline", action="store_true", help="never download; mirror only")
    f.add_argument("--keep-going", action="store_true", help="try every source, report all failures")
    f.add_argument("--quiet", action="store_true", help="no progress output")
    f.add_argument("--skip-manual", action="store_true",
                   help="skip (with a warning) sources that have no direct URL and are not "
                        "in the mirror; the build then reports them as absent")
    f.add_argument("--ovdinfo-url", help="also download OVD-Info's prosecution database from "
                   "this API URL (paginated JSON) into data/raw/ovdinfo_prosecutions/")
    f.add_argument("--refresh", action="store_true",
                   help="with --ovdinfo-url: ignore the page cache")
    f.set_defaults(func=cmd_fetch)

    b = sub.add_parser("build", parents=[common], help="clean and validate raw data into data/processed")
    b.add_argument("--stage", action="append", help="run only this stage (repeatable)")
    b.set_defaults(func=cmd_build)

    v = sub.add_parser("validate", parents=[common], help="re-check the processed tables")
    v.add_argument("--stage", action="append", help="check only this stage (repeatable)")
    v.set_defaults(func=cmd_validate)

    r = sub.add_parser("report", parents=[common], help="execute the notebooks into HTML reports")
    r.add_argument("notebooks", nargs="*", help="notebook names (default: all)")
    r.add_argument("--reports-dir", help="output folder (default: <root>/reports)")
    r.add_argument("--timeout", type=int, default=600, help="seconds per cell")
    r.set_defaults(func=cmd_report)
    return parser


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    from .errors import RepstatsError
    try:
        return args.func(args)
    except (RepstatsError, ValueError, FileNotFoundError) as exc:
        print(f"repstats {args.command}: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
