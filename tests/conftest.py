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
    """Each test starts with an empty cache: the survey code form's rate limit counts per client in it."""
    try:
        from django.core.cache import cache
    except ImportError:
        yield
        return
    from django.conf import settings

    if settings.configured:
        cache.clear()
    yield
