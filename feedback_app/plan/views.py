"""The plan pages: read by everyone in the area, changed by officers and administrators.

Every change goes through ``service.save_plan``: the whole plan is checked by the
plan parser, stored as a new version and audited; a refused change writes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import format_date, gettext
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response as HttpResponse

from analysis.rounding import round_half_away
from feedback_app import db
from feedback_app.models import LocalArea, utcnow
from feedback_app.plan import service, sheet
from feedback_app.plan.forms import (
    MAX_TEXT,
    BaselineForm,
    ImportForm,
    KpiForm,
    PlanDetailsForm,
    PlanStartForm,
    TargetForm,
    ValueForm,
    ValuesUploadForm,
    WaveBaselineForm,
)
from feedback_app.plan.lookups import (
    entered_kpi_or_404,
    plan_kpi_or_404,
    plan_or_404,
    removal_or_404,
)
from feedback_app.results.board.view_model import WaveFigure, kpi_wave_figures
from feedback_app.staff.auth import requires
from feedback_app.staff.roles import Permission, allows
from surveys.kpis import (
    AgreedBaseline,
    KpiBank,
    KpiDefinition,
    dump_plan_yaml,
    kpi_bank_from_data,
    parse_kpi_bank,
    plan_data,
)
from surveys.problems import QuestionnaireError

bp = Blueprint("plan", __name__, url_prefix="/staff")

Page = str | HttpResponse | tuple[str, int]


def _problems(error: QuestionnaireError) -> list[str]:
    return [
        (f"{gettext('Line %(n)s', n=p.line)}: " if p.line else "") + f"{p.where}: {p.message}"
        for p in error.problems
    ]


def _save(area: LocalArea, plan: KpiBank, summary: str) -> list[str]:
    """Save ``plan`` as a new version; the problems when it is refused (nothing saved)."""
    try:
        service.save_plan(db.session(), area, plan, user_id=g.staff_user.id, summary=summary)
    except QuestionnaireError as error:
        db.session().rollback()
        return _problems(error)
    return []


def _with_kpi(plan: KpiBank, kpi_id: str, **changes: Any) -> KpiBank:
    """``plan`` with one KPI's keys changed (None removes a key); parser-checked."""
    data = plan_data(plan)
    for item in data["kpis"]:
        if item["id"] == kpi_id:
            for key, value in changes.items():
                if value is None:
                    item.pop(key, None)
                else:
                    item[key] = value
    return kpi_bank_from_data(data, source=gettext("the plan"))


def _form_page(
    template: str, *, status: int = 200, problems: list[str] | None = None, **context: Any
) -> tuple[str, int]:
    return render_template(template, problems=problems or [], **context), status


@bp.get("/<area_slug>/plan")
@requires(Permission.VIEW_WORKSPACE)
def overview(area: LocalArea) -> str:
    session = db.session()
    plan = service.area_plan(session, area)
    return render_template(
        "staff/plan/overview.html",
        area=area,
        plan=plan,
        row=service.plan_row(session, area),
        start_form=PlanStartForm(),
        can_edit=_can_edit(),
    )


def _can_edit() -> bool:
    return allows(g.role, Permission.MANAGE_RESULTS)


@bp.post("/<area_slug>/plan/start")
@requires(Permission.MANAGE_RESULTS)
def start(area: LocalArea) -> Page:
    session = db.session()
    if service.plan_row(session, area) is not None:
        flash(gettext("This area already has a plan: change it, or import a plan file."))
        return redirect(url_for(".overview", area_slug=area.slug))
    form = PlanStartForm()
    if not form.validate_on_submit():
        if not form.errors:
            abort(400)
        return _form_page(
            "staff/plan/overview.html", status=400, area=area, plan=None, row=None,
            start_form=form, can_edit=True,
        )  # fmt: skip
    service.start_plan(
        session,
        area,
        template=form.template.data or None,
        user_id=g.staff_user.id,
        starts_on=form.starts_on.data,
    )
    flash(gettext("Plan started"))
    return redirect(url_for(".overview", area_slug=area.slug))


