"""The web platform's commands: ``prongsai demo``, ``serve``, ``createadmin``, ``import-results``, ``manage``.

Registered into the core ``prongsai`` command by ``prongsai.cli._extensions()``.  Nothing here imports Django at
import time: each command configures it (``setup_django``) when it runs, so ``prongsai score`` stays fast and works
without a database.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

from prongsai.cli_base import CommandError
from prongsai.web.setup import _migrate, default_data_dir, setup_django  # noqa: F401 - bench and features use them here

DEMO_MARKER = ".prongsai-demo"
DB_FILE = "prongsai.sqlite3"


def _say(text: str = "") -> None:
    print(text, flush=True)


def _serve(host: str, port: int, threads: int, when_listening: Callable[[], None] | None = None) -> None:
    """Serve until interrupted.  ``when_listening`` runs once the socket accepts connections and before requests
    are answered: the demo starts its task worker there, so that link checks of the demo's own pages never meet
    a closed port ("connection refused") while the server is still starting."""
    server = _listening_server(host, port, threads)
    try:
        if when_listening is not None:
            when_listening()
        server.run()
    finally:
        server.close()


def _listening_server(host: str, port: int, threads: int):
    """A waitress server whose socket is bound and listening (connections wait in the backlog until ``run``)."""
    from django.conf import settings
    from waitress.server import create_server

    from prongsai.web.wsgi import application

    options = {"max_request_body_size": settings.PRONGSAI_MAX_REQUEST_BYTES}
    if settings.PRONGSAI_TRUSTED_PROXIES:
        # waitress would drop X-Forwarded-*: let them through to TrustedProxyMiddleware, which believes them only
        # from the configured proxies and removes them from anyone else
        options["clear_untrusted_proxy_headers"] = False
    try:
        return create_server(application, host=host, port=port, threads=threads, ident="prongsai", **options)
    except OSError as exc:
        raise CommandError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None


def _is_loopback(host: str) -> bool:
    import ipaddress

    if host in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _mode_line(command: str) -> str:
    from django.conf import settings

    from prongsai.web.bilingual import gettext_noop, thai

    if settings.PRODUCTION:
        return (
            f"prongsai {command}: PRODUCTION mode (DEBUG off, HTTPS expected from the proxy, "
            f"hosts: {', '.join(settings.ALLOWED_HOSTS) or 'none set!'})"
        )
    return (
        f"prongsai {command}: {settings.ENV.upper()} mode (DEBUG {'on' if settings.DEBUG else 'off'}, any host "
        f"name, no HTTPS): not for real data; set PRONGSAI_ENV=production for that "
        f"/ {thai(gettext_noop('Trial mode: never with real data.'))}"
    )


def _refuse_development_on_network(host: str, allowed: bool) -> None:
    from django.conf import settings

    from prongsai.web.bilingual import gettext_noop, thai

    if settings.PRODUCTION or _is_loopback(host):
        return
    if not allowed:
        raise CommandError(
            f"refusing to serve development mode on {host}: other machines would reach debug pages that list every "
            f"URL and accept any host name.  Set PRONGSAI_ENV=production (with SECRET_KEY and ALLOWED_HOSTS) "
            f"behind HTTPS, or pass --allow-development-on-network for a closed test network.\n"
            + thai(
                gettext_noop(
                    "Trial mode is not served on %(host)s: other machines would see the debug pages.  "
                    "Set PRONGSAI_ENV=production."
                ),
                host=host,
            )
        )
    _say("!" * 100)
    _say(
        f"!! WARNING: development mode served on {host}: reachable from other machines, debug pages on. "
        f"Never with real data."
    )
    _say("!! " + thai(gettext_noop("WARNING: trial mode open to other machines.  Never with real data.")))
    _say("!" * 100)


def _fix_modes(root: Path) -> int:
    """Files created before the umask (older versions, copies) become 0600 and folders 0700; returns how many."""
    fixed = 0
    for path in [root, *root.rglob("*")]:
        try:
            if path.is_symlink():
                continue
            st = path.stat()
            if st.st_uid != os.getuid():
                continue
            if st.st_mode & 0o077:
                path.chmod(0o700 if path.is_dir() else st.st_mode & 0o700)
                fixed += 1
        except OSError:
            continue
    return fixed


def _url(host: str, port: int) -> str:
    shown = "127.0.0.1" if host in ("0.0.0.0", "") else f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


# ---------------------------------------------------------------------------------------------------- demo


def cmd_demo(args: argparse.Namespace) -> None:
    started = time.perf_counter()
    data = Path(args.data).expanduser().resolve() if args.data else (default_data_dir() / "demo")
    _prepare_demo_dir(data, reset=args.reset)
    os.environ["PRONGSAI_DATA"] = str(data)
    os.environ["PRONGSAI_ENV"] = "development"
    # The demo is what a newcomer sees first: a mistyped URL gets the Thai 404 page, not Django's debug page that
    # lists every route (static files are still served: development mode serves them without DEBUG).
    os.environ["PRONGSAI_DEBUG"] = "0"
    os.environ["PRONGSAI_BASE_URL"] = _url(args.host, args.port).rstrip("/")  # links printed on survey slips
    # The demo's OIT evidence pages are served by the demo itself, on loopback: let the link checker fetch them.
    os.environ.setdefault("PRONGSAI_LINKCHECK_ALLOW_LOOPBACK", "1")
    if os.environ.pop("DATABASE_URL", None):
        _say("prongsai demo: DATABASE_URL ignored: the demo always uses its own SQLite database")
    setup_django(require_database=False)
    from django.conf import settings

    _say(_mode_line("demo"))
    _refuse_development_on_network(args.host, args.allow_development_on_network)
    if Path(settings.DATA_DIR).resolve() != data.resolve():  # Django was configured before (in-process use)
        raise CommandError(f"Django is already configured for {settings.DATA_DIR}, not {data}")

    def step(text: str) -> None:
        _say(f"[{time.perf_counter() - started:5.1f}s] {text}")

    step(f"database: {data / DB_FILE} (migrating)")
    _migrate()
    from prongsai.core.framework import load_all

    frameworks = load_all()
    step(f"framework editions: {len(frameworks)} valid ({', '.join(f.id for f in frameworks)})")
    from prongsai.web import demo
    from prongsai.web.bilingual import thai

    step("demo data: loading")
    demo.load_demo(sys.stdout)
    files = demo.write_demo_files(data / "files-for-import")
    from prongsai.web.measures.demo import load_measures_demo
    from prongsai.web.oit.demo import load_oit_demo
    from prongsai.web.surveys.demo import load_survey_demo

    step("OIT evidence, committee and measures of สพป.สมุทรสาคร")  # thai-data: the demo office's name
    load_oit_demo(
        sys.stdout,
        checks=(
            "link checks queued: they run at the next `prongsai demo` (its worker starts once the server listens)"
            if args.no_serve
            else "link checks queued: the demo's task worker runs them once the server listens"
        ),
    )
    load_measures_demo(sys.stdout)
    from prongsai.web.editions.demo import load_editions_demo

    step("editions: 2567 evidence carried into the 2569 round (ita-2569, ESA variant)")
    load_editions_demo(sys.stdout)
    slips = data / "files-for-import" / "survey-slips.pdf"
    codes = load_survey_demo(sys.stdout, slips_path=slips)
    step("ready")

    url = _url(args.host, args.port)
    width = max(len(login.username) for login in demo.LOGINS)
    _say("")
    _say(f"  Prongsai demo: {url}")
    _say(f"  data (SQLite): {data}   (prongsai demo --reset starts over)")
    _say("  demo logins (username / password / role):")
    for login in demo.LOGINS:
        _say(f"    {login.username:<{width}}  {demo.DEMO_PASSWORD}  {login.role_th} · {login.title_th}{login.name_th}")
    _say(f"  files for the import story (log in as 'officer', then {thai('Import results')}):")
    for path in files.values():
        _say(f"    {path}")
    _say("  two unused survey codes (IIT, EIT) — open the link on a phone, or print the slips:")
    for code in codes:
        _say(f"    {code}  {url}s/{code}")
    _say(f"    slips: {slips}")
    from django.conf import settings

    if settings.EMAIL_BACKEND.endswith("filebased.EmailBackend"):
        _say(
            f"  e-mails (notifications, password resets) are written to {settings.EMAIL_FILE_PATH} (no mail server set)"
        )
    _say("")
    if args.no_serve:
        return None
    import logging

    from prongsai.web.tasks import start_worker_thread

    def listening() -> None:
        # The demo's terminal is read by a newcomer: its login lines must not scroll away under one line per link
        # check.  Failures (WARNING and above) still show; `prongsai serve` keeps every task's outcome at INFO.
        # Set here, after the WSGI application's django.setup() has applied the logging settings again.
        tasks_log = logging.getLogger("prongsai.tasks")
        if tasks_log.getEffectiveLevel() > logging.DEBUG:
            tasks_log.setLevel(logging.WARNING)
        start_worker_thread()  # only now: the link checks of the demo's own pages need the server up
        _say(
            f"  serving on {url} with waitress (8 threads) and a background task worker (started now that the "
            f"server listens); press Ctrl+C to stop"
        )

    _serve(args.host, args.port, threads=8, when_listening=listening)
    return None


def _prepare_demo_dir(data: Path, reset: bool) -> None:
    """The demo writes only into a folder it made: refuse a folder holding someone else's database."""
    database = data / DB_FILE
    ours = (data / DEMO_MARKER).exists()
    if database.exists() and not ours:
        raise CommandError(
            f"{data} holds a database that 'prongsai demo' did not create; choose another folder with --data"
        )
    if reset and database.exists():
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)
        _say(f"prongsai demo: reset {database}")
    data.mkdir(parents=True, exist_ok=True)
    (data / DEMO_MARKER).write_text("This folder was created by 'prongsai demo'; --reset may delete its database.\n")


