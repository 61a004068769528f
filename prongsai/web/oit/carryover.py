"""Carry-over: last year's links and files brought into this year's items that survived the framework diff."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from prongsai.core import extract
from prongsai.core.diff import lineage_map
from prongsai.core.framework import Framework, FrameworkError, OITItem, load_framework, split_key
from prongsai.web.agencies.models import Agency
from prongsai.web.audit.actions import AuditAction
from prongsai.web.audit.services import record
from prongsai.web.oit import linkcheck, permissions
from prongsai.web.oit.common import enqueue_checks, entry_for, expected_years, item_of, require_open
from prongsai.web.oit.models import EntryStatus, EvidenceFile, EvidenceLink, OITEntry
from prongsai.web.rounds.models import AssessmentRound


def _families(framework: Framework, limit: int = 12) -> list[str]:
    """The edition ids this edition descends from, nearest first (its ``previous``, that one's, …)."""
    families: list[str] = []
    current = framework
    while current.previous and len(families) < limit:
        families.append(split_key(current.previous)[0])
        try:
            current = load_framework(current.previous)
        except FrameworkError:
            break
    return families


def previous_round(round_: AssessmentRound) -> AssessmentRound | None:
    """Last year's round: the latest earlier round of an edition this one descends from (2569 ← 2568 ← 2566, so
    a 2569 round finds a 2567 round when there was none in 2568), preferring the same variant; else any round a
    year earlier."""
    framework = round_.framework
    rounds = list(AssessmentRound.objects.filter(fiscal_year__lt=round_.fiscal_year).order_by("-fiscal_year", "pk"))
    ancestry = _families(framework)
    if ancestry:
        related = [r for r in rounds if split_key(r.framework_id)[0] in ancestry]
        if related:
            newest = related[0].fiscal_year
            same_year = [r for r in related if r.fiscal_year == newest]
            return next((r for r in same_year if r.variant == round_.variant), same_year[0])
    return next((r for r in rounds if r.fiscal_year == round_.fiscal_year - 1), None)


def carry_map(old: Framework, new: Framework) -> dict[str, list[str]]:
    """New item code → old item codes whose evidence it continues: the survivors of every edition step between
    the two (unchanged, renumbered, re-titled and merged items; a declared-new item reusing an old code is not
    one), so 2566 O1 + O3 reach 2569 o1 through 2568 o1."""
    new_codes = {o.code for o in new.oit_items}
    old_codes = {o.code for o in old.oit_items}
    mapping = lineage_map(old, new)
    return {
        code: [c for c in olds if c in old_codes]
        for code, olds in mapping.items()
        if code in new_codes and any(c in old_codes for c in olds)
    }


def _stored_texts(entries) -> dict[str, extract.Extracted]:
    """The text of every stored file of ``entries``, read once per stored file, before any transaction (the
    extraction runs in a child process with limits and may take seconds: it must not hold the write lock)."""
    texts: dict[str, extract.Extracted] = {}
    for entry in entries:
        for evidence in entry.files.all():
            name = evidence.file.name
            if name in texts:
                continue
            try:
                with evidence.file.open("rb") as handle:
                    data = handle.read()
            except OSError:
                texts[name] = extract.Extracted()
                continue
            texts[name] = extract.extract(data, evidence.content_type)
    return texts


def _findings(text: extract.Extracted, item: OITItem, fiscal_year: int) -> tuple[bool, list[int], list[str]]:
    """Year and keyword findings of a stored file for another item or year (a carried-over file is re-read)."""
    years, _required = expected_years(item, fiscal_year)
    return text.extracted, linkcheck.years_in(text.text, years), linkcheck.keywords_in(text.text, item.keywords)[0]


def carry_over_evidence(actor, round_: AssessmentRound, agency: Agency) -> list[str]:
    """Copy last year's links and files into this round's items that survived the framework diff, as drafts
    marked for re-check; items that already have evidence this year are left alone.  Officer only."""
    if not permissions.can_manage(actor, agency):
        raise PermissionDenied
    require_open(round_)
    before = previous_round(round_)
    if before is None:
        raise ValidationError(_("The previous year's assessment round was not found"))
    mapping = carry_map(before.framework, round_.framework)
    old_entries = {
        e.code: e for e in OITEntry.objects.filter(round=before, agency=agency).prefetch_related("links", "files")
    }
    wanted = {c for olds in mapping.values() for c in olds}
    texts = _stored_texts(e for code, e in old_entries.items() if code in wanted)
    carried: list[str] = []
    new_links: list[EvidenceLink] = []
    with transaction.atomic():
        for code, old_codes in mapping.items():
            sources = [old_entries[c] for c in old_codes if c in old_entries]
            sources = [s for s in sources if s.links.all() or s.files.all()]
            if not sources:
                continue
            entry = entry_for(round_, agency, code)
            if entry.links.exists() or entry.files.exists() or entry.status != EntryStatus.DRAFT:
                continue
            urls = set()
            for source in sources:
                for link in source.links.all():
                    if link.url in urls:
                        continue
                    urls.add(link.url)
                    new_links.append(
                        EvidenceLink.objects.create(
                            entry=entry,
                            url=link.url,
                            label=link.label,
                            is_public=link.is_public,
                            needs_recheck=True,
                            carried_from=link,
                            created_by=actor,
                        )
                    )
                for f in source.files.all():
                    extracted, years_found, keywords_found = _findings(
                        texts.get(f.file.name, extract.Extracted()), item_of(round_, code), round_.fiscal_year
                    )
                    EvidenceFile.objects.create(
                        entry=entry,
                        file=f.file.name,
                        original_name=f.original_name,
                        extension=f.extension,
                        content_type=f.content_type,
                        size=f.size,
                        sha256=f.sha256,
                        label=f.label,
                        is_public=f.is_public,
                        text_extracted=extracted,
                        years_found=years_found,
                        keywords_found=keywords_found,
                        carried_from=f,
                        uploaded_by=actor,
                    )
            entry.carried_from = sources[0]
            entry.needs_recheck = True
            if entry.unit_id is None and sources[0].unit_id:
                entry.unit_id = sources[0].unit_id
            entry.save(update_fields=["carried_from", "needs_recheck", "unit", "updated_at"])
            carried.append(code)
        enqueue_checks(new_links)  # in batches: a few tasks, not one per link
        record(
            actor,
            AuditAction.CARRY_OVER_OIT_EVIDENCE,
            f"{agency.display_name}: นำหลักฐาน {before.fiscal_year} มาใช้ใน {round_.fiscal_year} {len(carried)} ข้อ",
            agency=agency,
            changes={
                "from_round": before.pk,
                "to_round": round_.pk,
                "items": carried,
                "mapping": {c: mapping[c] for c in carried},
            },
        )
    return carried
