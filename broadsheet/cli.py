"""The ``broadsheet`` command: demo, serve, and every Django management command.

Each subcommand only orchestrates management commands and processes, so
``broadsheet`` and ``manage.py`` cannot drift apart.

Django and Broadsheet's own modules are imported inside the commands, after
``_setup_django()``: the settings read the environment when imported, and
``demo``/``serve`` set ``BROADSHEET_BASE_URL`` from their options first.
"""

import argparse
import os
import signal
import subprocess
import sys
import time

SETTINGS_MODULE = "broadsheet.settings.base"
USAGE = """usage: broadsheet <command> [options]

commands:
  demo      create the data folder, load the demo publication and serve it
  prepare   migrate the database and collect static files (once per release)
  serve     run the web server, task worker and scheduler (--role: one of them)
  manage    run a Django management command (also: any other command name)
  help      show this message

Run `broadsheet <command> --help` for a command's options."""


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE)
    import django

    django.setup()


def _default_base_url(host: str, port: int) -> None:
    """Let links in mail point where this server listens, unless configured.

    Set before Django starts, so the settings and every child process (the
    worker renders and sends the mail) see the same public address.
    """
    if os.environ.get("BROADSHEET_ENV") == "production":
        return  # production names its public address (core.checks says so)
    if host in ("0.0.0.0", "::", ""):
        host = "127.0.0.1"
    elif ":" in host:
        host = f"[{host}]"
    os.environ.setdefault("BROADSHEET_BASE_URL", f"http://{host}:{port}")


def _server_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument(
        "--workers",
        type=int,
        default=int(os.environ.get("BROADSHEET_WEB_WORKERS", os.cpu_count() or 1)),
        help="web server processes (default: one per core)",
    )


