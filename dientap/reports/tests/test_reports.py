"""Round and final reports from the demo: the .docx read back (sections, improvement plan,
Decree 30), the PDF, classified handling, access, concurrency and query counts."""

import io
import os
import shutil
import subprocess
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from docx import Document as Docx
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.text.paragraph import Paragraph
from pypdf import PdfReader

from dientap.core.services import ConflictError
from dientap.documents import pdf
from dientap.oversight.models import CorrectiveAction
from dientap.reports import output, selectors, services
from dientap.reports.models import Report, ReportAccess

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
CLASSIFIED_SITUATION = "Mệnh lệnh chuyển trạng thái sẵn sàng chiến đấu"  # TH-02, Mật


def paragraphs(document):
    return [Paragraph(p, document) for p in document.element.body.iter(qn("w:p"))]


def texts(document):
    return [p.text for p in paragraphs(document)]


def find(document, text):
    for p in paragraphs(document):
        if p.text == text:
            return p
    raise AssertionError(f"{text!r} not in the document")


def plan_rows(document):
    """The rows of the improvement-plan table (found by its header)."""
    for table in document.tables:
        header = [c.text for c in table.rows[0].cells]
        if header == output.PLAN_HEADERS:
            return [[c.text for c in row.cells] for row in table.rows[1:]]
    raise AssertionError("no improvement-plan table")


def download(client, report, fmt="docx"):
    return client.get(reverse("reports:download", args=[report.exercise_id, report.pk, fmt]))


