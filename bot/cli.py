"""The `whosaid` command line. See DESIGN.md for the contract (exit 2 on bad input)."""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot import feeds, jobs
from bot.commands import is_article_list, is_help
from bot.console import render, render_articles, render_help
from bot.exporting import FORMATS, render_rows
from retrieval.errors import IngestInterrupted, WhosaidError

if TYPE_CHECKING:
    from bot.config import Settings
    from retrieval.engine import Engine, IngestReport

log = logging.getLogger("whosaid")

EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130  # Ctrl-C, as shells report SIGINT


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data-dir",
        default=argparse.SUPPRESS,
        help="where the index lives (overrides WHOSAID_DATA_DIR)",
    )
    common.add_argument(
        "-v", "--verbose", action="store_true", default=argparse.SUPPRESS, help="log more to stderr"
    )
    p = argparse.ArgumentParser(
        prog="whosaid",
        parents=[common],
        description="Who said what in your news articles: verbatim, attributed quotes.",
    )
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    def add(name: str, help_: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, parents=[common], help=help_, description=help_)

    s = add("index", "Index article files, folders (*.txt, *.html, *.md) or URLs.")
    s.add_argument("sources", nargs="+", metavar="PATH_OR_URL")
    s.add_argument("--json", action="store_true", help="print a JSON summary line")
    s.add_argument(
        "--if-empty", action="store_true", help="only index when the store holds no article yet"
    )
    s.add_argument(
        "--queue", action="store_true", help="queue the work for `whosaid worker` and return"
    )
    s = add("articles", "List the indexed articles.")
    s.add_argument("--json", action="store_true", help="one JSON line per article")
    s = add("remove", "Remove an article (and its quotes) by id.")
    s.add_argument("article_id", metavar="ARTICLE_ID")
    s.add_argument("--json", action="store_true")
    s = add("reindex", "Re-extract quotes and re-embed every article, then swap them in.")
    s.add_argument("--json", action="store_true")
    s = add("stats", "Counts of articles, chunks, quotes, speakers and vectors.")
    s.add_argument("--json", action="store_true")
    s = add("ask", "Ask who-said questions; one answer per question, in order.")
    s.add_argument("questions", nargs="*", metavar="QUESTION")
    s.add_argument("--json", action="store_true", help="one JSON line per question")
    s.add_argument("--limit", type=int, default=3, help="answers per question (default 3)")
    s.add_argument(
        "--today",
        type=_iso_day,
        default=None,
        help="the date 'last week' and 'recently' count from (YYYY-MM-DD; default today)",
    )
    s = add("quotes", "Extract quotes from files without indexing, or list an article's quotes.")
    s.add_argument("files", nargs="*", metavar="FILE")
    s.add_argument("--jsonl", action="store_true", help="one JSON line per file")
    s.add_argument("--json", action="store_true", help="same as --jsonl")
    s.add_argument("--article", metavar="ID", help="list the quotes of an indexed article")
    s = add("export", "Write a speaker's quotes as CSV or JSON lines (to stdout or --output).")
    s.add_argument("--speaker", required=True, metavar="NAME", help="a name, surname or role")
    s.add_argument("--topic", default=None, help="only quotes about this")
    s.add_argument("--since", type=_iso_day, default=None, help="only articles from YYYY-MM-DD on")
    s.add_argument("--format", choices=FORMATS, default="csv")
    s.add_argument("--output", default=None, metavar="FILE", help="write here, not to stdout")
    add("chat", "A local console that answers like the bot.")
    s = add("serve", "Run the Slack bot: Socket Mode, or HTTP with --http.")
    s.add_argument("--http", action="store_true", help="serve POST /slack/events over HTTP")
    s.add_argument("--port", type=int, default=None, help="HTTP port (WHOSAID_HTTP_PORT)")
    s.add_argument("--host", default=None, help="HTTP host (WHOSAID_HTTP_HOST)")
    add("run", "Index seeds/ when the store is empty, then serve Slack or open the chat.")
    s = add("migrate", "Copy the store into an empty one (SQLite to PostgreSQL and back).")
    s.add_argument(
        "--to", required=True, metavar="URL_OR_DIR", help="postgresql://... or a data dir"
    )
    s.add_argument("--json", action="store_true", help="print a JSON summary line")
    feeds.add_commands(add)
    jobs.add_commands(add)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = _parser()
    try:
        args = parser.parse_args(args_list)
    except SystemExit as exc:  # argparse prints its own one-line usage error
        return EXIT_BAD_INPUT if exc.code not in (0, None) else 0
    logging.basicConfig(
        level=logging.INFO if getattr(args, "verbose", False) else logging.WARNING,
        stream=sys.stderr,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        return _dispatch(args)
    except WhosaidError as exc:
        print(f"whosaid: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except IngestInterrupted as exc:
        print(
            f"whosaid: interrupted: {exc.committed} of {exc.total} articles indexed; "
            "run again to finish",
            file=sys.stderr,
        )
        return EXIT_INTERRUPTED
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return 0


def _settings(args: argparse.Namespace) -> Settings:
    from bot.config import load_settings

    overrides: dict[str, object] = {}
    if getattr(args, "data_dir", None):
        overrides["WHOSAID_DATA_DIR"] = args.data_dir
    return load_settings(**overrides)


# Commands that only read open the store read-only; only these create a missing one.
READING = frozenset({"ask", "stats", "articles", "chat", "quotes", "migrate"})
CREATING = frozenset({"index", "run", "serve", "follow", "worker"})


def engine_from_settings(
    settings: Settings, *, read_only: bool = False, create: bool = True
) -> Engine:
    from retrieval.engine import Engine

    return Engine(
        settings.data_dir,
        read_only=read_only,
        create=create,
        embedding_model=settings.embedding_model,
        embedding_backend=settings.embedding_backend,
        model_cache_dir=settings.model_cache_dir,
        spacy_model=settings.spacy_model,
        ingest_workers=settings.ingest_workers,
        allow_private_urls=settings.allow_private_urls,
        fetch_timeout_s=settings.fetch_timeout_s,
        fetch_max_bytes=settings.fetch_max_bytes,
        today=settings.today,
        database_url=settings.database_url or None,
        vector_uri=settings.vector_uri,
    )


def _iso_day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2017-03-02") from exc


def _dispatch(args: argparse.Namespace) -> int:
    settings = _settings(args)
    if args.command == "quotes" and not args.article:
        return _cmd_extract(args, settings)
    if args.command == "index" and args.queue:
        return jobs.cmd_enqueue_index(args, settings)
    if args.command == "jobs":
        return jobs.cmd_jobs(args, settings)
    engine = engine_from_settings(
        settings, read_only=args.command in READING, create=args.command in CREATING
    )
    try:
        handler = {
            "index": _cmd_index,
            "articles": _cmd_articles,
            "remove": _cmd_remove,
            "reindex": _cmd_reindex,
            "stats": _cmd_stats,
            "ask": _cmd_ask,
            "export": _cmd_export,
            "quotes": _cmd_article_quotes,
            "chat": _cmd_chat,
            "serve": _cmd_serve,
            "run": _cmd_run,
            "migrate": _cmd_migrate,
            **feeds.HANDLERS,
            **jobs.HANDLERS,
        }[args.command]
        return handler(args, settings, engine)
    finally:
        engine.close()


def _emit(obj: object) -> None:
    print(json.dumps(obj, ensure_ascii=False), flush=True)


@contextmanager
def _progress(total_hint: int, quiet: bool = False) -> Iterator[Any]:
    """Progress on stderr when there are more than a few articles: a bar with an ETA on a
    terminal, else (a log, a pipe, CI) a line every LOG_EVERY_S seconds."""
    if quiet or total_hint <= 3:
        yield None
        return
    if not sys.stderr.isatty():
        yield _progress_lines()
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        TextColumn("{task.fields[what]}", style="dim"),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task("indexing", total=total_hint, what="")

        def update(done: int, total: int, what: str) -> None:
            bar.update(task, completed=done, total=total, what=Path(what).name[:40])

        yield update


LOG_EVERY_S = 5.0


def _progress_lines() -> Callable[[int, int, str], None]:
    """A progress callback that logs `done/total, rate, ETA` at most every LOG_EVERY_S."""
    started = time.monotonic()
    last = [started]

    def update(done: int, total: int, _what: str) -> None:
        now = time.monotonic()
        if now - last[0] < LOG_EVERY_S and done < total:
            return
        last[0] = now
        rate = done / max(now - started, 1e-9)
        eta = (total - done) / rate if rate > 0 else 0.0
        print(
            f"indexing: {done}/{total} articles, {rate:.1f}/s, ETA {_clock(eta)}",
            file=sys.stderr,
            flush=True,
        )

    return update


def _clock(seconds: float) -> str:
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def _count_inputs(sources: list[str]) -> int:
    n = 0
    for s in sources:
        p = Path(s)
        n += (
            sum(
                1
                for _ in p.rglob("*")
                if _.suffix in {".txt", ".html", ".htm", ".md"}
                and not _.name.endswith(".meta.json")
            )
            if p.is_dir()
            else 1
        )
    return n


def _report_failures(report: IngestReport) -> None:
    for source, message in report.failed:
        print(f"whosaid: error: {source}: {message}", file=sys.stderr)


def _summary(report: IngestReport) -> dict[str, object]:
    return {
        "added": report.added,
        "replaced": report.replaced,
        "unchanged": report.unchanged,
        "failed": [{"source": s, "error": e} for s, e in report.failed],
        "quotes": report.quotes,
        "speakers": report.speakers,
    }


def _cmd_index(args: argparse.Namespace, settings: Settings, engine: Engine) -> int:
    if args.if_empty and engine.stats()["articles"] > 0:
        return 0
    with _progress(_count_inputs(args.sources)) as progress:
        report = engine.ingest(args.sources, progress=progress)
    _report_failures(report)
    if args.json:
        _emit(_summary(report))
    else:
        n = len(report.added) + len(report.replaced)
        print(
            f"Indexed {n} article{'s' if n != 1 else ''} "
            f"({len(report.replaced)} replaced, {len(report.unchanged)} unchanged, "
            f"{len(report.failed)} failed): {report.quotes} quotes, "
            f"{report.speakers} speakers."
        )
    return EXIT_BAD_INPUT if report.failed else 0


def _cmd_articles(args: argparse.Namespace, settings: Settings, engine: Engine) -> int:
    rows = engine.articles()
    if args.json:
        for a in rows:
            _emit(asdict(a))
        return 0
    print(render_articles(rows))
    return 0


def _cmd_remove(args: argparse.Namespace, settings: Settings, engine: Engine) -> int:
    if not engine.remove(args.article_id):
        raise WhosaidError(f"no article with id {args.article_id!r} (see `whosaid articles`)")
    if args.json:
        _emit({"removed": args.article_id})
    else:
        print(f"Removed article {args.article_id}.")
    return 0


def _cmd_reindex(args: argparse.Namespace, settings: Settings, engine: Engine) -> int:
    n = engine.stats()["articles"]
    with _progress(n) as progress:
        report = engine.reindex(progress=progress)
    if args.json:
        _emit(_summary(report))
    else:
        print(
            f"Reindexed {len(report.replaced)} articles: {report.quotes} quotes, "
            f"{report.speakers} speakers."
        )
    return 0


def _cmd_migrate(args: argparse.Namespace, settings: Settings, engine: Engine) -> int:
    report = engine.migrate(args.to)
    if args.json:
        _emit({"rows": report.rows, "checksum": report.checksum})
    else:
        rows = ", ".join(f"{n} {table}" for table, n in report.rows.items() if n)
        print(f"Copied and checked: {rows}; checksum {report.checksum[:16]}.")
    return 0


def _cmd_stats(args: argparse.Namespace, settings: Settings, engine: Engine) -> int:
    stats = engine.stats()
    if args.json:
        _emit(stats)
    else:
        for key, value in stats.items():
            print(f"{key:12} {value}")
    return 0


def _cmd_ask(args: argparse.Namespace, settings: Settings, engine: Engine) -> int:

    questions = args.questions
    if not questions:
        raise WhosaidError('give at least one question, e.g. whosaid ask "who said X?"')
    for i, question in enumerate(questions):
        result = engine.ask(question, limit=max(1, args.limit), today=args.today)
        if args.json:
            _emit(result.to_json())
        else:
            if len(questions) > 1:
                print(("\n" if i else "") + f"? {question}")
            print(render(result))
    return 0


def _cmd_export(args: argparse.Namespace, settings: Settings, engine: Engine) -> int:
    """`whosaid export --speaker NAME`: every quote of a speaker, oldest first."""
    names, rows = engine.export(args.speaker, topic=args.topic, since=args.since)
    if not names:
        raise WhosaidError(f"nobody called {args.speaker!r} is in the indexed articles")
    body = render_rows(rows, args.format)
    if args.output:
        Path(args.output).write_text(body, encoding="utf-8")
        print(
            f"{len(rows)} quotes from {', '.join(names)} written to {args.output}", file=sys.stderr
        )
    else:
        sys.stdout.write(body)
    return 0


def _cmd_extract(args: argparse.Namespace, settings: Settings) -> int:
    """`whosaid quotes --jsonl FILE...`: extract without indexing, offsets into the raw file."""
    from retrieval.engine import extract

    if not args.files:
        raise WhosaidError("give files to extract quotes from, or --article ID")
    results = extract(
        args.files,
        spacy_model=settings.spacy_model,
        workers=settings.ingest_workers,
        allow_private_urls=settings.allow_private_urls,
        fetch_timeout_s=settings.fetch_timeout_s,
        fetch_max_bytes=settings.fetch_max_bytes,
    )
    for result in results:
        if result.error is not None:
            _emit({"file": result.source, "quotes": [], "error": result.error})
            continue
        rows = [asdict(q) for q in result.quotes]
        if args.jsonl or args.json:
            _emit({"file": result.source, "quotes": rows})
        else:
            print(f"{result.source}: {len(rows)} quotes")
            for r in rows:
                print(f"  [{r['kind']}] {r['speaker'] or '?'}: {r['text']}")
    return 0


def _cmd_article_quotes(args: argparse.Namespace, settings: Settings, engine: Engine) -> int:
    quotes = engine.quotes(args.article)
    if not quotes and args.article.strip() not in {a.id for a in engine.articles()}:
        raise WhosaidError(f"no article with id {args.article!r} (see `whosaid articles`)")
    for q in quotes:
        if args.json or args.jsonl:
            _emit(asdict(q))
        else:
            how = " ".join(x for x in (q.cue, q.how) if x)
            print(f"[{q.kind}] {q.speaker or '?'}" + (f" ({how})" if how else "") + f": {q.text}")
    return 0


def _cmd_chat(args: argparse.Namespace, settings: Settings, engine: Engine) -> int:
    from retrieval.types import Context

    interactive = sys.stdin.isatty()
    if interactive:
        engine.load_behind()  # while the first question is typed
        n = engine.stats()["articles"]
        print(
            f"whosaid chat — {n} article{'s' if n != 1 else ''} indexed. "
            "Ask who said what (Ctrl-D to quit)."
        )
    context = Context()
    while True:
        try:
            line = input("? " if interactive else "")
        except EOFError:
            break
        question = line.strip()
        if not question:
            continue
        if question.lower() in {"quit", "exit", ":q"}:
            break
        if not interactive:
            print(f"? {question}")
        if is_help(question):
            print(render_help() + "\n", flush=True)
            continue
        if is_article_list(question):
            print(render_articles(engine.articles()) + "\n", flush=True)
            continue
        result = engine.ask(question, context=context)
        context = context.after(result)
        print(render(result) + "\n", flush=True)
    return 0


def _cmd_serve(args: argparse.Namespace, settings: Settings, engine: Engine) -> int:
    from bot import server

    if args.http:
        if not (settings.slack_bot_token and settings.slack_signing_secret):
            raise WhosaidError("HTTP mode needs SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET")
        server.serve_http(
            settings,
            engine,
            host=args.host or settings.http_host,
            port=args.port or settings.http_port,
        )
        return 0
    if not (settings.slack_bot_token and settings.slack_app_token):
        raise WhosaidError(
            "Socket Mode needs SLACK_BOT_TOKEN and SLACK_APP_TOKEN (or use `whosaid serve --http`)"
        )
    server.serve_socket(settings, engine)
    return 0


def _cmd_run(args: argparse.Namespace, settings: Settings, engine: Engine) -> int:
    seeds = Path("seeds")
    if engine.stats()["articles"] == 0 and seeds.is_dir():
        print(f"Indexing {seeds}/ into {settings.data_dir} …", file=sys.stderr)
        report = engine.ingest([str(seeds)])
        _report_failures(report)
    if settings.slack_bot_token and settings.slack_app_token:
        args.http = False
        return _cmd_serve(args, settings, engine)
    if settings.slack_bot_token and settings.slack_signing_secret:
        args.http, args.host, args.port = True, None, None
        return _cmd_serve(args, settings, engine)
    return _cmd_chat(args, settings, engine)


if __name__ == "__main__":
    sys.exit(main())
