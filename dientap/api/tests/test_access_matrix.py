"""The access matrix: every URL pattern of the project (pages and API), every role, every kind
of object (own exercise, other exercise, classified document), allowed or refused.

How it works
- `ENTRIES` has one entry (or a list of them, one per HTTP method) per URL pattern, keyed by
  the pattern's name ("exercises:detail", "api:documents-status") or, without a name, its
  route. An entry names an access `RULE` and how to fill the URL for each kind of object.
- `RULES` is the table: per rule, per kind of object, the outcome for each role (column order
  `ROLES`). Outcomes: "ok" (2xx/3xx), "400", "403", "404", "L" (must log in: 401 or redirect to
  a login page), "*" (any answer but a server error: entries of apps whose owners have not
  tightened them yet).
- Each request runs inside a savepoint that is rolled back, so a POST that is allowed changes
  nothing for the next one.
- A URL pattern without an entry fails `test_every_url_pattern_has_an_entry`, which prints the
  pattern to add.
"""

import json
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.test import APIClient

from dientap.api import services as api_services
from dientap.api.testing import api_world
from dientap.core import testing as t
from dientap.documents.tests.conftest import make_docx

from .matrix import (  # noqa: F401 - the vocabulary the entries below are written in
    ANY,
    DOC_KINDS,
    NONE,
    OK,
    ROLE_USERS,
    ROLES,
    RULES,
    E,
    L,
    action,
    api,
    app_access_modules,
    create,
    ex,
    listing,
    page,
    pk_of,
    post,
    resource,
)

# ---- pages ---------------------------------------------------------------------------------

