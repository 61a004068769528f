"""Log records never carry survey codes, tokens, passwords or query strings (prongsai.web.ops.logs)."""

from __future__ import annotations

import json
import logging

from prongsai.web.ops.logs import JsonFormatter, RedactFilter, redact


def test_redacts_codes_paths_queries_and_secrets():
    assert redact("Internal Server Error: /s/RX6J96W339") == "Internal Server Error: /s/[redacted]"
    assert redact("GET /surveys/s/rx6j-96w3-39/ 500") == "GET /surveys/s/[redacted]/ 500"
    assert redact("open link /surveys/open/Abc123xyz987QWER/") == "open link /surveys/open/[redacted]/"
    assert redact("Bad Request: /login/?next=/agencies/&code=XDJVPJNMWP") == "Bad Request: /login/?[redacted]"
    assert redact("code=XDJVPJNMWP password: hunter2-2563") == "code=[redacted] password: [redacted]"
    assert redact("slip ACDE-FGHJ-KM was typed") == "slip [code] was typed"
    assert redact("Authorization: Bearer abc.DEF-123") == "Authorization: Bearer [redacted]"
    # ordinary words, agency codes and numbers stay readable
    assert redact("ESA-SKN round 2 batch 17 done in 1.25 s") == "ESA-SKN round 2 batch 17 done in 1.25 s"


def test_filter_and_json_formatter_cover_arguments_extras_and_tracebacks():
    record = logging.LogRecord(
        "django.request", logging.ERROR, __file__, 1, "Internal Server Error: %s", ("/s/XDJVPJNMWP",), None
    )
    try:
        raise ValueError("unknown code XDJVPJNMWP")
    except ValueError:
        import sys

        record.exc_info = sys.exc_info()
    record.request = object()  # what Django attaches: must not be serialised
    record.path = "/s/XDJVPJNMWP?x=1"
    assert RedactFilter().filter(record) is True
    line = JsonFormatter().format(record)
    entry = json.loads(line)
    assert "XDJVPJNMWP" not in line
    assert entry["message"] == "Internal Server Error: /s/[redacted]"
    assert entry["level"] == "ERROR" and entry["logger"] == "django.request"
    assert "unknown code [code]" in entry["exc"]
    assert entry["path"] == "/s/[redacted]?[redacted]"
    assert "request" not in entry
