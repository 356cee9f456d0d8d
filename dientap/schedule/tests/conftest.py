import datetime as dt
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from dientap.conferences import services as conf_services
from dientap.exercises import services as ex_services
from dientap.exercises.models import Round

TZ = ZoneInfo("Asia/Ho_Chi_Minh")

# Long, with the characters RFC 5545 escapes, and Vietnamese throughout (folding must not split
# a multi-byte character, escaping must round-trip).
LONG_TITLE = ("Hội nghị Ban Chấp hành Đảng bộ tỉnh lãnh đạo chuyển địa phương từ thời bình sang "
              "thời chiến; thông qua nghị quyết, kế hoạch \\ phương án")


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)


@pytest.fixture
def cal(world):
    """TQ-23 with two rounds and three conferences; PT-23 with one holding the same week."""
    w = world
    r1 = ex_services.round_create(w.tq23, acting_user=None, kind=Round.Kind.REHEARSAL, number=1,
                                  start_date=dt.date(2023, 9, 19), end_date=dt.date(2023, 9, 20))
    r2 = ex_services.round_create(w.tq23, acting_user=None, kind=Round.Kind.FINAL, number=1,
                                  start_date=dt.date(2023, 10, 3), end_date=dt.date(2023, 10, 3))
    party = conf_services.conference_create(
        w.tq23, acting_user=None, body=w.tinh_uy, title=LONG_TITLE,
        location="Hội trường Tỉnh ủy, tầng 2")
    ubnd = conf_services.conference_create(
        w.tq23, acting_user=None, body=w.ubnd_tq, title="Phiên họp Ủy ban nhân dân tỉnh",
        kind="council_session", location="Phòng họp UBND tỉnh")
    military = conf_services.conference_create(
        w.tq23, acting_user=None, body=w.tinh_uy, title="Hội nghị Đảng ủy Quân sự tỉnh",
        location="Bộ CHQS tỉnh")
    day1, day2 = dt.date(2023, 9, 19), dt.date(2023, 9, 20)
    # Created out of time order on purpose.
    h_ubnd = conf_services.holding_create(ubnd, acting_user=None, round=r1,
                                          starts_at=at(day1, 14), ends_at=at(day1, 16, 30))
    h_military = conf_services.holding_create(military, acting_user=None, round=r1,
                                              starts_at=at(day2, 8), ends_at=at(day2, 10))
    h_party = conf_services.holding_create(party, acting_user=None, round=r1,
                                           starts_at=at(day1, 7, 30), ends_at=at(day1, 11, 30),
                                           notes="Dòng 1\nDòng 2, có dấu phẩy; và chấm phẩy")
    h_party_final = conf_services.holding_create(
        party, acting_user=None, round=r2, starts_at=at(dt.date(2023, 10, 3), 7, 30),
        ends_at=at(dt.date(2023, 10, 3), 11))

    pt_round = ex_services.round_create(w.pt23, acting_user=None, kind=Round.Kind.REHEARSAL,
                                        number=1, start_date=day1, end_date=day1)
    pt_conf = conf_services.conference_create(
        w.pt23, acting_user=None, body=w.ubnd_pt, title="Hội nghị bí mật tỉnh Phú Thọ")
    h_pt = conf_services.holding_create(pt_conf, acting_user=None, round=pt_round,
                                        starts_at=at(day1, 9), ends_at=at(day1, 10))
    # The Tuyên Quang party committee also holds one in the Phú Thọ exercise (hidden from
    # Tuyên Quang's organizer, visible to the Military Region's inspector).
    pt_party = conf_services.conference_create(
        w.pt23, acting_user=None, body=w.tinh_uy, title="Hội nghị phối hợp liên tỉnh")
    h_pt_party = conf_services.holding_create(pt_party, acting_user=None, round=pt_round,
                                              starts_at=at(day1, 13), ends_at=at(day1, 14))
    return SimpleNamespace(**locals())