def _change_plan(
    area: LocalArea,
    form: FlaskForm,
    change: Callable[[], KpiBank],
    *,
    summary: Callable[[], str],
    done: str,
    then: Callable[[], str],
) -> HttpResponse | list[str]:
    """The steps every plan form shares. On a valid post: make the changed plan (the
    parser checks it whole), save it as a new version and go to ``then()``. Otherwise
    the problems to show with the form (none on a first view); a post that fills no
    field of the form at all is a 400."""
    if not form.validate_on_submit():
        if request.method == "POST" and not form.errors:
            abort(400)
        return []
    try:
        problems = _save(area, change(), summary())
    except QuestionnaireError as error:
        problems = _problems(error)
    if problems:
        return problems
    flash(done)
    return redirect(then())


def _edit_page(
    outcome: HttpResponse | list[str],
    form: FlaskForm,
    *,
    template: str = "staff/plan/form.html",
    **context: Any,
) -> Page:
    """The redirect after a saved change, or the form page (400 with its problems)."""
    if isinstance(outcome, HttpResponse):
        return outcome
    status = 400 if form.errors or outcome else 200
    return _form_page(template, status=status, problems=outcome, form=form, **context)


def _at_kpi(area: LocalArea, kpi: KpiDefinition | str) -> Callable[[], str]:
    kpi_id = kpi if isinstance(kpi, str) else kpi.id
    return lambda: url_for(".overview", area_slug=area.slug) + f"#kpi-{kpi_id}"


def _whole_plan_page(
    area: LocalArea,
    plan: KpiBank,
    form: FlaskForm,
    change: Callable[[dict[str, Any]], dict[str, Any]],
    *,
    summary: Callable[[], str],
    done: str,
    then: Callable[[], str],
    heading: str,
    button: str,
) -> Page:
    """A form that changes the plan as a whole rather than one KPI (its details, a
    new KPI): ``change`` makes the plan's new data from its data now; the other
    arguments are :func:`_change_plan`'s and the page's."""
    data = plan_data(plan)
    outcome = _change_plan(
        area, form,
        lambda: kpi_bank_from_data(change(data), source=gettext("the plan")),
        summary=summary, done=done, then=then,
    )  # fmt: skip
    return _edit_page(outcome, form, area=area, kpi=None, heading=heading, button=button)


@bp.route("/<area_slug>/plan/details", methods=["GET", "POST"])
@requires(Permission.MANAGE_RESULTS)
def details(area: LocalArea) -> Page:
    plan = plan_or_404(area)
    header = plan.plan
    form = PlanDetailsForm(
        data={
            "title": header.title if header else "",
            "starts_on": header.starts_on if header else None,
        }
    )
    return _whole_plan_page(
        area, plan, form,
        lambda data: {**data, "plan": form.header(data.get("plan", {}))},
        summary=lambda: "Title and start date changed",
        done=gettext("Plan details saved"),
        then=lambda: url_for(".overview", area_slug=area.slug),
        heading=gettext("Title and start date"), button=gettext("Save"),
    )  # fmt: skip


