"""Accent-insensitive search of people and bodies, and Vietnamese order of people."""

import pytest
from django.urls import reverse

from dientap.core import testing as t
from dientap.organizations import selectors


def names(qs, attr="full_name"):
    return [getattr(o, attr) for o in qs]


@pytest.mark.parametrize("query", ["chau van lam", "Chẩu Văn Lâm", "CHAU", "lam chau", "văn lâm"])
def test_person_search_ignores_accents_case_and_word_order(world, query):
    assert names(selectors.person_list(world.organizer, query=query)) == ["Chẩu Văn Lâm"]


def test_person_search_with_no_match(world):
    assert names(selectors.person_list(world.organizer, query="xyz")) == []


@pytest.mark.parametrize("query", ["ubnd", "UBND tỉnh", "uy ban nhan dan", "ủy ban"])
def test_body_search_by_abbreviation_or_name(world, query):
    found = names(selectors.body_list(world.organizer, query=query), "name")
    assert "Ủy ban nhân dân tỉnh Tuyên Quang" in found
    assert "Tỉnh ủy Tuyên Quang" not in found


def test_body_search_never_leaks_other_provinces(world):
    found = names(selectors.body_list(world.frame_user, query="ubnd"), "name")
    assert found == ["Ủy ban nhân dân tỉnh Tuyên Quang"]


def test_people_list_is_in_vietnamese_order(world):
    for name in ["Trần Văn An", "Lê Thị Ánh", "Đỗ Minh Đức", "Bùi Văn Dũng", "Nguyễn Thị Anh"]:
        t.person(name, (world.ubnd_tq, "Chuyên viên"))
    listed = names(selectors.person_list(world.organizer))
    assert listed == [
        "Trần Văn An", "Nguyễn Thị Anh", "Lê Thị Ánh", "Bùi Văn Dũng", "Đỗ Minh Đức",
        "Chẩu Văn Lâm", "Nguyễn Văn Sơn",
    ]


def test_search_page(client, world):
    client.force_login(world.organizer)
    html = client.get(reverse("organizations:person_list"), {"q": "chau van lam"}).content.decode()
    assert "Chẩu Văn Lâm" in html and "Nguyễn Văn Sơn" not in html
    html = client.get(reverse("organizations:body_list"), {"q": "ubnd"}).content.decode()
    assert "Ủy ban nhân dân tỉnh Tuyên Quang" in html and "Tỉnh ủy Tuyên Quang" not in html


def test_person_holds_several_posts_at_once(client, world):
    client.force_login(world.organizer)
    html = client.get(reverse("organizations:person_detail", args=[world.lam.pk])).content.decode()
    assert "Bí thư Tỉnh ủy" in html and "Bí thư Đảng ủy Quân sự" in html
