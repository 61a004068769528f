"""The core's view of the stored editions: ``load_framework("ita-2570@2")`` reads the version from here."""

from __future__ import annotations

from prongsai.core.framework import StoredEdition as CoreStoredEdition


class DatabaseEditionProvider:
    """Stored versions by key; the active ones as defaults for their fiscal years (newest activation first)."""

    def fetch(self, key: str) -> CoreStoredEdition | None:
        from prongsai.web.editions.models import LOADABLE, StoredEdition

        row = (
            StoredEdition.objects.filter(key=key, status__in=LOADABLE)
            .values("key", "source_text", "sha256", "status")
            .first()
        )
        if row is None:
            return None
        return CoreStoredEdition(key=row["key"], text=row["source_text"], sha256=row["sha256"], status=row["status"])

    def listed(self) -> list[str]:
        from prongsai.web.editions.models import LISTED, StoredEdition

        return list(
            StoredEdition.objects.filter(status__in=LISTED)
            .order_by("edition_id", "-version")
            .values_list("key", flat=True)
        )

    def defaults(self, year_be: int) -> list[str]:
        from prongsai.web.editions.models import EditionStatus, StoredEdition

        rows = (
            StoredEdition.objects.filter(status=EditionStatus.ACTIVE)
            .order_by("-activated_at", "-pk")
            .values_list("key", "default_years")
        )
        return [key for key, years in rows if year_be in (years or [])]


PROVIDER = DatabaseEditionProvider()


def install_for_cli() -> None:
    """For the command line: configure Django (which registers this provider) on the platform's database."""
    from prongsai.web.setup import setup_django

    setup_django()


def stored_statuses() -> dict[str, str]:
    """Every loadable stored version → its status (``prongsai frameworks list --stored``)."""
    from prongsai.web.editions.models import LOADABLE, StoredEdition

    return dict(
        StoredEdition.objects.filter(status__in=LOADABLE).order_by("edition_id", "version").values_list("key", "status")
    )