PAGES = {
    "": page("public", kinds=NONE, args=lambda o, w: {}),
    "healthz": page("public", kinds=NONE, args=lambda o, w: {}),
    "login": page("public", kinds=NONE, args=lambda o, w: {}),
    "logout": post("public", kinds=NONE, args=lambda o, w: {}, allowed=L),  # back to login
    "set_language": post("any", kinds=NONE, args=lambda o, w: {},
                         data=lambda o, w: {"language": "en"}),
    # TODO(accounts): tighten once two-factor login settles.
    "two_factor_verify": page("any", kinds=NONE, args=lambda o, w: {}),
    "two_factor_setup": page("any", kinds=NONE, args=lambda o, w: {}),
    "two_factor_recovery": page("auth", kinds=NONE, args=lambda o, w: {}),
    # exercises
    "exercises:list": page("auth", kinds=NONE, args=lambda o, w: {}),
    "exercises:create": page("org_add", kinds=NONE, args=lambda o, w: {}),
    "exercises:detail": page("view"),
    "exercises:edit": page("change"),
    "exercises:status": post("change", data=lambda o, w: {"status": "preparing"}),
    "exercises:frame": page("view"),
    "exercises:events": page("view", skip="an endless stream; access is tested in "
                                          "exercises/tests (404 when hidden)"),
    "exercises:frame_add": page("change"),
    "exercises:frame_delete": post("change", args=lambda o, w: {
        "pk": o.exercise.pk, "fid": o.frame_participant.pk}),
    "exercises:committee_add": page("change"),
    "exercises:member_add": page("change", args=lambda o, w: {
        "pk": o.exercise.pk, "cid": o.committee.pk}),
    "exercises:member_delete": post("change", args=lambda o, w: {
        "pk": o.exercise.pk, "mid": o.committee_member.pk}),
    "exercises:roles": page("view"),
    "exercises:role_revoke": post("change", args=lambda o, w: {
        "pk": o.exercise.pk, "mid": o.membership.pk}),
    "exercises:structure": page("view"),
    "exercises:phase_add": page("change"),
    "exercises:structure_add": page("change", args=lambda o, w: {
        "pk": o.exercise.pk, "level": "issue", "parent": o.phase.pk}),
    "exercises:structure_edit": page("change", args=lambda o, w: {
        "pk": o.exercise.pk, "level": "phase", "nid": o.phase.pk}),
    "exercises:structure_action": post("change", args=lambda o, w: {
        "pk": o.exercise.pk, "level": "item", "nid": o.item.pk},
        data=lambda o, w: {"action": "up"}),
    "exercises:round_add": page("change"),
    "exercises:round_edit": page("change", args=lambda o, w: {
        "pk": o.exercise.pk, "rid": o.round.pk}),
    # organizations: "own" is Tuyên Quang's, "other" Phú Thọ's
    "organizations:person_list": page("auth", kinds=NONE, args=lambda o, w: {}),
    "organizations:person_create": page("org_add", kinds=NONE, args=lambda o, w: {}),
    "organizations:person_detail": page("view", args=lambda o, w: {"pk": o.person.pk}),
    "organizations:person_edit": page("org_change", args=lambda o, w: {"pk": o.person.pk}),
    "organizations:post_add": page("org_change", args=lambda o, w: {"pk": o.person.pk}),
    "organizations:post_delete": post("org_change", args=lambda o, w: {"pk": o.post.pk}),
    "organizations:body_list": page("auth", kinds=NONE, args=lambda o, w: {}),
    "organizations:body_create": page("org_add", kinds=NONE, args=lambda o, w: {}),
    "organizations:body_detail": page("view", args=lambda o, w: {"pk": o.body.pk}),
    "organizations:body_edit": page("org_change", args=lambda o, w: {"pk": o.body.pk}),
    # conferences
    "conferences:create": page("change"),
    "conferences:round_gaps": page("view", args=lambda o, w: {
        "pk": o.exercise.pk, "rid": o.round.pk}),
    "conferences:detail": page("view", args=lambda o, w: {"pk": o.conference.pk}),
    "conferences:edit": page("change", args=lambda o, w: {"pk": o.conference.pk}),
    "conferences:holding_create": page("change", args=lambda o, w: {"pk": o.conference.pk}),
    "conferences:agenda_add": page("change", args=lambda o, w: {"pk": o.conference.pk}),
    "conferences:agenda_edit": page("change", args=lambda o, w: {
        "pk": o.conference.pk, "iid": o.agenda_item.pk}),
    "conferences:agenda_delete": post("change", args=lambda o, w: {
        "pk": o.conference.pk, "iid": o.agenda_items[2].pk}),
    "conferences:agenda_move": post("change", args=lambda o, w: {
        "pk": o.conference.pk, "iid": o.agenda_item.pk}, data=lambda o, w: {"direction": "down"}),
    "conferences:agenda_reorder": post("change", args=lambda o, w: {"pk": o.conference.pk},
                                       data=lambda o, w: {"order": [
                                           i.pk for i in o.agenda_items[::-1]]}, json=True),
    "conferences:composition_add": page("change", args=lambda o, w: {"pk": o.conference.pk}),
    "conferences:composition_edit": page("change", args=lambda o, w: {
        "pk": o.conference.pk, "eid": o.seat.pk}),
    "conferences:composition_delete": post("change", args=lambda o, w: {
        "pk": o.conference.pk, "eid": o.seat2.pk}),
    "conferences:holding_edit": page("change", args=lambda o, w: {"pk": o.holding.pk}),
    "conferences:runsheet": page("view", args=lambda o, w: {"pk": o.holding.pk}),
    "conferences:runsheet_state": page("view", args=lambda o, w: {"pk": o.holding.pk}),
    "conferences:runsheet_action": post("change", args=lambda o, w: {"pk": o.holding.pk},
                                        data=lambda o, w: {"action": "start"}, json=True),
    "conferences:attendance": page("view", args=lambda o, w: {"pk": o.holding.pk}),
    # documents
    "documents:register": page("view"),
    "documents:create": page("change"),
    "documents:seed": page("change"),
    "documents:matrix": page("view"),
    "documents:secret_register": page("view"),
    "documents:detail": page("view", kinds=DOC_KINDS, args=lambda o, w: {"pk": o.document.pk}),
    "documents:edit": page("doc_change", kinds=DOC_KINDS,
                           args=lambda o, w: {"pk": o.document.pk}),
    "documents:delete": post("change", kinds=DOC_KINDS, args=lambda o, w: {"pk": o.document.pk}),
    "documents:status": post("doc_change", kinds=DOC_KINDS,
                             args=lambda o, w: {"pk": o.document.pk},
                             data=lambda o, w: {"status": "submitted"}),
    "documents:issue": page("doc_change", kinds=DOC_KINDS,
                            args=lambda o, w: {"pk": o.document.pk}),
    "documents:upload": page("doc_change", kinds=DOC_KINDS,
                             args=lambda o, w: {"pk": o.document.pk}),
    "documents:write": page("doc_change", kinds=DOC_KINDS,
                            args=lambda o, w: {"pk": o.document.pk}),
    "documents:diff": page("view", kinds=DOC_KINDS, args=lambda o, w: {"pk": o.document.pk}),
    "documents:export": page("view", kinds=DOC_KINDS,
                             args=lambda o, w: {"pk": o.document.pk, "fmt": "docx"}),
    "documents:comment_add": page("change", kinds=DOC_KINDS,
                                  args=lambda o, w: {"pk": o.document.pk}),
    "documents:version": page("view", kinds=DOC_KINDS, args=lambda o, w: {"vid": o.version.pk}),
    "documents:version_download": page("view", kinds=DOC_KINDS,
                                       args=lambda o, w: {"vid": o.version.pk}),
    "documents:comment_answer": post("doc_change", kinds=DOC_KINDS,
                                     args=lambda o, w: {"cid": o.comment.pk},
                                     data=lambda o, w: {"answer": "Đã sửa"}),
    "documents:comment_close": post("change", kinds=DOC_KINDS,
                                    args=lambda o, w: {"cid": o.comment.pk}),
    # schedule: the feeds have no login page (a calendar client cannot log in)
    "schedule:exercise": page("view"),
    "schedule:exercise_ics": page("view", anonymous="404"),
    "schedule:body": page("view", args=lambda o, w: {"pk": o.body.pk}),
    "schedule:body_ics": page("view", args=lambda o, w: {"pk": o.body.pk}, anonymous="404"),
    "schedule:token_rotate": post("auth", kinds=NONE, args=lambda o, w: {}),
    # API schema and docs
    "api:schema": page("auth", kinds=NONE, args=lambda o, w: {}, anonymous="L"),
    "api:docs": page("auth", kinds=NONE, args=lambda o, w: {}),
}

