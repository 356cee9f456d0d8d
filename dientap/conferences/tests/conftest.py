import datetime as dt

import pytest

from dientap.conferences import services
from dientap.conferences.models import CompositionEntry
from dientap.exercises import services as es

TZ = dt.timezone(dt.timedelta(hours=7))


@pytest.fixture
def conf(world):
    """A conference with three agenda items, a composition and a holding in round 1."""
    from types import SimpleNamespace

    rnd = es.round_create(world.tq23, acting_user=None, kind="rehearsal", number=1,
                          start_date=dt.date(2023, 9, 19), end_date=dt.date(2023, 9, 19))
    chair_post = world.lam.posts.get(title="Bí thư Tỉnh ủy")
    conference = services.conference_create(world.tq23, acting_user=None, body=world.tinh_uy,
                                            title="Hội nghị Ban Chấp hành Đảng bộ tỉnh",
                                            chair_post=chair_post, location="Hội trường Tỉnh ủy")
    items = [services.agenda_item_create(conference, acting_user=None, content=c, minutes=m)
             for c, m in [("Khai mạc", 5), ("Thông qua dự thảo nghị quyết", 15),
                          ("Biểu quyết", 10)]]
    seats = [
        services.composition_entry_create(conference, acting_user=None, title="Bí thư Tỉnh ủy",
                                          post=chair_post),
        services.composition_entry_create(conference, acting_user=None,
                                          title="Chủ tịch UBND tỉnh",
                                          post=world.son.posts.first()),
        services.composition_entry_create(conference, acting_user=None,
                                          title="Trưởng Ban Tuyên giáo", body=world.tinh_uy),
        services.composition_entry_create(conference, acting_user=None,
                                          kind=CompositionEntry.Kind.INVITED,
                                          title="Đại diện Quân khu 2", body=world.btl_qk2),
    ]
    holding = services.holding_create(
        conference, acting_user=None, round=rnd,
        starts_at=dt.datetime(2023, 9, 19, 8, 30, tzinfo=TZ),
        ends_at=dt.datetime(2023, 9, 19, 10, 0, tzinfo=TZ), location="")
    return SimpleNamespace(round=rnd, conference=conference, items=items, seats=seats,
                           holding=holding, chair_post=chair_post)
