"""Observations: one subject of this exercise, photos checked by content, live events, and
who sees them."""

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dientap.core.realtime import capture_events
from dientap.documents import storage
from dientap.oversight import selectors, services
from dientap.oversight.models import Observation

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def observe(ov, user=None, **fields):
    data = {"kind": "shortcoming", "text": "Thảo luận vượt thời gian", "holding": ov.holding}
    data.update(fields)
    return services.observation_create(ov.tq23, acting_user=user or ov.observer, **data)


def test_an_observation_of_a_holding_is_stored_with_its_round_and_emits_an_event(ov):
    with capture_events() as events:
        obs = observe(ov, agenda_item=ov.items[1], scenario_time="N-5, 09:20")
    assert (obs.round, obs.author, obs.agenda_item) == (ov.r1, ov.observer, ov.items[1])
    assert obs.subject == ov.items[1]
    assert [(e.kind, e.payload) for e in events] == [
        ("observation.created", {"observation": obs.pk, "holding": ov.holding.pk})]
    # Only the bodies of the overseers receive it; the event carries no text.
    assert ov.bchqs.pk in events[0].audience_bodies
    assert ov.ubnd_tq.pk not in events[0].audience_bodies
    # What the live page then fetches is the scoped feed.
    feed = selectors.observation_feed(ov.organizer, ov.tq23, holding=ov.holding)
    assert [r["id"] for r in feed] == [obs.pk]


@pytest.mark.parametrize("fields", [
    {"holding": None},  # about nothing
    {"body": "ubnd_tq"},  # holding and body: two things
    {"holding": None, "body": "ubnd_tq", "document_version": "open_v1"},
    {"holding": None, "agenda_item": "item0"},  # an agenda item without its holding
    {"holding": "pt_holding"},  # a holding of another exercise
    {"body": "ubnd_pt", "holding": None},  # a body of another province
    {"agenda_item": "pt_item"},  # an agenda item of another conference
])
def test_bad_subjects_are_refused_and_nothing_is_saved(ov, fields):
    from dientap.conferences import services as cs

    pt_item = cs.agenda_item_create(ov.pt_conf, acting_user=None, content="Khai mạc")
    names = {"ubnd_tq": ov.ubnd_tq, "open_v1": ov.open_v1, "item0": ov.items[0],
             "pt_holding": ov.pt_holding, "ubnd_pt": ov.ubnd_pt, "pt_item": pt_item}
    fields = {k: names.get(v, v) if isinstance(v, str) else v for k, v in fields.items()}
    with pytest.raises(ValidationError):
        observe(ov, **fields)
    assert not Observation.objects.exists()


def test_only_observers_and_the_organizing_committee_record(ov):
    for user in (ov.frame_user, ov.inspector, ov.stranger):
        with pytest.raises(PermissionDenied):
            observe(ov, user=user)
    assert observe(ov, user=ov.organizer).author == ov.organizer


def test_a_photo_is_stored_and_served_only_to_who_sees_the_observation(ov, client):
    obs = observe(ov, photo=SimpleUploadedFile("anh.png", PNG, content_type="image/png"))
    assert obs.photo_type == "png" and storage.read(obs.photo_sha256) == PNG
    url = reverse("oversight:observation_photo", args=[obs.pk])
    client.force_login(ov.organizer)
    response = client.get(url)
    assert response.status_code == 200 and response.content == PNG
    assert response["Content-Type"] == "image/png"
    for user in (ov.frame_user, ov.stranger):
        client.force_login(user)
        assert client.get(url).status_code == 404


@pytest.mark.parametrize("content,name", [
    (b"MZ\x90\x00" + b"\x00" * 64, "anh.jpg"),  # a program named as a photo
    (b"GIF89a" + b"\x00" * 64, "anh.gif"),
    (b"", "anh.png"),
    (b"%PDF-1.4 ...", "anh.pdf"),  # a PDF is evidence, not a photo
])
def test_a_bad_photo_is_refused_and_nothing_is_saved(ov, content, name):
    with pytest.raises(ValidationError):
        observe(ov, photo=SimpleUploadedFile(name, content))
    assert not Observation.objects.exists()
    assert storage.blobs() == []


def test_a_photo_over_the_limit_is_refused(ov, settings):
    settings.DIENTAP_MAX_PHOTO_MB = 1
    with pytest.raises(ValidationError) as exc:
        observe(ov, photo=io.BytesIO(JPEG + b"\x00" * (1024 * 1024)))
    assert exc.value.code == "size"
    assert not Observation.objects.exists() and storage.blobs() == []


def test_who_sees_observations(ov):
    plain = observe(ov)
    secret = observe(ov, user=ov.cleared, holding=None, document_version=ov.secret_v1,
                     text="Nghị quyết thiếu phụ lục")
    # The Organizing Committee, observers and inspectors see the exercise's observations…
    assert set(selectors.observation_list(ov.cleared, ov.tq23)) == {plain, secret}
    assert list(selectors.observation_list(ov.inspector, ov.tq23)) == [plain]
    # … but one about a classified document only who may see the document.
    assert list(selectors.observation_list(ov.observer, ov.tq23)) == [plain]
    assert list(selectors.observation_list(ov.organizer, ov.tq23)) == [plain]
    # Frame members and other provinces see none.
    for user in (ov.frame_user, ov.stranger, ov.other_inspector):
        assert list(selectors.observation_list(user, ov.tq23)) == []


def test_the_quick_entry_page_records_with_the_holding_preselected(ov, client):
    client.force_login(ov.observer)
    url = reverse("oversight:observe", args=[ov.tq23.pk])
    page = client.get(url, {"holding": ov.holding.pk})
    assert page.status_code == 200
    assert f'<option value="{ov.holding.pk}" selected' in page.content.decode()
    response = client.post(url + f"?holding={ov.holding.pk}", {
        "kind": "strength", "text": "Chủ trì điều hành tốt", "holding": ov.holding.pk,
        "agenda_item": ov.items[0].pk})
    assert response.status_code == 302
    obs = Observation.objects.get()
    assert (obs.kind, obs.holding, obs.agenda_item) == ("strength", ov.holding, ov.items[0])
    # A bad photo: the form comes back with the error, nothing saved.
    response = client.post(url, {"kind": "strength", "text": "x", "holding": ov.holding.pk,
                                 "photo": SimpleUploadedFile("a.png", b"not an image")})
    assert response.status_code == 200 and Observation.objects.count() == 1
    for user, status in ((ov.frame_user, 403), (ov.stranger, 404)):
        client.force_login(user)
        assert client.get(url).status_code == status
