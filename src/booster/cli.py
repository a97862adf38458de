"""The ``booster`` command: run, set up and look after a Booster installation.

booster setup            migrate, import the BOOSTER pack, create demo data when empty
booster serve            the web server and the task worker together
booster worker           the task worker alone (production runs it as its own service)
booster demo             create the demo accounts when the database has no users
booster validate-pack P  check a content pack
booster import-pack P    store a content pack as a new version when it changed
booster backup           copy the database into one file (var/backups/ by default)
booster restore FILE     restore a backup into an empty database, then migrate it
booster create-organisation --name N --slug S [--coordinator EMAIL]
                         create an organisation and invite its first coordinator
booster manage ...       any Django management command
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path


def _django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "booster.settings.dev")
    import django

    django.setup()


def _manage(*args: str) -> None:
    from django.core.management import call_command

    call_command(*args)


def cmd_setup(args: argparse.Namespace) -> int:
    _django_setup()
    from django.conf import settings

    settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
    _manage("migrate", "--no-input", "--verbosity", "0")
    _manage("createcachetable", "--verbosity", "0")
    from booster.programme.commands import BOOSTER_PACK_PATH, import_pack_command

    if import_pack_command(str(BOOSTER_PACK_PATH)) != 0:
        return 1
    if not args.no_demo:
        from booster.core.demo import demo_create

        demo_create(stdout=sys.stdout)
    # Recurring work re-queues itself; make sure the first run is waiting.
    from booster.board.tasks import board_digest_schedule
    from booster.lifecycle.tasks import retention_sweep_schedule

    board_digest_schedule()
    retention_sweep_schedule()
    from booster.feedback.tasks import feedback_release_schedule

    feedback_release_schedule()
    from booster.calls.tasks import call_signups_sweep_schedule

    call_signups_sweep_schedule()
    if not settings.DEBUG:
        _manage("collectstatic", "--no-input", "--verbosity", "0")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    _django_setup()
    from booster.core.demo import demo_create

    demo_create(stdout=sys.stdout)
    return 0


def cmd_validate_pack(args: argparse.Namespace) -> int:
    # Validation needs neither Django nor a database.
    from booster.programme.commands import validate_pack_command

    return validate_pack_command(args.path)


def cmd_import_pack(args: argparse.Namespace) -> int:
    _django_setup()
    from booster.programme.commands import import_pack_command

    return import_pack_command(args.path)


def _worker_command() -> list[str]:
    return [sys.executable, "-m", "booster.cli", "worker"]


def cmd_worker(args: argparse.Namespace) -> int:
    _django_setup()
    # Tasks left RUNNING by a worker that was killed go back in the queue first.
    from booster.core.tasks import worker_run

    worker_run()
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve HTTP and WebSockets with uvicorn; start the task worker beside it."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "booster.settings.dev")
    if args.workers > 1 and not os.environ.get("REDIS_URL"):
        # The meeting room's events travel between processes through Redis only.
        print(
            "booster serve: several workers need REDIS_URL (the live meeting room's events "
            "travel between processes through Redis).",
            file=sys.stderr,
        )
        return 2
    worker: subprocess.Popen[bytes] | None = None
    if not args.no_worker:
        worker = subprocess.Popen(_worker_command())  # noqa: S603 - our own interpreter
    import uvicorn

    try:
        uvicorn.run(
            "booster.asgi:application",
            host=args.host,
            port=args.port,
            workers=args.workers if args.workers > 1 else None,
            proxy_headers=True,
            forwarded_allow_ips=os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
            log_level=os.environ.get("UVICORN_LOG_LEVEL", "info"),
            lifespan="off",
            # No permessage-deflate: the room's messages are small, and compressing each
            # frame cost more server CPU than anything else a socket's message does, and a
            # compressor's memory per socket (docs/performance.md).
            ws_per_message_deflate=False,
        )
    finally:
        if worker is not None and worker.poll() is None:
            worker.send_signal(signal.SIGTERM)
            try:
                worker.wait(timeout=10)
            except subprocess.TimeoutExpired:
                worker.kill()
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    _django_setup()
    from booster.core.backup import BackupError, database_backup

    try:
        path = database_backup(output=args.output)
    except BackupError as error:
        print(f"booster backup: {error}", file=sys.stderr)
        return 1
    # Only the path on stdout, so that a script can pick it up.
    print(path)
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    _django_setup()
    from booster.core.backup import BackupError, database_describe, database_restore, restore_check

    try:
        restore_check(source=args.path)
        target = database_describe()
        if not args.yes:
            if not sys.stdin.isatty():
                print("booster restore: add --yes to restore without a question", file=sys.stderr)
                return 2
            answer = input(f"Restore {args.path} into {target}? [y/N] ")
            if answer.strip().lower() not in {"y", "yes"}:
                print("Nothing restored.")
                return 1
        result = database_restore(source=args.path)
    except BackupError as error:
        print(f"booster restore: {error}", file=sys.stderr)
        return 1
    print(f"Restored {args.path} into {target}.")
    if result.migrations_applied:
        print(f"Upgraded it to this version of Booster ({result.migrations_applied} migrations).")
    if result.unknown_migrations:
        print(
            "booster restore: warning: the backup comes from a newer Booster (migrations "
            f"unknown here: {', '.join(result.unknown_migrations)}); install that version.",
            file=sys.stderr,
        )
    return 0


def cmd_create_organisation(args: argparse.Namespace) -> int:
    _django_setup()
    from django.core.management import call_command
    from django.core.management.base import CommandError

    try:
        call_command(
            "create_organisation",
            name=args.name,
            slug=args.slug,
            coordinator=args.coordinator or "",
            stdout=sys.stdout,
        )
    except CommandError as error:
        print(error, file=sys.stderr)
        return 2
    return 0


def cmd_manage(args: argparse.Namespace) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "booster.settings.dev")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["booster manage", *args.rest])
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="booster", description="Booster peer groups")
    sub = parser.add_subparsers(dest="command", required=True)

    setup = sub.add_parser("setup", help="migrate, import the BOOSTER pack, create demo data")
    setup.add_argument("--no-demo", action="store_true", help="do not create demo accounts")
    setup.set_defaults(func=cmd_setup)

    serve = sub.add_parser("serve", help="serve the web app and run the task worker")
    serve.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    serve.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    serve.add_argument("--workers", type=int, default=int(os.environ.get("WEB_WORKERS", "1")))
    serve.add_argument("--no-worker", action="store_true", help="do not start the task worker")
    serve.set_defaults(func=cmd_serve)

    worker = sub.add_parser("worker", help="run the task worker")
    worker.set_defaults(func=cmd_worker)

    demo = sub.add_parser("demo", help="create demo accounts when there are no users")
    demo.set_defaults(func=cmd_demo)

    validate = sub.add_parser("validate-pack", help="check a content pack")
    validate.add_argument("path")
    validate.set_defaults(func=cmd_validate_pack)

    imp = sub.add_parser("import-pack", help="store a content pack as a new version")
    imp.add_argument("path")
    imp.set_defaults(func=cmd_import_pack)

    backup = sub.add_parser("backup", help="copy the database into one backup file")
    backup.add_argument(
        "--output",
        type=Path,
        help="the file to write, or a directory for a timestamped file (default: var/backups/)",
    )
    backup.set_defaults(func=cmd_backup)

    restore = sub.add_parser("restore", help="restore a backup into an empty database")
    restore.add_argument("path", type=Path, help="a file made by booster backup")
    restore.add_argument("--yes", action="store_true", help="restore without asking first")
    restore.set_defaults(func=cmd_restore)

    organisation = sub.add_parser(
        "create-organisation", help="create an organisation and invite its first coordinator"
    )
    organisation.add_argument("--name", required=True)
    organisation.add_argument("--slug", required=True)
    organisation.add_argument("--coordinator", metavar="EMAIL", default="")
    organisation.set_defaults(func=cmd_create_organisation)

    manage = sub.add_parser("manage", help="run a Django management command")
    manage.add_argument("rest", nargs=argparse.REMAINDER)
    manage.set_defaults(func=cmd_manage)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    result: int = args.func(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
