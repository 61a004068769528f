"""Exports: anonymised responses, question-level scores, and the national progress table (CSV, XLSX).

Anonymised means: no identifier of any kind (not even the random response id), no date or week, rows in an
order unrelated to arrival (sorted by the random UUID, which owes nothing to time), and the respondent group
left out wherever fewer than ``MIN_RESPONDENTS`` people of the group answered (a group of two school directors
would otherwise expose each one's answers to whoever knows who they are).  Responses are exported only for a
tool with at least ``MIN_RESPONDENTS`` respondents, like every score, and only once the round is no longer open
(``views.export``): two exports taken before and after one person answers would otherwise differ by exactly
that person's row.  The question-level scores change only when the ballot box releases a batch of at least
``MIN_RESPONDENTS`` answers (``ballot.py``), so the same difference over aggregates spans a batch.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from prongsai.web import exports as web_exports
from prongsai.web.agencies.models import Agency
from prongsai.web.rounds.models import AssessmentRound
from prongsai.web.surveys import queries
from prongsai.web.surveys.ballot import MIN_RESPONDENTS, release_round
from prongsai.web.surveys.models import SurveyResponse

#: what stands in for the group of a respondent whose group is too small to name (lazy: read per export)
SUPPRESSED = gettext_lazy("(small group, not shown)")


@dataclass
class Sheet:
    title: str
    header: list[str]
    rows: list[list]


def responses_sheets(round_: AssessmentRound, agency: Agency, tool: str) -> list[Sheet]:
    framework = round_.framework
    fields = framework.answer_fields(tool)
    groups = {g.code: g.name_th for g in framework.tool(tool).groups}
    if not round_.is_open:
        release_round(round_.pk, [agency.pk])
    stored = list(
        SurveyResponse.objects.filter(round=round_, agency=agency, tool=tool)
        .order_by("id")
        .values_list("group", "answers")
    )
    sizes: dict[str, int] = {}
    for group, _answers in stored:
        sizes[group] = sizes.get(group, 0) + 1
    rows = []
    if len(stored) >= MIN_RESPONDENTS:
        for n, (group, answers) in enumerate(stored, start=1):
            shown = groups.get(group, group) if sizes[group] >= MIN_RESPONDENTS else str(SUPPRESSED)
            rows.append(
                [n, shown]
                + [answers.get(f.code, "") + 1 if isinstance(answers.get(f.code), int) else "" for f in fields]
            )
    header = [_("Row"), _("Respondent group")] + [f.code for f in fields]
    codebook = Sheet(
        "codebook",
        [_("Item code"), _("Wording"), _("Options (value in the file = option number)"), _("Reverse-scored")],
        [
            [
                f.code,
                f.text,
                " | ".join(f"{i + 1} = {o.label}" for i, o in enumerate(f.scale.options)),
                _("Yes") if f.reverse else "",
            ]
            for f in fields
        ],
    )
    note = (
        []
        if rows
        else [
            [
                _("%(n)s respondents, fewer than %(min)s, so no individual answers are exported")
                % {"n": len(stored), "min": MIN_RESPONDENTS}
            ]
        ]
    )
    return [Sheet(tool, header, rows or note), codebook]


def scores_sheets(round_: AssessmentRound, agency: Agency) -> list[Sheet]:
    header = [
        _("Survey tool"),
        _("Indicator"),
        _("Indicator name"),
        _("Item"),
        _("Sub-item"),
        _("Text"),
        _("Score"),
        _("Respondents"),
    ]
    rows = []
    for tool in queries.question_scores(round_, agency):
        for ind in tool.indicators:
            rows.append([tool.code, ind.number, ind.name, "", "", "", _num(ind.score), tool.respondents])
            for q in ind.questions:
                rows.append([tool.code, ind.number, ind.name, q.code, "", q.text, _num(q.score), tool.respondents])
                if q.has_sub_items:
                    for f in q.fields:
                        rows.append(
                            [tool.code, ind.number, ind.name, q.code, f.code, f.text, _num(f.score), tool.respondents]
                        )
    return [Sheet("scores", header, rows)]


def national_sheets(round_: AssessmentRound, tools, rows) -> list[Sheet]:
    header = [_("Agency code"), _("Agency"), _("Type"), _("Province")]
    for t in tools:
        header += [
            _("%(tool)s population") % {"tool": t.code},
            _("%(tool)s minimum") % {"tool": t.code},
            _("%(tool)s respondents") % {"tool": t.code},
            _("%(tool)s percent of minimum") % {"tool": t.code},
        ]
    out = []
    for r in rows:
        line = [r.agency.code, r.agency.name_th, r.agency.subkind or r.agency.kind, r.agency.province]
        for t in tools:
            cell = r.tools[t.code]
            line += [_num(cell["population"]), _num(cell["minimum"]), cell["responses"], _num(cell["percent"])]
        out.append(line)
    return [Sheet(f"progress {round_.fiscal_year}", header, out)]


def _num(value):
    return "" if value is None else value


def to_csv(sheet: Sheet) -> bytes:
    # cells through prongsai.web.exports: no cell can start a formula (BOM: Thai Excel opens UTF-8 correctly)
    return web_exports.csv_bytes(sheet.header, sheet.rows)


def to_xlsx(sheets: list[Sheet]) -> bytes:
    return web_exports.xlsx_bytes(
        [
            web_exports.Sheet(
                title=sheet.title,
                header=sheet.header,
                number_format="",
                rows=([float(v) if hasattr(v, "as_tuple") else v for v in row] for row in sheet.rows),
            )
            for sheet in sheets
        ]
    )


def file_response(sheets: list[Sheet], fmt: str, name: str) -> HttpResponse:
    if fmt == "csv":
        response = HttpResponse(to_csv(sheets[0]), content_type="text/csv; charset=utf-8")
    elif fmt == "xlsx":
        response = HttpResponse(
            to_xlsx(sheets), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    response["Cache-Control"] = "no-store"
    return response
