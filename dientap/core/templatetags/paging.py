"""{% pager page %}: previous / "page N of M (rows a–b of n)" / next, filters kept."""

from django import template

from dientap.core.paging import PAGE_PARAM

register = template.Library()


@register.inclusion_tag("core/_pager.html", takes_context=True)
def pager(context, page):
    request = context.get("request")
    query = request.GET.copy() if request is not None else None

    def link(number):
        if query is None:
            return f"?{PAGE_PARAM}={number}"
        q = query.copy()
        q[PAGE_PARAM] = number
        return "?" + q.urlencode()

    return {
        "page": page,
        "previous_url": link(page.previous_page_number()) if page.has_previous() else "",
        "next_url": link(page.next_page_number()) if page.has_next() else "",
        "first_url": link(1) if page.number > 2 else "",
        "last_url": link(page.paginator.num_pages)
        if page.number < page.paginator.num_pages - 1 else "",
    }