def prepare(*, quiet: bool = True) -> None:
    """Migrate the database and collect static files; safe to repeat."""
    from django.core.management import call_command

    from broadsheet.core.caching import reader_content_changed

    verbosity = 0 if quiet else 1
    call_command("migrate", interactive=False, verbosity=verbosity)
    # Core's migration made it already, unless the cache was Redis then.
    call_command("createcachetable", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    # New code may render pages differently: make every cached copy stale.
    reader_content_changed()


def _web_tuning() -> list[str]:
    """Granian's threads and back-pressure, from the environment.

    One Python thread per process by default: the page cache answers in
    microseconds and a render is CPU-bound, so more threads only contend for
    the GIL (measured: bench/run.py; docs/performance.md). Run one process
    per core instead.
    """
    options = ["--blocking-threads", os.environ.get("BROADSHEET_WEB_THREADS", "1")]
    backlog = os.environ.get("BROADSHEET_WEB_BACKLOG")
    if backlog:
        options += ["--backpressure", backlog]
    return options


def web_command(
    host: str, port: int, workers: int, application: str = "broadsheet.wsgi:application"
) -> list[str]:
    """The granian command line of ``serve``'s web server (bench/ runs it too)."""
    return [
        sys.executable,
        "-m",
        "granian",
        "--interface",
        "wsgi",
        "--host",
        host,
        "--port",
        str(port),
        "--workers",
        str(workers),
        # HTTP/1.1 only (a proxy in front speaks it), one event loop
        # thread per process: measured fastest on the cache's hits.
        "--http",
        "1",
        "--runtime-mode",
        "st",
        *_web_tuning(),
        "--no-ws",
        "--log-level",
        "warning",
        application,
    ]


ROLES = ("web", "worker", "scheduler")


def _child_commands(
    host: str, port: int, workers: int, role: str = "all"
) -> dict[str, list[str]]:
    """The processes of a role: ``all`` (one machine) runs the three roles."""
    python = sys.executable
    commands = {
        "web": web_command(host, port, workers),
        "worker": [python, "-m", "broadsheet", "db_worker", "--interval", "1"],
        "scheduler": [python, "-m", "broadsheet", "run_scheduler"],
    }
    return commands if role == "all" else {role: commands[role]}


def supervise(commands: dict[str, list[str]]) -> int:
    """Run the role's processes until the web server fails or we are stopped.

    A crashed worker or scheduler is restarted (their jobs are idempotent);
    if the web server exits, everything stops with its exit code.
    """
    env = dict(os.environ)  # carries DJANGO_SETTINGS_MODULE, set by the caller
    children = {name: subprocess.Popen(cmd, env=env) for name, cmd in commands.items()}
    stopping = False

    def stop(signum, frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        while not stopping:
            time.sleep(0.5)
            for name, child in list(children.items()):
                code = child.poll()
                if code is None:
                    continue
                if name == "web":
                    print(f"broadsheet: web server exited with {code}", file=sys.stderr)
                    return code or 1
                print(
                    f"broadsheet: {name} exited with {code}; restarting",
                    file=sys.stderr,
                )
                children[name] = subprocess.Popen(commands[name], env=env)
    finally:
        for child in children.values():
            if child.poll() is None:
                child.terminate()
        deadline = time.monotonic() + 10
        for child in children.values():
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
    return 0


def unreachable_service() -> str | None:
    """One line naming a service that cannot be reached, or a bad CDN setting."""
    import logging

    from django.conf import settings

    from broadsheet.core.pagecache.cdn import targets_from
    from broadsheet.operations.health import readiness_checks, run_checks

    try:
        targets_from(settings.CDN_PURGE, settings.CDN_PURGE_TOKEN)
    except ValueError as error:
        return str(error)
    # The probe's own warnings would repeat this line with a traceback's detail.
    logging.getLogger("broadsheet.operations").disabled = True
    checks = readiness_checks()
    if not settings.REDIS_URL:
        # The cache is a table of the database, made by `prepare`.
        del checks["cache"]
    try:
        outcomes = run_checks(checks, timeout=10)
    finally:
        logging.getLogger("broadsheet.operations").disabled = False
    where = {
        "database": "DATABASE_URL",
        "cache": "REDIS_URL",
        "storage": "BROADSHEET_MEDIA_STORAGE_URL"
        if settings.MEDIA_STORAGE_URL
        else "BROADSHEET_MEDIA_ROOT",
    }
    failed = [name for name, outcome in outcomes.items() if outcome != "ok"]
    if not failed:
        return None
    names = ", ".join(f"the {name} (check {where[name]})" for name in failed)
    return f"cannot reach {names}; not starting."


def serve(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="broadsheet serve", description=serve.__doc__)
    _server_arguments(parser)
    parser.add_argument(
        "--no-migrate",
        action="store_true",
        help="skip migrate (run `broadsheet prepare` once per release instead);"
        " a web node still collects its static files",
    )
    parser.add_argument(
        "--role",
        choices=(*ROLES, "all"),
        default=os.environ.get("BROADSHEET_ROLE", "all"),
        help="web (the site), worker (background tasks), scheduler (periodic"
        " jobs; several may run, one holds the lock) or all (default)",
    )
    args = parser.parse_args(argv)
    _default_base_url(args.host, args.port)
    _setup_django()
    from broadsheet.core.checks import production_problems

    problems = production_problems()
    if problems:
        print("broadsheet: refusing to start in production mode:", file=sys.stderr)
        for problem in problems:
            print(f"  - {problem}", file=sys.stderr)
        return 2
    problem = unreachable_service()
    if problem:
        print(f"broadsheet: {problem}", file=sys.stderr)
        return 2
    if not args.no_migrate:
        prepare()
    elif args.role in ("web", "all"):
        from django.core.management import call_command

        # Static files live on each web node's own disk (WhiteNoise).
        call_command("collectstatic", interactive=False, verbosity=0)
    if args.role in ("web", "all"):
        from broadsheet.operations.metrics import prepare_multiprocess_dir

        prepare_multiprocess_dir()  # before granian's workers start
        print(f"Broadsheet is serving on http://{args.host}:{args.port}/", flush=True)
    else:
        print(f"Broadsheet is running as {args.role}", flush=True)
    return supervise(_child_commands(args.host, args.port, args.workers, args.role))


serve.__doc__ = "Run the web server, task worker and scheduler."


def demo(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="broadsheet demo", description="Load the demo publication and serve it."
    )
    _server_arguments(parser)
    parser.add_argument(
        "--no-serve", action="store_true", help="load the demo, then exit"
    )
    args = parser.parse_args(argv)
    _default_base_url(args.host, args.port)
    _setup_django()
    from django.conf import settings
    from django.core.management import call_command

    settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
    print(f"Preparing the data folder {settings.DATA_DIR} ...", flush=True)
    prepare()
    call_command("load_demo_content")
    base = f"http://{args.host}:{args.port}"
    print(
        f"\nThe demo is ready.\n  Site:  {base}/\n  Admin: {base}/admin/"
        f"  (log in with ADMIN_EMAIL / ADMIN_PASSWORD above)\n"
        f"  Comments awaiting moderation: {base}/admin/comments/\n"
        f"  Mail sent by the site (sign-up links, notifications) is saved as\n"
        f"  files in {settings.EMAIL_FILE_PATH}\n",
        flush=True,
    )
    if args.no_serve:
        return 0
    return supervise(_child_commands(args.host, args.port, args.workers))


def prepare_command(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="broadsheet prepare",
        description="Migrate the database, collect static files and mark every"
        " cached page stale: once per release, on one machine, before the"
        " nodes start with `serve --no-migrate`.",
    )
    parser.parse_args(argv)
    _setup_django()
    problem = unreachable_service()
    if problem:
        print(f"broadsheet: {problem}", file=sys.stderr)
        return 2
    prepare(quiet=False)
    return 0


def manage(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["broadsheet", *argv])
    return 0


COMMANDS = {"demo": demo, "serve": serve, "prepare": prepare_command, "manage": manage}


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] in ("help", "-h", "--help"):
        print(USAGE)
        sys.exit(0)
    name, rest = argv[0], argv[1:]
    if name in COMMANDS:
        sys.exit(COMMANDS[name](rest))
    # Anything else is a Django management command: `broadsheet migrate`.
    sys.exit(manage(argv))
