import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from dientap.conferences import selectors, services
from dientap.conferences.models import Attendance
from dientap.core.realtime import capture_events
from dientap.core.services import ConflictError


def test_gap_report_before_the_holding_lists_required_seats_with_nobody(conf):
    gaps = selectors.gap_report(conf.holding)
    assert [e.title for e in gaps["unassigned"]] == ["Trưởng Ban Tuyên giáo"]
    assert gaps["absent"] == [] and gaps["substituted"] == []
    assert gaps["required_count"] == 3  # the invited seat is not required


def test_gap_report_after_lists_absent_and_substituted(conf, world):
    chair_seat, ubnd_seat, *_ = conf.seats
    services.attendance_set(conf.holding, chair_seat, acting_user=world.organizer,
                            status="present")
    services.attendance_set(conf.holding, ubnd_seat, acting_user=world.organizer,
                            status="represented", substitute_name="Trần Thị An",
                            substitute_post="Phó Chủ tịch UBND tỉnh")
    gaps = selectors.gap_report(conf.holding)
    assert [r["entry"].title for r in gaps["substituted"]] == ["Chủ tịch UBND tỉnh"]
    services.attendance_set(conf.holding, ubnd_seat, acting_user=world.organizer,
                            status="absent", note="Ốm", expected_version=1)
    gaps = selectors.gap_report(conf.holding)
    assert [r["entry"].title for r in gaps["absent"]] == ["Chủ tịch UBND tỉnh"]
    assert gaps["substituted"] == []
    assert gaps["present_count"] == 1
    # switching away from "represented" clears the substitute
    assert Attendance.objects.get(entry=ubnd_seat).substitute_name == ""


def test_round_gap_report_covers_each_holding(client, conf, world):
    client.force_login(world.observer)
    html = client.get(reverse("conferences:round_gaps",
                              args=[world.tq23.pk, conf.round.pk])).content.decode()
    assert "Hội nghị Ban Chấp hành Đảng bộ tỉnh" in html
    assert "Trưởng Ban Tuyên giáo" in html


@pytest.mark.parametrize("fields,field", [
    ({"status": "represented"}, "substitute_name"),
    ({"status": "late"}, "late_minutes"),
])
def test_incomplete_attendance_is_refused(conf, world, fields, field):
    with pytest.raises(ValidationError) as exc:
        services.attendance_set(conf.holding, conf.seats[0], acting_user=world.organizer,
                                **fields)
    assert field in exc.value.error_dict
    assert not Attendance.objects.exists()


def test_seat_of_another_conference_is_refused(conf, world):
    other = services.conference_create(world.tq23, acting_user=None, body=world.ubnd_tq,
                                       title="Phiên họp UBND tỉnh")
    seat = services.composition_entry_create(other, acting_user=None, title="Chủ tịch")
    with pytest.raises(ValidationError):
        services.attendance_set(conf.holding, seat, acting_user=world.organizer,
                                status="present")


def test_two_secretaries_recording_the_same_seat(conf, world):
    seat = conf.seats[1]
    services.attendance_set(conf.holding, seat, acting_user=world.organizer, status="present",
                            expected_version=0)
    with pytest.raises(ConflictError):  # the second had the page from before the first save
        services.attendance_set(conf.holding, seat, acting_user=world.organizer,
                                status="absent", expected_version=0)
    assert Attendance.objects.get(entry=seat).status == "present"


def test_attendance_page_conflict_keeps_input_and_says_what_changed(client, conf, world):
    client.force_login(world.organizer)
    seat = conf.seats[1]
    url = reverse("conferences:attendance", args=[conf.holding.pk])
    prefix = f"e{seat.pk}"
    first = {"entry": seat.pk, f"{prefix}-status": "present", f"{prefix}-version": 0}
    second = {"entry": seat.pk, f"{prefix}-status": "represented", f"{prefix}-version": 0,
              f"{prefix}-substitute_name": "Người thay thế Xuân"}
    assert client.post(url, first).status_code == 302
    response = client.post(url, second)
    assert response.status_code == 409
    html = response.content.decode()
    assert "Người thay thế Xuân" in html  # input kept
    assert "Có mặt" in html  # what is recorded now
    assert Attendance.objects.get(entry=seat).status == "present"


def test_observer_cannot_record_attendance(client, conf, world):
    client.force_login(world.observer)
    url = reverse("conferences:attendance", args=[conf.holding.pk])
    assert client.get(url).status_code == 200
    seat = conf.seats[0]
    response = client.post(url, {"entry": seat.pk, f"e{seat.pk}-status": "present"})
    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        services.attendance_set(conf.holding, seat, acting_user=world.observer,
                                status="present")
    assert not Attendance.objects.exists()


def test_attendance_emits_an_event(conf, world):
    with capture_events() as events:
        services.attendance_set(conf.holding, conf.seats[0], acting_user=world.organizer,
                                status="present")
    assert [e.kind for e in events] == ["attendance"]
    rows = events[0].payload["rows"]
    assert {"entry": conf.seats[0].pk, "status": "present", "version": 1} in rows


def test_holding_warnings(conf, world):
    import datetime as dt

    other = services.conference_create(world.tq23, acting_user=None, body=world.tinh_uy,
                                       title="Hội nghị Ban Thường vụ")
    services.holding_create(other, acting_user=None, round=conf.round,
                            starts_at=conf.holding.starts_at + dt.timedelta(minutes=30),
                            ends_at=conf.holding.ends_at + dt.timedelta(minutes=30))
    warnings = selectors.holding_warnings(conf.holding)
    assert any("quá khứ" in w or "past" in w for w in warnings)
    assert any("Hội nghị Ban Thường vụ" in w for w in warnings)
