"""Pages of reuse: the template library, import (from a template or a file) with a preview of
the body mapping, export and duplicate. Every change goes through ``reuse.services``."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dientap.core.scoping import VIEW
from dientap.exercises.views import get_exercise
from dientap.organizations.models import Body

from . import library, services
from .exporting import dumps, exercise_export
from .forms import ExportForm, ImportFileForm, NewExerciseForm

STASH = "reuse_import_file"


def _may_create(user) -> bool:
    return user.has_perm("exercises.add_exercise")


def _require_create(user) -> None:
    if not _may_create(user):
        raise PermissionDenied(_("You may not create exercises."))


@login_required
def library_page(request):
    return render(request, "reuse/library.html", {
        "templates": library.templates(),
        "can_create": _may_create(request.user),
    })


@login_required
def import_page(request, slug=None):
    """Step 1: what to create (code name, area, start date; the file); step 2: the preview
    with the body mapping; step 3 (confirm): the import itself."""
    _require_create(request.user)
    template = None
    if slug is not None:
        template = library.get(slug)
        if template is None:
            raise Http404
    if request.method == "POST" and "confirm" in request.POST:
        return _confirm(request, template)
    form_class = NewExerciseForm if template else ImportFileForm
    if request.method == "POST":
        form = form_class(request.POST, request.FILES, user=request.user)
        if form.is_valid():
            data = template.data() if template else _read_upload(request, form)
            if data is not None:
                return _preview(request, template, form.cleaned_data, data)
    else:
        form = form_class(user=request.user)
    return render(request, "reuse/import.html", {"form": form, "template": template})


def _read_upload(request, form):
    upload = form.cleaned_data["file"]
    if upload.size > services.MAX_FILE_BYTES:
        form.add_error("file", _("The file is too large (at most {size} MB).").format(
            size=services.MAX_FILE_BYTES // (1024 * 1024)))
        return None
    raw = upload.read(services.MAX_FILE_BYTES + 1)
    try:
        data = services.parse(raw)
    except ValidationError as exc:
        for message in exc.messages:
            form.add_error("file", message)
        return None
    request.session[STASH] = raw.decode("utf-8-sig")
    return data


def _stashed(request):
    text = request.session.get(STASH)
    if not text:
        return None
    try:
        return services.parse(text)
    except ValidationError:
        return None


def _mapping_from(request, data) -> dict:
    keys = [row.get("key") for row in data.get("bodies") or [] if isinstance(row, dict)]
    return {key: request.POST.get(f"map-{key}", "") for key in keys if key}


def _preview(request, template, cleaned, data, *, mapping=None, problems=()):
    area = cleaned["area"]
    the_plan = services.plan(data, area=area, mapping=mapping)
    structure_problems = services.check(data)
    choices = list(services.candidate_bodies(area).restrict(request.user, VIEW)
                   .order_by("sort_order", "name")) if not structure_problems else []
    by_key = {row["key"]: row for row in the_plan.rows}
    rows = []
    for row in data.get("bodies") or []:
        planned = by_key.get(row.get("key")) if isinstance(row, dict) else None
        if planned is None:
            continue
        chosen = planned["chosen"]
        rows.append({**planned, "selected": chosen if chosen == services.NEW else (
            chosen.pk if isinstance(chosen, Body) else "")})
    counts = {}
    if not structure_problems:
        counts = {"phases": len(data["structure"]), "conferences": len(data["conferences"]),
                  "documents": len(data["documents"]), "situations": len(data["situations"]),
                  "agenda": sum(len(c.get("agenda", [])) for c in data["conferences"]),
                  "results": "results" in data}
    return render(request, "reuse/preview.html", {
        "template": template, "cleaned": cleaned, "rows": rows, "choices": choices,
        "can_add_body": request.user.has_perm("organizations.add_body"),
        "structure_problems": structure_problems, "problems": list(problems),
        "unmatched": sum(1 for r in rows if r["match"] is None),
        "counts": counts, "exercise_info": data.get("exercise") or {},
        "omitted": data.get("omitted") or {},
    }, status=400 if problems or structure_problems else 200)


def _confirm(request, template):
    form = NewExerciseForm(request.POST, user=request.user)
    data = template.data() if template else _stashed(request)
    if data is None:
        messages.error(request, _("The uploaded file is no longer available: upload it again."))
        return redirect("reuse:import_file")
    if not form.is_valid():
        return render(request, "reuse/import.html", {"form": form, "template": template},
                      status=400)
    cleaned = form.cleaned_data
    mapping = _mapping_from(request, data)
    try:
        result = services.exercise_import(
            data, request.user, code_name=cleaned["code_name"],
            start_date=cleaned["start_date"], area=cleaned["area"], mapping=mapping,
            name=cleaned.get("name") or None)
    except ValidationError as exc:
        return _preview(request, template, cleaned, data, mapping=mapping,
                        problems=exc.messages)
    request.session.pop(STASH, None)
    messages.success(request, _("Exercise {code} created.").format(
        code=result.exercise.code_name))
    if result.warnings:
        messages.warning(request, _("{count} references were left empty (posts or people "
                                    "not found in the area): complete them in the exercise.")
                         .format(count=len(result.warnings)))
    return redirect(result.exercise.get_absolute_url())


@login_required
def export_page(request, pk):
    exercise = get_exercise(request.user, pk)
    form = ExportForm(request.GET or None)
    if "download" in request.GET and form.is_valid():
        data = exercise_export(exercise, request.user, people=form.cleaned_data["people"],
                               results=form.cleaned_data["results"])
        response = HttpResponse(dumps(data), content_type="application/json; charset=utf-8")
        name = slugify(exercise.code_name) or "exercise"
        response["Content-Disposition"] = f'attachment; filename="{name}.json"'
        return response
    return render(request, "reuse/export.html", {
        "exercise": exercise, "form": form if request.GET else ExportForm(),
        "can_create": _may_create(request.user),
    })


@login_required
@require_POST
def duplicate(request, pk):
    exercise = get_exercise(request.user, pk)
    _require_create(request.user)
    try:
        result = services.exercise_duplicate(exercise, request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(exercise.get_absolute_url())
    messages.success(request, _("Copy {code} created (without results).").format(
        code=result.exercise.code_name))
    return redirect(result.exercise.get_absolute_url())
