"""Accounts: signing in (throttled), password policy and self-service change, session timeouts, the user's own
API tokens.  The policy is described in docs/security.md."""
