"""Row templates (core/jinja.py): a Django page includes them with {% rows %}; they see the
page's context, escape every value, and speak the user's language."""

from types import SimpleNamespace

from django.template import engines
from django.test import RequestFactory
from django.utils import translation

PAGE = engines["django"].from_string(
    '{% load i18n rows %}{% translate "Edit" as edit_label %}'
    '<table><tbody>{% rows "scenarios/situation_rows.jinja" %}</tbody></table>')


def _situation(**fields):
    base = {"pk": 7, "status": "scheduled", "is_open": True, "code": "TH-01",
            "position": 1, "time_long": "", "time_label": "N 07:30", "title": "Cháy rừng",
            "classification": 0, "classification_label": "", "issuer": "",
            "issuer_kind_label": "Đạo diễn", "depends_on_code": "", "content_item_title": "",
            "body_labels": ["UBND tỉnh", "Tỉnh ủy"], "handling_label": "Báo cáo",
            "deadline_minutes": 30, "status_label": "Chưa phát"}
    return SimpleNamespace(**{**base, **fields})


def _render(rows, **context):
    request = RequestFactory().get("/exercises/1/scenario/")
    return PAGE.render({"page": rows, "can_change": True, "order": "position",
                        "scenario_url": "/exercises/1/scenario/", "here": "/x/", **context},
                       request)


def test_rows_see_the_page_context_and_its_words():
    with translation.override("vi"):
        html = _render([_situation()])
    assert 'data-situation="7"' in html
    assert 'href="/exercises/1/scenario/7/edit/">Sửa</a>' in html  # {% translate … as %}
    assert "trong 30 phút" in html  # _("within %(n)s min") from the catalogue
    assert "UBND tỉnh, Tỉnh ủy" in html
    assert 'name="csrfmiddlewaretoken" value="' in html and 'value=""' not in html.split(
        "csrfmiddlewaretoken", 1)[1][:12]


def test_rows_escape_every_value():
    html = _render([_situation(title='<script>alert("x")</script>', code="A&B")])
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html  # as Django escapes
    assert ">A&amp;B</a>" in html


def test_an_empty_list_says_so_in_the_users_language():
    with translation.override("vi"):
        assert "Chưa có tình huống nào." in _render([])
    with translation.override("en"):
        assert "No situation yet." in _render([])
