"""Shared fixtures.  The story's cast lives in tests/cast.py; unit tests need no database."""

from __future__ import annotations

import contextlib
import gc
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

# Compiled modules are kept even where the environment says not to write them: tests/bytecode.py, loaded before
# this file by pytest's addopts (docs/benchmarks.md, "Test suite duration").
from prongsai.core.framework import Framework, load_framework_file
from tests.live import REPO, RUN_FOLDER_VARIABLE, postgres_url
from tests.shared import shared

FIXTURES = Path(__file__).parent / "fixtures"
SEED_CSV = Path(__file__).parent.parent / "prongsai" / "examples" / "seed-samutsakhon-2562.csv"


@pytest.fixture(scope="session")
def mini() -> Framework:
    """A small edition exercising every scoring feature (tests/fixtures/mini.yaml)."""
    return load_framework_file(FIXTURES / "mini.yaml")


def _share_the_middleware_chain() -> None:
    """Django's test client builds the whole middleware chain again for every ``Client()`` (its handler's first
    request): WhiteNoise alone walks every static file to index it, ~7 ms a client, and the suite makes thousands
    of clients (the access matrix: eight a URL).  A server builds the chain once per process and keeps it; so do
    the tests now: the clients of one worker share the chain built by the first, until a setting changes
    (pytest-django's ``settings``, ``override_settings``: middleware read settings when they are built), when the
    next client builds it afresh.  A client keeps the chain it started with, as before."""
    from django.core.signals import setting_changed
    from django.test.client import AsyncClientHandler, ClientHandler

    built: dict[bool, object] = {}  # is_async → the handler whose chain the next clients take

    def forget(**_):
        built.clear()

    setting_changed.connect(forget, weak=False, dispatch_uid="tests.conftest.shared_middleware_chain")

    for handler_class in (ClientHandler, AsyncClientHandler):
        build = handler_class.load_middleware

        def load_middleware(self, is_async=False, build=build):
            donor = built.get(is_async)
            if donor is None:
                build(self, is_async)
                built[is_async] = self
                return
            self._view_middleware = donor._view_middleware
            self._template_response_middleware = donor._template_response_middleware
            self._exception_middleware = donor._exception_middleware
            self._middleware_chain = donor._middleware_chain

        handler_class.load_middleware = load_middleware


#: the garbage collector's thresholds in the test processes (Python's own: 700, 10, 10): a young-generation pass
#: every 20,000 allocations instead of every 700, so that most of the short-lived objects a request or a rendered
#: document makes are freed by their reference count before a pass ever looks at them.  The collector's share of
#: the CPU of the matrix, the documents and the English walk fell from 8.7 % (3,520 passes) to 3.7 % (330)
#: (docs/benchmarks.md, "Sixth pass"); what it collects is the same, a little later.
GC_THRESHOLDS = (20_000, 10, 10)


def pytest_configure(config):
    gc.set_threshold(*GC_THRESHOLDS)
    if not hasattr(config, "workerinput"):
        # the pytest process: a new folder for the whole run (never one an earlier run left in the environment,
        # whose template may predate a migration), named in the environment its xdist workers inherit (they start
        # after this hook), for what every process may share, such as the migrated template database (tests/live.py)
        config._prongsai_run_folder = os.environ[RUN_FOLDER_VARIABLE] = tempfile.mkdtemp(prefix="prongsai-tests-")
        config._prongsai_template_builder = _start_template_builder(config)
    try:
        from django.conf import settings
    except ImportError:
        return
    if settings.configured:
        _share_the_middleware_chain()


def _start_template_builder(config) -> subprocess.Popen | None:
    """In the pytest process of a run with xdist workers on SQLite: a process that makes the run's migrated
    template database (tests/live.py, one ``prongsai migrate``, 3 s of CPU) while the workers start and run the
    first files (SLOW_FILES_FIRST: two that need no database), so that no worker waits for it at its first
    database test.  It takes the template's lock as any process would: a worker that asks first makes it, and
    the builder then finds it made.  Its failure is only logged: the first worker to need the template makes it
    again and reports what went wrong."""
    if not getattr(config.option, "numprocesses", 0) or getattr(config.option, "dist", "no") == "no":
        return None
    if postgres_url():  # the workers create their PostgreSQL test databases; few sites use the SQLite template
        return None
    with open(Path(os.environ[RUN_FOLDER_VARIABLE]) / "template-builder.log", "wb") as log:
        return subprocess.Popen(
            [sys.executable, "-c", "from tests.live import open_migrated_sqlite; open_migrated_sqlite().close()"],
            cwd=REPO,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its group: the builder and its ``prongsai migrate``
        )


def pytest_unconfigure(config):
    builder = getattr(config, "_prongsai_template_builder", None)
    if builder is not None:
        if builder.poll() is None:  # a run that ended before the template was made (one short file)
            with contextlib.suppress(ProcessLookupError):
                os.killpg(builder.pid, signal.SIGKILL)  # its migrate too, before the run folder goes
        builder.wait()
    folder = getattr(config, "_prongsai_run_folder", None)
    if folder:  # the process that made it, which outlives its workers
        shutil.rmtree(folder, ignore_errors=True)
        os.environ.pop(RUN_FOLDER_VARIABLE, None)


