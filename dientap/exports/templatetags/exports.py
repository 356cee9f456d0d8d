"""{% export_links "documents" %}: the "Excel (.xlsx)" link(s) and the "Print" button of a
page, with the page's own filters (its query string) carried into the export."""

from urllib.parse import urlencode

from django import template
from django.urls import reverse

from dientap.core.paging import PAGE_PARAM
from dientap.exports.registers import REGISTERS

register = template.Library()


@register.inclusion_tag("exports/_link.html", takes_context=True)
def export_links(context, *keys, **params):
    request = context.get("request")
    exercise = context.get("exercise")
    links = []
    if exercise is not None:
        query = request.GET.copy() if request is not None else {}
        if query:
            query.pop(PAGE_PARAM, None)  # the export holds the whole list, not the shown page
        if params:
            query = {k: v for k, v in params.items() if v not in (None, "")}
            query = urlencode(query)
        else:
            query = query.urlencode() if query else ""
        for key in keys:
            spec = REGISTERS[key]
            url = reverse("exports:register", args=[exercise.pk, key])
            links.append({"key": key, "label": spec.label,
                          "url": f"{url}?{query}" if query else url})
    return {"links": links, "several": len(links) > 1}
