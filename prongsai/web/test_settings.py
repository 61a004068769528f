"""Settings for the test suite: a throw-away data directory and a fast password hasher."""

import os
import tempfile

os.environ.setdefault("PRONGSAI_DATA", tempfile.mkdtemp(prefix="prongsai-test-"))
os.environ["PRONGSAI_ENV"] = "test"

from prongsai.web.settings import *  # noqa: E402,F401,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
