"""Each shipped template creates a complete exercise skeleton."""

import datetime as dt
import re

import pytest

from dientap.conferences.models import Conference, Holding
from dientap.documents.models import Document
from dientap.exercises.models import ContentItem, Phase
from dientap.organizations.models import Body
from dientap.oversight.models import Criterion
from dientap.reuse import library, services
from dientap.scenarios.models import Situation

SLUGS = ["tinh-khu-vuc-phong-thu", "xa-khu-vuc-phong-thu", "phong-thu-dan-su"]


def test_the_library_has_the_three_templates():
    assert [t.slug for t in library.templates()] == SLUGS
    kinds = {t.slug: t.kind for t in library.templates()}
    assert kinds["phong-thu-dan-su"] == "civil_defence"
    assert kinds["tinh-khu-vuc-phong-thu"] == "defence_zone"
    for t in library.templates():
        data = t.data()
        assert services.check(data) == [], t.slug
        assert re.search("[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]",
                         data["exercise"]["theme"] + t.name)  # Vietnamese with diacritics


def test_the_province_template_follows_the_skeleton():
    data = library.load("tinh-khu-vuc-phong-thu")
    assert [p["title"].split(":")[0] for p in data["structure"]] == [
        "Giai đoạn 1", "Giai đoạn 2", "Giai đoạn 3"]
    assert {c["kind"] for c in data["committees"]} >= {"steering", "organizing", "directing"}
    titles = " ".join(c["title"] for c in data["conferences"])
    for words in ("Đảng ủy Quân sự tỉnh", "Ban Chấp hành Đảng bộ tỉnh", "Hội đồng nhân dân tỉnh",
                  "Ủy ban nhân dân tỉnh", "Hội đồng cung cấp tỉnh", "Ban Thường vụ Tỉnh ủy"):
        assert words in titles
    round1 = [c for c in data["conferences"] if any(h["round"] == "r1" for h in c["holdings"])]
    assert len(round1) >= 5 and all(c["agenda"] and c["composition"] for c in round1)
    assert len(data["documents"]) >= 20


@pytest.mark.parametrize("slug", SLUGS)
def test_each_template_creates_a_complete_exercise(demo, slug):
    exercise, users = demo
    organizer = users["bantochuc"]
    data = library.load(slug)
    the_plan = services.plan(data, area=exercise.area)
    mapping = {row["key"]: services.NEW for row in the_plan.rows if row["chosen"] is None}
    if slug == "tinh-khu-vuc-phong-thu":
        # The demo's Tuyên Quang bodies are found by name (the place name is ignored).
        assert the_plan.rows[[r["name"] for r in the_plan.rows].index(
            "Ủy ban nhân dân tỉnh")]["chosen"].name == "Ủy ban nhân dân tỉnh Tuyên Quang"
        assert len(mapping) == 1  # only the border guard: Tuyên Quang has none in the demo
    start = dt.date(2028, 9, 4)
    result = services.exercise_import(data, organizer, code_name=f"T-{slug[:6]}",
                                      start_date=start, area=exercise.area, mapping=mapping)
    new = result.exercise
    assert new.kind == data["exercise"]["kind"] and new.start_date == start
    assert Phase.objects.filter(exercise=new).count() == len(data["structure"]) >= 3
    assert ContentItem.objects.filter(issue__phase__exercise=new).count() >= 5
    conferences = Conference.objects.filter(exercise=new)
    assert conferences.count() == len(data["conferences"]) >= 2
    for conference in conferences:
        assert conference.agenda.exists() and conference.composition.exists(), conference
        assert conference.content_item_id
    round1 = new.rounds.order_by("start_date").first()
    assert Holding.objects.filter(round=round1).count() >= 2
    assert Document.objects.filter(exercise=new).count() == len(data["documents"])
    assert Document.objects.filter(exercise=new, conferences__isnull=False).exists()
    assert Situation.objects.filter(exercise=new).count() == len(data["situations"])
    assert Criterion.objects.filter(exercise=new).count() == 8
    assert new.committees.count() == len(data["committees"])
    assert new.frame.exists()
    if mapping:
        assert Body.objects.filter(name__in=[r["name"] for r in the_plan.rows
                                             if r["key"] in mapping],
                                   area=exercise.area).count() == len(mapping)
