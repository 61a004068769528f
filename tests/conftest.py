"""Shared fixtures.  The story's cast lives in tests/cast.py; unit tests need no database."""

from __future__ import annotations

from pathlib import Path

import pytest

from prongsai.core.framework import Framework, load_framework_file

FIXTURES = Path(__file__).parent / "fixtures"
SEED_CSV = Path(__file__).parent.parent / "prongsai" / "examples" / "seed-samutsakhon-2562.csv"


@pytest.fixture(scope="session")
def mini() -> Framework:
    """A small edition exercising every scoring feature (tests/fixtures/mini.yaml)."""
    return load_framework_file(FIXTURES / "mini.yaml")


@pytest.fixture
def cast(db):
    """The fixed cast (tests/cast.py) in a fresh database."""
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
        name in request.fixturenames for name in ("db", "transactional_db", "live_server", "cast"))
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
