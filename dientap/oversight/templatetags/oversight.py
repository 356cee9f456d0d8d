from django import template

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
    """Whether the user oversees the exercise (observations, evaluation)."""
    from ..services import is_overseer

    user = context["request"].user
    return user.is_authenticated and is_overseer(user, exercise)