# ---- API -----------------------------------------------------------------------------------

DAY = "2023-09-10"


def gone(rule, attr):
    """A DELETE of an object that is still used: refused (400) for those allowed to delete."""
    return api(rule, pk_of(attr), "delete", allowed="400")


API = {
    "api:api-root": listing(),
    "api:users-list": listing(),
    "api:users-me": listing(),
    "api:users-detail": resource("user", patch=None),
    "api:levels-list": listing(),
    "api:levels-detail": api("auth", lambda o, w: {"pk": w.tq.level_id}, kinds=NONE),
    "api:areas-list": listing(),
    "api:areas-detail": resource("area", patch=None),
    "api:bodies-list": [listing(), api("org_add_tq", method="post", kinds=NONE, data=lambda o, w: {
        "name": "Sở Nội vụ", "kind": "department", "area": w.tq.pk})],
    # Deletes: the body, the person, the first round and the conference are still used
    # (posts, frame, holdings, a holding in progress): refused with 400 for those allowed.
    "api:bodies-detail": resource("body", patch="org_change") + [gone("org_change", "body")],
    "api:people-list": [listing(), api("org_add", method="post", kinds=NONE,
                                       data=lambda o, w: {"full_name": "Lê Văn Tám"})],
    "api:people-detail": resource("person", patch="org_change") + [gone("org_change",
                                                                          "person")],
    "api:posts-list": create("org_create", lambda o, w: {
        "person": o.person.pk, "body": o.body.pk, "title": "Ủy viên"}),
    "api:posts-detail": resource("post", patch=None, delete="org_change"),
    "api:exercises-list": [listing(), api("org_add_tq", method="post", kinds=NONE,
                                          data=lambda o, w: {
        "code_name": "N-1", "name": "n", "theme": "t", "area": w.tq.pk,
        "start_date": DAY, "end_date": DAY})],
    "api:exercises-detail": resource("exercise", delete="change"),
    "api:memberships-list": create("create", lambda o, w: {
        "exercise": o.exercise.pk, "user": o.user.pk, "role": "observer"}),
    "api:memberships-detail": resource("membership", patch=None, delete="change"),
    "api:committees-list": create("create", lambda o, w: {
        "exercise": o.exercise.pk, "kind": "steering", "name": "Ban Chỉ đạo"}),
    "api:committees-detail": resource("committee", patch=None, delete="change"),
    "api:committee-members-list": create("create", lambda o, w: {
        "committee": o.committee.pk, "person": o.person2.pk, "position": "Phó ban"}),
    "api:committee-members-detail": resource("committee_member", patch=None, delete="change"),
    "api:frame-participants-list": create("create", lambda o, w: {
        "exercise": o.exercise.pk, "body": o.body.pk, "role": "member"}),
    "api:frame-participants-detail": resource("frame_participant", patch=None,
                                              delete="change"),
    "api:rounds-list": create("create", lambda o, w: {
        "exercise": o.exercise.pk, "kind": "final", "number": 1,
        "start_date": str(o.exercise.start_date), "end_date": str(o.exercise.start_date)}),
    "api:rounds-detail": resource("round") + [gone("change", "round")],
    "api:phases-list": create("create", lambda o, w: {"exercise": o.exercise.pk, "title": "GĐ"}),
    "api:phases-detail": resource("phase", delete="change"),
    "api:phases-move": action("change", "phase", lambda o, w: {"delta": 1}),
    "api:training-issues-list": create("create", lambda o, w: {"phase": o.phase.pk,
                                                               "title": "VĐ"}),
    "api:training-issues-detail": resource("issue", delete="change"),
    "api:training-issues-move": action("change", "issue", lambda o, w: {"delta": 1}),
    "api:content-items-list": create("create", lambda o, w: {"issue": o.issue.pk,
                                                             "title": "ND"}),
    "api:content-items-detail": resource("item", delete="change"),
    "api:content-items-move": action("change", "item", lambda o, w: {"delta": 1}),
    "api:conferences-list": create("create", lambda o, w: {
        "exercise": o.exercise.pk, "body": o.body.pk, "title": "Hội nghị"}),
    "api:conferences-detail": resource("conference") + [gone("change", "conference")],
    "api:holdings-list": create("create", lambda o, w: {
        "conference": o.conference.pk, "round": o.round3.pk,
        "starts_at": f"{o.exercise.start_date}T14:00:00+07:00",
        "ends_at": f"{o.exercise.start_date}T15:00:00+07:00"}),
    "api:holdings-detail": resource("holding", delete="change"),
    "api:holdings-runsheet": action("view", "holding", method="get"),
    "api:holdings-start": action("change", "holding"),
    "api:holdings-finish": action("change", "running"),
    "api:holdings-item-start": action("change", "running", lambda o, w: {
        "item": o.agenda_items[1].pk}),
    "api:holdings-item-done": action("change", "running", lambda o, w: {
        "item": o.agenda_item.pk}),
    "api:holdings-item-note": action("change", "running", lambda o, w: {
        "item": o.agenda_item.pk, "decision": "Nhất trí"}),
    "api:agenda-items-list": create("create", lambda o, w: {
        "conference": o.conference.pk, "content": "Phát biểu"}),
    "api:agenda-items-detail": resource("agenda_item", delete="change"),
    "api:agenda-items-move": action("change", "agenda_item", lambda o, w: {"delta": 1}),
    "api:agenda-items-reorder": api("create", method="post", data=lambda o, w: {
        "conference": o.conference.pk, "ids": [i.pk for i in o.agenda_items[::-1]]}),
    "api:composition-entries-list": create("create", lambda o, w: {
        "conference": o.conference.pk, "title": "Giám đốc Sở"}),
    "api:composition-entries-detail": resource("seat", delete="change"),
    "api:attendance-list": create("create", lambda o, w: {
        "holding": o.holding.pk, "entry": o.seat2.pk, "status": "present"}),
    "api:attendance-detail": resource("attendance", delete="change"),
    "api:agenda-progress-list": listing(),
    "api:agenda-progress-detail": resource("progress", patch=None),
    "api:documents-list": create("create", lambda o, w: {
        "exercise": o.exercise.pk, "title": "Báo cáo", "doc_type": "report",
        "owner_body": o.body.pk}),
    "api:documents-detail": resource("document", patch="doc_change", delete="change",
                                     kinds=DOC_KINDS),
    "api:documents-status": action("doc_change", "document", lambda o, w: {
        "status": "submitted"}, kinds=DOC_KINDS),
    "api:documents-issue": action("doc_change", "document", kinds=DOC_KINDS, allowed="400"),
    "api:documents-upload": E("doc_change", kinds=DOC_KINDS, args=pk_of("document"),
                              method="post", api=True, multipart=True, data=lambda o, w: {
                                  "file": SimpleUploadedFile("v.docx", make_docx())}),
    "api:documents-write": action("doc_change", "document", lambda o, w: {"text": "Điều 3."},
                                  kinds=DOC_KINDS),
    "api:documents-readiness": api("view_query", method="get",
                                   data=lambda o, w: {"exercise": o.exercise.pk}),
    "api:document-versions-list": listing(),
    "api:document-versions-detail": resource("version", patch=None, kinds=DOC_KINDS),
    "api:document-versions-download": action("view", "version", method="get", kinds=DOC_KINDS),
    "api:comments-list": create("doc_create_comment", lambda o, w: {
        "document": o.document.pk, "text": "Ý kiến"}, kinds=DOC_KINDS),
    "api:comments-detail": resource("comment", patch=None, kinds=DOC_KINDS),
    "api:comments-answer": action("doc_change", "comment", lambda o, w: {"answer": "Đã sửa"},
                                  kinds=DOC_KINDS),
    "api:comments-close": action("change", "comment", kinds=DOC_KINDS),
    "api:document-access-log-list": listing(),
    "api:document-access-log-detail": api("view", pk_of("access"), kinds=("classified",)),
    "api:tokens-list": [listing(), api("session_only", method="post", kinds=NONE,
                                       data=lambda o, w: {"name": "x"})],
    "api:tokens-detail": [api("own_token", lambda o, w: {"pk": w.organizer_token.pk},
                              kinds=NONE),
                          api("own_token", lambda o, w: {"pk": w.organizer_token.pk},
                              "delete", kinds=NONE, allowed=OK)],
}



