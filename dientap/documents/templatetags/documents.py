from django import template

from dientap.documents import selectors

register = template.Library()


@register.simple_tag
def document_summary(user, exercise):
    """% of required documents approved, per body and overall (for the exercise overview)."""
    return selectors.overview_summary(user, exercise)
