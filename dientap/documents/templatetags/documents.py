from html import escape

from django import template
from django.utils.safestring import mark_safe

from dientap.documents import selectors

register = template.Library()


@register.simple_tag
def document_summary(user, exercise):
    """% of required documents approved, per body and overall (for the exercise overview)."""
    return selectors.overview_summary(user, exercise)


@register.simple_tag
def options(choices):
    """The ``<option>`` elements of a filter's (value, label, selected) choices.

    A filter lists every body or conference of the exercise (a hundred or more at national
    scale): one escaped join here instead of three template lookups per option."""
    return mark_safe("".join(  # noqa: S308 - every value and label is escaped
        f'<option value="{escape(str(value))}"{" selected" if selected else ""}>'
        f"{escape(str(label))}</option>"
        for value, label, selected in choices))