def collect_entries():
    """The entries of this file and of every app's access module; a key twice is an error."""
    entries = {**PAGES, **API}
    owned = set(PAGES) | set(API)
    seen = {}
    for module in app_access_modules():
        for key, entry in module.ENTRIES.items():
            assert key not in owned and key not in seen, (
                f"{key} has an access-matrix entry twice ({module.__name__}"
                f"{', ' + seen[key] if key in seen else ''})")
            seen[key] = module.__name__
            entries[key] = entry
    return entries


ENTRIES = collect_entries()


# ---- the URL patterns ----------------------------------------------------------------------

def url_patterns(resolver=None, namespace=""):
    """(key, name) of every URL pattern: key is "namespace:name", or the route when unnamed."""
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            ns = ":".join(x for x in (namespace, p.namespace) if x) if p.namespace else namespace
            yield from url_patterns(p, ns)
        elif isinstance(p, URLPattern):
            name = f"{namespace}:{p.name}" if namespace and p.name else (p.name or "")
            route = f"{namespace}:{p.pattern}" if namespace else str(p.pattern)
            yield (name or route), name


def _is_admin(key):
    return key.startswith("admin:")


def test_every_url_pattern_has_an_entry():
    """A new page or endpoint must be added to ENTRIES (and so to the matrix)."""
    missing = [key for key, _name in url_patterns()
               if key not in ENTRIES and not _is_admin(key)]
    stale = sorted(set(ENTRIES) - {key for key, _name in url_patterns()})
    assert not missing, (
        "URL patterns without an access-matrix entry. Add to ENTRIES in "
        "dientap/api/tests/test_access_matrix.py, e.g.\n" + "\n".join(
            f'    "{key}": page("view"),  # or "change", "auth", api(...) …' for key in missing))
    assert not stale, f"entries for URL patterns that no longer exist: {stale}"


