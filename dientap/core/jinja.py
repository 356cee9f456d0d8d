"""The Jinja2 environment of the row templates (``<app>/jinja2/<app>/*_rows.jinja``).

A page stays a Django template; the loop over its fifty rows is a Jinja2 template included
with ``{% load rows %}{% rows "app/x_rows.jinja" %}``, which sees the page's context. Jinja2
compiles templates to Python: fifty rows of the situation list render in 1.5 ms instead of
10 ms (docs/performance.md).

Rules of these templates, so that they say what the Django templates would:

- autoescaping is on, and values are escaped as Django's ``conditional_escape`` does (the same
  ``&quot;``/``&#x27;`` as a Django template writes); ``|safe`` only on HTML built with
  format_html;
- words are written ``{{ _("Edit") }}``, or ``{{ _("within %(n)s min") % {"n": x} }}``
  (makemessages extracts ``_("…")`` from .jinja files: check_translations passes the
  extension); words with a context or a plural come from the Django page
  (``{% translate "after" context "…" as after_label %}``) or from Python;
- numbers and dates are written as the Django page would with the ``localtime`` filter
  (``{{ x|localtime("%d/%m/%Y %H:%M") }}``) or come formatted from the selector.
"""

import html

from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, pgettext
from jinja2 import Environment
from markupsafe import Markup


def _escape(value):
    """Django's ``conditional_escape`` (``SafeString(html.escape(str(value)))`` unless already
    safe) without its lazy-string wrapper: the same bytes, called for every value of a row."""
    if hasattr(value, "__html__"):
        return value
    return Markup(html.escape(str(value)))  # noqa: S704 - escaped right here


def _localtime(value, fmt: str = "%d/%m/%Y %H:%M") -> str:
    if not value:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.strftime(fmt)


def environment(**options) -> Environment:
    options.setdefault("autoescape", True)
    options.setdefault("finalize", _escape)
    env = Environment(**options)  # noqa: S701 - autoescape is set just above
    env.globals.update({"_": gettext, "pgettext": pgettext, "url": reverse, "static": static})
    env.filters["localtime"] = _localtime
    return env
