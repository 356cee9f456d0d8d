"""Every register to .xlsx: Vietnamese headers, the rows the user may see and no others, typed
cells, formula injection guarded, access (404 / 403 / login) and constant query counts."""

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dientap.documents import pdf
from dientap.exports.registers import REGISTERS
from dientap.exports.xlsx import sheet_name

from .conftest import (
    INJECTION,
    add_rows,
    client_for,
    download,
    export_url,
    read,
    text_of,
    values,
)

# Headers each register must carry (Vietnamese, whatever the user's language).
HEADERS = {
    "frame": ["STT", "Cơ quan, đơn vị", "Họ và tên", "Vai tập (chức vụ)",
              "Vai trò trong diễn tập"],
    "committees": ["Ban", "Họ và tên", "Chức danh trong ban", "Với tư cách"],
    "conferences": ["Hội nghị", "Chủ trì", "Thứ tự", "Nội dung", "Phương pháp",
                    "Cơ quan tham mưu", "Thời lượng (phút)"],
    "attendance": ["Vòng", "Hội nghị", "Bắt đầu", "Thành phần", "Người được phân công",
                   "Tình trạng", "Người dự thay", "Số phút đến muộn"],
    "documents": ["Số, ký hiệu", "Trích yếu", "Cơ quan chủ trì", "Hạn hoàn thành", "Trạng thái",
                  "Độ mật"],
    "situations": ["Mã", "Thời điểm", "Nội dung", "Cơ quan nhận", "Yêu cầu xử trí",
                   "Trạng thái"],
    "observations": ["Thời gian", "Loại", "Nội dung", "Về", "Cơ quan"],
    "actions": ["Nội dung cần sửa đổi, bổ sung, khắc phục", "Cơ quan thực hiện",
                "Hạn hoàn thành", "Trạng thái"],
    "checklists": ["Nhóm", "Nội dung", "Cơ quan phụ trách", "Hạn", "Trạng thái"],
    "budget": ["Khoản mục", "Dự toán (đồng)", "Thực chi (đồng)", "Tỷ lệ thực hiện"],
}
# A text of TQ-23's rows, and the same of PT-23's, per register.
OWN_OTHER = dict.fromkeys(HEADERS, ("TQ ", "PT "))
OWN_OTHER["frame"] = ("Nguyễn Văn Sơn", "Hồ Đại Dũng")


def column(headers, rows, name):
    return [r[headers.index(name)] for r in rows]


def test_every_register_is_tested():
    assert set(HEADERS) == set(REGISTERS)


@pytest.mark.parametrize("register", sorted(HEADERS))
def test_register_exports_own_rows_with_vietnamese_headers(xw, register, settings):
    settings.LANGUAGE_CODE = "en"  # the file is Vietnamese whatever the user's language
    response = download(xw.organizer, xw.tq23, register)
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert f"TQ-23-{REGISTERS[register].slug}.xlsx" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    ws, headers, rows = read(response)
    for header in HEADERS[register]:
        assert header in headers, (register, header, headers)
    assert ws["A1"].value.startswith("TQ-23 – ") and REGISTERS[register].vi in ws["A1"].value
    assert ws.title == sheet_name(REGISTERS[register].vi)
    own, other = OWN_OTHER[register]
    text = text_of(rows)
    assert rows and own in text
    assert other not in text  # another exercise's rows never leak
    assert ws.freeze_panes == "A4"
    assert ws.auto_filter.ref.startswith("A3:")
    assert all(c.font.b for c in ws[3] if c.value)


def test_other_exercise_exports_its_own_rows(xw):
    # The Military Region's inspector sees both exercises: each export has its own rows only.
    _ws, _h, rows = read(download(xw.inspector, xw.pt23, "actions"))
    text = text_of(rows)
    assert "PT Bổ sung" in text and "TQ " not in text


# --- classified documents ------------------------------------------------------------------------

SECRET_TITLE = "TQ Quyết định MẬT về phương án A2"


@pytest.mark.parametrize("who", ["organizer", "frame_user", "director", "observer"])
def test_classified_rows_absent_for_users_not_cleared_or_not_recipients(xw, who):
    ws, _h, rows = read(download(getattr(xw, who), xw.tq23, "documents"))
    text = text_of(rows)
    assert "TQ Kế hoạch" in text
    assert SECRET_TITLE not in text
    assert not ws["A1"].value.startswith("MẬT")


