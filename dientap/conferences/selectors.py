"""Reads of conferences, holdings, agendas, composition and attendance (scoped)."""

from django.db.models import Prefetch, Q
from django.utils import timezone

from dientap.core.scoping import VIEW
from dientap.exercises.selectors import can_change

from .models import AgendaItem, AgendaProgress, Attendance, CompositionEntry, Conference, Holding


def can_operate(user, holding: Holding) -> bool:
    """The chair and secretary run the holding; so do Organizing Committee staff/directors."""
    conference = holding.conference
    if user.person_id and user.person_id in {
        getattr(conference.chair_post, "person_id", None),
        getattr(conference.secretary_post, "person_id", None),
    }:
        return Holding.objects.restrict(user, VIEW, exercise=conference.exercise_id).filter(
            pk=holding.pk).exists()
    return can_change(user, conference.exercise)


def agenda(conference: Conference):
    return (conference.agenda.select_related("presenter_post", "presenter_post__person")
            .prefetch_related("advisory_bodies"))


def composition(conference: Conference):
    return conference.composition.select_related("body", "post", "post__person")


def _iso(value):
    return value.isoformat() if value else None


def runsheet_state(holding: Holding) -> dict:
    """Everything a run sheet shows, as JSON: the page and the live events render from it."""
    progress = {p.item_id: p for p in AgendaProgress.objects.filter(holding=holding)}
    items = []
    for item in agenda(holding.conference):
        p = progress.get(item.pk)
        status = "pending"
        if p and p.finished_at:
            status = "done"
        elif p and p.started_at:
            status = "running"
        items.append({
            "id": item.pk,
            "position": item.position,
            "content": item.content,
            "method": item.method,
            "presenter": item.presenter,
            "advisory": [str(b) for b in item.advisory_bodies.all()],
            "minutes": item.minutes,
            "documents": item.documents,
            "expected_output": item.expected_output,
            "status": status,
            "started_at": _iso(p.started_at) if p else None,
            "finished_at": _iso(p.finished_at) if p else None,
            "decision": p.decision if p else "",
            "version": p.version if p else 0,
        })
    return {
        "holding": holding.pk,
        "state": holding.state,
        "started_at": _iso(holding.started_at),
        "finished_at": _iso(holding.finished_at),
        "version": holding.version,
        "items": items,
    }


def attendance_rows(holding: Holding) -> list[dict]:
    """Every seat of the composition with its attendance in this holding (or None)."""
    return attendance_rows_of([holding])[holding.pk]


def attendance_rows_of(holdings) -> dict[int, list[dict]]:
    """`attendance_rows` of several holdings at once (two queries, whatever their number)."""
    holdings = list(holdings)
    seats = {}
    for entry in (CompositionEntry.objects
                  .filter(conference_id__in={h.conference_id for h in holdings})
                  .select_related("body", "post", "post__person")):
        seats.setdefault(entry.conference_id, []).append(entry)
    records = {(a.holding_id, a.entry_id): a
               for a in Attendance.objects.filter(holding__in=holdings)}
    return {h.pk: [{"entry": entry, "record": records.get((h.pk, entry.pk))}
                   for entry in seats.get(h.conference_id, [])] for h in holdings}


def gap_report(holding: Holding) -> dict:
    """Before: required seats with nobody assigned. After: required seats absent/substituted."""
    return _gaps(holding, attendance_rows(holding))


def gap_reports(holdings) -> list[dict]:
    """`gap_report` of each holding, computed for all of them at once."""
    holdings = list(holdings)
    rows = attendance_rows_of(holdings)
    return [_gaps(h, rows[h.pk]) for h in holdings]


def _gaps(holding: Holding, rows: list[dict]) -> dict:
    required = [r for r in rows if r["entry"].kind == CompositionEntry.Kind.REQUIRED]
    unassigned = [r["entry"] for r in required if not r["entry"].post_id]
    absent = [r for r in required if r["record"] and r["record"].status == "absent"]
    substituted = [r for r in required if r["record"] and r["record"].status == "represented"]
    late = [r for r in required if r["record"] and r["record"].status == "late"]
    unrecorded = [r["entry"] for r in required if not r["record"]]
    present = [r for r in required if r["record"] and r["record"].status in ("present", "late")]
    return {
        "holding": holding,
        "required_count": len(required),
        "unassigned": unassigned,
        "absent": absent,
        "substituted": substituted,
        "late": late,
        "unrecorded": unrecorded if holding.state != Holding.State.SCHEDULED or any(
            r["record"] for r in rows) else [],
        "present_count": len(present),
        "recorded": any(r["record"] for r in required),
        "complete": not (unassigned or absent or substituted),
    }


def round_gap_report(user, rnd) -> list[dict]:
    holdings = (Holding.objects.restrict(user, VIEW, exercise=rnd.exercise_id).filter(round=rnd)
                .select_related("conference", "conference__body", "round")
                .order_by("starts_at"))
    return gap_reports(holdings)


def holding_warnings(holding: Holding) -> list[str]:
    """Flags (not blocks): a start in the past, overlaps of the same body or the same room."""
    from django.utils.translation import gettext as _

    warnings = []
    if holding.state == Holding.State.SCHEDULED and holding.starts_at < timezone.now():
        warnings.append(_("The scheduled start is in the past."))
    overlapping = (Holding.objects.filter(starts_at__lt=holding.ends_at,
                                          ends_at__gt=holding.starts_at)
                   .exclude(pk=holding.pk).select_related("conference", "conference__body"))
    same_body = overlapping.filter(conference__body_id=holding.conference.body_id)
    for other in same_body:
        warnings.append(_("Overlaps “{other}” of the same body.").format(other=other))
    place = holding.place
    if place:
        for other in overlapping.exclude(pk__in=same_body.values("pk")).filter(
            Q(location=place) | Q(location="", conference__location=place)
        ):
            warnings.append(_("Overlaps “{other}” in the same place ({place}).").format(
                other=other, place=place))
    return warnings


def holdings_for_conference(conference: Conference):
    return conference.holdings.select_related("round").order_by("starts_at")


def conference_with_details_qs():
    return (Conference.objects
            .select_related("exercise", "body", "chair_post", "chair_post__person",
                            "secretary_post", "secretary_post__person", "content_item")
            .prefetch_related(Prefetch("agenda", queryset=AgendaItem.objects.select_related(
                "presenter_post", "presenter_post__person").prefetch_related("advisory_bodies"))))
