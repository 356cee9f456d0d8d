"""Fixtures of the oversight tests: the `world` with rounds, a held conference, criteria, a
cleared organizer and a classified document (files in a private data dir)."""

import datetime as dt
from types import SimpleNamespace

import pytest

from dientap.accounts.models import Clearance
from dientap.conferences import services as cs
from dientap.conferences.models import CompositionEntry
from dientap.core import testing as t
from dientap.documents import services as ds
from dientap.exercises import services as es
from dientap.exercises.models import Membership
from dientap.oversight import services

TZ = dt.timezone(dt.timedelta(hours=7))


@pytest.fixture(autouse=True)
def _private_data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"


@pytest.fixture
def ov(world):
    w = world
    r1 = es.round_create(w.tq23, acting_user=None, kind="rehearsal", number=1,
                         start_date=dt.date(2023, 9, 19), end_date=dt.date(2023, 9, 19))
    r2 = es.round_create(w.tq23, acting_user=None, kind="rehearsal", number=2,
                         start_date=dt.date(2023, 10, 3), end_date=dt.date(2023, 10, 3))
    pt_round = es.round_create(w.pt23, acting_user=None, kind="rehearsal", number=1,
                               start_date=dt.date(2023, 9, 19), end_date=dt.date(2023, 9, 19))
    chair = w.lam.posts.get(title="Bí thư Tỉnh ủy")
    conference = cs.conference_create(w.tq23, acting_user=None, body=w.tinh_uy,
                                      title="Hội nghị Ban Chấp hành Đảng bộ tỉnh",
                                      chair_post=chair)
    items = [cs.agenda_item_create(conference, acting_user=None, content=c, minutes=10)
             for c in ("Khai mạc", "Thông qua dự thảo nghị quyết")]
    seats = [
        cs.composition_entry_create(conference, acting_user=None, title="Bí thư Tỉnh ủy",
                                    post=chair, body=w.tinh_uy),
        cs.composition_entry_create(conference, acting_user=None, title="Chủ tịch UBND tỉnh",
                                    post=w.son.posts.first(), body=w.ubnd_tq),
        cs.composition_entry_create(conference, acting_user=None, title="Đại diện Quân khu",
                                    body=w.btl_qk2, kind=CompositionEntry.Kind.INVITED),
    ]
    holding = cs.holding_create(conference, acting_user=None, round=r1,
                                starts_at=dt.datetime(2023, 9, 19, 8, 30, tzinfo=TZ),
                                ends_at=dt.datetime(2023, 9, 19, 10, 0, tzinfo=TZ))
    holding2 = cs.holding_create(conference, acting_user=None, round=r2,
                                 starts_at=dt.datetime(2023, 10, 3, 8, 30, tzinfo=TZ),
                                 ends_at=dt.datetime(2023, 10, 3, 10, 0, tzinfo=TZ))
    pt_conf = cs.conference_create(w.pt23, acting_user=None, body=w.ubnd_pt,
                                   title="Phiên họp UBND tỉnh Phú Thọ")
    pt_holding = cs.holding_create(pt_conf, acting_user=None, round=pt_round,
                                   starts_at=dt.datetime(2023, 9, 19, 8, 30, tzinfo=TZ),
                                   ends_at=dt.datetime(2023, 9, 19, 10, 0, tzinfo=TZ))
    pt_organizer = t.user("pt_org", body=w.ubnd_pt)
    t.grant(w.pt23, pt_organizer, Membership.Role.ORGANIZER)
    cleared = t.user("cleared_org", body=w.bchqs, clearance=Clearance.SECRET)
    t.grant(w.tq23, cleared, Membership.Role.ORGANIZER)
    tinh_uy_user = t.user("tinhuy", body=w.tinh_uy)
    open_doc = ds.document_create(w.tq23, acting_user=None, title="Kế hoạch bảo đảm hậu cần",
                                  doc_type="plan", owner_body=w.ubnd_tq)
    open_v1 = ds.version_write(open_doc, acting_user=None, text="Kế hoạch …")
    secret_doc = ds.document_create(w.tq23, acting_user=None, doc_type="resolution",
                                    title="Nghị quyết MẬT về phương án phòng thủ XK-7",
                                    owner_body=w.tinh_uy, classification=Clearance.CONFIDENTIAL,
                                    recipients=[w.tinh_uy])
    secret_v1 = ds.version_write(secret_doc, acting_user=None, text="Nội dung mật")
    criteria = services.criteria_seed_defaults(w.tq23, acting_user=None)
    pt_criteria = services.criteria_seed_defaults(w.pt23, acting_user=None)
    return SimpleNamespace(**{**vars(w), **locals()})


def action(ov, **fields):
    """A corrective action of TQ-23 raised by the organizer (defaults filled in)."""
    data = {"owner_body": ov.ubnd_tq, "title": "Bổ sung phương án sơ tán",
            "due_date": dt.date(2099, 1, 1), "round": ov.r1}
    data.update(fields)
    return services.action_create(ov.tq23, acting_user=ov.organizer, **data)