def test_classified_rows_present_for_a_cleared_recipient_and_marked(xw):
    ws, headers, rows = read(download(xw.cleared, xw.tq23, "documents"))
    assert SECRET_TITLE in column(headers, values(rows), "Trích yếu")
    row = next(r for r in values(rows) if r[headers.index("Trích yếu")] == SECRET_TITLE)
    assert row[headers.index("Độ mật")] == "MẬT"
    assert ws["A1"].value.startswith("MẬT · TQ-23")  # the file takes the highest level


# --- types ---------------------------------------------------------------------------------------

def test_cell_types(xw):
    _ws, headers, rows = read(download(xw.organizer, xw.tq23, "documents"))
    plan = next(r for r in rows if r[headers.index("Trích yếu")].value == "TQ Kế hoạch")
    due = plan[headers.index("Hạn hoàn thành")]
    assert due.is_date and due.value.isoformat() == "2023-09-01T00:00:00"
    assert due.number_format == "dd/mm/yyyy"
    assert plan[headers.index("Bắt buộc")].value == "Có"
    assert plan[headers.index("Quá hạn")].value == "Có"
    assert plan[headers.index("STT")].data_type == "n"
    assert plan[headers.index("Số phiên bản")].value == 0

    _ws, headers, rows = read(download(xw.organizer, xw.tq23, "attendance"))
    late = next(r for r in rows if r[headers.index("Thành phần")].value == "TQ Chủ tịch")
    minutes = late[headers.index("Số phút đến muộn")]
    assert minutes.value == 12 and minutes.data_type == "n" and minutes.number_format == "0"
    start = late[headers.index("Bắt đầu")]
    # 08:30 in Vietnam, without a time zone (Excel has none).
    assert start.value.isoformat() == "2023-09-19T08:30:00"  # naive: no "+07:00"
    assert start.number_format == "dd/mm/yyyy hh:mm"
    assert late[headers.index("Tình trạng")].value == "Đến muộn"
    assert "Nguyễn Văn Sơn" in late[headers.index("Người được phân công")].value
    sub = next(r for r in rows if r[headers.index("Thành phần")].value == "TQ Phó Chủ tịch")
    assert sub[headers.index("Người dự thay")].value == "Lê Văn Thay"

    _ws, headers, rows = read(download(xw.organizer, xw.tq23, "budget"))
    (line,) = rows
    planned = line[headers.index("Dự toán (đồng)")]
    assert planned.value == 12_500_000 and planned.number_format == "#,##0"
    assert line[headers.index("Chênh lệch (đồng)")].value == -2_500_000
    rate = line[headers.index("Tỷ lệ thực hiện")]
    assert rate.value == pytest.approx(0.8) and rate.number_format == "0%"


def test_formula_injection_stays_text(xw):
    _ws, headers, rows = read(download(xw.organizer, xw.tq23, "documents"))
    cell = next(r[headers.index("Trích yếu")] for r in rows
                if r[headers.index("Trích yếu")].value == INJECTION)
    assert cell.data_type == "s"  # a string, not a formula
    assert cell.quotePrefix


# --- filters: the page's own ------------------------------------------------------------------

def test_filters_of_the_page_apply(xw):
    _ws, headers, rows = read(download(xw.organizer, xw.tq23, "documents", q="Kế hoạch"))
    assert column(headers, values(rows), "Trích yếu") == ["TQ Kế hoạch"]
    ws, headers, rows = read(download(xw.organizer, xw.tq23, "documents",
                                      body=xw.tinh_uy.pk))
    assert column(headers, values(rows), "Trích yếu") == [INJECTION]
    assert "Cơ quan: Tỉnh ủy Tuyên Quang" in ws["A2"].value
    # Another exercise's body in the query string is not a filter (as on the page).
    _ws, _h, rows = read(download(xw.organizer, xw.tq23, "documents", body=xw.ubnd_pt.pk))
    assert len(rows) == 2
    other_round = read(download(xw.organizer, xw.tq23, "attendance", round=xw.pt_round.pk))[2]
    assert len(other_round) == 2
    _ws, headers, rows = read(download(xw.organizer, xw.tq23, "checklists", category="maps"))
    assert rows == []


# --- access --------------------------------------------------------------------------------------

def test_unknown_register_404(xw):
    response = client_for(xw.organizer).get(f"/exercises/{xw.tq23.pk}/export/passwords.xlsx")
    assert response.status_code == 404


def test_hidden_exercise_404(xw):
    assert download(xw.stranger, xw.tq23, "documents").status_code == 404
    assert download(xw.nobody, xw.tq23, "frame").status_code == 404


