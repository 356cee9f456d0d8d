import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from dientap.exercises.models import Exercise
from dientap.scenarios.models import Situation

from .conftest import row_counts


def test_export_then_import_from_the_command_line(demo, tmp_path, capsys):
    exercise, users = demo
    path = tmp_path / "tq.json"
    call_command("exercise_export", "TQ-23", "--no-people", "-o", str(path))
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["options"] == {"people": False, "results": False}
    call_command("exercise_export", "TQ-23", "--results", "-o", str(tmp_path / "r.json"))
    assert "results" in json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    call_command("exercise_import", str(path), "--code", "TQ-28", "--start", "2028-09-19",
                 "--area", "TQ")
    new = Exercise.objects.get(code_name="TQ-28")
    assert new.start_date.isoformat() == "2028-09-19"
    assert Situation.objects.filter(exercise=new).count() == len(data["situations"])


def test_import_problems_from_the_command_line(demo, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{"format": "dientap-exercise", "version": 9}', encoding="utf-8")
    before = row_counts()
    with pytest.raises(CommandError, match="version"):
        call_command("exercise_import", str(path), "--code", "X-1", "--start", "2028-01-01",
                     "--area", "TQ")
    with pytest.raises(CommandError, match="no exercise"):
        call_command("exercise_export", "NOPE-1")
    assert row_counts() == before


def test_a_template_from_the_command_line(demo):
    call_command("exercise_import", "--template", "xa-khu-vuc-phong-thu", "--code", "AT-28",
                 "--start", "2028-05-01", "--area", "Xã An Tường", "--create-bodies")
    new = Exercise.objects.get(code_name="AT-28")
    assert new.area.name == "Xã An Tường" and new.conferences.count() == 3