# --------------------------------------------------------------------------------------------------- serve


def cmd_serve(args: argparse.Namespace) -> None:
    if args.workers < 1:
        raise CommandError("--workers must be at least 1")
    if args.trusted_proxy:
        os.environ["PRONGSAI_TRUSTED_PROXIES"] = ",".join(args.trusted_proxy)
    setup_django(require_database=False)  # serve creates and migrates the database
    from django.conf import settings
    from django.db import DatabaseError

    from prongsai.web.bilingual import gettext_noop, thai

    _say(_mode_line("serve"))
    _refuse_development_on_network(args.host, args.allow_development_on_network)
    fixed = _fix_modes(Path(settings.DATA_DIR))
    if fixed:
        _say(f"prongsai serve: made {fixed} file(s) and folder(s) in {settings.DATA_DIR} private (0600/0700)")
    _say(f"prongsai serve: migrating {settings.DATABASES['default']['NAME']}")
    try:
        _migrate()
    except DatabaseError as exc:
        raise CommandError(
            f"cannot set up the database {settings.DATABASES['default']['NAME']}: "
            f"{str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__} "
            f"(is the data folder writable, the PostgreSQL server running?) "
            f"/ {thai(gettext_noop('The database could not be set up.'))}"
        ) from None
    if getattr(settings, "PRODUCTION", False):
        from django.core.management import call_command

        call_command("collectstatic", interactive=False, verbosity=0)
    proxies = ", ".join(settings.PRONGSAI_TRUSTED_PROXIES) or "none (X-Forwarded-* ignored)"
    _say(
        f"prongsai serve: {_url(args.host, args.port)} with waitress ({args.workers} threads, request bodies up to "
        f"{settings.PRONGSAI_MAX_REQUEST_BYTES // (1024 * 1024)} MB, trusted proxies: {proxies}); Ctrl+C stops"
    )
    _serve(args.host, args.port, threads=args.workers)
    return None


