import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from conftest import main_html
from dientap.exercises import services
from dientap.exercises.models import ContentItem, Phase


@pytest.fixture
def tree(world):
    p1 = services.phase_create(world.tq23, acting_user=None, title="Giai đoạn 1")
    p2 = services.phase_create(world.tq23, acting_user=None, title="Giai đoạn 2")
    issue = services.training_issue_create(p1, acting_user=None, title="Vấn đề 1")
    items = [services.content_item_create(issue, acting_user=None, title=f"Nội dung {n}")
             for n in (1, 2, 3)]
    return p1, p2, issue, items


def titles(qs):
    return list(qs.values_list("title", flat=True))


def test_positions_follow_creation_order(tree):
    p1, p2, issue, items = tree
    assert [p.position for p in (p1, p2)] == [1, 2]
    assert [i.position for i in items] == [1, 2, 3]


def test_move_and_delete(tree, world):
    p1, p2, issue, items = tree
    services.structure_node_move(items[2], -1, acting_user=world.organizer)
    assert titles(issue.items.all()) == ["Nội dung 1", "Nội dung 3", "Nội dung 2"]
    services.structure_node_move(p2, -1, acting_user=world.organizer)
    assert titles(world.tq23.phases.all()) == ["Giai đoạn 2", "Giai đoạn 1"]
    services.structure_node_delete(p1, acting_user=world.organizer)
    assert not ContentItem.objects.filter(issue=issue).exists()


def test_structure_changes_need_change_rights(tree, world):
    with pytest.raises(PermissionDenied):
        services.phase_create(world.tq23, acting_user=world.observer, title="X")
    with pytest.raises(PermissionDenied):
        services.structure_node_move(tree[0], 1, acting_user=world.observer)
    assert Phase.objects.count() == 2


def test_structure_page_and_forms(client, tree, world):
    p1, p2, issue, items = tree
    client.force_login(world.organizer)
    url = reverse("exercises:structure", args=[world.tq23.pk])
    html = main_html(client.get(url))
    assert html.index("Giai đoạn 1") < html.index("Vấn đề 1") < html.index("Nội dung 3")
    response = client.post(reverse("exercises:structure_add",
                                   args=[world.tq23.pk, "item", issue.pk]), {"title": "Nội dung 4"})
    assert response.status_code == 302
    assert titles(issue.items.all())[-1] == "Nội dung 4"
    response = client.post(reverse("exercises:structure_add",
                                   args=[world.tq23.pk, "item", issue.pk]), {"title": ""})
    assert response.status_code == 200 and issue.items.count() == 4
    client.post(reverse("exercises:structure_action", args=[world.tq23.pk, "phase", p2.pk]),
                {"action": "up"})
    assert titles(world.tq23.phases.all()) == ["Giai đoạn 2", "Giai đoạn 1"]
    # a node of another exercise is not found through this exercise
    other = services.phase_create(world.pt23, acting_user=None, title="Khác")
    response = client.post(reverse("exercises:structure_action",
                                   args=[world.tq23.pk, "phase", other.pk]), {"action": "up"})
    assert response.status_code == 404


def test_structure_page_query_count_is_flat(client, tree, world, django_assert_max_num_queries):
    client.force_login(world.observer)
    url = reverse("exercises:structure", args=[world.tq23.pk])
    with django_assert_max_num_queries(30) as ctx:
        client.get(url)
    baseline = len(ctx.captured_queries)
    p1, p2, issue, items = tree
    for n in range(4):
        i = services.training_issue_create(p2, acting_user=None, title=f"VĐ {n}")
        services.content_item_create(i, acting_user=None, title=f"ND {n}")
    with django_assert_max_num_queries(baseline):
        client.get(url)
