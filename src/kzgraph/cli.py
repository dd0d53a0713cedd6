"""The ``kzgraph`` command: build, export, serve, query."""

from __future__ import annotations

import argparse
import sys
import time

from kzgraph import __version__
from kzgraph.document import DocumentError
from kzgraph.settings import Settings, load_settings
from kzgraph.store import StoreError, StoreUnavailable


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kzgraph", description=__doc__)
    parser.add_argument("--version", action="version", version=f"kzgraph {__version__}")
    parser.add_argument("--config", help="a TOML settings file ([kzgraph] table)")
    commands = parser.add_subparsers(dest="command", required=True)

    b = commands.add_parser("build", help="extract the articles and write the store")
    b.add_argument("sources", nargs="*", help="article files (default: every sources/*.txt)")
    b.add_argument("--store", help="store directory (default var/store) or SPARQL server URL")
    store_options(b)
    b.set_defaults(run=cmd_build)

    e = commands.add_parser("export", help="write the whole dataset to stdout")
    e.add_argument("--store")
    store_options(e)
    e.add_argument(
        "--format", default="nquads", choices=["nquads", "trig", "turtle", "jsonld", "ntriples"]
    )
    e.set_defaults(run=cmd_export)

    s = commands.add_parser("serve", help="serve the SPARQL endpoint and web pages")
    s.add_argument("--store")
    store_options(s)
    s.add_argument("--host")
    s.add_argument("--port", type=int)
    s.add_argument("--workers", type=int)
    s.add_argument("--update-token", help="enables SPARQL Update and the Graph Store Protocol")
    s.add_argument("--query-timeout", type=float, help="seconds (default 30)")
    s.add_argument("--no-union-default-graph", action="store_true")
    s.set_defaults(run=cmd_serve)

    q = commands.add_parser("query", help="run a canned query or SPARQL text against the store")
    what = q.add_mutually_exclusive_group(required=True)
    what.add_argument("name", nargs="?", help="a canned query (see --list)")
    what.add_argument("--sparql", help="SPARQL query text")
    what.add_argument("--file", help="a file of SPARQL")
    what.add_argument("--list", action="store_true", help="list the canned queries")
    q.add_argument("--param", action="append", default=[], metavar="K=V")
    q.add_argument(
        "--format",
        default="table",
        choices=["table", "csv", "tsv", "json", "xml", "turtle", "ntriples"],
    )
    q.add_argument("--store")
    q.set_defaults(run=cmd_query)

    v = commands.add_parser("evaluate", help="score extraction on an evaluation corpus")
    v.add_argument(
        "corpus", nargs="?", default="../shared/eval", help="folder with docs/ and gold/"
    )
    v.add_argument("--min-recall", type=float, default=0.0, help="fail below, per article (0-1)")
    v.add_argument("--min-precision", type=float, default=0.0, help="fail below, per article")
    v.add_argument(
        "--target",
        action="append",
        default=[],
        metavar="ARTICLE=R/P",
        help="an article's own floor (it is left out of the mean), e.g. x=0.95/0.85",
    )
    v.add_argument("--min-mean-recall", type=float, default=0.0, help="fail below, the mean")
    v.add_argument("--min-mean-precision", type=float, default=0.0, help="fail below, the mean")
    v.add_argument(
        "--referee", help="folder of gold_check.py and precision_check.py (default: the corpus)"
    )
    v.add_argument(
        "--record",
        metavar="FILE",
        help="also write the figures there (src/kzgraph/quality-records/NAME.json, published as DQV)",
    )
    v.set_defaults(run=cmd_evaluate)

    args = parser.parse_args(argv)
    try:
        settings = load_settings(args.config, **store_settings(args))
        return args.run(args, settings)
    except (DocumentError, StoreError, StoreUnavailable, ValueError, OSError) as exc:
        print(f"kzgraph: error: {exc}", file=sys.stderr)
        return 2