# --------------------------------------------------------------------------------------------- createadmin


def cmd_createadmin(args: argparse.Namespace) -> str:
    setup_django()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    from prongsai.web.agencies.services import ensure_central_admin

    User = get_user_model()
    username = args.username.strip()
    if not username:
        raise CommandError("USERNAME is empty")
    existing = User.objects.filter(username=username).first()
    password = None
    if args.password_from_env:
        # Through the one reader of the environment (also takes NAME_FILE, a container secret).
        from prongsai.config import ConfigError, env_secret

        try:
            password = env_secret(args.password_from_env)
        except ConfigError as exc:
            raise CommandError(str(exc)) from None
        if not password:
            raise CommandError(f"environment variable {args.password_from_env} is not set or empty")
    elif existing is None:
        password = _prompt_password()
    if password is not None:
        try:
            validate_password(password, user=existing or User(username=username, email=args.email or ""))
        except ValidationError as exc:
            raise CommandError("password rejected: " + " ".join(exc.messages)) from None

    _, _, office, created = ensure_central_admin(username, email=args.email or "", password=password)
    what = "created" if existing is None else "updated"
    role_note = "" if created else " (already a central admin)"
    return f"{what} central admin '{username}' at {office.name_th} ({office.short_name}){role_note}"


def _prompt_password() -> str:
    import getpass

    if not sys.stdin.isatty():
        raise CommandError("no terminal to ask for a password: use --password-from-env VAR")
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Password (again): "):
        raise CommandError("the two passwords differ")
    return first