def test_anonymous_must_log_in(xw):
    response = download(None, xw.tq23, "documents")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("register", ["situations", "observations"])
def test_pages_for_staff_refuse_others(xw, register):
    # As their pages: the scenario and the observations are for the exercise's staff.
    assert download(xw.frame_user, xw.tq23, register).status_code == 403
    assert download(xw.observer, xw.tq23, register).status_code == 200


def test_owner_body_sees_its_own_actions_only(xw):
    from dientap.oversight import services as os_

    os_.action_create(xw.tq23, acting_user=None, owner_body=xw.tinh_uy, title="TQ Tỉnh ủy sửa",
                      due_date=dt.date(2023, 9, 30))
    text = text_of(read(download(xw.frame_user, xw.tq23, "actions"))[2])
    assert "TQ Bổ sung" in text and "TQ Tỉnh ủy sửa" not in text


# --- query counts ----------------------------------------------------------------------------

@pytest.mark.parametrize("register", sorted(HEADERS))
def test_query_count_does_not_grow_with_rows(xw, register):
    client = client_for(xw.organizer)
    url = export_url(xw.tq23, register)

    def count(n):
        add_rows(xw, register, n)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200
        return len(ctx.captured_queries), len(read(response)[2])

    small, small_rows = count(2)
    large, large_rows = count(8)
    assert large_rows >= small_rows + 8
    assert large == small, f"{register}: {small} queries for {small_rows} rows, " \
                           f"{large} for {large_rows}"


# --- LibreOffice opens it ------------------------------------------------------------------------

def _soffice():
    """LibreOffice with its spreadsheet (Calc: Debian's libreoffice-calc-nogui), or None."""
    program = pdf.soffice() or shutil.which("/usr/lib/libreoffice/program/soffice")
    if program and (Path(program).resolve().parent / "libsclo.so").exists():
        return program
    return None


@pytest.mark.skipif(not _soffice(), reason="needs LibreOffice Calc (libreoffice-calc-nogui)")
def test_libreoffice_reads_an_export(xw, tmp_path):
    response = download(xw.organizer, xw.tq23, "actions")
    source = tmp_path / "khac-phuc.xlsx"
    source.write_bytes(response.content)
    profile = (tmp_path / "profile").as_uri()
    subprocess.run(  # noqa: S603 - fixed program and arguments
        [_soffice(), f"-env:UserInstallation={profile}", "--headless", "--norestore",
         "--nolockcheck", "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76",
         "--outdir", str(tmp_path), str(source)],
        capture_output=True, timeout=180, check=False, env={"HOME": str(tmp_path),
                                                             "PATH": "/usr/bin:/bin"},
        cwd=tmp_path,
    )
    csv_text = Path(tmp_path / "khac-phuc.csv").read_text(encoding="utf-8")
    assert "Nội dung cần sửa đổi, bổ sung, khắc phục" in csv_text
    assert "TQ Bổ sung" in csv_text
    assert "30/09/2023" in csv_text  # a real date, shown dd/mm/yyyy


# --- the links on the pages ----------------------------------------------------------------------

def _pages(w):
    return [
        (reverse("exercises:frame", args=[w.tq23.pk]), ["frame"]),
        (reverse("exercises:detail", args=[w.tq23.pk]), ["committees", "conferences"]),
        (reverse("documents:register", args=[w.tq23.pk]) + "?status=required",
         ["documents"]),
        (reverse("scenarios:list", args=[w.tq23.pk]), ["situations"]),
        (reverse("oversight:observations", args=[w.tq23.pk]), ["observations"]),
        (reverse("oversight:actions", args=[w.tq23.pk]), ["actions"]),
        (reverse("oversight:checks", args=[w.tq23.pk]), ["checklists", "budget"]),
        (reverse("conferences:round_gaps", args=[w.tq23.pk, w.round.pk]), ["attendance"]),
    ]


def test_pages_link_to_their_exports(xw):
    client = client_for(xw.organizer)
    for url, registers in _pages(xw):
        html = client.get(url).content.decode()
        for register in registers:
            assert f'data-testid="export-{register}"' in html, (url, register)
        assert "data-print" in html and "exports/print.js" in html
    html = client.get(reverse("documents:register", args=[xw.tq23.pk]) + "?status=required"
                      ).content.decode()
    assert export_url(xw.tq23, "documents", status="required") in html
    html = client.get(reverse("conferences:round_gaps", args=[xw.tq23.pk, xw.round.pk])
                      ).content.decode()
    assert export_url(xw.tq23, "attendance", round=xw.round.pk) in html