# ---- running the matrix --------------------------------------------------------------------

def kinds(w):
    own, other = w.own, w.other
    own.person, own.body, own.post, own.user, own.area = (
        w.son, w.ubnd_tq, w.son.posts.first(), w.frame_user, w.tq)
    other.person, other.body, other.post, other.user, other.area = (
        w.pt_person, w.ubnd_pt, w.pt_person.posts.first(), w.stranger, w.pt)
    own.person2 = w.lam
    other.person2 = t.person("Bùi Văn Hải", (w.ubnd_pt, "Phó Chủ tịch UBND tỉnh"))
    for o in (own, other):
        o.version = o.doc_version
    classified = SimpleNamespace(**vars(own))
    classified.document, classified.version, classified.comment = (
        own.classified, own.classified_version, own.classified_comment)
    return {"none": own, "own": own, "other": other, "classified": classified}


def outcome(response) -> str:
    code = response.status_code
    location = response.get("Location", "") if code in (301, 302) else ""
    if code == 401 or "/login/" in location:
        return L
    if code in (400, 403, 404):
        return str(code)
    if 200 <= code < 400:
        return OK
    return str(code)


def _client(w, role, entry):
    user = getattr(w, ROLE_USERS[role]) if ROLE_USERS[role] else None
    if entry.api:
        client = APIClient()
        if user is not None:
            client.credentials(HTTP_AUTHORIZATION=f"Token {w.keys[role]}")
        return client
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _request(client, entry, url, o, w):
    data = entry.data(o, w) if entry.data else None
    method = getattr(client, entry.method)
    if entry.method == "get":
        return method(url, data or {})
    if entry.multipart:
        return client.post(url, data, format="multipart")
    if entry.json:
        return method(url, json.dumps(data or {}), content_type="application/json")
    return method(url, data or {})


