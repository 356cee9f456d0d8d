"""The pages: library, import from a template or a file (with the preview and the body
mapping), export, duplicate; who may use them."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import main_html
from dientap.conferences.models import Attendance, Conference
from dientap.exercises.models import Exercise, Phase
from dientap.reuse import library
from dientap.reuse.exporting import dumps

from .conftest import row_counts


@pytest.fixture
def organizer_client(client, demo):
    exercise, users = demo
    client.force_login(users["bantochuc"])
    return client


def _new_exercise_fields(exercise, code="TQ-28"):
    return {"code_name": code, "name": "", "area": exercise.area.pk,
            "start_date": "2028-09-04"}


def test_library_lists_the_templates(organizer_client):
    html = main_html(organizer_client.get(reverse("reuse:library")))
    for t in library.templates():
        assert t.name in html
        assert reverse("reuse:import_template", args=[t.slug]) in html
    assert reverse("reuse:import_file") in html


def test_create_from_the_province_template_through_the_pages(organizer_client, demo):
    exercise, users = demo
    url = reverse("reuse:import_template", args=["tinh-khu-vuc-phong-thu"])
    assert organizer_client.get(url).status_code == 200
    preview = organizer_client.post(url, _new_exercise_fields(exercise))
    assert preview.status_code == 200
    html = main_html(preview)
    assert "Bộ Chỉ huy Bộ đội Biên phòng tỉnh" in html and 'data-testid="unmatched"' in html
    data = library.load("tinh-khu-vuc-phong-thu")
    border = next(b["key"] for b in data["bodies"] if "Biên phòng" in b["name"])
    ubnd = next(b["key"] for b in data["bodies"] if b["name"] == "Ủy ban nhân dân tỉnh")
    # Confirming without choosing a body for the unmatched one: refused, listed, nothing made.
    before = row_counts()
    fields = {**_new_exercise_fields(exercise), "confirm": "1"}
    refused = organizer_client.post(url, fields)
    assert refused.status_code == 400
    assert "Bộ Chỉ huy Bộ đội Biên phòng tỉnh" in main_html(refused)
    assert row_counts() == before
    # The user maps it onto an existing body (the Military Command) and confirms.
    bchqs = users["bantochuc"].body
    done = organizer_client.post(url, {**fields, f"map-{border}": str(bchqs.pk),
                                       f"map-{ubnd}": ""})
    new = Exercise.objects.get(code_name="TQ-28")
    assert done.status_code == 302 and done["Location"] == new.get_absolute_url()
    assert Conference.objects.filter(exercise=new).count() == len(data["conferences"])
    assert Phase.objects.filter(exercise=new).count() == 3


def test_create_from_a_file_and_a_truncated_file(organizer_client, demo):
    exercise, users = demo
    url = reverse("reuse:import_file")
    export = organizer_client.get(reverse("reuse:export", args=[exercise.pk]),
                                  {"download": "1", "people": "on"})
    assert export.status_code == 200
    assert export["Content-Disposition"] == 'attachment; filename="tq-23.json"'
    content = export.content
    assert json.loads(content)["format"] == "dientap-exercise"
    before = row_counts()
    bad = organizer_client.post(url, {**_new_exercise_fields(exercise),
                                      "file": SimpleUploadedFile("tq.json", content[:5000])})
    assert bad.status_code == 200 and "errorlist" in main_html(bad)
    assert row_counts() == before
    preview = organizer_client.post(url, {**_new_exercise_fields(exercise),
                                          "file": SimpleUploadedFile("tq.json", content)})
    assert preview.status_code == 200 and 'data-testid="unmatched"' not in main_html(preview)
    done = organizer_client.post(url, {**_new_exercise_fields(exercise), "confirm": "1"})
    assert done.status_code == 302
    assert Exercise.objects.filter(code_name="TQ-28").exists()


def test_a_file_with_problems_is_listed_in_the_preview(organizer_client, demo):
    exercise, users = demo
    data = json.loads(dumps(library.load("phong-thu-dan-su")))
    data["conferences"][0]["body"] = "b99"
    response = organizer_client.post(reverse("reuse:import_file"), {
        **_new_exercise_fields(exercise),
        "file": SimpleUploadedFile("x.json", dumps(data).encode())})
    html = main_html(response)
    assert response.status_code == 400
    assert "conferences[0].body" in html and 'data-testid="confirm"' not in html


def test_duplicate_button(client, demo):
    exercise, users = demo
    client.force_login(users["bantochuc"])
    overview = main_html(client.get(exercise.get_absolute_url()))
    assert reverse("reuse:duplicate", args=[exercise.pk]) in overview
    response = client.post(reverse("reuse:duplicate", args=[exercise.pk]))
    copy = Exercise.objects.get(code_name="TQ-23 (bản sao)")
    assert response.status_code == 302 and response["Location"] == copy.get_absolute_url()
    assert (copy.area, copy.start_date, copy.end_date) == (exercise.area, exercise.start_date,
                                                           exercise.end_date)
    assert copy.phases.count() == exercise.phases.count()
    assert Conference.objects.filter(exercise=copy).count() == 3
    assert not Attendance.objects.filter(holding__conference__exercise=copy).exists()
    again = client.post(reverse("reuse:duplicate", args=[exercise.pk]))
    assert again.status_code == 302
    assert Exercise.objects.filter(code_name="TQ-23 (bản sao 2)").exists()
    # A frame member (no right to create exercises) sees no button and is refused.
    client.force_login(users["ubnd"])
    assert reverse("reuse:duplicate", args=[exercise.pk]) not in main_html(
        client.get(exercise.get_absolute_url()))
    assert client.post(reverse("reuse:duplicate", args=[exercise.pk])).status_code == 403


def test_exercise_list_links_to_the_library_for_those_who_may_create(client, demo):
    exercise, users = demo
    client.force_login(users["bantochuc"])
    assert reverse("reuse:library") in main_html(client.get(reverse("exercises:list")))
    client.force_login(users["ubnd"])
    assert reverse("reuse:library") not in main_html(client.get(reverse("exercises:list")))


def test_permissions(client, demo):
    exercise, users = demo
    client.force_login(users["ubnd"])  # sees TQ-23, may not create exercises
    assert client.get(reverse("reuse:library")).status_code == 200
    assert client.get(reverse("reuse:import_file")).status_code == 403
    assert client.get(reverse("reuse:import_template",
                              args=["phong-thu-dan-su"])).status_code == 403
    assert client.get(reverse("reuse:export", args=[exercise.pk])).status_code == 200
    pt23 = Exercise.objects.get(code_name="PT-23")
    assert client.get(reverse("reuse:export", args=[pt23.pk]),
                      {"download": "1"}).status_code == 404
    client.force_login(users["bantochuc"])
    assert client.get(reverse("reuse:import_template", args=["nope"])).status_code == 404
