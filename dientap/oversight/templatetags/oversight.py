from django import template
from django.utils import formats
from django.utils.html import format_html

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
