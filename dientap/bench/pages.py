"""The pages the benchmark measures, the benchmark's users, and SQL queries per page."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse

from dientap.accounts.models import Clearance, User
from dientap.exercises.models import FrameParticipant, Membership
from dientap.organizations.models import Body

from . import generator

BENCH_USER = "bench"
BENCH_ADMIN = "bench_admin"
BENCH_PASSWORD = "bench-Pass-2026-dientap"  # noqa: S105 - a benchmark account on a bench DB
PEOPLE_QUERY = "q=nguyen+van"  # accent-free: finds "Nguyễn Văn …"


@dataclass(frozen=True)
class Page:
    key: str
    label: str
    url_name: str
    query: str = ""
    per_exercise: bool = True

    def url(self, exercise_id: int) -> str:
        path = reverse(self.url_name, args=[exercise_id] if self.per_exercise else [])
        return path + (f"?{self.query}" if self.query else "")


# The ten busiest pages of the issue (the register and the readiness matrix are two pages),
# plus the two JSON states the consoles reload on every live event.
PAGES = [
    Page("overview", "exercise overview", "exercises:detail"),
    Page("dashboard", "dashboard", "oversight:dashboard"),
    Page("register", "document register", "documents:register"),
    Page("matrix", "readiness matrix", "documents:matrix"),
    Page("situations", "situation list", "scenarios:list"),
    Page("director", "director console", "scenarios:director"),
    Page("director_state", "director console state (JSON)", "scenarios:director_state"),
    Page("console", "a body's console", "scenarios:console"),
    Page("console_state", "a body's console state (JSON)", "scenarios:console_state"),
    Page("observations", "observation list", "oversight:observations"),
    Page("actions", "corrective actions", "oversight:actions"),
    Page("people", "people search", "organizations:person_list", PEOPLE_QUERY,
         per_exercise=False),
    Page("calendar", "calendar", "schedule:exercise"),
]
FLOOR = Page("floor", "floor (empty page)", "bench:floor", per_exercise=False)


def largest_exercise():
    """The first provincial exercise (all provincial ones have the same size)."""
    return generator.bench_exercises().order_by("code_name").first()


def console_body(exercise) -> Body:
    """The frame body whose member the benchmark user is: the exercise's People's Committee."""
    frame = FrameParticipant.objects.filter(exercise=exercise).select_related("body")
    committee = next((f.body for f in frame if f.body.kind == Body.Kind.COMMITTEE), None)
    return committee or frame.first().body


@transaction.atomic
def ensure_users(password: str = BENCH_PASSWORD) -> tuple[User, User]:
    """The benchmark user (Organizing Committee, director and observer of every benchmark
    exercise, cleared Tuyệt mật, member of the largest exercise's People's Committee) and an
    administrator (for the search among all people). Created once, brought up to date after."""
    from dientap.accounts.services import user_create

    exercise = largest_exercise()
    body = console_body(exercise)
    user = User.objects.filter(username=BENCH_USER).first()
    if user is None:
        user = user_create(acting_user=None, username=BENCH_USER, password=password,
                           first_name="Bench", body=body, clearance=Clearance.TOP_SECRET)
    elif user.body_id != body.pk:
        User.objects.filter(pk=user.pk).update(body=body)
        user.refresh_from_db()
    admin = User.objects.filter(username=BENCH_ADMIN).first()
    if admin is None:
        admin = user_create(acting_user=None, username=BENCH_ADMIN, password=password,
                            is_superuser=True, is_staff=True)
    roles = (Membership.Role.ORGANIZER, Membership.Role.DIRECTOR, Membership.Role.OBSERVER)
    have = set(Membership.objects.filter(user=user).values_list("exercise_id", "role"))
    missing = [Membership(exercise_id=pk, user=user, role=role)
               for pk in generator.bench_exercises().values_list("pk", flat=True)
               for role in roles if (pk, role) not in have]
    Membership.objects.bulk_create(missing, batch_size=2000)
    return user, admin


def count_queries(user, exercise_id: int, pages=PAGES) -> dict[str, int]:
    """SQL queries of each page for `user`, in-process (test client); a warm-up call first.
    The page is built each time (``Cache-Control: no-cache``): a repeat view from the page
    cache (core/pagecache.py) makes two queries whatever the page."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(SERVER_NAME="localhost")
    client.force_login(user)
    counts = {}
    for page in pages:
        url = page.url(exercise_id)
        response = client.get(url)  # warm-up (lazy caches, ticker start)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url, headers={"cache-control": "no-cache"})
            if hasattr(response, "streaming_content"):
                b"".join(response.streaming_content)
        counts[page.key] = len(ctx.captured_queries)
    return counts