def assert_decree_30(document):
    section = document.sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(0.5)
    assert abs(section.page_height - Mm(297)) < Mm(0.5)
    for margin, mm in ((section.top_margin, 20), (section.bottom_margin, 20),
                       (section.left_margin, 30), (section.right_margin, 15)):
        assert abs(margin - Mm(mm)) < Mm(0.2)
    assert document.styles["Normal"].font.name == "Times New Roman"
    runs = [r for p in paragraphs(document) for r in p.runs if r.text.strip()]
    assert runs and all(r.font.name == "Times New Roman" for r in runs)
    title = find(document, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    assert title.runs[0].bold and Pt(12) <= title.runs[0].font.size <= Pt(13)
    motto = find(document, "Độc lập - Tự do - Hạnh phúc")
    assert motto.runs[0].bold and motto.runs[0].underline
    lines = texts(document)
    assert lines.index(title.text) + 1 == lines.index(motto.text)
    assert find(document, "ỦY BAN NHÂN DÂN TỈNH TUYÊN QUANG").runs[0].bold
    assert find(document, "BÁO CÁO").runs[0].bold
    place = next(p for p in paragraphs(document) if p.text.startswith("Tuyên Quang, ngày"))
    assert place.runs[0].italic and place.text.endswith("năm 2023")
    assert "Nơi nhận:" in lines and "- Lưu: VT, UBND." in lines


@pytest.mark.django_db
def test_round_report_read_back(client, demo):
    """The round-1 report: its sections, the improvement plan with the demo's corrective
    actions, the Decree 30 layout, the secrecy mark of its classified content (TH-02, Mật),
    and the logged, numbered copy."""
    report = demo.round_report
    assert report.classification == 1 and report.secrecy_mark == "MẬT"
    client.force_login(demo.organizer)
    response = download(client, report)
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.docx"')
    assert response["Cache-Control"] == "no-store, private"
    document = Docx(io.BytesIO(response.content))
    lines = texts(document)
    headings = list(output.HEADINGS.values())
    assert [line for line in lines if line in headings] == headings
    assert report.title in lines and report.title.startswith("Rút kinh nghiệm luyện tập lần 1")
    # The improvement plan holds every corrective action raised in round 1.
    rows = plan_rows(document)
    raised = list(CorrectiveAction.objects.filter(exercise=demo.exercise, round=demo.round1)
                  .order_by("due_date", "id"))
    assert len(raised) == 7 and [r[2] for r in rows] == [a.title for a in raised]
    assert rows[0][0] == "1" and rows[0][3] == raised[0].due_date.strftime("%d/%m/%Y")
    assert "Đã kiểm tra, xác nhận" in {r[4] for r in rows}
    # Tables and charts: attendance, situations, scores, two PNG charts.
    assert "Bảng 1. Thành phần dự hội nghị, kỳ họp so với thành phần quy định" in lines
    assert "Bảng 2. Kết quả xử trí tình huống" in lines
    assert len(document.inline_shapes) == 2
    assert any(CLASSIFIED_SITUATION in line for line in lines)
    assert_decree_30(document)
    # The secrecy mark under the number, and the copy mark of a logged download.
    number = next(i for i, line in enumerate(lines) if line.startswith("Số:"))
    assert lines[number].endswith("/BC-UBND") and lines[number + 1] == "MẬT"
    assert lines[0].startswith("MẬT - BẢN SỐ 01 - cấp cho bantochuc")
    entry = ReportAccess.objects.get(report=report)
    assert (entry.user, entry.copy_number, entry.classification) == (demo.organizer, 1, 1)
    download(client, report)
    assert list(ReportAccess.objects.filter(report=report).values_list(
        "copy_number", flat=True).order_by("copy_number")) == [1, 2]


@pytest.mark.django_db
def test_final_report_covers_the_whole_exercise(client, demo):
    report = demo.final
    assert report.kind == "final" and report.round is None
    client.force_login(demo.organizer)
    document = Docx(io.BytesIO(download(client, report).content))
    lines = texts(document)
    assert report.title == "Tổng kết diễn tập khu vực phòng thủ tỉnh Tuyên Quang năm 2023"
    assert all(h in lines for h in output.HEADINGS.values())
    # Holdings of both rehearsals, every corrective action of the exercise.
    assert "Luyện tập lần 1: tổ chức 03 hội nghị, kỳ họp." in report.conduct
    assert "Luyện tập lần 2: tổ chức 03 hội nghị, kỳ họp." in report.conduct
    actions = CorrectiveAction.objects.filter(exercise=demo.exercise)
    assert {r[2] for r in plan_rows(document)} == {a.title for a in actions}
    assert_decree_30(document)


@pytest.mark.django_db
@pytest.mark.skipif(not pdf.soffice(), reason="LibreOffice is installed by ./run and .ci/run")
def test_libreoffice_converts_the_report_to_pdf(client, demo, tmp_path):
    client.force_login(demo.organizer)
    response = download(client, demo.round_report, "pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) >= 1
    first = reader.pages[0].extract_text()
    # (pypdf splits some letters with stacked diacritics: look for plain ones.)
    assert "/BC-UBND" in first and "TUYÊN QUANG" in first and "bantochuc" in first
    assert ReportAccess.objects.filter(report=demo.round_report, what__icontains="PDF").count()
    if shutil.which("pdftoppm"):
        source = tmp_path / "report.pdf"
        source.write_bytes(response.content)
        subprocess.run(["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(source),
                        str(tmp_path / "page")], check=True, timeout=60)
        page = next(tmp_path.glob("page*.png"))
        assert page.stat().st_size > 0
        if os.environ.get("DIENTAP_REPORT_PAGE_PNG"):  # where to keep it, to look at it
            shutil.copy(page, Path(os.environ["DIENTAP_REPORT_PAGE_PNG"]))


@pytest.mark.django_db
def test_pdf_without_libreoffice_is_a_clear_error_and_logs_nothing(client, demo, monkeypatch,
                                                                   tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    client.force_login(demo.organizer)
    response = download(client, demo.round_report, "pdf")
    assert response.status_code == 302
    assert not ReportAccess.objects.filter(report=demo.round_report).exists()
    response = client.get(response["Location"])
    assert "LibreOffice" in response.content.decode()


@pytest.mark.django_db
def test_unclassified_version_leaves_classified_details_out(client, demo):
    report = services.report_create(demo.exercise, Report.Kind.ROUND, demo.round1,
                                    acting_user=demo.organizer, unclassified=True)
    assert report.classification == 0 and not report.is_classified
    assert CLASSIFIED_SITUATION not in report.conduct
    assert all(s["classification"] == 0 for s in report.data["situations"])
    assert report.data["left_out"]["situations"] == 1
    client.force_login(demo.organizer)
    response = download(client, report)
    document = Docx(io.BytesIO(response.content))
    lines = texts(document)
    assert "MẬT" not in lines and not any(line.startswith("MẬT -") for line in lines)
    assert not any(CLASSIFIED_SITUATION in line for line in lines)
    assert not any("TH-02" in line for line in lines)
    assert "Cache-Control" not in response or "no-store" not in response["Cache-Control"]
    assert not ReportAccess.objects.filter(report=report).exists()
    # The unclassified version is visible to a frame member; the classified one is not
    # (he is not cleared-and-in-need-to-know: not an overseer, not of the issuing body).
    frame = demo.frame
    frame.body = demo.exercise.frame.filter(body__short_name="Công an tỉnh").first().body
    frame.save()
    visible = set(selectors.report_list(frame, demo.exercise))
    assert report in visible and demo.round_report not in visible
    client.force_login(frame)
    assert download(client, demo.round_report).status_code == 404
    assert download(client, report).status_code == 200


@pytest.mark.django_db
def test_regenerate_a_section_and_stale_edit(client, demo):
    report = demo.round_report
    client.force_login(demo.organizer)
    url = reverse("reports:edit", args=[demo.exercise.pk, report.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'data-testid="regenerate-conduct"' in page.content.decode()
    # An edit saved against the current version.
    data = {name: getattr(report, name) for name in (
        "title", "overview", "conduct", "strengths", "shortcomings", "conclusion", "status",
        "place", "issuer_code", "sign_authority", "sign_on_behalf", "sign_title",
        "sign_name")}
    response = client.post(url, {**data, "conduct": "Đã sửa tay.", "version": report.version})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.conduct == "Đã sửa tay." and report.version == 2
    # A stale edit (made on the page before that save) is refused; nothing is saved.
    response = client.post(url, {**data, "strengths": "Ghi đè.", "version": 1})
    assert response.status_code == 200 and "errorlist nonfield" in response.content.decode()
    report.refresh_from_db()
    assert report.strengths != "Ghi đè." and report.version == 2
    with pytest.raises(ConflictError):
        services.report_update(report, acting_user=demo.organizer, expected_version=1,
                               title="Khác")
    assert Report.objects.get(pk=report.pk).title == report.title
    # Regenerate the section from the data.
    response = client.post(reverse("reports:regenerate", args=[demo.exercise.pk, report.pk]),
                           {"section": "conduct", "version": report.version})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.conduct.startswith("Luyện tập lần 1: tổ chức 03 hội nghị") and (
        report.version == 3)
    assert report.classification == 1


@pytest.mark.django_db
def test_access(client, demo):
    """Hidden exercise → 404; an observer sees and downloads, but may not edit → 403."""
    ex, report = demo.exercise, demo.round_report
    other = ex.__class__.objects.get(code_name="PT-23")
    stranger = demo.users["ubnd"].__class__.objects.create(username="pt_user")
    client.force_login(demo.observer)
    assert client.get(reverse("reports:list", args=[ex.pk])).status_code == 200
    assert download(client, report).status_code == 200  # cleared (Mật) and an overseer
    assert client.get(reverse("reports:edit", args=[ex.pk, report.pk])).status_code == 403
    assert client.get(reverse("reports:create", args=[ex.pk])).status_code == 403
    before = report.version
    response = client.post(reverse("reports:regenerate", args=[ex.pk, report.pk]),
                           {"section": "overview"})
    assert response.status_code == 403
    assert Report.objects.get(pk=report.pk).version == before
    client.force_login(stranger)
    assert client.get(reverse("reports:list", args=[ex.pk])).status_code == 404
    assert download(client, report).status_code == 404
    # A report id under the wrong exercise is not found either.
    client.force_login(demo.organizer)
    assert client.get(reverse("reports:edit", args=[other.pk, report.pk])).status_code == 404


@pytest.mark.django_db
def test_create_page(client, demo):
    client.force_login(demo.organizer)
    url = reverse("reports:create", args=[demo.exercise.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"kind": "round"})
    assert response.status_code == 200 and Report.objects.count() == 2  # the round is needed
    response = client.post(url, {"kind": "round", "round": demo.round2.pk,
                                 "unclassified": "on"})
    report = Report.objects.latest("id")
    assert response.status_code == 302 and response["Location"] == report.get_absolute_url()
    assert report.round == demo.round2 and report.unclassified
    page = client.get(reverse("reports:list", args=[demo.exercise.pk]))
    assert page.content.decode().count('data-testid="report-row"') == 3


def _second_round_of_data(demo):
    """More of everything in rehearsal 2: attendance, observations, scores, actions and
    situations issued (one of them classified)."""
    from dientap.conferences import services as cs
    from dientap.conferences.models import CompositionEntry
    from dientap.oversight import services as os
    from dientap.scenarios import services as ss
    from dientap.scenarios.models import Situation

    ex, r2 = demo.exercise, demo.round2
    for holding in r2.holdings.select_related("conference"):
        for entry in holding.conference.composition.filter(kind=CompositionEntry.Kind.REQUIRED):
            cs.attendance_set(holding, entry, acting_user=None, status="present")
        os.observation_create(ex, acting_user=None, kind="shortcoming", holding=holding,
                              text=f"Nhận xét lần 2: {holding.conference.title[:40]}")
    criteria = list(ex.criteria.all())
    for body in {h.conference.body for h in r2.holdings.select_related("conference__body")}:
        for criterion in criteria[:3]:
            os.score_set(criterion, acting_user=None, level="G", round=r2, body=body)
        os.action_create(ex, acting_user=None, round=r2, owner_body=body,
                         title=f"Khắc phục lần 2 ({body.name})", due_date=date(2023, 10, 10))
    issued_at = datetime(2023, 10, 3, 8, 0, tzinfo=TZ)
    for code in ("TH-07", "TH-10"):
        situation = ss.situation_issue(Situation.objects.get(exercise=ex, code=code),
                                       acting_user=None, now=issued_at)
        for body in situation.receiving_bodies.all():
            ss.delivery_handle(situation, acting_user=None, body=body, handling_kind="advise",
                               text="Đã xử trí.", now=issued_at + timedelta(minutes=5))


@pytest.mark.django_db
def test_generation_queries_do_not_grow_with_the_data(demo):
    def count(kind, rnd=None):
        with CaptureQueriesContext(connection) as ctx:
            data = selectors.gather(demo.organizer, demo.exercise, kind=kind, rnd=rnd)
        return len(ctx.captured_queries), data

    final_before, data_before = count("final")
    round_before, _ = count("round", demo.round2)
    _second_round_of_data(demo)
    final_after, data_after = count("final")
    round_after, round_data = count("round", demo.round2)
    assert len(data_after["situations"]) == len(data_before["situations"]) + 2
    assert len(data_after["actions"]) > len(data_before["actions"])
    assert len(round_data["observations"]) == 3 and round_data["scores"]["by_body"]
    assert final_after == final_before
    assert round_after == round_before
    assert final_before <= 35


@pytest.mark.django_db
def test_list_page_query_count(client, demo, django_assert_max_num_queries):
    client.force_login(demo.organizer)
    url = reverse("reports:list", args=[demo.exercise.pk])
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for rnd in demo.exercise.rounds.all()[:3]:
        services.report_create(demo.exercise, Report.Kind.ROUND, rnd, acting_user=None)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count('data-testid="report-row"') == 5
    assert len(few.captured_queries) <= 14


@pytest.mark.django_db
def test_put_in_the_document_register(client, demo):
    from dientap.documents.models import Document
    from dientap.documents.selectors import version_paragraphs

    report = demo.round_report
    client.force_login(demo.organizer)
    url = reverse("reports:register", args=[demo.exercise.pk, report.pk])
    response = client.post(url)
    report.refresh_from_db()
    document = Document.objects.get(pk=report.document_id)
    assert response.status_code == 302 and response["Location"] == document.get_absolute_url()
    assert (document.doc_type, document.classification, document.owner_body) == (
        "report", 1, report.issuing_body)
    assert document.title == report.title and not document.is_required
    version = document.versions.get()
    assert version.format == "docx"
    lines = version_paragraphs(version)
    assert "I. KHÁI QUÁT CHUNG" in lines and "MẬT" in lines
    assert not any(line.startswith("MẬT - BẢN SỐ") for line in lines)  # no copy mark
    # Again: a second version of the same document.
    client.post(url)
    assert document.versions.count() == 2
    assert Document.objects.filter(title=report.title).count() == 1
    # An observer may not.
    client.force_login(demo.observer)
    assert client.post(url).status_code == 403
    assert document.versions.count() == 2


@pytest.mark.django_db
def test_an_exercise_with_reports_can_still_be_deleted(demo):
    """Reports go with their exercise; a round with a report cannot be deleted on its own."""
    from django.core.exceptions import ValidationError

    from dientap.core import services as core_services

    with pytest.raises(ValidationError):
        core_services.delete(demo.round1, acting_user=None)
    core_services.delete(demo.exercise, acting_user=None)
    assert not Report.objects.exists()