@bp.route("/<area_slug>/plan/kpis/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_RESULTS)
def new_kpi(area: LocalArea) -> Page:
    plan = plan_or_404(area)
    form = KpiForm()
    return _whole_plan_page(
        area, plan, form,
        lambda data: {**data, "kpis": [*data["kpis"], form.kpi()]},
        summary=lambda: f"KPI {form.kpi()['id']} added",
        done=gettext("KPI added"),
        then=_at_kpi(area, (form.kpi_id.data or "").strip()),
        heading=gettext("Add a KPI"), button=gettext("Add the KPI"),
    )  # fmt: skip


@bp.route("/<area_slug>/plan/kpis/<kpi_id>/baseline", methods=["GET", "POST"])
@requires(Permission.MANAGE_RESULTS)
def baseline(area: LocalArea, kpi_id: str) -> Page:
    plan, kpi = plan_kpi_or_404(area, kpi_id)
    form = _baseline_form(kpi)
    outcome = _change_plan(
        area, form,
        lambda: _with_kpi(
            plan, kpi.id, agreed_baseline=form.agreed_baseline(), recorded_baseline=None
        ),
        summary=lambda: f"Agreed baseline of {kpi.reference or kpi.id} set",
        done=gettext("Agreed baseline saved"),
        then=_at_kpi(area, kpi),
    )  # fmt: skip
    return _edit_page(
        outcome, form, template="staff/plan/baseline.html", area=area, kpi=kpi,
        heading=gettext("Agreed baseline"), button=gettext("Save the agreed baseline"),
        waves=_wave_figures(area, kpi), wave_form=WaveBaselineForm(),
    )  # fmt: skip


def _baseline_form(kpi: KpiDefinition) -> BaselineForm:
    agreed = kpi.agreed_baseline
    return BaselineForm(
        data={
            "value": f"{agreed.value:g}" if agreed else "",
            "base": str(agreed.base) if agreed and agreed.base else "",
            "date": agreed.date if agreed else None,
            "source": agreed.source or "" if agreed else "",
            "agreed_by": agreed.agreed_by or "" if agreed else "",
        }
    )


def _wave_figures(area: LocalArea, kpi: KpiDefinition) -> list[WaveFigure]:
    if kpi.kind != "survey":
        return []
    return kpi_wave_figures(db.session(), area, kpi.id, now=utcnow())


@bp.post("/<area_slug>/plan/kpis/<kpi_id>/baseline/wave")
@requires(Permission.MANAGE_RESULTS)
def baseline_from_wave(area: LocalArea, kpi_id: str) -> Page:
    """The agreed baseline from a closed wave's figure, chosen by a person (§3)."""
    plan, kpi = plan_kpi_or_404(area, kpi_id)
    form = WaveBaselineForm()
    figures = {str(f.wave_id): f for f in _wave_figures(area, kpi) if f.percent is not None}
    chosen = figures.get((form.wave.data or "").strip())
    agreed = kpi.agreed_baseline
    problems: list[str] = []
    if not form.validate_on_submit() or chosen is None:
        problems = [gettext("Choose one of the waves listed, with a figure")]
    else:
        value = _baseline_of_wave(chosen, agreed)
        try:
            problems = _save(
                area,
                _with_kpi(plan, kpi.id, agreed_baseline=value, recorded_baseline=None),
                f"Agreed baseline of {kpi.reference or kpi.id} taken from {chosen.label}",
            )
        except QuestionnaireError as error:
            problems = _problems(error)
        if not problems:
            flash(gettext("Agreed baseline taken from %(wave)s", wave=chosen.label))
            return redirect(_at_kpi(area, kpi)())
    return _form_page(
        "staff/plan/baseline.html", status=400, problems=problems, area=area, kpi=kpi,
        form=_baseline_form(kpi),
        heading=gettext("Agreed baseline"), button=gettext("Save the agreed baseline"),
        waves=_wave_figures(area, kpi), wave_form=form,
    )  # fmt: skip


def _baseline_of_wave(chosen: WaveFigure, agreed: AgreedBaseline | None) -> dict[str, Any]:
    """The agreed baseline a wave's figure makes: its percentage (rounded once, as
    shown), last day, the wave as source, its base, and who agreed the last one.
    Only a person does this: an older wave imported later never re-bases a KPI on
    its own (issue 13 §3)."""
    return {
        "value": round_half_away(chosen.percent or 0.0, 1),
        "date": chosen.last_day.isoformat(),
        "source": gettext("%(wave)s, closed %(date)s", wave=chosen.label,
                          date=format_date(chosen.last_day, "d MMMM yyyy")),
    } | ({"base": chosen.base} if chosen.base else {}) | (
        {"agreed_by": agreed.agreed_by} if agreed and agreed.agreed_by else {}
    )  # fmt: skip


@bp.route("/<area_slug>/plan/kpis/<kpi_id>/targets", methods=["GET", "POST"])
@requires(Permission.MANAGE_RESULTS)
def add_target(area: LocalArea, kpi_id: str) -> Page:
    plan, kpi = plan_kpi_or_404(area, kpi_id)
    form = TargetForm()
    targets = [t.model_dump(mode="json", exclude_unset=True) for t in kpi.targets]
    outcome = _change_plan(
        area, form,
        lambda: _with_kpi(plan, kpi.id, targets=[*targets, form.target()]),
        summary=lambda: f"Target added to {kpi.reference or kpi.id}",
        done=gettext("Target added"),
        then=_at_kpi(area, kpi),
    )  # fmt: skip
    return _edit_page(
        outcome, form, area=area, kpi=kpi,
        heading=gettext("Add a staged target"), button=gettext("Add the target"),
    )  # fmt: skip


@bp.post("/<area_slug>/plan/kpis/<kpi_id>/targets/<int:number>/remove")
@requires(Permission.MANAGE_RESULTS)
def remove_target(area: LocalArea, kpi_id: str, number: int) -> HttpResponse:
    plan, kpi = removal_or_404(area, kpi_id, number, lambda kpi: kpi.all_targets)
    kept = [t for i, t in enumerate(kpi.all_targets, start=1) if i != number]
    changed = _with_kpi(
        plan, kpi.id, target=None,
        targets=[t.model_dump(mode="json", exclude_unset=True) for t in kept],
    )  # fmt: skip
    if _save(area, changed, f"Target {number} of {kpi.reference or kpi.id} removed"):
        abort(400)
    flash(gettext("Target removed"))
    return redirect(url_for(".overview", area_slug=area.slug) + f"#kpi-{kpi.id}")


@bp.route("/<area_slug>/plan/kpis/<kpi_id>/values", methods=["GET", "POST"])
@requires(Permission.MANAGE_RESULTS)
def enter_value(area: LocalArea, kpi_id: str) -> Page:
    plan, kpi = entered_kpi_or_404(area, kpi_id)
    form = ValueForm()

    def with_value() -> KpiBank:
        # A period entered again replaces the earlier figure (the old one stays in
        # the plan's history).
        entered = form.entered()
        values = [
            v.model_dump(mode="json", exclude_unset=True)
            for v in kpi.values
            if v.period != entered["period"]
        ]
        return _with_kpi(plan, kpi.id, values=[*values, entered])

    outcome = _change_plan(
        area, form, with_value,
        summary=lambda: (
            f"Value for {form.period.data.strip()} of {kpi.reference or kpi.id} entered"
        ),
        done=gettext("Value saved"),
        then=lambda: url_for(".enter_value", area_slug=area.slug, kpi_id=kpi.id),
    )  # fmt: skip
    return _edit_page(
        outcome, form, template="staff/plan/values.html", area=area, kpi=kpi,
        upload_form=ValuesUploadForm(formdata=None),
    )  # fmt: skip


@bp.post("/<area_slug>/plan/kpis/<kpi_id>/values/upload")
@requires(Permission.MANAGE_RESULTS)
def upload_values(area: LocalArea, kpi_id: str) -> Page:
    """One entered KPI's values from a CSV: every bad row listed, nothing saved then."""
    plan, kpi = entered_kpi_or_404(area, kpi_id)
    upload_form = ValuesUploadForm()
    upload = upload_form.values_file.data
    name = str(getattr(upload, "filename", None) or "values.csv")
    outcome = _change_plan(
        area, upload_form,
        lambda: sheet.read_values_csv(
            upload.read(sheet.MAX_BYTES + 1), source=name, plan=plan, kpi_id=kpi.id
        ),
        summary=lambda: f"Values of {kpi.reference or kpi.id} uploaded from {name}",
        done=gettext("Values uploaded"),
        then=lambda: url_for(".enter_value", area_slug=area.slug, kpi_id=kpi.id),
    )  # fmt: skip
    if isinstance(outcome, HttpResponse):
        return outcome
    return _form_page(
        "staff/plan/values.html", status=400, problems=outcome, area=area, kpi=kpi,
        form=ValueForm(formdata=None), upload_form=upload_form,
    )  # fmt: skip


@bp.route("/<area_slug>/plan/import", methods=["GET", "POST"])
@requires(Permission.MANAGE_RESULTS)
def import_plan(area: LocalArea) -> Page:
    form = ImportForm()
    problems: list[str] = []
    if form.validate_on_submit():
        upload = form.plan_file.data
        name = str(getattr(upload, "filename", None) or "") if upload is not None else ""
        try:
            if name:
                plan = _uploaded_plan(area, name, upload.read(sheet.MAX_BYTES + 1))
            else:
                plan = _pasted_plan(form.text.data or "")
        except QuestionnaireError as error:
            problems = _problems(error)
        except ValueError as error:
            problems = [str(error)]
        else:
            problems = _save(area, plan, f"Plan imported from {name or 'pasted text'}"[:300])
            if not problems:
                flash(gettext("Plan imported"))
                return redirect(url_for(".overview", area_slug=area.slug))
    elif request.method == "POST" and not form.errors:
        abort(400)
    return _form_page(
        "staff/plan/import.html",
        status=400 if form.errors or problems else 200,
        problems=problems,
        area=area,
        form=form,
    )


def _uploaded_plan(area: LocalArea, name: str, raw: bytes) -> KpiBank:
    """The plan in an uploaded file: a spreadsheet by its name's ending, else YAML.
    ValueError or QuestionnaireError says what is wrong."""
    ending = name.rsplit(".", 1)[-1].casefold() if "." in name else ""
    if ending in ("xlsx", "csv"):
        read = sheet.read_plan_workbook if ending == "xlsx" else sheet.read_plan_csv
        return read(
            raw, source=name, current=service.area_plan(db.session(), area),
            fallback_title=f"{area.name} improvement plan",
        )  # fmt: skip
    if len(raw) > MAX_TEXT:
        raise ValueError(gettext("The file is larger than 100 KB; is it the right file?"))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValueError(gettext("The file is not UTF-8 text; save it as UTF-8.")) from None
    return _pasted_plan(text, source=name)


def _pasted_plan(text: str, *, source: str | None = None) -> KpiBank:
    if not text.strip():
        raise ValueError(gettext("Upload a plan file or paste the plan"))
    plan = parse_kpi_bank(text, source=source or gettext("the pasted plan"))
    if plan.plan is None:
        raise ValueError(gettext("The file has no plan: add a 'plan:' with its title at the top."))
    return plan


@bp.get("/<area_slug>/plan/plan.yaml")
@requires(Permission.VIEW_WORKSPACE)
def export_plan(area: LocalArea) -> HttpResponse:
    plan = plan_or_404(area)
    return _download(dump_plan_yaml(plan), "application/yaml", f"{area.slug}-plan.yaml")


@bp.get("/<area_slug>/plan/plan.xlsx")
@requires(Permission.VIEW_WORKSPACE)
def export_plan_xlsx(area: LocalArea) -> HttpResponse:
    plan = plan_or_404(area)
    return _download(sheet.plan_workbook(plan), XLSX, f"{area.slug}-plan.xlsx")


@bp.get("/<area_slug>/plan/plan.csv")
@requires(Permission.VIEW_WORKSPACE)
def export_plan_csv(area: LocalArea) -> HttpResponse:
    plan = plan_or_404(area)
    return _download(sheet.plan_csv(plan), "text/csv", f"{area.slug}-plan.csv")


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(body: str | bytes, mimetype: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.get("/<area_slug>/plan/history")
@requires(Permission.VIEW_WORKSPACE)
def history(area: LocalArea) -> Page:
    session = db.session()
    chosen = None
    on_text = request.args.get("on", "").strip()[:10]
    if on_text:
        try:
            day = dt.date.fromisoformat(on_text)
        except ValueError:
            abort(400)
        moment = dt.datetime.combine(day, dt.time.max, tzinfo=dt.UTC)
        chosen = service.plan_as_of(session, area, moment)
    versions = service.revisions(session, area)
    text = dump_plan_yaml(service.read_plan(chosen.document)) if chosen else None
    return render_template(
        "staff/plan/history.html",
        area=area,
        versions=versions,
        chosen=chosen,
        on=on_text,
        text=text,
    )