def expected(entry, role, kind):
    if role == "anonymous" and entry.anonymous:
        return entry.anonymous
    value = RULES[entry.rule][kind][ROLES.index(role)]
    return entry.allowed if value == OK else value


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(world, settings, tmp_path, role):
    settings.DATA_DIR = tmp_path / "data"
    w = api_world(world)
    w.organizer_token = api_services.token_create(w.organizer, acting_user=None)[0]
    w.keys = {r: api_services.token_create(getattr(w, u), acting_user=None)[1]
              for r, u in ROLE_USERS.items() if u}
    objects = kinds(w)
    names = dict(url_patterns())
    failures, checked = [], 0
    for key, entries in ENTRIES.items():
        for entry in entries if isinstance(entries, list) else [entries]:
            if entry.skip:
                continue
            for kind in entry.kinds:
                o = objects[kind]
                name = names[key]
                url = reverse(name, kwargs=entry.args(o, w)) if name else "/" + key
                want = expected(entry, role, kind)
                client = _client(w, role, entry)
                with transaction.atomic():
                    response = _request(client, entry, url, o, w)
                    transaction.set_rollback(True)
                got = outcome(response)
                checked += 1
                if response.status_code >= 500 or (want != ANY and got != want):
                    failures.append(f"{entry.method.upper()} {url} ({key}, {kind}): "
                                    f"expected {want}, got {response.status_code}")
    assert checked > 100
    assert not failures, f"{role}:\n" + "\n".join(failures)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["anonymous", "organizer", "superuser"])
def test_admin_site(world, role):
    """Django's admin: staff only (every admin: URL; the changelists are requested)."""
    client = Client()
    user = {"organizer": world.organizer, "superuser": None}.get(role)
    if role == "superuser":
        user = t.user("root", is_superuser=True, is_staff=True)
    if user is not None:
        client.force_login(user)
    for key, name in url_patterns():
        if not _is_admin(key) or not (name.endswith("_changelist") or name == "admin:index"):
            continue
        response = client.get(reverse(name))
        if role == "superuser":
            assert response.status_code == 200, (name, response.status_code)
        else:
            assert outcome(response) == L, (name, response.status_code)
