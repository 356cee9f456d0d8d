"""Spreadsheet round-trip: export, import with a preview listing every problem by row and
column, nothing saved until clean (or only the confirmed rows), the HSEEP MSEL layout through
a column mapping, and bad files."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from conftest import main_html
from dientap.scenarios import services, spreadsheet
from dientap.scenarios.models import Situation

HEADERS = ["Mã", "Thời điểm", "Tiêu đề", "Nội dung", "Cơ quan nhận", "Yêu cầu xử trí",
           "Thời hạn (phút)", "Độ mật", "Phát sau"]


def xlsx(rows, headers=HEADERS) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def upload(data, name="kich-ban.xlsx"):
    return SimpleUploadedFile(name, data)


def check(world, data):
    headers, rows = spreadsheet.read(upload(data))
    return spreadsheet.check(world.tq23, headers, rows, spreadsheet.guess_mapping(headers))


def test_export_has_vietnamese_headers_and_typed_cells(world, scen):
    services.situation_update(scen.b, acting_user=scen.director, deadline_minutes=30,
                              depends_on=scen.a)
    services.situation_issue(scen.a, acting_user=scen.director)
    ws = load_workbook(io.BytesIO(spreadsheet.export(
        Situation.objects.order_by("position")))).active
    header = [c.value for c in ws[1]]
    assert header[:4] == ["Mã", "Thời điểm", "Tiêu đề", "Nội dung"]
    assert "Cơ quan nhận" in header and "Thời điểm phát" in header
    first, second = list(ws.iter_rows(min_row=2, values_only=True))
    assert first[0] == "TH-01" and first[1] == "N-57 07:30"
    assert first[6] == "Ủy ban nhân dân tỉnh Tuyên Quang"
    assert first[13] == "Đã phát" and first[14].year >= 2023  # a real date-time cell
    assert second[10] == 30 and isinstance(second[10], int)
    assert second[12] == "TH-01"


def test_round_trip(world, scen):
    services.situation_update(scen.b, acting_user=scen.director, depends_on=scen.a,
                              classification=1, deadline_minutes=45, handling_kind="convene")
    before = list(Situation.objects.order_by("position").values(
        "code", "title", "content", "scenario_minutes", "g_relative", "handling_kind",
        "deadline_minutes", "classification", "issuer_kind"))
    data = spreadsheet.export(Situation.objects.order_by("position"))
    # Importing into the same scenario: every code is a duplicate, nothing is saved.
    results = check(world, data)
    assert all(any("TH-0" in msg for _w, msg in r.problems) for r in results)
    for s in Situation.objects.order_by("-position"):
        services.situation_delete(s, acting_user=scen.director)
    results = check(world, data)
    assert all(r.ok for r in results), [r.problems for r in results]
    spreadsheet.import_rows(world.tq23, results, [r.number for r in results],
                            acting_user=scen.director)
    after = list(Situation.objects.order_by("position").values(
        "code", "title", "content", "scenario_minutes", "g_relative", "handling_kind",
        "deadline_minutes", "classification", "issuer_kind"))
    assert after == before
    assert Situation.objects.get(code="TH-02").depends_on.code == "TH-01"


def test_every_problem_is_listed_by_row_and_column(world, scen):
    data = xlsx([
        ["TH-10", "N-57 25:00", "Giờ sai", "Nội dung", "UBND tỉnh", "", "", "", ""],
        ["TH-11", "N-1 06:00", "Cơ quan lạ", "Nội dung", "Sở Ngoại vụ", "", "", "", ""],
        ["TH-12", "N-1 06:00", "Ngoài khung", "Nội dung", "UBND tỉnh Phú Thọ", "", "", "", ""],
        ["TH-12", "N-1 07:00", "Trùng mã", "Nội dung", "Tỉnh ủy", "", "", "", ""],
        ["TH-13", "N-1 08:00", "Thiếu nội dung", "", "Tỉnh ủy", "", "", "", ""],
        ["TH-14", "N-1 09:00", "Phụ thuộc lạ", "Nội dung", "Tỉnh ủy", "", "", "", "TH-99"],
        ["TH-15", "N-1 10:00", "Vòng 1", "Nội dung", "Tỉnh ủy", "", "", "", "TH-16"],
        ["TH-16", "N-1 11:00", "Vòng 2", "Nội dung", "Tỉnh ủy", "", "", "", "TH-15"],
        ["TH-17", "N-1 12:00", "Tự phụ thuộc", "Nội dung", "Tỉnh ủy", "", "", "", "TH-17"],
        ["TH-18", "N-1 12:00", "Xử trí lạ", "Nội dung", "Tỉnh ủy", "Nhảy múa", "ba", "Rất mật",
         ""],
        ["TH-01", "N-1 13:00", "Đã có", "Nội dung", "Tỉnh ủy", "", "", "", ""],
        ["TH-20", "ngày N-1, 14 giờ 00", "Tốt", "Nội dung", "UBND tỉnh; Tỉnh ủy", "Ra lệnh",
         "30", "Mật", ""],
    ])
    results = check(world, data)
    problems = {r.number: r.problems for r in results}
    assert problems[2][0][0] == "B (Thời điểm)" and "23:59" in problems[2][0][1]
    assert problems[3][0][0] == "E (Cơ quan nhận)" and "Sở Ngoại vụ" in problems[3][0][1]
    assert "Phú Thọ" in problems[4][0][1]  # known body, outside the frame
    assert problems[5][0][0] == "A (Mã)" and "4" in problems[5][0][1]  # duplicate of row 4
    assert problems[6][0][0] == "D (Nội dung)"
    assert problems[7][0][0] == "I (Phát sau)" and "TH-99" in problems[7][0][1]
    assert "TH-15" in problems[8][0][1] and "TH-16" in problems[9][0][1]  # the cycle
    assert problems[10][0][0] == "I (Phát sau)"
    assert [w for w, _m in problems[11]] == ["F (Yêu cầu xử trí)", "G (Thời hạn (phút))",
                                            "H (Độ mật)"]
    assert problems[12][0][0] == "A (Mã)"  # TH-01 exists already
    assert problems[13] == []
    ok = next(r for r in results if r.number == 13)
    assert ok.data["classification"] == 1 and ok.data["deadline_minutes"] == 30
    assert ok.data["handling_kind"] == "order"
    assert {b.pk for b in ok.data["receiving_bodies"]} == {world.ubnd_tq.pk, world.tinh_uy.pk}
    # Nothing is imported while the chosen rows have problems …
    from django.core.exceptions import ValidationError

    count = Situation.objects.count()
    with pytest.raises(ValidationError):
        spreadsheet.import_rows(world.tq23, results, [2, 13], acting_user=scen.director)
    assert Situation.objects.count() == count
    # … only the confirmed clean rows.
    spreadsheet.import_rows(world.tq23, results, [13], acting_user=scen.director)
    assert Situation.objects.get(code="TH-20").time_label == "N-1 14:00"
    assert Situation.objects.count() == count + 1


@pytest.mark.parametrize(("data", "message"), [
    (b"code;time\nTH-1;N-1", "xlsx"),
    (b"PK\x03\x04 this is not a zip at all", "damaged"),
    (b"", "empty"),
])
def test_bad_files_are_refused_with_a_clear_message(world, data, message, settings):
    from django.core.exceptions import ValidationError
    from django.utils import translation

    with translation.override("en"), pytest.raises(ValidationError) as exc:
        spreadsheet.read(upload(data))
    assert message in exc.value.messages[0]


def test_too_large_and_empty_sheet(world, monkeypatch):
    from django.core.exceptions import ValidationError

    monkeypatch.setattr(spreadsheet, "MAX_BYTES", 1000)
    with pytest.raises(ValidationError):
        spreadsheet.read(upload(xlsx([["x"] * 9] * 50)))
    monkeypatch.undo()
    wb = Workbook()
    out = io.BytesIO()
    wb.save(out)
    with pytest.raises(ValidationError):
        spreadsheet.read(upload(out.getvalue()))


def test_import_pages_hseep_layout_through_a_mapping(client, world, scen):
    client.force_login(scen.director)
    data = xlsx([
        ["1", "N-2 08:00", "Quân khu", "UBND tỉnh", "Điện thoại", "Địch tập kích sân bay",
         "Báo cáo thiệt hại"],
        ["2", "D-1 H+6", "Quân khu", "Tỉnh ủy, UBND tỉnh", "Văn bản", "Công bố thiết quân luật",
         "Họp Ban Thường vụ"],
    ], headers=["Event #", "Time", "From", "To", "Method", "Inject", "Expected Action"])
    r = client.post(reverse("scenarios:import", args=[world.tq23.pk]),
                    {"file": upload(data, "msel.xlsx")})
    assert r.status_code == 302
    preview = reverse("scenarios:import_preview", args=[world.tq23.pk])
    html = main_html(client.get(preview))
    assert 'data-clean="0"' in html  # the number column was not recognised: "Missing code"
    mapping = {"step": "map", "code": "0", "time": "1", "issuer": "2", "bodies": "3",
               "method": "4", "content": "5", "expected": "6"}
    html = main_html(client.post(preview, mapping))
    assert 'data-clean="1"' in html
    assert Situation.objects.count() == 2  # nothing saved yet
    r = client.post(preview, {"step": "import", "rows": "all"})
    assert r.status_code == 302
    s = Situation.objects.get(code="2")
    assert s.time_label == "N-1 06:00" and s.method == "Văn bản"
    assert s.content == "Công bố thiết quân luật" and s.expected_handling == "Họp Ban Thường vụ"
    assert s.issuer == "Quân khu" and s.issuer_kind == "higher_level"
    assert {b.pk for b in s.receiving_bodies.all()} == {world.tinh_uy.pk, world.ubnd_tq.pk}


def test_import_page_refuses_a_bad_file_and_saves_nothing(client, world, scen):
    client.force_login(scen.director)
    r = client.post(reverse("scenarios:import", args=[world.tq23.pk]),
                    {"file": upload(b"not a workbook", "x.xlsx")})
    assert r.status_code == 200
    assert 'data-testid="file-error"' in r.content.decode()
    assert Situation.objects.count() == 2


def test_frame_members_cannot_import(client, world, scen):
    client.force_login(world.frame_user)
    assert client.get(reverse("scenarios:import", args=[world.tq23.pk])).status_code == 403
    assert client.get(reverse("scenarios:export", args=[world.tq23.pk])).status_code == 403