STORE_OPTIONS = {
    "store_user": "user name on a remote store (the password: KZGRAPH_STORE_PASSWORD)",
    "store_auth": "digest (default) or basic",
    "store_update_url": "the remote store's SPARQL Update URL (default: found from the server)",
    "store_graph_store_url": "its Graph Store Protocol URL (default: found from the server)",
    "store_bulk_load": "auto (Graph Store Protocol where found) or update (INSERT DATA)",
    "store_query_method": "post (URL-encoded form, default) or get",
}


def store_options(parser: argparse.ArgumentParser) -> None:
    """Options for a remote store (see README "Remote stores"); settings can say the same."""
    for name, text in STORE_OPTIONS.items():
        parser.add_argument("--" + name.replace("_", "-"), dest=name, help=text)


def store_settings(args: argparse.Namespace) -> dict[str, object]:
    names = ["store", *STORE_OPTIONS]
    return {name: getattr(args, name, None) for name in names}


def cmd_build(args: argparse.Namespace, settings: Settings) -> int:
    from kzgraph import publishing

    started = time.perf_counter()
    publishing.check(settings)  # an unreachable store fails the build before the extraction
    from kzgraph import pipeline
    from kzgraph.validate import validate

    paths = pipeline.source_files(args.sources, settings)
    say(f"reading {len(paths)} article(s): {', '.join(p.name for p in paths)}")
    result = pipeline.build(paths, settings)
    for warning in result.warnings:
        say(f"warning: {warning}")
    say("facts per relation:")
    for relation, count in sorted(result.facts_per_relation.items()):
        say(f"  {relation:24} {count}")
    for source, count in sorted(result.facts_per_source.items()):
        say(f"facts from {source}: {count}")
    report = validate(result.quads)
    if not report.conforms:
        say(report.text)
        say(f"validation failed with {report.violations} violation(s); the store was not changed")
        return 1
    per_graph = publishing.publish(result.quads, settings)
    for graph, count in sorted(per_graph.items()):
        say(f"  {count:6} triples in <{graph}>")
    # Distinct quads, as the store holds them; the meta graph also holds the data version.
    say(
        f"built {len(set(result.quads))} quads, {result.statements} statements "
        f"({result.conflicts} in conflict, kept with their references), {result.entities} entities; "
        f"validation: conforms; store: {settings.store}; {time.perf_counter() - started:.2f} s"
    )
    return 0


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    from kzgraph import publishing, store

    quads = list(publishing.dataset_quads(settings))
    sys.stdout.buffer.write(store.serialize_dataset(quads, args.format))
    return 0


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    from kzgraph.web.server import serve

    settings = load_settings(
        args.config,
        **store_settings(args),
        host=args.host,
        port=args.port,
        workers=args.workers,
        update_token=args.update_token,
        query_timeout=args.query_timeout,
        union_default_graph=False if args.no_union_default_graph else None,
    )
    return serve(settings)


def cmd_query(args: argparse.Namespace, settings: Settings) -> int:
    from kzgraph.querycli import run

    return run(args, settings)


def cmd_evaluate(args: argparse.Namespace, settings: Settings) -> int:
    from pathlib import Path

    from kzgraph.evaluate import below, evaluate, parse_target, record_scores, report

    targets = dict(parse_target(t) for t in args.target)  # a wrong one fails before the work
    corpus = Path(args.corpus)
    if not (corpus / "docs").is_dir():
        say(f"error: {corpus}/docs not found: give the evaluation corpus folder")
        return 2
    referee = Path(args.referee) if args.referee else None
    if not ((referee or corpus) / "gold_check.py").exists():
        say(f"error: no gold_check.py in {referee or corpus}: give --referee ../shared/eval")
        return 2
    scores = evaluate(corpus, settings, referee)
    if not scores:
        say(f"error: no article of {corpus}/docs has its gold in {corpus}/gold")
        return 2
    print(report(scores))
    if args.record:
        record_scores(Path(args.record), scores)
    failures = below(
        scores,
        args.min_recall,
        args.min_precision,
        targets,
        args.min_mean_recall,
        args.min_mean_precision,
    )
    for line in failures:
        say(f"below the floor: {line}")
    return 1 if failures else 0


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
