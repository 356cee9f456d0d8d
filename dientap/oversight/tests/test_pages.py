"""The pages: every form goes through its service; hidden → 404, not allowed → 403."""

import datetime as dt

from django.urls import reverse

from conftest import main_html
from dientap.oversight import services
from dientap.oversight.models import ChecklistItem, CorrectiveAction, RoundReadiness
from dientap.oversight.templatetags.oversight import vnd

from .conftest import action


def test_vnd_formatting():
    assert [vnd(0), vnd(1250000), vnd(-250000), vnd(None)] == ["0", "1.250.000", "−250.000", ""]


def test_every_page_renders_for_the_organizing_committee(ov, client):
    a = action(ov)
    obs = services.observation_create(ov.tq23, acting_user=ov.observer, kind="strength",
                                      text="Tốt", holding=ov.holding)
    item = services.checklist_item_create(ov.tq23, acting_user=ov.organizer, category="maps",
                                          title="Sa bàn", owner_body=ov.bchqs,
                                          due_date=dt.date(2099, 1, 1))
    line = services.budget_line_create(ov.tq23, acting_user=ov.organizer, title="Sa bàn",
                                       owner_body=ov.bchqs, planned=120_000_000,
                                       actual=131_200_000)
    client.force_login(ov.organizer)
    pk = ov.tq23.pk
    for url in [reverse(f"oversight:{n}", args=[pk]) for n in (
            "dashboard", "observe", "observations", "actions", "action_create", "follow_up",
            "evaluation", "criterion_create", "score", "checks", "check_create",
            "budget_create")] + [
            reverse("oversight:action", args=[a.pk]), reverse("oversight:action_edit",
                                                              args=[a.pk]),
            reverse("oversight:check_edit", args=[item.pk]),
            reverse("oversight:budget_edit", args=[line.pk]),
            reverse("oversight:action_create", args=[pk]) + f"?observation={obs.pk}"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert 'style="' not in response.content.decode(), url
        assert "<script>" not in response.content.decode(), url
    html = main_html(client.get(reverse("oversight:checks", args=[pk])))
    assert "120.000.000" in html and "131.200.000" in html and "11.200.000" in html


def test_raising_an_action_from_an_observation_through_the_page(ov, client):
    obs = services.observation_create(ov.tq23, acting_user=ov.observer, kind="shortcoming",
                                      text="Sa bàn chưa cập nhật", holding=ov.holding)
    client.force_login(ov.organizer)
    url = reverse("oversight:action_create", args=[ov.tq23.pk]) + f"?observation={obs.pk}"
    page = client.get(url).content.decode()
    assert "Sa bàn chưa cập nhật" in page
    # Missing owner and due date: the form says so, nothing saved.
    response = client.post(url, {"title": "Cập nhật sa bàn", "round": ov.r1.pk})
    assert response.status_code == 200 and not CorrectiveAction.objects.exists()
    assert "errorlist" in response.content.decode()
    response = client.post(url, {"title": "Cập nhật sa bàn", "owner_body": ov.bchqs.pk,
                                 "due_date": "30/09/2099", "round": ov.r1.pk, "blocking": "on"})
    assert response.status_code == 302
    a = CorrectiveAction.objects.get()
    assert (a.observation, a.owner_body, a.due_date, a.blocking) == (
        obs, ov.bchqs, dt.date(2099, 9, 30), True)
    # The frame member may not raise actions; a stranger does not see the exercise.
    client.force_login(ov.frame_user)
    assert client.get(url).status_code == 403
    client.force_login(ov.stranger)
    assert client.get(url).status_code == 404


def test_steps_through_the_pages(ov, client):
    a = action(ov)
    step = lambda s, **d: client.post(reverse("oversight:action_step", args=[a.pk, s]),  # noqa: E731
                                      {"version": CorrectiveAction.objects.get().version, **d})
    client.force_login(ov.frame_user)
    assert step("verify").status_code == 403
    step("done", fixed_by_version=ov.open_v1.pk, note="Đã sửa")
    assert CorrectiveAction.objects.get().status == "done"
    client.force_login(ov.organizer)
    step("reopen", reason="")  # refused: a message, no change
    assert CorrectiveAction.objects.get().status == "done"
    step("verify")
    assert CorrectiveAction.objects.get().status == "verified"
    client.force_login(ov.stranger)
    assert step("reopen", reason="x").status_code == 404


def test_marking_a_round_ready_through_the_page(ov, client):
    action(ov, blocking=True)
    client.force_login(ov.organizer)
    url = reverse("oversight:round_ready", args=[ov.tq23.pk, ov.r1.pk])
    client.post(url, {})
    assert not RoundReadiness.objects.exists()
    client.post(url, {"override_reason": "Quyết định của Trưởng ban"})
    assert RoundReadiness.objects.get().override_reason == "Quyết định của Trưởng ban"
    page = main_html(client.get(reverse("oversight:follow_up", args=[ov.tq23.pk])))
    assert "Quyết định của Trưởng ban" in page
    client.force_login(ov.observer)
    assert client.post(url, {}).status_code == 403


def test_the_owner_body_updates_its_checklist_item_with_evidence(ov, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    item = services.checklist_item_create(ov.tq23, acting_user=ov.organizer,
                                          category="transport", title="Xe đưa đón",
                                          owner_body=ov.ubnd_tq, due_date=dt.date(2099, 1, 1))
    client.force_login(ov.frame_user)
    url = reverse("oversight:check_edit", args=[item.pk])
    response = client.post(url, {"status": "ready", "evidence": "Hợp đồng thuê xe",
                                 "version": item.version,
                                 "evidence_file": SimpleUploadedFile("hd.pdf", b"%PDF-1.4 x")})
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.evidence_type) == ("ready", "pdf")
    assert client.get(reverse("oversight:check_evidence", args=[item.pk])).status_code == 200
    # A bad file: refused, nothing changed.
    client.post(url, {"status": "problem", "evidence": "", "version": item.version,
                      "evidence_file": SimpleUploadedFile("x.pdf", b"MZ\x90")})
    item.refresh_from_db()
    assert item.status == "ready"
    # Another body's member: hidden.
    client.force_login(ov.tinh_uy_user)
    assert client.get(url).status_code == 404
    assert ChecklistItem.objects.count() == 1
