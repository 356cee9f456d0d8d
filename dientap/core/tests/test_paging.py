"""One paging rule for every long list: page_of() and {% pager %}."""

from django.template import Context, Template
from django.test import RequestFactory
from django.utils import translation

from dientap.core.paging import PER_PAGE, page_of

rf = RequestFactory()


def test_page_of_gives_the_asked_page_and_clamps_bad_numbers():
    rows = list(range(1, 2 * PER_PAGE + 8))
    assert list(page_of(rf.get("/x/"), rows)) == rows[:PER_PAGE]
    assert list(page_of(rf.get("/x/?page=3"), rows)) == rows[2 * PER_PAGE:]
    assert page_of(rf.get("/x/?page=99"), rows).number == 3
    assert page_of(rf.get("/x/?page=abc"), rows).number == 1
    assert page_of(rf.get("/x/?page=-2"), rows).number == 3


def _render(url, rows):
    request = rf.get(url)
    page = page_of(request, rows)
    with translation.override("en"):
        return Template("{% load paging %}{% pager page %}").render(
            Context({"page": page, "request": request}))


def test_pager_keeps_the_filters_and_says_where_we_are():
    html = _render("/x/?q=ph%C3%B2ng&state=open&page=2", list(range(3 * PER_PAGE)))
    assert 'href="?q=ph%C3%B2ng&amp;state=open&amp;page=1" rel="prev"' in html
    assert 'href="?q=ph%C3%B2ng&amp;state=open&amp;page=3" rel="next"' in html
    assert f"Page 2 of 3 (rows {PER_PAGE + 1}–{2 * PER_PAGE} of {3 * PER_PAGE})" in html


def test_pager_is_absent_on_a_single_page():
    assert "pager" not in _render("/x/", list(range(PER_PAGE)))
