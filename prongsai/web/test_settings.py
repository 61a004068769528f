"""Settings for the test suite: a throw-away data directory, a fixed key and a fast password hasher."""

import os
import tempfile

os.environ.setdefault("PRONGSAI_DATA", tempfile.mkdtemp(prefix="prongsai-test-"))
os.environ["PRONGSAI_ENV"] = "test"
os.environ.setdefault("SECRET_KEY", "prongsai-tests-only-" + "x" * 40)

from prongsai.config import prepare_data_dir  # noqa: E402

prepare_data_dir()  # what every prongsai command does before Django starts

from prongsai.web.settings import *  # noqa: E402,F401,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
