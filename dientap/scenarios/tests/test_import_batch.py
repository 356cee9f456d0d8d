"""The spreadsheet import at scale (issue 9, figure (e)): a 5,000-row file is read as a stream
and imported in one batch (``services.situations_create_many``) in a number of queries that
does not grow with the rows, all or nothing, with one audit entry per situation on an intact
chain and one live event; a file of more rows is refused with a clear message."""

import io
import math
import re
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.models import AutoField
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from openpyxl import Workbook

from dientap.core import audit, realtime
from dientap.core.models import AuditEntry, Event
from dientap.scenarios import services, spreadsheet
from dientap.scenarios.models import Situation

HEADERS = ["Mã", "Thời điểm", "Tiêu đề", "Nội dung", "Cơ quan nhận", "Yêu cầu xử trí",
           "Thời hạn (phút)", "Độ mật", "Phát sau"]


def row(i, *, bodies="UBND tỉnh; Tỉnh ủy", after=None):
    day, minute = divmod(i * 7, 24 * 60)
    return [f"NK-{i:04d}", f"N+{day} {minute // 60:02d}:{minute % 60:02d}",
            f"Tình huống nhập {i}", f"Nội dung tình huống {i}.", bodies, "Ra lệnh", "30", "",
            after if after is not None else (f"NK-{i - 1:04d}" if i % 50 == 2 else "")]