@pytest.fixture(scope="session")
def django_db_setup(request, django_test_environment, django_db_blocker, django_db_modify_db_settings):
    """pytest-django's test database, but on SQLite each worker's in-memory database starts as a copy of the run's
    migrated template (tests/live.py: one ``prongsai migrate`` for the whole run) instead of migrating again: the
    same schema and rows, without 3.5 s of CPU per worker.  Django's own parallel runner fills its in-memory
    worker databases the same way (SQLite's backup API).  PostgreSQL creates and migrates its test database as
    pytest-django does (``setup_databases``).  pytest-django's --reuse-db and --nomigrations are not honoured:
    the suite does not use them."""
    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases

    verbosity = request.config.option.verbose
    if connection.vendor != "sqlite":
        with django_db_blocker.unblock():
            config = setup_databases(verbosity=verbosity, interactive=False, serialized_aliases=set())
        yield
        with django_db_blocker.unblock():
            teardown_databases(config, verbosity=verbosity)
        return

    from django.conf import settings
    from django.core.management import call_command

    from tests.live import open_migrated_sqlite

    creation = connection.creation
    original_name = connection.settings_dict["NAME"]
    with django_db_blocker.unblock():
        test_name = creation._create_test_db(verbosity=0, autoclobber=True, keepdb=False)
        connection.close()
        settings.DATABASES[connection.alias]["NAME"] = connection.settings_dict["NAME"] = test_name
        assert connection.is_in_memory_db(), f"expected an in-memory test database, not {test_name}"
        connection.ensure_connection()
        with contextlib.closing(open_migrated_sqlite()) as template:
            template.backup(connection.connection)
        call_command("createcachetable", database=connection.alias)  # the test settings' cache, as Django does
    yield
    with django_db_blocker.unblock():
        creation.destroy_test_db(original_name, verbosity=0)


@pytest.fixture(scope="session")
def _shared_keeper(django_db_setup, django_db_blocker):
    """The outer transaction of tests/shared.py, per worker; rolled back before the test database goes."""
    from tests.shared import SharedState

    state = SharedState(django_db_blocker)
    yield state
    state.leave()


@pytest.fixture
def _shared_before_test(request, _shared_keeper):
    _shared_keeper.before_test(request)


@pytest.fixture
def _django_db_helper(_shared_before_test, _django_db_helper):
    """pytest-django's per-test transaction, opened after tests/shared.py has set up the module's shared one."""
    yield


@pytest.fixture
def _shared_state(_shared_keeper, db):
    return _shared_keeper


@shared
def cast():
    """The fixed cast (tests/cast.py), built once per module and shared (tests/shared.py)."""
    from tests.cast import build_cast

    return build_cast()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache (the rate limits count in the database, rolled back with each test;
    the cache holds what Django and the pages keep between requests)."""
    try:
        from django.core.cache import cache
    except ImportError:
        yield
        return
    from django.conf import settings

    if settings.configured:
        cache.clear()
    yield


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language (Thai): a request with the English cookie activates English in the
    test's thread and nothing resets it, so a later test's gettext (a link check's message) would read English."""
    yield
    try:
        from django.conf import settings
        from django.utils import translation
    except ImportError:
        return
    if settings.configured:
        translation.deactivate()


@pytest.fixture(autouse=True)
def _stored_editions_need_the_database(request):
    """Uploaded editions live in the database: a test without database access sees the built-in ones only (the
    platform registers its database as an edition provider when Django starts)."""
    uses_db = request.node.get_closest_marker("django_db") is not None or any(
        name in request.fixturenames for name in ("db", "transactional_db", "live_server", "cast")
    )
    if uses_db:
        yield
        return
    from prongsai.core import framework as core

    saved = list(core._providers)
    for provider in saved:
        core.unregister_provider(provider)
    yield
    for provider in saved:
        core.register_provider(provider)


#: the files that take longest (child processes and their waits, rendered documents, hypothesis, the page walks),
#: longest first, each over 2 s of a worker's time (docs/benchmarks.md, "Seventh pass").  pytest-xdist's
#: ``--dist loadfile`` hands whole files to whichever worker is free, in this order (``--no-loadscope-reorder`` in
#: pyproject.toml: xdist's own order, most tests first, left files of four slow tests such as test_ops_crash.py for
#: the end, when one worker ran them alone); started first, the slow ones overlap and the many short files fill in
#: behind, so both workers end together.  The browser files are not listed: they follow as one block, in
#: collection order, so that each worker starts Chromium once (tests/functional/conftest.py).
SLOW_FILES_FIRST = (
    "tests/unit/test_documents_thai.py",  # these two need no database: they run while the template is made
    "tests/unit/test_bulk_agrees.py",
    "tests/integration/test_access_matrix.py",
    "tests/integration/test_ops_crash.py",
    "tests/integration/test_documents.py",
    "tests/integration/test_english_walk.py",
    "tests/integration/test_backup_drill.py",
    "tests/integration/test_ops_web.py",
    "tests/integration/test_messages_thai.py",
    "tests/integration/test_sqlite_writers.py",
    "tests/integration/test_demo.py",
    "tests/unit/test_security_templates.py",
    "tests/unit/test_edition_workbook.py",
    "tests/integration/test_settings_deploy.py",
    "tests/integration/test_documents_signoff.py",
    "tests/integration/test_linkcheck_batch.py",
    "tests/unit/test_security_files.py",
    "tests/integration/test_surveys_race.py",
    "tests/integration/test_commands.py",
    "tests/integration/test_security_templates.py",
    "tests/integration/test_security_files.py",
    "tests/integration/test_settings_config.py",
    "tests/integration/test_demo_restart.py",
    "tests/integration/test_ops_tasks.py",
    "tests/integration/test_surveys.py",
    "tests/unit/test_documents.py",
    "tests/integration/test_rank_oracle.py",
    "tests/integration/test_security_anonymity.py",
)


def pytest_collection_modifyitems(items):
    rank = {path: index for index, path in enumerate(SLOW_FILES_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::", 1)[0], len(rank)))  # stable: files stay whole
