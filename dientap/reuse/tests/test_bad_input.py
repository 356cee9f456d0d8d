"""A file of another version, edited into inconsistency, truncated or of the wrong types: a
clear message listing the problems, and nothing created, even when a failure comes late."""

import copy
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dientap.reuse import library, services
from dientap.reuse.exporting import dumps, exercise_export

from .conftest import row_counts


@pytest.fixture
def exported(demo):
    exercise, users = demo
    return exercise, users, exercise_export(exercise, users["bantochuc"])


def _refused(data, exercise, user, **kwargs):
    before = row_counts()
    with pytest.raises(ValidationError) as info:
        services.exercise_import(data, user, code_name="TQ-28", start_date=exercise.start_date,
                                 area=exercise.area, **kwargs)
    assert row_counts() == before
    return info.value.messages


def test_another_version_is_refused(exported):
    exercise, users, data = exported
    data["version"] = 2
    problems = _refused(data, exercise, users["bantochuc"])
    assert len(problems) == 1 and "version" in problems[0] and "2" in problems[0]


def test_not_an_export(exported):
    exercise, users, data = exported
    problems = _refused({"hello": "world"}, exercise, users["bantochuc"])
    assert problems[0].startswith("format")


def test_a_conference_referring_to_a_missing_body_and_other_problems_are_all_listed(exported):
    exercise, users, data = exported
    data["conferences"][1]["body"] = "b99"
    data["rounds"][0]["number"] = "một"
    del data["documents"][0]["title"]
    data["situations"][2]["depends_on"] = "s77"
    data["conferences"][0]["agenda"][0]["advisory_bodies"] = ["b1", 7]
    problems = _refused(data, exercise, users["bantochuc"])
    text = "\n".join(problems)
    assert "conferences[1].body" in text and "b99" in text
    assert "rounds[0].number" in text
    assert "documents[0].title" in text
    assert "situations[2].depends_on" in text
    assert "conferences[0].agenda[0].advisory_bodies[1]" in text
    assert len(problems) == 5


def test_wrong_types(exported):
    exercise, users, data = exported
    data["structure"] = {"p1": "Giai đoạn 1"}
    data["documents"][0]["required"] = "có"
    data["situations"][0]["scenario_minutes"] = 12.5
    data["conferences"][0]["holdings"][0]["starts"]["time"] = "25:99"
    data["exercise"]["kind"] = "war"
    problems = "\n".join(_refused(data, exercise, users["bantochuc"]))
    for path in ("structure:", "documents[0].required", "situations[0].scenario_minutes",
                 "conferences[0].holdings[0].starts.time", "exercise.kind"):
        assert path in problems


def test_duplicate_keys_are_refused(exported):
    exercise, users, data = exported
    data["bodies"][1]["key"] = data["bodies"][0]["key"]
    assert "bodies[1].key" in "\n".join(_refused(data, exercise, users["bantochuc"]))


def test_truncated_and_invalid_json():
    text = dumps(library.load("tinh-khu-vuc-phong-thu"))
    with pytest.raises(ValidationError) as info:
        services.parse(text[: len(text) // 2])
    assert "cut off" in info.value.messages[0] or "cắt" in info.value.messages[0]
    with pytest.raises(ValidationError) as info:
        services.parse('{"format": "dientap-exercise", version: 1}')
    assert "JSON" in info.value.messages[0]
    with pytest.raises(ValidationError):
        services.parse(b"\xff\xfe\x00garbage")
    with pytest.raises(ValidationError):
        services.parse("[1, 2, 3]")
    with pytest.raises(ValidationError):
        services.parse("   ")
    with pytest.raises(ValidationError) as info:
        services.parse(b" " * (services.MAX_FILE_BYTES + 1))
    assert "MB" in info.value.messages[0]


def test_a_late_failure_rolls_everything_back(exported):
    """The second situation is refused by the scenarios service (its code repeats the
    first's) after the exercise, conferences and documents were created: nothing stays."""
    exercise, users, data = exported
    data["situations"][1]["code"] = data["situations"][0]["code"]
    assert services.check(data) == []  # the file itself is sound
    problems = _refused(data, exercise, users["bantochuc"])
    assert len(problems) == 1 and problems[0].startswith("situations[1]")


def test_a_late_failure_of_several_items_lists_each(exported):
    exercise, users, data = exported
    data["situations"][1]["code"] = data["situations"][0]["code"]
    data["conferences"][2]["title"] = "x" * 400
    problems = _refused(data, exercise, users["bantochuc"])
    assert any(p.startswith("conferences[2]") for p in problems)
    assert any(p.startswith("situations[1]") for p in problems)


def test_existing_code_name_and_missing_fields(exported):
    exercise, users, data = exported
    before = row_counts()
    with pytest.raises(ValidationError) as info:
        services.exercise_import(data, users["bantochuc"], code_name="TQ-23",
                                 start_date=None, area=exercise.area)
    assert len(info.value.messages) == 2
    assert row_counts() == before


def test_unmatched_bodies_must_be_mapped(exported):
    exercise, users, data = exported
    data = copy.deepcopy(data)
    data["bodies"][0]["name"] = "Tỉnh ủy Hà Giang"
    data["bodies"][0]["short_name"] = ""
    problems = _refused(data, exercise, users["bantochuc"])
    assert len(problems) == 1 and "Tỉnh ủy Hà Giang" in problems[0]
    # Mapped by hand to the existing body, it goes through.
    target = exercise.frame.get(body__name="Tỉnh ủy Tuyên Quang", role="chair").body
    new = services.exercise_import(data, users["bantochuc"], code_name="TQ-28",
                                   start_date=exercise.start_date, area=exercise.area,
                                   mapping={data["bodies"][0]["key"]: str(target.pk)}).exercise
    assert new.frame.filter(body=target).exists()


def test_only_who_may_create_exercises_imports(exported):
    exercise, users, data = exported
    before = row_counts()
    with pytest.raises(PermissionDenied):
        services.exercise_import(json.loads(dumps(data)), users["daodien"], code_name="TQ-28",
                                 start_date=exercise.start_date, area=exercise.area)
    assert row_counts() == before


def test_classification_above_the_importers_clearance_is_refused(exported):
    exercise, users, data = exported
    data["documents"][0]["classification"] = 3  # Tuyệt mật; the organizer is cleared Tối mật
    problems = _refused(data, exercise, users["bantochuc"])
    assert problems and problems[0].startswith("documents[0]")
