"""Every list is scoped with `restrict` and a hidden object is a 404, for every resource."""

import pytest

from dientap.api.testing import ids, token_client

pytestmark = pytest.mark.django_db

# API prefix -> attribute of api_world's per-exercise objects.
OBJECTS = {
    "exercises": "exercise", "memberships": "membership", "committees": "committee",
    "committee-members": "committee_member", "frame-participants": "frame_participant",
    "rounds": "round", "phases": "phase", "training-issues": "issue", "content-items": "item",
    "conferences": "conference", "holdings": "holding", "agenda-items": "agenda_item",
    "composition-entries": "seat", "attendance": "attendance", "agenda-progress": "progress",
    "documents": "document", "document-versions": "doc_version", "comments": "comment",
}
CLASSIFIED = {"documents": "classified", "document-versions": "classified_version",
              "comments": "classified_comment", "document-access-log": "access"}


def listed(client, prefix):
    return ids(client.get(f"/api/{prefix}/?page_size=200"))


@pytest.mark.parametrize("prefix", sorted(OBJECTS))
def test_lists_and_details_are_scoped(aw, prefix):
    own, other = (getattr(aw.own, OBJECTS[prefix]).pk, getattr(aw.other, OBJECTS[prefix]).pk)
    organizer, stranger, inspector = (token_client(u) for u in
                                      (aw.organizer, aw.stranger, aw.inspector))
    # Organizing Committee of TQ-23: TQ-23 only.
    seen = listed(organizer, prefix)
    assert own in seen and other not in seen
    assert organizer.get(f"/api/{prefix}/{own}/").status_code == 200
    assert organizer.get(f"/api/{prefix}/{other}/").status_code == 404
    # A user of Phú Thọ sees nothing of TQ-23, and a hidden object is the same as a missing one.
    assert own not in listed(stranger, prefix)
    hidden = stranger.get(f"/api/{prefix}/{own}/")
    missing = stranger.get(f"/api/{prefix}/987654321/")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
    # The Military Region's inspector sees both provinces.
    assert {own, other} <= listed(inspector, prefix)


@pytest.mark.parametrize("prefix", sorted(CLASSIFIED))
def test_classified_documents_need_clearance_and_need_to_know(aw, prefix):
    obj = getattr(aw.own, CLASSIFIED[prefix]).pk
    cleared_recipient = token_client(aw.frame_cleared)  # UBND tỉnh (owner), cleared to Tối mật
    assert obj in listed(cleared_recipient, prefix)
    assert cleared_recipient.get(f"/api/{prefix}/{obj}/").status_code == 200
    for user in (aw.frame_user, aw.other_body_user, aw.inspector, aw.organizer, aw.stranger):
        client = token_client(user)
        assert obj not in listed(client, prefix), user
        assert client.get(f"/api/{prefix}/{obj}/").status_code == 404, user


@pytest.mark.parametrize("prefix", ["levels", "areas", "bodies", "people", "posts", "users"])
def test_organisation_lists_are_scoped(aw, prefix):
    stranger = token_client(aw.stranger)
    seen = listed(stranger, prefix)
    hidden = {"bodies": aw.bchqs.pk, "people": aw.son.pk, "posts": aw.son.posts.first().pk,
              "users": aw.organizer.pk, "areas": aw.tq.pk}.get(prefix)
    if hidden is not None:
        assert hidden not in seen
    assert seen  # something of their own (or public reference data)
