"""Counters of recent wrong passwords, for the login throttle (``throttle.py``).

A row counts failures for one key: a keyed hash of an (account, address) pair, of an address, of an account or of
a trusted browser.  Neither the user name nor the address is stored in clear.  Rows older than their window are
deleted as new failures come in.
"""

from __future__ import annotations

from django.db import models


class LoginFailureCounter(models.Model):
    #: "<kind>:<hmac>" where kind is pair, address, account or device
    key = models.CharField(max_length=80, primary_key=True)
    failures = models.PositiveIntegerField(default=0)
    #: the first failure of the current window; the window lasts LOGIN_COOLOFF_MINUTES
    window_started_at = models.DateTimeField()
    #: set when ``failures`` reached the limit: attempts for this key are refused until then
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        # the clean-up deletes by age
        indexes = [models.Index(fields=["window_started_at"], name="login_failure_window")]

    def __str__(self) -> str:
        return f"{self.key[:20]}… {self.failures}"
