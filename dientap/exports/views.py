"""One URL per register under each exercise: /exercises/<pk>/export/<register>.xlsx."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.utils import timezone, translation
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from dientap.core.text import fold
from dientap.exercises.views import get_exercise

from . import registers, xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def file_name(exercise, register) -> str:
    code = "-".join(fold(exercise.code_name).upper().split()) or f"dt-{exercise.pk}"
    code = "".join(ch for ch in code if ch.isalnum() or ch in "-_") or f"dt-{exercise.pk}"
    return f"{code}-{register.slug}.xlsx"


def render_register(request, exercise, register) -> bytes:
    """The workbook of one register as this user may see it (Vietnamese throughout)."""
    with translation.override("vi"):
        sheet = register.build(request, exercise)
        title = f"{exercise.code_name} – {register.vi}"
        mark = registers.secrecy_mark(sheet.classification)
        if mark:
            title = f"{mark} · {title}"
        now = timezone.localtime(timezone.now(), xlsx.LOCAL_TZ)
        subtitle = "; ".join([exercise.name, f"xuất ngày {now:%d/%m/%Y %H:%M}",
                              *sheet.filters])
        return xlsx.workbook(title, sheet.columns, sheet.rows, subtitle=subtitle,
                             sheet=register.vi)


@require_safe
@login_required
def register_export(request, pk, register):
    spec = registers.REGISTERS.get(register)
    if spec is None:
        raise Http404
    exercise = get_exercise(request.user, pk)
    data = render_register(request, exercise, spec)
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, file_name(exercise, spec))
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store, private"
    return response
