"""``{% rows "app/x_rows.jinja" %}``: the rows of a long list, rendered by Jinja2 with the
page's context (see core/jinja.py)."""

from django import template
from django.template import engines
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def rows(context, name: str) -> str:
    # Jinja2 escapes every value itself (autoescape): what it returns is safe HTML.
    return mark_safe(engines["jinja2"].get_template(name).template.render(context.flatten()))  # noqa: S308
