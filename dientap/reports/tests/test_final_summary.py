"""The final report of a large exercise sums up (per round, per body) instead of listing every
holding, situation, observation and corrective action; round reports keep every item. The
demo is small, so the tests lower ``text.LIST_LIMIT``. Also: a .docx and a PDF of the same
report render it once."""

import io
from collections import Counter

import pytest
from docx import Document as Docx
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from dientap.oversight.models import CorrectiveAction, Observation
from dientap.reports import output, services, text
from dientap.reports.models import Report


def table(document, first_header):
    for t in document.tables:
        header = [c.text for c in t.rows[0].cells]
        if header[:len(first_header)] == first_header:
            return header, [[c.text for c in row.cells] for row in t.rows[1:]]
    return None


def lines_of(document):
    return [Paragraph(p, document).text for p in document.element.body.iter(qn("w:p"))]


@pytest.fixture
def small_limit(monkeypatch):
    monkeypatch.setattr(text, "LIST_LIMIT", 1)


@pytest.mark.django_db
def test_the_final_report_sums_up_long_lists(demo, small_limit):
    report = services.report_create(demo.exercise, Report.Kind.FINAL,
                                    acting_user=demo.organizer)
    data = report.data
    assert len(data["holdings"]) > 1 and len(data["actions"]) > 1
    document = Docx(io.BytesIO(output.build(report)))
    lines = lines_of(document)

    # II. Attendance per round: one line each, no holding named.
    assert "Luyện tập lần 1: tổ chức 03 hội nghị, kỳ họp." in report.conduct
    assert not any(h["conference"] in report.conduct for h in data["holdings"])
    required = sum(h["required"] for h in data["holdings"] if h["recorded"])
    header, rows = table(document, ["STT", "Bước", "Hội nghị, kỳ họp", "Quy định"])
    assert rows[-1][:4] == ["", "Cộng", text.two(len(data["holdings"])), text.two(required)]
    assert [r[1] for r in rows[:-1]] == list(dict.fromkeys(h["round"]
                                                           for h in data["holdings"]))
    # Situations per round, totals as in the text.
    header, rows = table(document, ["STT", "Bước", "Số tình huống"])
    assert rows[-1][2] == text.two(len(data["situations"]))
    assert rows[-1][3] == text.two(sum(s["deliveries"] for s in data["situations"]))
    assert not any(f"Tình huống {s['code']}" in report.conduct for s in data["situations"])

    # III-V. Observations counted per body (Bảng 4), the bodies with the most named.
    kinds = Counter(o["kind"] for o in data["observations"])
    header, rows = table(document, ["STT", "Cơ quan, đơn vị"])
    assert header[2:] == ["Ưu điểm", "Hạn chế", "Đề xuất"]
    assert rows[-1][2:] == [text.two(kinds[k]) for k in ("strength", "shortcoming", "proposal")]
    assert f"{text.two(kinds['shortcoming'])} hạn chế của" in report.shortcomings
    assert "Bảng 4. Tổng hợp nhận xét theo cơ quan, đơn vị" in lines
    assert not any(o["text"] in report.shortcomings for o in data["observations"])

    # The improvement plan per body, with every action counted.
    assert table(document, output.PLAN_HEADERS) is None
    header, rows = table(document, output.PLAN_SUMMARY_HEADERS)
    actions = CorrectiveAction.objects.filter(exercise=demo.exercise)
    done = actions.filter(status__in=output.DONE).count()
    assert rows[-1] == ["", "Cộng", text.two(actions.count()), text.two(done),
                        text.two(actions.count() - done),
                        text.two(sum(1 for a in data["actions"] if a["overdue"]))]
    assert {r[1] for r in rows[:-1]} == {a["body"] for a in data["actions"]}
    assert "danh sách chi tiết tại sổ Nội dung sửa đổi, bổ sung, khắc phục" in report.conclusion


@pytest.mark.django_db
def test_round_reports_keep_every_item(demo, small_limit):
    report = services.report_create(demo.exercise, Report.Kind.ROUND, demo.round1,
                                    acting_user=demo.organizer)
    document = Docx(io.BytesIO(output.build(report)))
    header, rows = table(document, output.PLAN_HEADERS)
    raised = CorrectiveAction.objects.filter(exercise=demo.exercise, round=demo.round1)
    assert sorted(r[2] for r in rows) == sorted(a.title for a in raised)
    assert all(h["conference"] in report.conduct for h in report.data["holdings"])
    assert table(document, ["STT", "Cơ quan, đơn vị"]) is None  # no Bảng 4


@pytest.mark.django_db
def test_short_lists_are_listed_in_the_final_report(demo):
    report = demo.final
    assert len(report.data["actions"]) <= text.LIST_LIMIT
    document = Docx(io.BytesIO(output.build(report)))
    assert table(document, output.PLAN_HEADERS) is not None
    shortcomings = Observation.objects.filter(exercise=demo.exercise, kind="shortcoming")
    assert all(o.text in report.shortcomings for o in shortcomings)


def test_summary_helpers():
    assert text.two(5) == "05" and text.two(42) == "42" and text.two(1250) == "1.250"
    counts = Counter({f"Sở {i:02d}": 20 - i for i in range(15)})
    assert text.most(counts, " lượt") == ", ".join(
        f"Sở {i:02d} ({20 - i:02d} lượt)" for i in range(10)) + " và 05 cơ quan, đơn vị khác"
    rounds = [{"label": "Luyện tập lần 1", "start": "02/03/2026", "end": "04/03/2026"},
              {"label": "Thực hành", "start": "22/03/2026", "end": "22/03/2026"}]
    assert text.situation_round({"issued": "07:30 03/03/2026"}, rounds) == "Luyện tập lần 1"
    assert text.situation_round({"issued": "07:30 22/03/2026"}, rounds) == "Thực hành"
    assert text.situation_round({"issued": "07:30 10/03/2026"}, rounds) == ""
    assert text.situation_round({"issued": ""}, rounds) == ""


@pytest.mark.django_db
def test_a_docx_and_a_pdf_render_the_report_once(demo, monkeypatch):
    """The PDF is made from the same rendered document as the .docx, with its own copy mark;
    a change to the report renders it again."""
    from dientap.documents import output as doc_output

    rendered, converted = [], []
    real = doc_output.render

    def counting(*args, **kwargs):
        rendered.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(doc_output, "render", counting)
    output._RENDERED.clear()
    monkeypatch.setattr(services.pdf, "docx_to_pdf",
                        lambda data: converted.append(data) or b"%PDF-1.4")
    report = demo.round_report
    docx, _name = services.export_docx(report, acting_user=demo.organizer)
    pdf, _name = services.export_pdf(report, acting_user=demo.organizer)
    assert pdf == b"%PDF-1.4" and len(rendered) == 1
    first, second = (lines_of(Docx(io.BytesIO(d))) for d in (docx, converted[0]))
    assert first[0].startswith("MẬT - BẢN SỐ 01") and second[0].startswith("MẬT - BẢN SỐ 02")
    assert first[1:] == second[1:]
    report = services.report_update(report, acting_user=demo.organizer,
                                    conclusion="Kết luận mới.")
    docx, _name = services.export_docx(report, acting_user=demo.organizer)
    assert len(rendered) == 2 and "Kết luận mới." in lines_of(Docx(io.BytesIO(docx)))
