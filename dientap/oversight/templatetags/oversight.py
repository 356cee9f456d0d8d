from django import template
from django.utils import formats
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import ngettext

from dientap.core.forms import option_tags

register = template.Library()


@register.filter
def vnd(value) -> str:
    """1250000 → "1.250.000" (Vietnamese thousands separator), negative with a minus sign."""
    if value is None or value == "":
        return ""
    n = int(value)
    text = f"{abs(n):,}".replace(",", ".")
    return f"−{text}" if n < 0 else text


@register.filter
def points(value) -> str:
    """An average on the scale, one decimal with a comma ("3,5"), or "—"."""
    if value is None:
        return "—"
    return f"{float(value):.1f}".replace(".", ",")


@register.filter
def pct(value) -> str:
    return "—" if value is None else f"{value}%"


@register.simple_tag(takes_context=True)
def oversees(context, exercise) -> bool:
    """Whether the user oversees the exercise (observations, evaluation); a view that has
    already checked it says so in ``is_overseer`` (no second query)."""
    from ..services import is_overseer

    if context.get("is_overseer") is not None:
        return context["is_overseer"]
    user = context["request"].user
    return user.is_authenticated and is_overseer(user, exercise)


@register.simple_tag
def options(choices, selected=None) -> str:
    """The <option>s of a filter from (value, label) pairs, ``selected`` marked."""
    return option_tags(choices, selected)


@register.simple_tag
def bar(width, label=None) -> str:
    """A horizontal bar (SVG) ``width`` out of 100, labelled for screen readers: one string
    built in Python (the dashboard draws hundreds)."""
    return format_html(
        '<svg class="bar" viewBox="0 0 100 10" preserveAspectRatio="none" role="img" '
        'aria-label="{}"><rect class="track" width="100" height="10"/>'
        '<rect class="fill-ok" width="{}" height="10"/></svg>',
        "—" if label is None else formats.localize(label), width)


_NONE = mark_safe('<span class="muted">—</span>')


@register.simple_tag
def readiness_row(r, urls) -> str:
    """One body's row of the dashboard's readiness table (documents, facilities, attendance,
    corrective actions), built in Python: a province's table has a row for each of its
    bodies (120 and more), and a template row costs a hundred nodes."""
    pk = r["body"].pk
    docs = format_html('<a href="{}?body={}">{}{}/{}</a>', urls["register"], pk,
                       bar(r["docs_w"], r["docs_pct"]), r["docs_done"], r["docs_total"]
                       ) if r["docs_total"] else _NONE
    fac = format_html('<a href="{}?body={}">{}{}/{}</a>', urls["checks"], pk,
                      bar(r["fac_w"], r["fac_pct"]), r["fac_ready"], r["fac_total"]
                      ) if r["fac_total"] else _NONE
    att = _NONE
    if r["seats"]:
        att = format_html("{}{}/{}", bar(r["att_w"], r["att_pct"]), r["present"], r["seats"])
        if urls["gaps"]:
            att = format_html('<a href="{}">{}</a>', urls["gaps"], att)
    actions = _NONE
    if r["actions_total"]:
        actions = format_html(
            '<a href="{}?body={}" data-testid="body-actions">{}'
            '<span data-testid="body-actions-fixed">{}</span>/{}</a>', urls["actions"], pk,
            bar(r["actions_w"], r["actions_pct"]), r["actions_fixed"], r["actions_total"])
        if r["actions_overdue"]:
            n = r["actions_overdue"]
            actions = format_html(
                '{} <a class="badge overdue" href="{}?body={}&amp;overdue=1">{}</a>', actions,
                urls["actions"], pk,
                ngettext("%(n)s past the due date", "%(n)s past the due date", n) % {"n": n})
    return format_html(
        '<tr data-testid="readiness-row" data-body="{}"><th scope="row">{}</th><td>{}</td>'
        "<td>{}</td><td>{}</td><td>{}</td></tr>", pk,
        r["body"].short_name or r["body"].name, docs, fac, att, actions)
