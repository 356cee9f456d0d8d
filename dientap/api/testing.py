"""Test helpers of the API: clients authenticated by token or session, and a world with one
object of every kind in both exercises (built through the services)."""

import datetime as dt
from types import SimpleNamespace

from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from dientap.accounts.models import Clearance
from dientap.api import services as api_services
from dientap.core import testing as t
from dientap.core.models import AuditEntry
from dientap.exercises.models import Membership

TZ = dt.timezone(dt.timedelta(hours=7))


def token_client(user) -> APIClient:
    """A client that authenticates as `user` with a fresh API token (anonymous for None)."""
    client = APIClient()
    if user is not None:
        _token, key = api_services.token_create(user, acting_user=None, name="test")
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code, response.content[:300])
    return len(ctx.captured_queries)


def audit_count() -> int:
    return AuditEntry.objects.count()


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content[:300]
    return {row["id"] for row in response.json()["results"]}


def _exercise_objects(w, exercise, body, person, *, prefix):
    """One object of every kind under `exercise` (owned by `body`)."""
    from dientap.conferences import services as cs
    from dientap.documents import services as ds
    from dientap.exercises import services as es

    post = person.posts.first()
    o = SimpleNamespace(exercise=exercise)
    start = dt.datetime.combine(exercise.start_date, dt.time(8), tzinfo=TZ)
    o.round = es.round_create(exercise, acting_user=None, kind="rehearsal", number=1,
                              start_date=exercise.start_date, end_date=exercise.start_date)
    o.committee = es.committee_create(exercise, acting_user=None, kind="organizing",
                                      name=f"Ban Tổ chức {prefix}")
    o.committee_member = es.committee_member_add(o.committee, acting_user=None, person=person,
                                                 position="Trưởng ban", post=post)
    o.frame_participant = exercise.frame.first()
    o.membership = exercise.memberships.order_by("id").first()
    o.phase = es.phase_create(exercise, acting_user=None, title=f"Giai đoạn 1 {prefix}")
    o.issue = es.training_issue_create(o.phase, acting_user=None, title="Vấn đề 1")
    o.item = es.content_item_create(o.issue, acting_user=None, title="Nội dung 1")
    o.conference = cs.conference_create(exercise, acting_user=None, body=body,
                                        title=f"Hội nghị {prefix}", chair_post=post,
                                        content_item=o.item)
    o.agenda_items = [cs.agenda_item_create(o.conference, acting_user=None, content=c)
                      for c in ("Khai mạc", "Thảo luận", "Bế mạc")]
    o.agenda_item = o.agenda_items[0]
    o.seat = cs.composition_entry_create(o.conference, acting_user=None, title="Chủ tịch",
                                         post=post, body=body)
    o.seat2 = cs.composition_entry_create(o.conference, acting_user=None, title="Phó Chủ tịch",
                                          body=body)
    o.holding = cs.holding_create(o.conference, acting_user=None, round=o.round,
                                  starts_at=start, ends_at=start + dt.timedelta(hours=2))
    o.attendance = cs.attendance_set(o.holding, o.seat, acting_user=None, status="present")
    # A second round with a holding in progress (its first item running), a third one free.
    o.round2 = es.round_create(exercise, acting_user=None, kind="rehearsal", number=2,
                               start_date=exercise.start_date, end_date=exercise.start_date)
    o.round3 = es.round_create(exercise, acting_user=None, kind="rehearsal", number=3,
                               start_date=exercise.start_date, end_date=exercise.start_date)
    o.running = cs.holding_create(o.conference, acting_user=None, round=o.round2,
                                  starts_at=start + dt.timedelta(hours=3),
                                  ends_at=start + dt.timedelta(hours=5))
    cs.holding_start(o.running, acting_user=None)
    cs.agenda_item_start(o.running, o.agenda_item, acting_user=None)
    o.progress = cs.agenda_item_note(o.holding, o.agenda_item, acting_user=None,
                                     decision="Thống nhất")
    o.document = ds.document_create(exercise, acting_user=None, title=f"Kế hoạch {prefix}",
                                    doc_type="plan", owner_body=body,
                                    conferences=[o.conference])
    o.doc_version = ds.version_write(o.document, acting_user=None,
                                     text="Điều 1. Nội dung kế hoạch.")
    o.comment = ds.comment_add(o.document, acting_user=None, text="Bổ sung căn cứ.")
    o.classified = ds.document_create(exercise, acting_user=None, title=f"Mật {prefix}",
                                      doc_type="decision", owner_body=body, classification=1)
    o.classified_version = ds.version_write(o.classified, acting_user=None,
                                            text="Nội dung mật.")
    o.classified_comment = ds.comment_add(o.classified, acting_user=None, text="Ý kiến mật.")
    o.access = ds.access_record(o.classified, acting_user=None, action="view", what="test")
    for hook in _app_object_hooks():
        hook(o, w, exercise=exercise, body=body, person=person, prefix=prefix)
    return o


def _app_object_hooks():
    """The `objects` hooks of the apps' access modules (`dientap/<app>/tests/access.py`)."""
    from dientap.api.tests.matrix import app_access_modules

    return [m.objects for m in app_access_modules() if hasattr(m, "objects")]


def api_world(w):
    """`world` plus a director, cleared users, a superuser and every kind of object in TQ-23
    (`w.own`) and PT-23 (`w.other`)."""
    w.director = t.user("director", body=w.bchqs, clearance=Clearance.TOP_SECRET)
    t.grant(w.tq23, w.director, Membership.Role.DIRECTOR)
    w.frame_cleared = t.user("frame_cleared", body=w.ubnd_tq, clearance=Clearance.SECRET)
    w.other_body_user = t.user("tinhuy", body=w.tinh_uy, clearance=Clearance.SECRET)
    w.admin = t.user("root", is_superuser=True, is_staff=True)
    w.pt_organizer = t.user("pt_organizer", body=w.ubnd_pt)
    t.grant(w.pt23, w.pt_organizer, Membership.Role.ORGANIZER)
    w.own = _exercise_objects(w, w.tq23, w.ubnd_tq, w.son, prefix="TQ")
    w.other = _exercise_objects(w, w.pt23, w.ubnd_pt, w.pt_person, prefix="PT")
    return w
