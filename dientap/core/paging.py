"""Long lists are shown a page at a time: one rule for every list page.

``page = page_of(request, queryset)`` gives a Django ``Page`` of ``PER_PAGE`` rows (``?page=N``;
a page number out of range or not a number shows the nearest page instead of an error), and
``{% load paging %}{% pager page %}`` draws "previous / page N of M / next" with the page's own
filters kept in the links. The row count is one ``COUNT(*)``; the rows are one ``LIMIT/OFFSET``
query, so a page costs the same whether the exercise holds fifty rows or fifty thousand.

The ``.xlsx`` export of a list reads the whole filtered list through the same selectors, not
through this (the export links drop ``?page=``).
"""

from django.core.paginator import Page, Paginator

PER_PAGE = 50
PAGE_PARAM = "page"


def page_of(request, rows, *, per_page: int = PER_PAGE) -> Page:
    """The requested page of ``rows`` (a queryset or a list)."""
    return Paginator(rows, per_page).get_page(request.GET.get(PAGE_PARAM))
