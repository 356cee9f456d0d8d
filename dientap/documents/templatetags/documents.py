from django import template

from dientap.core.forms import option_tags
from dientap.documents import selectors

register = template.Library()


@register.simple_tag
def document_summary(user, exercise):
    """% of required documents approved, per body and overall (for the exercise overview)."""
    return selectors.overview_summary(user, exercise)


@register.simple_tag
def options(choices):
    """The ``<option>`` elements of a filter's (value, label, selected) choices."""
    choices = list(choices)
    chosen = next((value for value, _label, selected in choices if selected), None)
    return option_tags(((value, label) for value, label, _s in choices), chosen)