# ------------------------------------------------------------------------------------------ import-results


def cmd_import_results(args: argparse.Namespace) -> str:
    from prongsai.core.tabular import InputError, read_table

    setup_django()
    from django.contrib.auth import get_user_model
    from django.core.exceptions import PermissionDenied

    from prongsai.web.agencies.models import Membership, Role
    from prongsai.web.results.services import import_official_results

    round_ = _find_round(args.round)
    if args.as_user:
        actor = get_user_model().objects.filter(username=args.as_user).first()
        if actor is None:
            raise CommandError(f"no user '{args.as_user}'")
    else:
        membership = Membership.objects.filter(role=Role.CENTRAL_ADMIN).select_related("user").order_by("pk").first()
        if membership is None:
            raise CommandError("no central admin to import as: run 'prongsai createadmin USERNAME' or give --as")
        actor = membership.user
    path = Path(args.file)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise CommandError(f"{path}: file not found") from None
    except IsADirectoryError:
        raise CommandError(f"{path}: is a directory, not a file") from None
    try:
        table = read_table(path, data=data)
        batch = import_official_results(actor, round_, table, data)
    except InputError as exc:
        lines = [p.message() for p in exc.problems]
        raise CommandError(f"{len(lines)} problem(s); nothing was imported\n" + "\n".join(lines)) from None
    except PermissionDenied:
        raise CommandError(f"user '{actor.username}' may not import results") from None
    return (
        f"imported {batch.row_count} row(s) from {path.name} into round {round_.pk} "
        f"({round_.framework_id}, {round_.fiscal_year}) as {actor.username} (batch {batch.pk})"
    )


def _find_round(ident: str):
    from prongsai.web.rounds.models import AssessmentRound

    rounds = list(AssessmentRound.objects.order_by("fiscal_year", "framework_id"))
    match = [r for r in rounds if str(r.pk) == ident.strip()] or [r for r in rounds if r.framework_id == ident]
    if len(match) == 1:
        return match[0]
    listing = "; ".join(f"{r.pk} = {r.framework_id} {r.fiscal_year} ({r.status})" for r in rounds) or "none yet"
    raise CommandError(f"no single round '{ident}' (rounds: {listing})")


# -------------------------------------------------------------------------------------------------- manage


def cmd_manage(args: argparse.Namespace) -> None:
    from prongsai.web.manage import main

    main(list(args.args))
    return None


# ------------------------------------------------------------------------------------------------ register