def workbook(n, *, last=None, blank_every=0) -> bytes:
    """n situation rows (every 50th depends on the row before it), streamed out."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append(HEADERS)
    for i in range(1, n + 1):
        ws.append(last if (last is not None and i == n) else row(i))
        if blank_every and i % blank_every == 0:
            ws.append([])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def read(data):
    return spreadsheet.read(SimpleUploadedFile("kich-ban.xlsx", data))


def checked(world, data):
    headers, rows = read(data)
    return spreadsheet.check(world.tq23, headers, rows, spreadsheet.guess_mapping(headers))


def import_all(world, user, results):
    return spreadsheet.import_rows(world.tq23, results, [r.number for r in results],
                                   acting_user=user)


def test_a_5000_row_file_is_imported_in_one_batch(world, scen):
    results = checked(world, workbook(5000))
    assert len(results) == 5000 and all(r.ok for r in results)
    last_position = Situation.objects.order_by("-position").values_list("position",
                                                                        flat=True).first()
    entries = AuditEntry.objects.count()
    with realtime.capture_events() as events:
        created = import_all(world, scen.director, results)
    assert len(created) == 5000
    new = Situation.objects.filter(code__startswith="NK-").order_by("position")
    assert new.count() == 5000
    # Positions follow the file, after the existing situations; defaults as situation_create.
    assert list(new.values_list("position", flat=True)) == list(
        range(last_position + 1, last_position + 5001))
    assert list(new.values_list("code", flat=True)[:3]) == ["NK-0001", "NK-0002", "NK-0003"]
    assert set(new.values_list("status", "version")) == {(Situation.Status.SCHEDULED, 1)}
    s = new.get(code="NK-0052")
    assert s.depends_on.code == "NK-0051" and s.handling_kind == "order"
    assert s.deadline_minutes == 30 and s.issuer_kind == "director"
    assert s.time_label == "N 06:04"  # row 52: 52 × 7 minutes
    assert {b.pk for b in s.receiving_bodies.all()} == {world.ubnd_tq.pk, world.tinh_uy.pk}
    through = Situation.receiving_bodies.through.objects
    assert through.filter(situation__code__startswith="NK-").count() == 10000
    # One audit entry per situation, one live event for the whole import.
    assert AuditEntry.objects.count() == entries + 5000
    assert [e.kind for e in events] == ["scenario"]
    assert audit.verify_chain().ok


def query_counts(world, user, n):
    results = checked(world, workbook(n))
    assert all(r.ok for r in results)
    with CaptureQueriesContext(connection) as queries:
        import_all(world, user, results)
    Situation.objects.filter(code__startswith="NK-").delete()
    return [q["sql"] for q in queries.captured_queries]


def batches(model, n) -> int:
    """INSERT statements bulk_create needs for n rows (the database may cap the batch)."""
    fields = [f for f in model._meta.concrete_fields if not isinstance(f, AutoField)]
    size = min(services.BULK_BATCH, connection.ops.bulk_batch_size(fields, [None] * n))
    return math.ceil(n / size)


def test_the_queries_of_an_import_do_not_grow_with_the_rows(world, scen):
    small = query_counts(world, scen.director, 10)
    assert len(small) < 40  # a constant handful, not ~23 per row
    assert len(query_counts(world, scen.director, 40)) == len(small)  # within one batch
    # Beyond the database's batch size only the bulk INSERTs grow, one per batch.
    large = query_counts(world, scen.director, 300)
    through = Situation.receiving_bodies.through
    extra = sum(batches(model, rows * 300) - batches(model, rows * 10)
                for model, rows in ((Situation, 1), (through, 2), (AuditEntry, 1)))
    assert len(large) - len(small) == extra
    if connection.vendor == "postgresql":
        assert len(large) == len(small)

    def selects(sqls):
        return [s for s in sqls if not s.startswith("INSERT")]
    assert len(selects(large)) == len(selects(small))


def test_a_bad_last_row_saves_nothing(world, scen):
    data = workbook(200, last=row(200, bodies="Sở Ngoại vụ"))
    results = checked(world, data)
    bad = [r for r in results if not r.ok]
    assert [r.number for r in bad] == [201]  # the header is row 1
    assert bad[0].problems[0][0] == "E (Cơ quan nhận)" and "Sở Ngoại vụ" in bad[0].problems[0][1]
    count, entries, events = Situation.objects.count(), AuditEntry.objects.count(), \
        Event.objects.count()
    with pytest.raises(ValidationError) as exc:
        import_all(world, scen.director, results)
    assert "201" in exc.value.messages[0]
    assert (Situation.objects.count(), AuditEntry.objects.count(), Event.objects.count()) == \
        (count, entries, events)


def items(n, **extra):
    out = []
    for i in range(1, n + 1):
        item = {"code": f"B-{i}", "title": f"T {i}", "content": "Nội dung", "scenario_minutes": i,
                "receiving_bodies": []}
        out.append(item)
    out[-1].update(extra)
    return out


def test_the_batch_service_checks_every_item_before_saving_anything(world, scen):
    batch = items(6)
    for item in batch:
        item["receiving_bodies"] = [world.tinh_uy]
    batch[1]["receiving_bodies"] = []
    batch[2]["code"] = "B-1"  # duplicate inside the batch
    batch[3]["code"] = "TH-01"  # exists already
    batch[4]["classification"] = 3  # above the director's clearance (2)
    batch[5]["depends_on_code"] = "TH-99"
    count = Situation.objects.count()
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        services.situations_create_many(world.tq23, batch, acting_user=scen.director,
                                        labels=[12, 13, 14, 15, 16, 17])
    messages = exc.value.messages
    assert messages[0] == "Row 13: Choose at least one receiving body."
    assert messages[1] == "Row 14: Duplicate code: B-1 is also on row 12."
    assert messages[2] == "Row 15: This exercise already has a situation with this code."
    assert messages[3] == "Row 16: You cannot classify above your own clearance."
    assert messages[4] == "Row 17 depends on TH-99, which is not imported."
    assert len(messages) == 5
    assert Situation.objects.count() == count


def test_the_batch_service_refuses_bodies_outside_the_frame_and_cycles(world, scen):
    batch = items(4)
    for item in batch:
        item["receiving_bodies"] = [world.tinh_uy]
    batch[0]["depends_on_code"] = "B-2"
    batch[1]["depends_on_code"] = "B-1"  # B-1 ↔ B-2
    batch[2]["depends_on_code"] = "B-1"  # waits for the cycle, is not on it
    batch[3]["receiving_bodies"] = [world.ubnd_pt]
    batch[3]["title"] = "x" * 301
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        services.situations_create_many(world.tq23, batch, acting_user=scen.director)
    messages = exc.value.messages
    assert messages[0].startswith("Row 4: Not in the frame of this exercise: ")
    assert re.match(r"Row 4: Title: Ensure this value has at most 300 characters", messages[1])
    assert messages[2:] == [
        "Row 1: This dependency would make a cycle: B-2 already waits for this situation.",
        "Row 2: This dependency would make a cycle: B-1 already waits for this situation."]


def test_the_batch_service_links_dependencies_and_audits_each_situation(world, scen):
    batch = items(3)
    for item in batch:
        item["receiving_bodies"] = [world.tinh_uy, world.tinh_uy]  # a body named twice
    batch[0]["depends_on_code"] = "B-3"  # a later item
    batch[1]["depends_on_code"] = "TH-01"  # an existing situation
    batch[2]["depends_on"] = scen.b
    created = services.situations_create_many(world.tq23, batch, acting_user=scen.director)
    b1, b2, b3 = (Situation.objects.get(pk=s.pk) for s in created)
    assert (b1.depends_on, b2.depends_on, b3.depends_on) == (b3, scen.a, scen.b)
    assert [s.position for s in (b1, b2, b3)] == [3, 4, 5]
    assert list(b1.receiving_bodies.all()) == [world.tinh_uy]
    entry = audit.entries_for(b1).get()
    assert entry.action == "create" and entry.user == scen.director
    assert entry.after["depends_on_id"] == b3.pk and entry.after["code"] == "B-1"
    assert entry.exercise_id == world.tq23.pk and entry.object_repr == "B-1: T 1"
    report = audit.verify_chain()
    assert report.ok, report.message


def test_only_those_who_may_change_the_exercise_import(world, scen):
    batch = items(1, receiving_bodies=[world.tinh_uy])
    with pytest.raises(PermissionDenied):
        services.situations_create_many(world.tq23, batch, acting_user=scen.party)
    assert not Situation.objects.filter(code="B-1").exists()


def test_more_than_5000_rows_are_refused_with_a_clear_message(world):
    assert spreadsheet.MAX_ROWS == 5000
    read(workbook(5000))  # at the limit: read
    data = workbook(5001)
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        read(data)
    assert exc.value.messages == [
        "The file has more than 5.000 situation rows: split it into files of at most 5.000 "
        "rows and import them one after the other."]


def test_blank_lines_do_not_count_towards_the_limit(world, monkeypatch):
    monkeypatch.setattr(spreadsheet, "MAX_ROWS", 30)
    headers, rows = read(workbook(30, blank_every=3))
    assert headers[0] == "Mã" and len(rows) == 30
    with pytest.raises(ValidationError):
        read(workbook(31))


def test_a_wrong_sheet_size_in_the_file_does_not_cut_rows_off(world):
    """Some programs write <dimension ref="A1"/> whatever the sheet holds."""
    source = zipfile.ZipFile(io.BytesIO(workbook(5)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<sheetViews>", b'<dimension ref="A1"/><sheetViews>', 1)
            target.writestr(info, data)
    headers, rows = read(out.getvalue())
    assert len(rows) == 5 and rows[-1][0] == "NK-0005"


def test_the_batch_service_attaches_documents_of_the_exercise_only(world, scen):
    from dientap.documents import services as docs

    own = docs.document_create(world.tq23, acting_user=None, title="Kế hoạch", doc_type="plan",
                               owner_body=world.ubnd_tq)
    other = docs.document_create(world.pt23, acting_user=None, title="Kế hoạch", doc_type="plan",
                                 owner_body=world.ubnd_pt)
    batch = items(2)
    for item in batch:
        item["receiving_bodies"] = [world.tinh_uy]
    batch[1]["documents"] = [other]
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        services.situations_create_many(world.tq23, batch, acting_user=scen.director)
    assert exc.value.messages[0].startswith("Row 2: These documents belong to another exercise")
    batch[1]["documents"] = [own]
    created = services.situations_create_many(world.tq23, batch, acting_user=scen.director)
    assert list(created[1].documents.all()) == [own] and not created[0].documents.exists()


def test_a_ticked_row_waiting_for_a_row_left_out_is_refused(world, scen):
    results = checked(world, workbook(3, last=row(3, after="NK-0002")))
    assert all(r.ok for r in results)
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        spreadsheet.import_rows(world.tq23, results, [2, 4], acting_user=scen.director)
    assert exc.value.messages == ["Row 4 depends on NK-0002, which is not imported."]
    assert not Situation.objects.filter(code__startswith="NK-").exists()
    spreadsheet.import_rows(world.tq23, results, [2, 3, 4], acting_user=scen.director)
    assert Situation.objects.get(code="NK-0003").depends_on.code == "NK-0002"
    assert Situation.objects.get(code="NK-0002").depends_on.code == "NK-0001"


def test_a_batch_on_a_flushed_chain_head_keeps_the_chain_intact(world, scen):
    from dientap.core.models import AuditChainHead

    AuditChainHead.objects.all().delete()
    batch = items(3)
    for item in batch:
        item["receiving_bodies"] = [world.tinh_uy]
    services.situations_create_many(world.tq23, batch, acting_user=scen.director)
    services.situation_create(world.tq23, acting_user=scen.director, code="B-9", title="T",
                              content="x", scenario_minutes=1, receiving_bodies=[world.tinh_uy])
    report = audit.verify_chain()
    assert report.ok, report.message
    assert AuditChainHead.objects.get().last_seq == AuditEntry.objects.count()


def test_long_chains_and_cycles_in_a_file(world, scen):
    """Every row waits for the one before it; three rows at the end wait for each other."""
    rows = [row(i, after=f"NK-{i - 1:04d}" if i > 1 else "") for i in range(1, 501)]
    rows += [row(501, after="NK-0503"), row(502, after="NK-0501"), row(503, after="NK-0502"),
             row(504, after="NK-0503")]
    wb = Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append(HEADERS)
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    with translation.override("en"):
        results = checked(world, out.getvalue())
    bad = {r.number: r.problems for r in results if not r.ok}
    assert sorted(bad) == [502, 503, 504]  # the rows of the cycle, not the one waiting for it
    assert bad[502] == [("I (Phát sau)", "Dependency cycle: NK-0501 → NK-0503 → NK-0502 → "
                                         "NK-0501.")]
    created = spreadsheet.import_rows(world.tq23, results, list(range(2, 502)),
                                      acting_user=scen.director)
    assert len(created) == 500
    assert Situation.objects.get(code="NK-0500").depends_on.code == "NK-0499"
    assert Situation.objects.filter(code__startswith="NK-", depends_on__isnull=False).count() \
        == 499
