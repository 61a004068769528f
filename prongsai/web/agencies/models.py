"""Agencies as a tree (central office → service-area offices → schools), their units, and people's roles.

A role is held in one agency and reaches that agency's whole subtree: the central admin's membership in the
central office covers the country; an ESA office's ITA officer also covers the office's schools (the seed's
measures 1.9 and 1.10: the office runs its schools' ITA).  ``path`` is a materialised path so that subtree
queries are one indexed ``LIKE 'prefix%'``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AgencyKind(models.TextChoices):
    CENTRAL = "central", _("Central office")
    ESA = "esa", _("Educational service area office")
    SCHOOL = "school", _("School")
    LOCAL = "local", _("Local government")
    UNIVERSITY = "university", _("University")
    GENERAL = "general", _("Public agency")


class Region(models.TextChoices):
    NORTH = "north", _("North")
    NORTHEAST = "northeast", _("Northeast")
    CENTRAL = "central", _("Central")
    EAST = "east", _("East")
    WEST = "west", _("West")
    SOUTH = "south", _("South")
    BANGKOK = "bangkok", _("Bangkok")


class Agency(models.Model):
    code = models.CharField(_("code"), max_length=32, unique=True)
    name_th = models.CharField(_("name (Thai)"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255, blank=True)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    kind = models.CharField(_("type"), max_length=16, choices=AgencyKind.choices, db_index=True)
    #: finer grouping inside a kind for filters (สพป. / สพม. for ESA offices)
    subkind = models.CharField(_("sub-type"), max_length=32, blank=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    province = models.CharField(_("province"), max_length=64, blank=True)
    region = models.CharField(_("region"), max_length=16, choices=Region.choices, blank=True)
    website = models.URLField(_("website"), blank=True)
    is_synthetic = models.BooleanField(_("synthetic demo data"), default=False)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["kind", "name_th"]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")

    def __str__(self) -> str:
        return self.short_name or self.name_th

    @property
    def display_name(self) -> str:
        return self.short_name or self.name_th

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        path = (self.parent.path if self.parent_id else "/") + f"{self.pk}/"
        if path != self.path:
            old = self.path
            Agency.objects.filter(pk=self.pk).update(path=path)
            self.path = path
            if old:  # re-parented: move the subtree with it
                for child in Agency.objects.filter(path__startswith=old).exclude(pk=self.pk):
                    Agency.objects.filter(pk=child.pk).update(path=path + child.path[len(old) :])

    def subtree(self) -> models.QuerySet[Agency]:
        return Agency.objects.filter(path__startswith=self.path)

    def contains(self, other: Agency) -> bool:
        return other.path.startswith(self.path)


class Unit(models.Model):
    """A group or unit (กลุ่ม/หน่วย) inside an agency: owns OIT items, measures and progress reports."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="units")
    name_th = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["agency", "order", "name_th"]
        unique_together = [("agency", "name_th")]
        verbose_name = _("unit")

    def __str__(self) -> str:
        return self.short_name or self.name_th


class Role(models.TextChoices):
    CENTRAL_ADMIN = "central_admin", _("Central administrator")
    AGENCY_ADMIN = "agency_admin", _("Agency ITA officer")
    DIRECTOR = "director", _("Director")
    UNIT_STAFF = "unit_staff", _("Unit staff")
    ASSESSOR = "assessor", _("Assessor")
    VIEWER = "viewer", _("Read-only")


class Membership(models.Model):
    """A person's role in an agency, reaching its subtree; unit staff are tied to one unit."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="members")
    position_th = models.CharField(_("position"), max_length=255, blank=True)

    class Meta:
        unique_together = [("user", "agency", "role")]
        verbose_name = _("membership")

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.agency}"


class Person(models.Model):
    """Thai name and position of a user as they appear on official documents (signature blocks, orders)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="person")
    title_th = models.CharField(_("title"), max_length=32, blank=True)  # นาย / นาง / นางสาว / ดร.
    full_name_th = models.CharField(_("full name (Thai)"), max_length=255)
    position_th = models.CharField(_("position"), max_length=255, blank=True)
    phone = models.CharField(_("phone"), max_length=64, blank=True)

    def __str__(self) -> str:
        return f"{self.title_th}{self.full_name_th}"
