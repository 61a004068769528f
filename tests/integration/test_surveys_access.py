"""Another office's officer on the survey pages of สพป.สมุทรสาคร: refused, and refused without a figure.

Who gets which status on every survey URL is in the project-wide matrix (tests/integration/test_access_matrix.py,
``MATRIX``); this test walks the same cases and checks what the statuses cannot say: a refused page carries none
of the office's data.
"""

from __future__ import annotations

import pytest
from django.urls import NoReverseMatch

from tests.integration.test_access_matrix import MATRIX, build_url, client_for


@pytest.mark.django_db
def test_other_office_sees_nothing_of_samutsakhon(cast):
    """Every officer page of สพป.สมุทรสาคร the matrix refuses to another office's officer answers 403 and leaks
    nothing of what the office entered (here its headcount of 4,321 staff)."""
    from prongsai.web.surveys import services

    services.set_headcounts(cast.officer, cast.round_2563, cast.samutsakhon, {("IIT", "staff"): 4321})
    client = client_for(cast, "other_officer")
    checked = 0
    for name, entry in MATRIX.items():
        if not name.startswith("survey_"):
            continue
        for case in entry if isinstance(entry, tuple) else (entry,):
            if case.expect["other_officer"] != 403:
                continue
            try:
                url = build_url(cast, name, case)
            except NoReverseMatch:
                continue
            if cast.samutsakhon.code not in url:
                continue
            response = getattr(client, case.method)(url, case.data(cast))
            assert response.status_code == 403, (name, url, response.status_code)
            assert b"4321" not in response.content and b"4,321" not in response.content, url
            checked += 1
    assert checked >= 12