def register(sub: argparse._SubParsersAction) -> None:
    demo = sub.add_parser("demo", help="start the platform with demo data (its own SQLite database)")
    demo.add_argument("--port", type=int, default=8000)
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument("--data", metavar="DIR", help="demo data folder (default: demo/ under the data folder)")
    demo.add_argument("--reset", action="store_true", help="delete the demo database and load it again")
    demo.add_argument("--no-serve", action="store_true", help="prepare the database and exit")
    demo.add_argument(
        "--allow-development-on-network",
        action="store_true",
        help="serve on a non-loopback --host although the demo runs in development mode",
    )
    demo.set_defaults(run=cmd_demo)

    serve = sub.add_parser("serve", help="serve the platform (no demo data); migrates first")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument(
        "--workers", type=int, default=8, metavar="N", help="worker threads of the waitress server (default 8)"
    )
    serve.add_argument(
        "--trusted-proxy",
        action="append",
        metavar="ADDR",
        help="address or CIDR range of the reverse proxy whose X-Forwarded-For/-Proto are believed "
        "(repeatable; default: PRONGSAI_TRUSTED_PROXIES)",
    )
    serve.add_argument(
        "--allow-development-on-network",
        action="store_true",
        help="serve development mode on a non-loopback --host (refused otherwise)",
    )
    serve.set_defaults(run=cmd_serve)

    admin = sub.add_parser("createadmin", help="create a central admin (OBEC), or make a user one")
    admin.add_argument("username", metavar="USERNAME")
    admin.add_argument("--email", default="")
    admin.add_argument("--password-from-env", metavar="VAR", help="read the password from this variable")
    admin.set_defaults(run=cmd_createadmin)

    imp = sub.add_parser("import-results", help="import official results (CSV/XLSX) into a round: all or nothing")
    imp.add_argument("file", metavar="FILE")
    imp.add_argument("--round", required=True, metavar="ID", help="round id (or framework id when unique)")
    imp.add_argument("--as", dest="as_user", metavar="USERNAME", help="acting user (default: first central admin)")
    imp.set_defaults(run=cmd_import_results)

    manage = sub.add_parser("manage", help="Django management commands (migrate, shell, check --deploy …)")
    manage.add_argument("args", nargs=argparse.REMAINDER)
    manage.set_defaults(run=cmd_manage)

    token = sub.add_parser(
        "token",
        help="API bearer tokens: issue one (printed once; only a hash is kept), list a user's tokens or revoke one",
    )
    token.add_argument("username", metavar="USERNAME")
    token.add_argument("--name", default="cli", help="a label to recognise the token by")
    token.add_argument("--days", type=int, metavar="N", help="lifetime in days (default PRONGSAI_API_TOKEN_DAYS, 90)")
    what = token.add_mutually_exclusive_group()
    what.add_argument("--list", action="store_true", help="list USERNAME's tokens instead of issuing one")
    what.add_argument("--revoke", metavar="ID|NAME", help="revoke USERNAME's token with this id or name")
    token.set_defaults(run=cmd_token)

    # Features that bring their own commands register them here.
    from prongsai.web.agencies.cli import register as register_agencies
    from prongsai.web.documents.cli import register as register_documents
    from prongsai.web.notifications.cli import register as register_notifications
    from prongsai.web.ops.cli import register as register_ops

    register_agencies(sub)
    register_documents(sub)
    register_notifications(sub)
    register_ops(sub)


def cmd_token(args: argparse.Namespace) -> str:
    setup_django()
    from django.contrib.auth import get_user_model
    from django.core.exceptions import ValidationError
    from django.utils import timezone

    from prongsai.web.api.services import issue_api_token, revoke_api_token

    user = get_user_model().objects.filter(username=args.username).first()
    if user is None:
        raise CommandError(f"no user '{args.username}'")
    tokens = user.api_tokens.order_by("created_at", "id")
    if args.list:
        now = timezone.now()
        rows = [
            [
                t.pk,
                t.name,
                t.created_at.date(),
                t.expires_at.date(),
                t.last_used_at.date() if t.last_used_at else "-",
                "revoked" if t.revoked else "expired" if t.expires_at <= now else "active",
            ]
            for t in tokens
        ]
        from prongsai.cli_base import format_table

        return format_table(["id", "name", "created", "expires", "last used", "status"], rows)
    if args.revoke:
        wanted = args.revoke.strip()
        match = [t for t in tokens if str(t.pk) == wanted] or [t for t in tokens if t.name == wanted]
        if len(match) != 1:
            listing = "; ".join(f"{t.pk} = {t.name}" for t in tokens) or "none"
            what = "several tokens are" if match else "no token is"
            raise CommandError(f"{what} named '{wanted}' for {user.username}: give the id (tokens: {listing})")
        revoke_api_token(user, match[0])
        return f"revoked token {match[0].pk} '{match[0].name}' of {user.username}"
    try:
        token = issue_api_token(user, user, args.name, days=args.days)
    except ValidationError as exc:
        raise CommandError(" ".join(exc.messages)) from None
    expires = user.api_tokens.order_by("-id").first().expires_at
    return (
        f"{token}\n(use it as 'Authorization: Bearer {token[:6]}…'; it is not shown again; "
        f"it expires on {expires:%Y-%m-%d})"
    )
