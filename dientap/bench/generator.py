"""A deterministic dataset of national size (or a small one for tests), for the benchmark.

``generate(size="national", seed=1)`` builds 34 provincial and 300 commune exercises, each
with its area, bodies, people and posts, frame, rounds, structure, conferences held in every
round with attendance, documents with small file versions, situations with their deliveries,
observations and corrective actions (a commune exercise has a tenth of a province's).

Speed over ceremony, on purpose:

- rows are written with ``bulk_create``, **not through the services**: no audit entries are
  written and no live events are emitted (a benchmark dataset is not a history of changes);
- so the generator keeps the models' invariants itself: valid foreign keys inside the
  exercise, the derived columns that ``save()`` would compute (``Person.sort_key`` and
  ``search_text``, ``Body.search_text``, ``Area.path``), the unique numbering of issued
  documents with one ``documents.NumberCounter`` row per (body, year, series) holding the last
  number given, deliveries for every receiving body of an issued situation, one exercise
  clock per exercise. Live-event sequence rows (``core.EventCounter``) are created by the
  first event of an exercise, so none are needed while no event exists;
- document version files are real files in the content-addressed store
  (``dientap.documents.storage``), a few hundred bytes each, shared between exercises when
  their content is equal (the store keeps one copy per checksum);
- everything is derived from ``random.Random(seed)`` and a fixed base date (no clock, no
  ``now()``), so two runs with the same seed give the same data (``data_digest``). Only the
  bookkeeping timestamps ``created_at``/``updated_at`` are set by Django at insert time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import sys
from dataclasses import dataclass

from django.db import models, transaction

from dientap.conferences.models import (
    AgendaItem,
    Attendance,
    CompositionEntry,
    Conference,
    Holding,
)
from dientap.core.text import fold, initials, person_sort_key, split_name
from dientap.documents import storage
from dientap.documents.models import DocType, Document, DocumentVersion, NumberCounter
from dientap.exercises.models import (
    ContentItem,
    Exercise,
    FrameParticipant,
    Phase,
    Round,
    TrainingIssue,
)
from dientap.organizations.models import Area, AreaLevel, Body, Person, Post
from dientap.oversight.models import CorrectiveAction, Observation
from dientap.scenarios.models import Delivery, ExerciseClock, Situation

BASE_DATE = dt.date(2026, 3, 2)
TZ = dt.timezone(dt.timedelta(hours=7))  # Asia/Ho_Chi_Minh, fixed offset (no DST)
CODE_PREFIX = "BENCH"


@dataclass(frozen=True)
class Size:
    provinces: int
    communes: int
    factor: float  # of a provincial exercise's counts; a commune has a tenth of it


SIZES = {
    "national": Size(provinces=34, communes=300, factor=1.0),
    "small": Size(provinces=2, communes=3, factor=0.05),
    # For tests: the query-count equality compares these two.
    "tiny": Size(provinces=1, communes=1, factor=0.02),
    "medium": Size(provinces=2, communes=2, factor=0.1),
}

# A provincial exercise at factor 1 (the issue's figures).
PROVINCE = {"bodies": 120, "people": 600, "conferences": 40, "documents": 400,
            "situations": 300, "observations": 3000, "actions": 1000}
HOLDINGS_PER_CONFERENCE = 3  # one per round
VERSIONS_PER_DOCUMENT = 4
SEATS_PER_CONFERENCE = 6
AGENDA_PER_CONFERENCE = 4

PROVINCE_NAMES = [
    "Tuyên Quang", "Cao Bằng", "Lai Châu", "Lào Cai", "Thái Nguyên", "Điện Biên", "Lạng Sơn",
    "Sơn La", "Phú Thọ", "Bắc Ninh", "Quảng Ninh", "Hà Nội", "Hải Phòng", "Hưng Yên",
    "Ninh Bình", "Thanh Hóa", "Nghệ An", "Hà Tĩnh", "Quảng Trị", "Huế", "Đà Nẵng",
    "Quảng Ngãi", "Gia Lai", "Đắk Lắk", "Khánh Hòa", "Lâm Đồng", "Đồng Nai", "Tây Ninh",
    "Hồ Chí Minh", "Đồng Tháp", "An Giang", "Vĩnh Long", "Cần Thơ", "Cà Mau",
]
MILITARY_REGIONS = ["Quân khu 1", "Quân khu 2", "Quân khu 3", "Quân khu 4", "Quân khu 5",
                    "Quân khu 7", "Quân khu 9"]
COMMUNE_WORDS = ["Hòa", "Bình", "An", "Phú", "Tân", "Minh", "Thắng", "Lợi", "Đông", "Tây",
                 "Hưng", "Thịnh", "Quang", "Trung", "Đức", "Yên", "Thượng", "Hạ", "Phúc", "Lạc"]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng",
          "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Chẩu", "Ma", "Nông", "Triệu"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Quốc", "Thanh", "Hữu", "Ngọc", "Xuân", "Công",
          "Thị Kim", "Văn Hải", "Đình", "Bá", "Trọng"]
GIVEN = ["An", "Anh", "Ánh", "Bình", "Chiến", "Cường", "Dũng", "Dung", "Đạt", "Giang",
         "Hà", "Hải", "Hạnh", "Hiếu", "Hoa", "Hùng", "Hương", "Khánh", "Lâm", "Lan", "Linh",
         "Long", "Mai", "Minh", "Nam", "Nga", "Ngọc", "Phong", "Phúc", "Quân", "Sơn", "Tâm",
         "Thắng", "Thảo", "Thủy", "Trang", "Trung", "Tuấn", "Vân", "Việt", "Xuân", "Yến"]
RANKS = ["", "", "", "Đại tá", "Thượng tá", "Trung tá", "Thiếu tá", "Đại úy"]
# (kind, name pattern, short name pattern); {a} is the area's name.
BODY_PATTERNS = [
    ("party", "Tỉnh ủy {a}", "Tỉnh ủy"),
    ("council", "Hội đồng nhân dân {a}", "HĐND"),
    ("committee", "Ủy ban nhân dân {a}", "UBND"),
    ("military", "Bộ Chỉ huy Quân sự {a}", "Bộ CHQS"),
    ("police", "Công an {a}", "Công an"),
    ("border_guard", "Bộ Chỉ huy Bộ đội Biên phòng {a}", "BĐBP"),
    ("mass_org", "Ủy ban Mặt trận Tổ quốc Việt Nam {a}", "MTTQ"),
    ("special_council", "Hội đồng Cung cấp {a}", "HĐCC"),
]
DEPARTMENTS = ["Sở Y tế", "Sở Tài chính", "Sở Công Thương", "Sở Xây dựng", "Sở Nội vụ",
               "Sở Tư pháp", "Sở Nông nghiệp và Môi trường", "Sở Giáo dục và Đào tạo",
               "Sở Văn hóa, Thể thao và Du lịch", "Sở Khoa học và Công nghệ", "Sở Ngoại vụ",
               "Sở Dân tộc và Tôn giáo", "Thanh tra", "Văn phòng UBND", "Ban Tuyên giáo",
               "Ban Tổ chức", "Ban Dân vận", "Ủy ban Kiểm tra", "Điện lực", "Bưu điện"]
POST_TITLES = ["Giám đốc", "Phó Giám đốc", "Trưởng phòng", "Phó Trưởng phòng", "Chuyên viên",
               "Chánh Văn phòng", "Ủy viên", "Trợ lý"]
DOC_TYPES = [DocType.PLAN, DocType.DECISION, DocType.RESOLUTION, DocType.ORDER,
             DocType.REPORT, DocType.GUIDANCE, DocType.DIRECTIVE, DocType.SUBMISSION,
             DocType.DEFENCE_DECISION, DocType.MINUTES]
DOC_TOPICS = ["chuyển địa phương sang thời chiến", "bảo đảm hậu cần", "sơ tán nhân dân",
              "phòng thủ khu vực", "tổ chức lực lượng dân quân tự vệ", "bảo vệ mục tiêu trọng yếu",
              "huy động phương tiện", "khắc phục hậu quả thiên tai", "tuyên truyền, vận động",
              "bảo đảm thông tin liên lạc"]
DOC_STATUSES = ["required", "drafting", "submitted", "under_review", "returned", "revised",
                "approved", "issued"]
SITUATION_TOPICS = ["Địch tập kích bằng hỏa lực", "Gây rối an ninh trật tự",
                    "Lũ quét tại vùng núi", "Sự cố cháy nổ kho xăng dầu",
                    "Biểu tình trái phép", "Máy bay không người lái xâm phạm",
                    "Tàu lạ xâm nhập vùng biển", "Dịch bệnh bùng phát"]
OBS_TEXTS = ["Chuẩn bị văn kiện đầy đủ, đúng thể thức",
             "Hội nghị chậm so với kế hoạch 15 phút", "Thành phần dự chưa đủ theo quy định",
             "Đề xuất bổ sung phương án sơ tán", "Thông tin liên lạc thông suốt",
             "Xử trí tình huống kịp thời, sát thực tế", "Bản đồ tác chiến thiếu ký hiệu"]


def counts_for(size: Size, provincial: bool) -> dict[str, int]:
    f = size.factor if provincial else size.factor / 10
    minimum = {"bodies": 4, "people": 6}
    return {k: max(minimum.get(k, 2), round(v * f)) for k, v in PROVINCE.items()}


def expected_counts(size_name: str) -> dict[str, int]:
    """Rows of each model that ``generate(size_name)`` creates (for tests and the report)."""
    size = SIZES[size_name]
    total: dict[str, int] = {}
    for provincial, n in ((True, size.provinces), (False, size.communes)):
        c = counts_for(size, provincial)
        for key, value in {
            "Exercise": 1, "Body": c["bodies"], "Person": c["people"], "Post": c["people"],
            "Conference": c["conferences"],
            "Holding": c["conferences"] * HOLDINGS_PER_CONFERENCE,
            "Attendance": c["conferences"] * HOLDINGS_PER_CONFERENCE * SEATS_PER_CONFERENCE,
            "Document": c["documents"],
            "DocumentVersion": c["documents"] * VERSIONS_PER_DOCUMENT,
            "Situation": c["situations"], "Observation": c["observations"],
            "CorrectiveAction": c["actions"], "Round": 3,
        }.items():
            total[key] = total.get(key, 0) + value * n
    return total


# --- progress ----------------------------------------------------------------------------

class Progress:
    """A text progress bar on stderr (or nothing)."""

    def __init__(self, total: int, stream=None, width: int = 40):
        self.total, self.done, self.width = max(total, 1), 0, width
        self.stream = stream

    def step(self, label: str = "") -> None:
        self.done += 1
        if self.stream is None:
            return
        filled = int(self.width * self.done / self.total)
        bar = "#" * filled + "." * (self.width - filled)
        self.stream.write(f"\r[{bar}] {self.done}/{self.total} {label[:30]:<30}")
        if self.done >= self.total:
            self.stream.write("\n")
        self.stream.flush()


# --- the generator --------------------------------------------------------------------------

class GenerationError(Exception):
    pass


def _bulk(model, objs, batch_size=2000):
    return model.objects.bulk_create(objs, batch_size=batch_size)


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)


def _level(code: str, name: str, rank: int) -> AreaLevel:
    level = AreaLevel.objects.filter(code=code).first()
    return level or AreaLevel.objects.create(code=code, name=name, rank=rank)


def _areas(parent: Area | None, level: AreaLevel, names: list[str], codes: list[str]):
    objs = [Area(name=n, code=c, level=level, parent=parent, path="") for n, c in
            zip(names, codes, strict=True)]
    _bulk(Area, objs)
    for a in objs:
        a.path = (parent.path if parent else "") + f"{a.pk}/"
    Area.objects.bulk_update(objs, ["path"])
    return objs


def _tiny_pdf(doc_index: int, version: int) -> bytes:
    """A small valid PDF whose content depends only on its place (so equal files are shared)."""
    text = f"Van kien {doc_index} - phien ban {version}"
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>",
            b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream
            + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for i, body in enumerate(objs, start=1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    for off in offsets:
        out += f"{off:010d} 00000 n \n".encode()
    out += (f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
            .encode())
    return bytes(out)


def _store_file(content: bytes) -> tuple[str, int]:
    """Write a file into the document store (skipped when that content is already there)."""
    sha = hashlib.sha256(content).hexdigest()
    target = storage.blob_path(sha)
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        staged = storage.staging_dir() / f"bench-{sha}"
        staged.write_bytes(content)
        staged.chmod(0o640)
        staged.replace(target)  # atomic, like storage.store (without its fsync: speed)
    return sha, len(content)


def bench_exercises():
    return Exercise.objects.filter(code_name__startswith=CODE_PREFIX + "-")


def generate(size: str = "small", seed: int = 1, progress_stream=None) -> list[Exercise]:
    """Create the dataset; refuse when benchmark exercises already exist in this database."""
    spec = SIZES[size]
    if bench_exercises().exists():
        raise GenerationError(
            "this database already holds a benchmark dataset (exercises BENCH-…); "
            "generate into an empty database")
    rng = random.Random(seed)  # noqa: S311 - reproducible data, not secrets
    progress = Progress(spec.provinces + spec.communes + 1, progress_stream)
    with transaction.atomic():
        vn = _level("national", "Quốc gia", 0)
        mr = _level("military_region", "Quân khu", 1)
        prov = _level("province", "Tỉnh, thành phố", 2)
        com = _level("commune", "Xã, phường", 3)
        (root,) = _areas(None, vn, ["Việt Nam (bench)"], ["VN"])
        regions = _areas(root, mr, [f"{m} (bench)" for m in MILITARY_REGIONS],
                         [f"QK{i + 1}" for i in range(len(MILITARY_REGIONS))])
        provinces = []
        for i in range(spec.provinces):
            name = PROVINCE_NAMES[i % len(PROVINCE_NAMES)]
            if i >= len(PROVINCE_NAMES):
                name = f"{name} {i // len(PROVINCE_NAMES) + 1}"
            provinces += _areas(regions[i % len(regions)], prov, [f"Tỉnh {name}"],
                                [f"T{i + 1:02d}"])
        communes = []
        for j in range(spec.communes):
            parent = provinces[j % len(provinces)]
            word = COMMUNE_WORDS[j % len(COMMUNE_WORDS)]
            other = COMMUNE_WORDS[(j // len(COMMUNE_WORDS)) % len(COMMUNE_WORDS)]
            communes += _areas(parent, com, [f"Xã {word} {other} {j + 1}"], [f"X{j + 1:03d}"])
        progress.step("areas")
        exercises = []
        for i, area in enumerate(provinces):
            exercises.append(_exercise(rng, spec, area, True, f"{CODE_PREFIX}-T{i + 1:02d}", i))
            progress.step(area.name)
        for j, area in enumerate(communes):
            exercises.append(_exercise(rng, spec, area, False, f"{CODE_PREFIX}-X{j + 1:03d}",
                                       len(provinces) + j))
            progress.step(area.name)
    return exercises


def _person_name(rng: random.Random) -> str:
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def _exercise(rng, spec: Size, area: Area, provincial: bool, code: str, index: int) -> Exercise:
    c = counts_for(spec, provincial)
    a = area.name.replace("Tỉnh ", "tỉnh ").replace("Xã ", "xã ")
    start = BASE_DATE + dt.timedelta(days=7 * (index % 40))
    exercise = Exercise(code_name=code, name=f"Diễn tập khu vực phòng thủ {a}",
                        theme="Chuyển địa phương vào các trạng thái quốc phòng; tổ chức và "
                              "thực hành tác chiến khu vực phòng thủ",
                        area=area, kind=Exercise.Kind.DEFENCE_ZONE,
                        form="1 bên 2 cấp, trên bản đồ và thực địa",
                        start_date=start, end_date=start + dt.timedelta(days=30),
                        status=Exercise.Status.LIVE if index == 0 else rng.choice(
                            [Exercise.Status.PREPARING, Exercise.Status.REHEARSING,
                             Exercise.Status.LIVE]))
    exercise.save()  # one row: the model's own save (nothing derived, no service side effect)

    # Bodies (the frame of this exercise) and their people.
    bodies = []
    for k in range(c["bodies"]):
        if k < len(BODY_PATTERNS):
            kind, pattern, short = BODY_PATTERNS[k]
            name, short_name = pattern.format(a=a), f"{short} {a.split(' ', 1)[1]}"
        else:
            kind = "department"
            dept = DEPARTMENTS[(k - len(BODY_PATTERNS)) % len(DEPARTMENTS)]
            n = (k - len(BODY_PATTERNS)) // len(DEPARTMENTS)
            name = f"{dept} {a}" + (f" (đơn vị {n + 1})" if n else "")
            short_name = ""
        body = Body(name=name[:255], short_name=short_name[:80], kind=kind, area=area,
                    sort_order=k + 1)
        body.search_text = " ".join([fold(body.name), fold(body.short_name),
                                     initials(body.name), initials(body.short_name)])
        bodies.append(body)
    _bulk(Body, bodies)
    people = []
    for _k in range(c["people"]):
        full = _person_name(rng)
        family, middle, given = split_name(full)
        people.append(Person(full_name=full, family_name=family, middle_name=middle,
                             given_name=given, rank=rng.choice(RANKS),
                             phone=f"09{rng.randrange(10**8):08d}",
                             sort_key=person_sort_key(family, middle, given),
                             search_text=fold(full)))
    _bulk(Person, people)
    posts = []
    for k, person in enumerate(people):
        body = bodies[k % len(bodies)]
        head = k < len(bodies)
        title = ("Thủ trưởng " + (body.short_name or body.name)) if head else \
            POST_TITLES[k % len(POST_TITLES)]
        posts.append(Post(person=person, body=body, title=title[:200], is_head=head,
                          sort_order=0 if head else 100))
    _bulk(Post, posts)
    head_post = {p.body_id: p for p in posts if p.is_head}

    frame = [FrameParticipant(exercise=exercise, body=b, person=head_post[b.pk].person,
                              post=head_post[b.pk],
                              role=FrameParticipant.Role.CHAIR if k < 3 else
                              FrameParticipant.Role.MEMBER)
             for k, b in enumerate(bodies)]
    _bulk(FrameParticipant, frame)

    rounds = [Round(exercise=exercise, kind=Round.Kind.REHEARSAL, number=1,
                    start_date=start, end_date=start + dt.timedelta(days=2)),
              Round(exercise=exercise, kind=Round.Kind.FINAL, number=1,
                    start_date=start + dt.timedelta(days=10),
                    end_date=start + dt.timedelta(days=12)),
              Round(exercise=exercise, kind=Round.Kind.LIVE, number=1,
                    start_date=start + dt.timedelta(days=20),
                    end_date=start + dt.timedelta(days=22))]
    _bulk(Round, rounds)

    phases = _bulk(Phase, [Phase(exercise=exercise, position=p, title=t) for p, t in enumerate(
        ["Chuyển trạng thái", "Chuẩn bị tác chiến phòng thủ", "Thực hành tác chiến"])])
    issues = _bulk(TrainingIssue, [TrainingIssue(phase=ph, position=q, title=f"Vấn đề {q + 1}")
                                   for ph in phases for q in range(2)])
    items = _bulk(ContentItem, [ContentItem(issue=iss, position=r, title=f"Nội dung {r + 1}")
                                for iss in issues for r in range(3)])

    # Conferences, held in each round, with their composition and attendance.
    conferences = []
    for k in range(c["conferences"]):
        body = bodies[k % len(bodies)]
        conferences.append(Conference(
            exercise=exercise, body=body, title=f"Hội nghị {k + 1}: {rng.choice(DOC_TOPICS)}",
            kind=rng.choice(Conference.Kind.values), chair_post=head_post[body.pk],
            content_item=items[k % len(items)], location=f"Phòng họp số {k % 5 + 1}",
            output="Nghị quyết", sort_order=k + 1))
    _bulk(Conference, conferences)
    _bulk(AgendaItem, [AgendaItem(conference=conf, position=p,
                                  content=f"Bước {p + 1}: {rng.choice(DOC_TOPICS)}",
                                  minutes=10 + 5 * p)
                       for conf in conferences for p in range(AGENDA_PER_CONFERENCE)])
    seats = []
    for k, conf in enumerate(conferences):
        for p in range(SEATS_PER_CONFERENCE):
            body = bodies[(k + p) % len(bodies)]
            seats.append(CompositionEntry(
                conference=conf, kind=CompositionEntry.Kind.REQUIRED if p < 4 else
                CompositionEntry.Kind.INVITED, title=f"Thủ trưởng {body.short_name or body.name}"
                [:255], body=body, post=head_post[body.pk], position=p))
    _bulk(CompositionEntry, seats)
    holdings = []
    for k, conf in enumerate(conferences):
        for r, rnd in enumerate(rounds):
            day = rnd.start_date + dt.timedelta(days=k % 3)
            begins = _at(day, 7 + (k % 8), 0)
            finished = r < 2
            holdings.append(Holding(
                conference=conf, round=rnd, starts_at=begins,
                ends_at=begins + dt.timedelta(minutes=90),
                state=Holding.State.FINISHED if finished else Holding.State.SCHEDULED,
                started_at=begins if finished else None,
                finished_at=begins + dt.timedelta(minutes=95) if finished else None))
    _bulk(Holding, holdings)
    seats_of: dict[int, list[CompositionEntry]] = {}
    for seat in seats:
        seats_of.setdefault(seat.conference_id, []).append(seat)
    statuses = ["present"] * 7 + ["absent", "late", "represented"]
    attendance = []
    for h in holdings:
        for seat in seats_of[h.conference_id]:
            st = rng.choice(statuses)
            attendance.append(Attendance(
                holding=h, entry=seat, status=st,
                substitute_name=_person_name(rng) if st == "represented" else "",
                late_minutes=rng.randint(5, 30) if st == "late" else None))
    _bulk(Attendance, attendance, batch_size=5000)

    # Documents with four small file versions; issued ones are numbered per body and year.
    documents, numbers = [], {}
    for k in range(c["documents"]):
        body = bodies[k % len(bodies)]
        status = DOC_STATUSES[k % len(DOC_STATUSES)]
        classified = 1 if k % 10 == 9 else 0
        doc = Document(exercise=exercise, title=f"Về việc {rng.choice(DOC_TOPICS)} ({k + 1})",
                       doc_type=DOC_TYPES[k % len(DOC_TYPES)], owner_body=body,
                       drafter=head_post[body.pk].person,
                       due_date=start - dt.timedelta(days=k % 30), status=status,
                       classification=classified, issuer_code="UBND",
                       place=a.split(" ", 1)[1][:100], sign_title="CHỦ TỊCH",
                       sign_name=head_post[body.pk].person.full_name)
        if status == "issued":
            key = (body.pk, start.year, bool(classified))
            numbers[key] = numbers.get(key, 0) + 1
            doc.number, doc.number_year = numbers[key], start.year
            doc.issued_date = start - dt.timedelta(days=k % 30)
        documents.append(doc)
    _bulk(Document, documents)
    _bulk(NumberCounter, [NumberCounter(body_id=b, year=y, classified=cl, last=n)
                          for (b, y, cl), n in sorted(numbers.items())])
    recipients = Document.recipients.through
    _bulk(recipients, [recipients(document_id=d.pk, body_id=bodies[(k + 1 + j) % len(bodies)].pk)
                       for k, d in enumerate(documents) for j in range(2)], batch_size=5000)
    versions = []
    for k, doc in enumerate(documents):
        for v in range(1, VERSIONS_PER_DOCUMENT + 1):
            sha, size = _store_file(_tiny_pdf(k, v))
            versions.append(DocumentVersion(document=doc, number=v, format="pdf",
                                            file_name=f"van-kien-{k + 1}-v{v}.pdf", size=size,
                                            sha256=sha, note=f"Phiên bản {v}"))
    _bulk(DocumentVersion, versions, batch_size=5000)

    # Situations: two thirds issued, delivered to their receiving bodies, some handled.
    situations = []
    n_issued = c["situations"] * 2 // 3
    for k in range(c["situations"]):
        issued = k < n_issued
        minutes = -1440 * 2 + 20 * k
        situations.append(Situation(
            exercise=exercise, code=f"TH-{k + 1:03d}",
            title=f"{rng.choice(SITUATION_TOPICS)} ({k + 1})",
            content="Nội dung tình huống: " + rng.choice(SITUATION_TOPICS).lower() + ".",
            scenario_minutes=minutes, issuer="Bộ Tư lệnh Quân khu (bench)",
            issuer_kind=Situation.IssuerKind.HIGHER_LEVEL, method="Văn bản",
            handling_kind=rng.choice(["advise", "convene", "decide", "order", "report"]),
            deadline_minutes=30 if k % 2 else None, content_item=items[k % len(items)],
            classification=1 if k % 15 == 14 else 0, position=k + 1,
            status=Situation.Status.ISSUED if issued else Situation.Status.SCHEDULED,
            issued_at=_at(rounds[2].start_date, 7) + dt.timedelta(minutes=k) if issued else None,
            issued_scenario_minutes=minutes if issued else None))
    _bulk(Situation, situations)
    through = Situation.receiving_bodies.through
    receivers = {s.pk: [bodies[(k + j) % len(bodies)].pk for j in range(3)]
                 for k, s in enumerate(situations)}
    _bulk(through, [through(situation_id=s, body_id=b) for s, bs in receivers.items()
                    for b in bs], batch_size=5000)
    deliveries = []
    for k, s in enumerate(situations[:n_issued]):
        for j, b in enumerate(receivers[s.pk]):
            ack = s.issued_at + dt.timedelta(minutes=2) if (k + j) % 2 == 0 else None
            handled = s.issued_at + dt.timedelta(minutes=25) if ack and k % 3 == 0 else None
            deliveries.append(Delivery(
                situation=s, body_id=b,
                due_at=s.issued_at + dt.timedelta(minutes=30) if s.deadline_minutes else None,
                acknowledged_at=ack, handled_at=handled,
                handling_kind=s.handling_kind if handled else "",
                handling_text="Đã tham mưu, đề xuất phương án xử trí." if handled else ""))
    _bulk(Delivery, deliveries, batch_size=5000)
    ExerciseClock.objects.create(exercise=exercise)

    # Observations and corrective actions.
    observations = []
    for k in range(c["observations"]):
        h = holdings[k % len(holdings)] if k % 2 else None
        observations.append(Observation(
            exercise=exercise, round=rounds[k % 3], kind=["strength", "shortcoming",
                                                          "proposal"][k % 3],
            text=rng.choice(OBS_TEXTS) + f" (#{k + 1})",
            body=bodies[k % len(bodies)] if h is None else None, holding=h,
            observed_at=_at(rounds[k % 3].start_date, 8) + dt.timedelta(minutes=k % 600),
            scenario_time=f"N-{k % 5}, 0{k % 10}:30"))
    _bulk(Observation, observations, batch_size=5000)
    actions = []
    action_statuses = ["open", "open", "in_progress", "done", "verified", "reopened"]
    for k in range(c["actions"]):
        st = action_statuses[k % len(action_statuses)]
        obs = observations[k] if k < len(observations) and k % 2 == 0 else None
        done = st in ("done", "verified")
        actions.append(CorrectiveAction(
            exercise=exercise, round=rounds[k % 2], owner_body=bodies[k % len(bodies)],
            title=f"Khắc phục: {rng.choice(OBS_TEXTS).lower()} ({k + 1})",
            due_date=start + dt.timedelta(days=5 + k % 20), blocking=k % 10 == 0,
            status=st, observation=obs,
            done_at=_at(start + dt.timedelta(days=4), 9) if done else None,
            done_note="Đã khắc phục." if done else "",
            verified_at=_at(start + dt.timedelta(days=6), 9) if st == "verified" else None))
    _bulk(CorrectiveAction, actions, batch_size=5000)
    return exercise


# --- digest ---------------------------------------------------------------------------------

DIGEST_MODELS = [AreaLevel, Area, Body, Person, Post, Exercise, FrameParticipant, Round, Phase,
                 TrainingIssue, ContentItem, Conference, AgendaItem, CompositionEntry, Holding,
                 Attendance, Document, NumberCounter, DocumentVersion, Situation, Delivery,
                 ExerciseClock, Observation, CorrectiveAction]
_SKIP = {"created_at", "updated_at", "path"}  # bookkeeping, and ids spelled out in `path`


def data_digest() -> str:
    """SHA-256 of the dataset's content, independent of the ids the database gave out.

    Every row is taken in id order; a foreign key is replaced by the rank of the row it points
    to in its own table, so two databases holding the same data digest alike.
    """
    ranks: dict[type, dict[int, int]] = {}
    for model in DIGEST_MODELS:
        ranks[model] = {pk: i for i, pk in enumerate(
            model.objects.order_by("pk").values_list("pk", flat=True))}
    h = hashlib.sha256()
    for model in DIGEST_MODELS:
        fields = [f for f in model._meta.concrete_fields if f.name not in _SKIP]
        names = [f.attname for f in fields]
        h.update(f"\n#{model.__name__}\n".encode())
        for row in model.objects.order_by("pk").values_list(*names):
            out = []
            for f, value in zip(fields, row, strict=True):
                if f.primary_key and not f.is_relation:
                    value = ranks[model].get(value)
                elif isinstance(f, models.ForeignKey) and value is not None:
                    target = f.related_model
                    value = ranks[target].get(value, value) if target in ranks else value
                out.append(value)
            h.update(repr(out).encode())
    return h.hexdigest()


def row_counts() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in DIGEST_MODELS}


def main_stream():
    return sys.stderr


def analyze() -> None:
    """``VACUUM ANALYZE`` on PostgreSQL: the planner's statistics of the freshly bulk-loaded
    tables (and of the rows the fan-out measurement changed), as autovacuum would keep them on
    a production server. Nothing on SQLite."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        # VACUUM cannot run inside a transaction (a test's); ANALYZE alone can.
        cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
