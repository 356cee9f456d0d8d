"""Fixtures of the export tests: the `world` with something in every register of TQ-23 (and of
PT-23, which must never leak), a cleared recipient of a classified document, and helpers that
download a register and read the workbook back with openpyxl."""

import datetime as dt
import io
import itertools
from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import reverse

from dientap.accounts.models import Clearance
from dientap.conferences import services as cs
from dientap.core import testing as t
from dientap.documents import services as ds
from dientap.exercises import services as es
from dientap.exercises.models import Membership
from dientap.oversight import services as os_
from dientap.scenarios import services as ss

TZ = dt.timezone(dt.timedelta(hours=7))
HEADER_ROW = 3
INJECTION = '=HYPERLINK("http://evil.example/","bấm vào đây")'
_seq = itertools.count(1)


@pytest.fixture(autouse=True)
def _private_data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"


def fill(w, exercise, body, person, *, prefix, rnd):
    """One or more rows in every register of `exercise` (titles start with `prefix`)."""
    o = SimpleNamespace()
    post = person.posts.first()
    committee = es.committee_create(exercise, acting_user=None, kind="organizing",
                                    name=f"{prefix} Ban Tổ chức")
    es.committee_member_add(committee, acting_user=None, person=person, position="Trưởng ban",
                            post=post)
    o.conference = cs.conference_create(exercise, acting_user=None, body=body,
                                        title=f"{prefix} Hội nghị", chair_post=post)
    cs.agenda_item_create(o.conference, acting_user=None, content=f"{prefix} Khai mạc",
                          minutes=15, advisory_bodies=[body])
    seat = cs.composition_entry_create(o.conference, acting_user=None, title=f"{prefix} Chủ tịch",
                                       post=post, body=body)
    seat2 = cs.composition_entry_create(o.conference, acting_user=None,
                                        title=f"{prefix} Phó Chủ tịch", body=body)
    o.holding = cs.holding_create(o.conference, acting_user=None, round=rnd,
                                  starts_at=dt.datetime(2023, 9, 19, 8, 30, tzinfo=TZ),
                                  ends_at=dt.datetime(2023, 9, 19, 10, 0, tzinfo=TZ))
    cs.attendance_set(o.holding, seat, acting_user=None, status="late", late_minutes=12)
    cs.attendance_set(o.holding, seat2, acting_user=None, status="represented",
                      substitute_name="Lê Văn Thay", substitute_post="Chánh Văn phòng")
    o.document = ds.document_create(exercise, acting_user=None, title=f"{prefix} Kế hoạch",
                                    doc_type="plan", owner_body=body,
                                    due_date=dt.date(2023, 9, 1), conferences=[o.conference])
    o.situation = ss.situation_create(exercise, acting_user=None, code=f"{prefix}-01",
                                      title=f"{prefix} Tình huống", content="Nội dung",
                                      scenario_minutes=-60, receiving_bodies=[body],
                                      deadline_minutes=30)
    os_.observation_create(exercise, acting_user=None, kind="shortcoming",
                           text=f"{prefix} Thiếu bản đồ", holding=o.holding,
                           observed_at=dt.datetime(2023, 9, 19, 9, 0, tzinfo=TZ))
    os_.action_create(exercise, acting_user=None, owner_body=body, title=f"{prefix} Bổ sung",
                      due_date=dt.date(2023, 9, 30), round=rnd, blocking=True)
    os_.checklist_item_create(exercise, acting_user=None, category="rooms",
                              title=f"{prefix} Hội trường", owner_body=body,
                              due_date=dt.date(2023, 9, 10))
    os_.budget_line_create(exercise, acting_user=None, title=f"{prefix} In ấn", owner_body=body,
                           planned=12_500_000, actual=10_000_000)
    return o


@pytest.fixture
def xw(world):
    """`world` with every register filled in TQ-23 ("TQ …") and PT-23 ("PT …")."""
    w = world
    w.round = es.round_create(w.tq23, acting_user=None, kind="rehearsal", number=1,
                              start_date=dt.date(2023, 9, 19), end_date=dt.date(2023, 9, 19))
    w.pt_round = es.round_create(w.pt23, acting_user=None, kind="rehearsal", number=1,
                                 start_date=dt.date(2023, 9, 19), end_date=dt.date(2023, 9, 19))
    w.tq = fill(w, w.tq23, w.ubnd_tq, w.son, prefix="TQ", rnd=w.round)
    w.pt = fill(w, w.pt23, w.ubnd_pt, w.pt_person, prefix="PT", rnd=w.pt_round)
    w.classified = ds.document_create(
        w.tq23, acting_user=None, title="TQ Quyết định MẬT về phương án A2",
        doc_type="decision", owner_body=w.ubnd_tq, classification=Clearance.CONFIDENTIAL,
        recipients=[w.ubnd_tq])
    w.injected = ds.document_create(w.tq23, acting_user=None, title=INJECTION,
                                    doc_type="report", owner_body=w.tinh_uy)
    w.cleared = t.user("cleared", body=w.ubnd_tq, clearance=Clearance.SECRET)
    w.director = t.user("director", body=w.bchqs, clearance=Clearance.TOP_SECRET)
    t.grant(w.tq23, w.director, Membership.Role.DIRECTOR)
    return w


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def export_url(exercise, register, **query) -> str:
    from urllib.parse import urlencode

    url = reverse("exports:register", args=[exercise.pk, register])
    return f"{url}?{urlencode(query)}" if query else url


