"""Test helpers: build a small world through the services (so tests exercise the real path)."""

import datetime as dt
import itertools
import time

from dientap.accounts.services import user_create
from dientap.exercises import services as exercise_services
from dientap.exercises.models import Membership
from dientap.organizations import services as org_services

PASSWORD = "Th1s-is-a-test-pass"  # noqa: S105 - test accounts only
_seq = itertools.count(1)


def level(code="province", name="Tỉnh", rank=2):
    from dientap.organizations.models import AreaLevel

    existing = AreaLevel.objects.filter(code=code).first()
    return existing or org_services.level_create(acting_user=None, code=code, name=name, rank=rank)


def area(name, *, parent=None, level_code="province"):
    return org_services.area_create(acting_user=None, name=name, parent=parent,
                                    level=level(level_code, level_code, next(_seq)))


def body(name, *, area, short_name="", kind="committee"):
    return org_services.body_create(acting_user=None, name=name, short_name=short_name,
                                    kind=kind, area=area)


def person(full_name, *posts):
    """person("Chẩu Văn Lâm", (body, "Bí thư Tỉnh ủy"), …)"""
    p = org_services.person_create(acting_user=None, full_name=full_name)
    for b, title in posts:
        org_services.post_create(acting_user=None, person=p, body=b, title=title)
    return p


def user(username, *, body=None, inspected_area=None, perms=(), **fields):
    from django.contrib.auth.models import Permission

    u = user_create(acting_user=None, username=username, password=PASSWORD, body=body,
                    inspected_area=inspected_area, **fields)
    for perm in perms:
        app_label, codename = perm.split(".")
        u.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return u


def exercise(code_name, *, area, start=dt.date(2023, 9, 19), **fields):
    return exercise_services.exercise_create(
        acting_user=None, code_name=code_name, name=f"Diễn tập {code_name}",
        theme="Chuyển địa phương vào các trạng thái quốc phòng", area=area,
        start_date=start, end_date=start + dt.timedelta(days=40), **fields,
    )


def grant(exercise, user, role=Membership.Role.ORGANIZER):
    return exercise_services.membership_grant(exercise, acting_user=None, user=user, role=role)


def wait_for(condition, seconds: float = 10) -> bool:
    """Poll ``condition()`` until it holds (True) or ``seconds`` pass (False): for what another
    thread or process does (a live server, a stream)."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True
