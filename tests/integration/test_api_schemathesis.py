"""The JSON API against its own OpenAPI schema, with Schemathesis (issue 9 §7; docs/security.md "Proof").

Schemathesis reads /api/openapi.json from the WSGI application in this process and, for every operation,
generates requests from the schema (valid and invalid parameters, strings with NUL and other unusual
characters, huge numbers); each response must not be a server error and must conform to the schema: documented
status code, content type and body.  It calls with a central admin's bearer token, so every operation is reached.
Bounded and derandomised: a fixed number of examples per operation, the same ones on every run.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from hypothesis import HealthCheck, settings

from prongsai.web.api.services import issue_api_token

EXAMPLES_PER_OPERATION = 25


# Read at collection: the schema view needs no database.  (``schemathesis.pytest.from_fixture`` would load it
# lazily, but does not work with pytest 9 in Schemathesis 4.32.)
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", WSGIHandler())


@pytest.fixture(autouse=True)
def _keep_the_tests_connection():
    """As Django's test client does: a request must not close the connection that holds the test's transaction
    (on PostgreSQL, Django closes a connection found inside a transaction at the end of each request)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def central_token(cast) -> str:
    return issue_api_token(cast.central, cast.central, "schemathesis")


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_every_operation_conforms_to_its_schema(case, central_token):
    case.call_and_validate(headers={"Authorization": f"Bearer {central_token}"})