def download(user, exercise, register, **query):
    return client_for(user).get(export_url(exercise, register, **query))


def read(response):
    """(worksheet, headers, data rows as lists of cells) of an exported workbook."""
    from openpyxl import load_workbook

    assert response.status_code == 200, response.status_code
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = list(ws.iter_rows(min_row=HEADER_ROW))
    headers = [c.value for c in rows[0]]
    return ws, headers, [list(r) for r in rows[1:]]


def values(rows) -> list[list]:
    return [[c.value for c in r] for r in rows]


def text_of(rows) -> str:
    return "\n".join(" | ".join("" if v is None else str(v) for v in r) for r in values(rows))


def add_rows(w, register: str, n: int) -> None:
    """`n` more rows (or groups of rows) in one register of TQ-23, for the query-count tests."""
    ex, body = w.tq23, w.ubnd_tq
    for _ in range(n):
        i = next(_seq)
        if register == "frame":
            p = t.person(f"Người {i}", (body, f"Phó Giám đốc {i}"))
            es.frame_participant_add(ex, acting_user=None, body=body, person=p,
                                     post=p.posts.first(), role="member")
        elif register == "committees":
            c = es.committee_create(ex, acting_user=None, kind="working_group", name=f"Tổ {i}")
            p = t.person(f"Thành viên {i}", (body, f"Chuyên viên {i}"))
            es.committee_member_add(c, acting_user=None, person=p, position="Tổ viên",
                                    post=p.posts.first())
        elif register in ("conferences", "attendance"):
            p = t.person(f"Chủ trì {i}", (body, f"Phó Chủ tịch {i}"))
            c = cs.conference_create(ex, acting_user=None, body=body, title=f"Hội nghị {i}",
                                     chair_post=p.posts.first(),
                                     secretary_post=w.son.posts.first())
            item = cs.agenda_item_create(c, acting_user=None, content=f"Mục {i}",
                                         presenter_post=p.posts.first(),
                                         advisory_bodies=[body, w.tinh_uy])
            assert item.pk
            seat = cs.composition_entry_create(c, acting_user=None, title=f"Ghế {i}",
                                               post=p.posts.first(), body=body)
            h = cs.holding_create(c, acting_user=None, round=w.round,
                                  starts_at=dt.datetime(2023, 9, 19, 13, 0, tzinfo=TZ),
                                  ends_at=dt.datetime(2023, 9, 19, 15, 0, tzinfo=TZ))
            cs.attendance_set(h, seat, acting_user=None, status="present")
        elif register == "documents":
            p = t.person(f"Soạn thảo {i}", (body, f"Chuyên viên {i}"))
            ds.document_create(ex, acting_user=None, title=f"Báo cáo {i}", doc_type="report",
                               owner_body=body, drafter=p, conferences=[w.tq.conference])
        elif register == "situations":
            ss.situation_create(ex, acting_user=None, code=f"X-{i}", title=f"Tình huống {i}",
                                content="…", scenario_minutes=i, receiving_bodies=[body],
                                depends_on=w.tq.situation)
        elif register == "observations":
            os_.observation_create(ex, acting_user=None, kind="strength", text=f"Tốt {i}",
                                   holding=w.tq.holding, observed_at=dt.datetime(
                                       2023, 9, 19, 9, 5, tzinfo=TZ))
            os_.observation_create(ex, acting_user=None, kind="proposal", text=f"Đề xuất {i}",
                                   body=w.tinh_uy, observed_at=dt.datetime(
                                       2023, 9, 19, 9, 6, tzinfo=TZ))
        elif register == "actions":
            os_.action_create(ex, acting_user=None, owner_body=body, title=f"Sửa {i}",
                              due_date=dt.date(2023, 10, 1), round=w.round)
        elif register == "checklists":
            os_.checklist_item_create(ex, acting_user=None, category="maps",
                                      title=f"Sa bàn {i}", owner_body=body,
                                      due_date=dt.date(2023, 9, 10), round=w.round)
        elif register == "budget":
            os_.budget_line_create(ex, acting_user=None, title=f"Khoản {i}", owner_body=body,
                                   planned=1_000_000 * i, actual=0)
        else:
            raise ValueError(register)
