"""Reuse an exercise: import a file in the reuse format (see ``exporting``) as a NEW exercise,
duplicate an exercise, create one from a shipped template.

An import is checked completely before anything is written (format, version, required keys,
types, every key reference); all problems are listed together. Bodies and posts are mapped by
name (accent-insensitive) onto the target area's bodies; the caller may map the unmatched
ones by hand or have them created. Then, in ONE transaction, everything is created through
the apps' own services (so their rules apply and the audit log records each creation). A
service refusing an item late is collected as a problem too, and the whole transaction is
rolled back: nothing is created unless everything is.
"""

import datetime as dt
import json
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dientap.conferences import services as conference_services
from dientap.conferences.models import CompositionEntry, Conference
from dientap.core import services as core_services
from dientap.core.text import fold
from dientap.documents import services as document_services
from dientap.documents.models import Authority, DocType, FormatFamily, Urgency
from dientap.documents.services import default_place
from dientap.exercises import services as exercise_services
from dientap.exercises.models import Committee, Exercise, FrameParticipant, Round
from dientap.organizations import services as organization_services
from dientap.organizations.models import Area, Body, Person, Post
from dientap.oversight import services as oversight_services
from dientap.oversight.models import ChecklistItem, Scale, ScaleLevel
from dientap.scenarios import services as scenario_services
from dientap.scenarios.models import Handling, Situation

from .exporting import FORMAT, VERSION, exercise_export

MAX_FILE_BYTES = 5 * 1024 * 1024
NEW = "new"


# ---- reading a file ------------------------------------------------------------------------

def parse(raw: bytes | str) -> dict:
    """The file's content as a dict, or ValidationError with a clear message."""
    if isinstance(raw, str):
        raw = raw.encode("utf-8")
    if len(raw) > MAX_FILE_BYTES:
        raise ValidationError(_("The file is too large (at most {size} MB).").format(
            size=MAX_FILE_BYTES // (1024 * 1024)))
    if not raw.strip():
        raise ValidationError(_("The file is empty."))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError(_("The file is not UTF-8 text: it is not an exercise export.")
                              ) from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        if exc.pos >= len(text.rstrip()) - 1 or exc.msg.startswith("Unterminated string"):
            message = _("The file ends too early (it was cut off): line {line}, column "
                        "{column}. Export it again or copy it again completely.")
        else:
            message = _("The file is not valid JSON ({error}, line {line}, column {column}).")
        raise ValidationError(message.format(error=exc.msg, line=exc.lineno,
                                             column=exc.colno)) from exc
    if not isinstance(data, dict):
        raise ValidationError(_("The file is not an exercise export."))
    return data


# ---- checking the structure ------------------------------------------------------------------

def _choice(choices):
    return ("choice", frozenset(choices))


def _ref(kind, optional=False):
    return ("ref", kind, optional)


def _list(spec):
    return ("list", spec)


_POST = {"body": _ref("body"), "title": "str", "person?": "str?"}
_MOMENT = {"day": "int", "time": "time"}
SCHEMA = {
    "format": "str",
    "version": "int",
    "exercise": {"name": "str", "theme": "str", "kind": _choice(Exercise.Kind.values),
                 "form?": "str", "duration_days": "int", "code_name?": "str"},
    "bodies": _list({"key": "key", "name": "str", "short_name?": "str",
                     "kind": _choice(Body.Kind.values), "sort_order?": "int",
                     "parent?": _ref("body", True)}),
    "rounds": _list({"key": "key", "kind": _choice(Round.Kind.values), "number": "int",
                     "start": "int", "end": "int"}),
    "structure": _list({"key": "key", "title": "str", "issues": _list({
        "key": "key", "title": "str", "items": _list({"key": "key", "title": "str"})})}),
    "committees": _list({"kind": _choice(Committee.Kind.values), "name": "str",
                         "sort_order?": "int",
                         "members?": _list({"person": "str", "position": "str",
                                            "post?": ("opt", _POST), "sort_order?": "int"})}),
    "frame": _list({"body": _ref("body"), "post?": ("opt", _POST),
                    "role": _choice(FrameParticipant.Role.values), "notes?": "str",
                    "person?": "str?"}),
    "conferences": _list({
        "key": "key", "body": _ref("body"), "title": "str",
        "kind?": _choice(Conference.Kind.values), "chair?": ("opt", _POST),
        "secretary?": ("opt", _POST), "content_item?": _ref("item", True),
        "location?": "str", "output?": "str", "sort_order?": "int",
        "agenda?": _list({"content": "str", "method?": "str", "presenter?": ("opt", _POST),
                          "presenter_text?": "str",
                          "advisory_bodies?": _list(_ref("body")), "minutes?": "int",
                          "documents?": "str", "expected_output?": "str"}),
        "composition?": _list({"kind?": _choice(CompositionEntry.Kind.values), "title": "str",
                               "body?": _ref("body", True), "post?": ("opt", _POST)}),
        "holdings?": _list({"round": _ref("round"), "starts": _MOMENT, "ends": _MOMENT,
                            "location?": "str", "notes?": "str"}),
    }),
    "documents": _list({
        "key": "key", "title": "str", "type": _choice(DocType.values),
        "owner_body": _ref("body"), "due?": "int?", "required?": "bool",
        "classification?": _choice(range(4)), "urgency?": _choice(Urgency.values),
        "recipients?": _list(_ref("body")), "copies?": "int", "copying_allowed?": "bool",
        "format_family?": _choice(FormatFamily.values), "parent_issuer?": "str",
        "issuer_code?": "str", "place?": "str", "sign_authority?": _choice(Authority.values),
        "sign_on_behalf?": "str", "sign_title?": "str", "sign_name?": "str",
        "drafter?": "str?",
        "conferences?": _list(_ref("conference")), "content_items?": _list(_ref("item")),
    }),
    "situations": _list({
        "key": "key", "code": "str", "title": "str", "content": "str",
        "scenario_minutes": "int", "g_relative?": "bool",
        "issuer_kind?": _choice(Situation.IssuerKind.values), "issuer?": "str",
        "method?": "str", "receiving_bodies": _list(_ref("body")),
        "handling_kind?": _choice(Handling.values), "expected_handling?": "str",
        "deadline_minutes?": "int?", "documents?": _list(_ref("document")),
        "content_item?": _ref("item", True), "classification?": _choice(range(4)),
        "depends_on?": _ref("situation", True),
    }),
    "oversight?": {
        "scales?": _list({"key": "key", "code": "str", "name": "str",
                          "levels": _list({"code": "str", "label": "str", "points": "int"})}),
        "criteria?": _list({"title": "str", "description?": "str", "scale": _ref("scale")}),
        "checklist?": _list({"category": _choice(ChecklistItem.Category.values),
                             "title": "str", "owner_body": _ref("body"), "due": "int",
                             "round?": _ref("round", True)}),
    },
    "budget?": _list({"title": "str", "owner_body": _ref("body"), "planned": "int"}),
}
_TYPE_NAMES = {"str": gettext_lazy("text"), "int": gettext_lazy("a whole number"),
               "bool": gettext_lazy("true or false"), "time": gettext_lazy("a time (HH:MM)"),
               "key": gettext_lazy("a key")}


def _type_ok(value, name) -> bool:
    if name == "str" or name == "key":
        return isinstance(value, str) and (name == "str" or bool(value))
    if name == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if name == "bool":
        return isinstance(value, bool)
    if name == "time":
        try:
            dt.datetime.strptime(value, "%H:%M")  # noqa: DTZ007 - a clock time, no date
        except (TypeError, ValueError):
            return False
        return True
    raise AssertionError(name)


class _Checker:
    """Walks the data against SCHEMA; collects keys first, then checks every reference."""

    KINDS = {"body": gettext_lazy("the body"), "round": gettext_lazy("the round"),
             "item": gettext_lazy("the content item"), "conference": gettext_lazy("the conference"),
             "document": gettext_lazy("the document"), "situation": gettext_lazy("the situation"),
             "scale": gettext_lazy("the scale")}

    def __init__(self, data):
        self.data, self.problems = data, []
        self.keys = {kind: set() for kind in self.KINDS}

    def add(self, path, message):
        self.problems.append(f"{path}: {message}")

    def collect_keys(self):
        def take(kind, rows, path):
            if not isinstance(rows, list):
                return
            for i, row in enumerate(rows):
                key = row.get("key") if isinstance(row, dict) else None
                if isinstance(key, str) and key:
                    if key in self.keys[kind]:
                        self.add(f"{path}[{i}].key", _("the key “{key}” is used twice.").format(
                            key=key))
                    self.keys[kind].add(key)
        d = self.data
        take("body", d.get("bodies"), "bodies")
        take("round", d.get("rounds"), "rounds")
        take("conference", d.get("conferences"), "conferences")
        take("document", d.get("documents"), "documents")
        take("situation", d.get("situations"), "situations")
        oversight = d.get("oversight")
        if isinstance(oversight, dict):
            take("scale", oversight.get("scales"), "oversight.scales")
        for p, phase in enumerate(d.get("structure") or []):
            if not isinstance(phase, dict):
                continue
            for i, issue in enumerate(phase.get("issues") or []):
                if isinstance(issue, dict):
                    take("item", issue.get("items"), f"structure[{p}].issues[{i}].items")

    def check(self, value, spec, path):
        if isinstance(spec, dict):
            if not isinstance(value, dict):
                self.add(path, _("expected an object."))
                return
            for name, sub in spec.items():
                optional = name.endswith("?")
                name = name.rstrip("?")
                where = f"{path}.{name}" if path else name
                if name not in value:
                    if not optional:
                        self.add(where, _("missing."))
                    continue
                self.check(value[name], sub, where)
            return
        if isinstance(spec, tuple):
            tag = spec[0]
            if tag == "list":
                if not isinstance(value, list):
                    self.add(path, _("expected a list."))
                    return
                for i, item in enumerate(value):
                    self.check(item, spec[1], f"{path}[{i}]")
            elif tag == "opt":
                if value is not None:
                    self.check(value, spec[1], path)
            elif tag == "choice":
                if isinstance(value, bool) or not isinstance(value, (str, int)) \
                        or value not in spec[1]:
                    self.add(path, _("“{value}” is not one of the allowed values.").format(
                        value=value))
            elif tag == "ref":
                kind, optional = spec[1], spec[2]
                if value is None and optional:
                    return
                if not isinstance(value, str) or value not in self.keys[kind]:
                    self.add(path, _("refers to {what} “{key}”, which the file does not "
                                     "contain.").format(what=self.KINDS[kind], key=value))
            return
        name = spec.rstrip("?")
        if spec.endswith("?") and value is None:
            return
        if not _type_ok(value, name):
            self.add(path, _("expected {type}, found {value}.").format(
                type=_TYPE_NAMES[name], value=json.dumps(value, ensure_ascii=False)[:40]))

    def run(self):
        d = self.data
        if d.get("format") != FORMAT:
            self.add("format", _("this is not an exercise export (expected “{format}”).")
                     .format(format=FORMAT))
            return self.problems
        if d.get("version") != VERSION:
            self.add("version", _("the file has version {found}; this system reads version "
                                  "{expected}. Export it again from a system of the same "
                                  "version.").format(found=d.get("version"), expected=VERSION))
            return self.problems
        self.collect_keys()
        self.check(d, SCHEMA, "")
        return self.problems


def check(data) -> list[str]:
    """Every problem of the file's structure and references (empty when it is sound)."""
    if not isinstance(data, dict):
        return [_("The file is not an exercise export.")]
    return _Checker(data).run()


# ---- mapping bodies and posts --------------------------------------------------------------

def place_of(area: Area) -> str:
    return default_place(SimpleNamespace(area=area))


def _stripped(name: str, place: str) -> str:
    folded, place = fold(name), fold(place)
    if place:
        folded = folded.replace(place, " ")
    return " ".join(folded.split())


def candidate_bodies(area: Area):
    """Bodies an exercise of `area` may use: in the area, below it, or above it."""
    return Body.objects.filter(Q(area__path__startswith=area.path)
                               | Q(area__path__in=area.ancestor_paths())).select_related("area")


def match_bodies(data: dict, area: Area) -> dict[str, Body | None]:
    """File body key -> the target body of the same name (accents and place name ignored)."""
    candidates = sorted(candidate_bodies(area),
                        key=lambda b: (b.area_id != area.pk, b.sort_order, b.name, b.pk))
    source_place = (data.get("source") or {}).get("place") or ""
    target_place = place_of(area)
    exact, loose, short = {}, {}, {}
    for b in candidates:
        exact.setdefault(fold(b.name), b)
        loose.setdefault(_stripped(b.name, target_place), b)
        if b.short_name:
            short.setdefault(fold(b.short_name), b)
    result = {}
    for row in data.get("bodies") or []:
        name = row.get("name") or ""
        body = exact.get(fold(name)) or loose.get(_stripped(name, source_place))
        if body is None and row.get("short_name"):
            body = short.get(fold(row["short_name"]))
        result[row["key"]] = body
    return result


@dataclass
class Plan:
    """What an import would do: the body mapping, problems (blocking) and warnings."""

    data: dict
    area: Area
    rows: list = field(default_factory=list)  # [{key, name, kind, match, chosen}]
    problems: list = field(default_factory=list)
    warnings: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def plan(data: dict, *, area: Area, mapping: dict | None = None) -> Plan:
    """Check the file and map its bodies (`mapping`: key -> Body, body id or "new")."""
    result = Plan(data=data, area=area, problems=check(data))
    if result.problems:
        return result
    mapping = mapping or {}
    matched = match_bodies(data, area)
    allowed = {b.pk: b for b in candidate_bodies(area)}
    for row in data["bodies"]:
        key = row["key"]
        choice = mapping.get(key)
        chosen = matched[key]
        if choice == NEW:
            chosen = NEW
        elif isinstance(choice, Body):
            chosen = choice
        elif choice not in (None, ""):
            try:
                chosen = allowed[int(choice)]
            except (KeyError, TypeError, ValueError):
                result.problems.append(_("bodies: “{name}” is mapped to a body outside the "
                                         "area.").format(name=row["name"]))
        if chosen is None:
            result.problems.append(_(
                "bodies: no body named “{name}” in {area}: choose one, or create it."
            ).format(name=row["name"], area=area))
        result.rows.append({"key": key, "name": row["name"], "kind": row["kind"],
                            "short_name": row.get("short_name", ""), "match": matched[key],
                            "chosen": chosen})
    return result


# ---- building the new exercise -------------------------------------------------------------

class _Abort(Exception):
    pass


class _Builder:
    def __init__(self, p: Plan, acting_user, *, code_name, start_date, name=None):
        self.p, self.data, self.user = p, p.data, acting_user
        self.area, self.code_name, self.start, self.name = p.area, code_name, start_date, name
        self.problems, self.warnings = [], list(p.warnings)
        self.bodies: dict[str, Body] = {}
        self.rounds, self.items, self.conferences, self.documents = {}, {}, {}, {}
        self.situations, self.scales = {}, {}
        self._posts = None

    def attempt(self, path, fn, *args, **kwargs):
        """Run one creation in a savepoint; a refusal becomes a problem (and None)."""
        try:
            with transaction.atomic():
                return fn(*args, **kwargs)
        except ValidationError as exc:
            for message in exc.messages:
                self.problems.append(f"{path}: {message}")
        except PermissionDenied as exc:
            self.problems.append(f"{path}: {exc}")
            raise _Abort from exc
        return None

    def day(self, offset):
        return None if offset is None else self.start + dt.timedelta(days=offset)

    def moment(self, m):
        day = self.start + dt.timedelta(days=m["day"])
        clock = dt.datetime.strptime(m["time"], "%H:%M").time()  # noqa: DTZ007
        return timezone.make_aware(dt.datetime.combine(day, clock))

    # -- references ------------------------------------------------------------------------
    def post(self, ref, path):
        if not ref:
            return None
        body = self.bodies.get(ref["body"])
        if body is None:
            return None
        if self._posts is None:
            self._posts, self._loose_posts = {}, {}
            place = place_of(self.area)
            for post in Post.objects.filter(body__in=self.bodies.values()).select_related(
                    "person", "body").order_by("sort_order", "id"):
                self._posts.setdefault((post.body_id, fold(post.title)), []).append(post)
                self._loose_posts.setdefault((post.body_id, _stripped(post.title, place)),
                                             []).append(post)
        source_place = (self.data.get("source") or {}).get("place") or ""
        options = self._posts.get((body.pk, fold(ref["title"]))) or self._loose_posts.get(
            (body.pk, _stripped(ref["title"], source_place)), [])
        person = fold(ref.get("person") or "")
        best = next((p for p in options if person and fold(p.person.full_name) == person),
                    options[0] if options else None)
        if best is None:
            self.warnings.append(_("{path}: no post “{title}” in {body}; left empty.").format(
                path=path, title=ref["title"], body=body))
        return best

    def person(self, name, path):
        if not name:
            return None
        people = Person.objects.filter(search_text=fold(name), posts__body__in=candidate_bodies(
            self.area)).distinct().order_by("sort_key", "id")
        person = people.first()
        if person is None:
            self.warnings.append(_("{path}: nobody named “{name}” in {area}; left out.").format(
                path=path, name=name, area=self.area))
        return person

    # -- sections ----------------------------------------------------------------------------
    def run(self) -> Exercise:
        d = self.data
        self.map_bodies()
        info = d["exercise"]
        exercise = self.attempt(
            "exercise", exercise_services.exercise_create, acting_user=self.user,
            code_name=self.code_name, name=self.name or info["name"], theme=info["theme"],
            area=self.area, kind=info["kind"], form=info.get("form", ""),
            start_date=self.start, end_date=self.start + dt.timedelta(days=info["duration_days"]))
        if exercise is None:
            raise _Abort
        self.exercise = exercise
        self.make_rounds(d["rounds"])
        self.make_structure(d["structure"])
        self.make_committees(d["committees"])
        self.make_frame(d["frame"])
        self.make_conferences(d["conferences"])
        self.make_documents(d["documents"])
        self.make_situations(d["situations"])
        self.make_oversight(d.get("oversight") or {})
        self.make_budget(d.get("budget") or [])
        return exercise

    def map_bodies(self):
        rows = {r["key"]: r for r in self.data["bodies"]}
        target_place, source_place = place_of(self.area), (self.data.get("source") or {}).get(
            "place") or ""
        for row in self.p.rows:
            if row["chosen"] != NEW:
                self.bodies[row["key"]] = row["chosen"]
        for row in self.p.rows:  # in file order: parents usually come first
            if row["chosen"] != NEW:
                continue
            src = rows[row["key"]]
            name = src["name"]
            if source_place and target_place and source_place in name:
                name = name.replace(source_place, target_place)
            body = self.attempt(
                f"bodies[{row['key']}]", organization_services.body_create,
                acting_user=self.user, name=name, short_name=src.get("short_name", ""),
                kind=src["kind"], area=self.area, parent=self.bodies.get(src.get("parent")),
                sort_order=src.get("sort_order", 100))
            if body is None:
                raise _Abort
            self.bodies[row["key"]] = body

    def make_rounds(self, rows):
        for i, r in enumerate(rows):
            rnd = self.attempt(f"rounds[{i}]", exercise_services.round_create, self.exercise,
                               acting_user=self.user, kind=r["kind"], number=r["number"],
                               start_date=self.day(r["start"]), end_date=self.day(r["end"]))
            self.rounds[r["key"]] = rnd

    def make_structure(self, phases):
        for p, ph in enumerate(phases):
            phase = self.attempt(f"structure[{p}]", exercise_services.phase_create,
                                 self.exercise, acting_user=self.user, title=ph["title"])
            if phase is None:
                continue
            for i, iss in enumerate(ph["issues"]):
                issue = self.attempt(f"structure[{p}].issues[{i}]",
                                     exercise_services.training_issue_create, phase,
                                     acting_user=self.user, title=iss["title"])
                if issue is None:
                    continue
                for c, it in enumerate(iss["items"]):
                    self.items[it["key"]] = self.attempt(
                        f"structure[{p}].issues[{i}].items[{c}]",
                        exercise_services.content_item_create, issue, acting_user=self.user,
                        title=it["title"])

    def make_committees(self, rows):
        for i, c in enumerate(rows):
            committee = self.attempt(f"committees[{i}]", exercise_services.committee_create,
                                     self.exercise, acting_user=self.user, kind=c["kind"],
                                     name=c["name"], sort_order=c.get("sort_order", 100))
            if committee is None:
                continue
            for m, member in enumerate(c.get("members") or []):
                path = f"committees[{i}].members[{m}]"
                post = self.post(member.get("post"), path)
                person = post.person if post is not None and (
                    fold(post.person.full_name) == fold(member["person"])) else self.person(
                    member["person"], path)
                if person is None:
                    continue
                if post is not None and post.person_id != person.pk:
                    post = None
                self.attempt(path, exercise_services.committee_member_add, committee,
                             acting_user=self.user, person=person, position=member["position"],
                             post=post, sort_order=member.get("sort_order", 100))

    def make_frame(self, rows):
        seen = set()
        for i, f in enumerate(rows):
            path = f"frame[{i}]"
            body = self.bodies[f["body"]]
            post = self.post(f.get("post"), path)
            person = post.person if post is not None else self.person(f.get("person"), path)
            if post is not None and f.get("person") and fold(f["person"]) != fold(
                    post.person.full_name):
                person = self.person(f["person"], path)
                post = post if person is not None and post.person_id == person.pk else None
            key = (body.pk, person.pk if person else None, f["role"])
            if key in seen:
                self.warnings.append(_("{path}: the same role appears twice; kept once.")
                                     .format(path=path))
                continue
            seen.add(key)
            self.attempt(path, exercise_services.frame_participant_add, self.exercise,
                         acting_user=self.user, body=body, person=person, post=post,
                         role=f["role"], notes=f.get("notes", ""))

    def make_conferences(self, rows):
        for i, c in enumerate(rows):
            path = f"conferences[{i}]"
            conference = self.attempt(
                path, conference_services.conference_create, self.exercise,
                acting_user=self.user, body=self.bodies[c["body"]], title=c["title"],
                kind=c.get("kind", Conference.Kind.CONFERENCE),
                chair_post=self.post(c.get("chair"), f"{path}.chair"),
                secretary_post=self.post(c.get("secretary"), f"{path}.secretary"),
                content_item=self.items.get(c.get("content_item")),
                location=c.get("location", ""), output=c.get("output", ""),
                sort_order=c.get("sort_order", 100))
            if conference is None:
                continue
            self.conferences[c["key"]] = conference
            for a, item in enumerate(c.get("agenda") or []):
                where = f"{path}.agenda[{a}]"
                presenter = self.post(item.get("presenter"), where)
                text = item.get("presenter_text", "")
                if presenter is None and item.get("presenter") and not text:
                    text = item["presenter"]["title"]
                self.attempt(where, conference_services.agenda_item_create, conference,
                             acting_user=self.user, content=item["content"],
                             method=item.get("method", ""), presenter_post=presenter,
                             presenter_text=text,
                             advisory_bodies=[self.bodies[b]
                                              for b in item.get("advisory_bodies", [])],
                             minutes=item.get("minutes", 10),
                             documents=item.get("documents", ""),
                             expected_output=item.get("expected_output", ""))
            for e, entry in enumerate(c.get("composition") or []):
                where = f"{path}.composition[{e}]"
                post = self.post(entry.get("post"), where)
                body = self.bodies.get(entry.get("body"))
                if post is not None and body is not None and post.body_id != body.pk:
                    post = None
                self.attempt(where, conference_services.composition_entry_create, conference,
                             acting_user=self.user,
                             kind=entry.get("kind", CompositionEntry.Kind.REQUIRED),
                             title=entry["title"], body=body, post=post)
            for h, holding in enumerate(c.get("holdings") or []):
                rnd = self.rounds.get(holding["round"])
                if rnd is None:
                    continue
                self.attempt(f"{path}.holdings[{h}]", conference_services.holding_create,
                             conference, acting_user=self.user, round=rnd,
                             starts_at=self.moment(holding["starts"]),
                             ends_at=self.moment(holding["ends"]),
                             location=holding.get("location", ""),
                             notes=holding.get("notes", ""))

    def make_documents(self, rows):
        for i, d in enumerate(rows):
            path = f"documents[{i}]"
            fields = {
                "title": d["title"], "doc_type": d["type"],
                "owner_body": self.bodies[d["owner_body"]], "due_date": self.day(d.get("due")),
                "is_required": d.get("required", True),
                "classification": d.get("classification", 0), "urgency": d.get("urgency", ""),
                "copies": d.get("copies", 0), "copying_allowed": d.get("copying_allowed", True),
            }
            for name in ("format_family", "parent_issuer", "issuer_code", "place",
                         "sign_authority", "sign_on_behalf", "sign_title", "sign_name"):
                if d.get(name):
                    fields[name] = d[name]
            if d.get("drafter"):
                fields["drafter"] = self.person(d["drafter"], f"{path}.drafter")
            document = self.attempt(
                path, document_services.document_create, self.exercise, acting_user=self.user,
                recipients=[self.bodies[b] for b in d.get("recipients", [])],
                conferences=[self.conferences[k] for k in d.get("conferences", [])
                             if k in self.conferences],
                content_items=[self.items[k] for k in d.get("content_items", [])
                               if self.items.get(k)],
                **fields)
            self.documents[d["key"]] = document

    def make_situations(self, rows):
        later = []
        for i, s in enumerate(rows):
            path = f"situations[{i}]"
            depends = s.get("depends_on")
            situation = self.attempt(
                path, scenario_services.situation_create, self.exercise, acting_user=self.user,
                receiving_bodies=[self.bodies[b] for b in s["receiving_bodies"]],
                documents=[self.documents[k] for k in s.get("documents", [])
                           if self.documents.get(k)],
                code=s["code"], title=s["title"], content=s["content"],
                scenario_minutes=s["scenario_minutes"], g_relative=s.get("g_relative", False),
                issuer_kind=s.get("issuer_kind", Situation.IssuerKind.DIRECTOR),
                issuer=s.get("issuer", ""), method=s.get("method", ""),
                handling_kind=s.get("handling_kind", Handling.ADVISE),
                expected_handling=s.get("expected_handling", ""),
                deadline_minutes=s.get("deadline_minutes"),
                content_item=self.items.get(s.get("content_item")),
                classification=s.get("classification", 0),
                depends_on=self.situations.get(depends))
            self.situations[s["key"]] = situation
            if situation is not None and depends and self.situations.get(depends) is None:
                later.append((path, situation, depends))
        for path, situation, depends in later:
            if self.situations.get(depends) is not None:
                self.attempt(path, scenario_services.situation_update, situation,
                             acting_user=self.user, depends_on=self.situations[depends])

    def make_oversight(self, section):
        for i, s in enumerate(section.get("scales") or []):
            path = f"oversight.scales[{i}]"
            scale = self.attempt(path, self._scale_create, s)
            self.scales[s["key"]] = scale
        for i, c in enumerate(section.get("criteria") or []):
            scale = self.scales.get(c["scale"])
            if scale is None:
                continue
            self.attempt(f"oversight.criteria[{i}]", oversight_services.criterion_create,
                         self.exercise, acting_user=self.user, title=c["title"],
                         description=c.get("description", ""), scale=scale)
        for i, item in enumerate(section.get("checklist") or []):
            self.attempt(f"oversight.checklist[{i}]", oversight_services.checklist_item_create,
                         self.exercise, acting_user=self.user, category=item["category"],
                         title=item["title"], owner_body=self.bodies[item["owner_body"]],
                         due_date=self.day(item["due"]), round=self.rounds.get(item.get("round")))

    def _scale_create(self, s):
        exercise_services.require_change(self.user, self.exercise)
        scale = core_services.create(Scale, acting_user=self.user, exercise=self.exercise,
                                     code=s["code"], name=s["name"])
        for level in s["levels"]:
            core_services.create(ScaleLevel, acting_user=self.user, scale=scale,
                                 code=level["code"], label=level["label"],
                                 points=level["points"])
        return scale

    def make_budget(self, rows):
        for i, line in enumerate(rows):
            self.attempt(f"budget[{i}]", oversight_services.budget_line_create, self.exercise,
                         acting_user=self.user, title=line["title"],
                         owner_body=self.bodies[line["owner_body"]], planned=line["planned"])


@dataclass
class ImportResult:
    exercise: Exercise
    warnings: list


def exercise_import(data, acting_user, *, code_name: str, start_date: dt.date, area: Area,
                    mapping: dict | None = None, name: str | None = None) -> ImportResult:
    """Create a new exercise from `data` (a dict in the reuse format), all or nothing.

    Raises ValidationError listing every problem found; nothing is created then.
    """
    if acting_user is not None and not acting_user.has_perm("exercises.add_exercise"):
        raise PermissionDenied(_("You may not create exercises."))
    code_name = (code_name or "").strip()
    problems = []
    if not code_name:
        problems.append(_("Give the new exercise a code name."))
    elif Exercise.objects.filter(code_name=code_name).exists():
        problems.append(_("An exercise with the code name “{code}” already exists.").format(
            code=code_name))
    if start_date is None:
        problems.append(_("Give the start date of the new exercise."))
    if area is None:
        problems.append(_("Choose the area of the new exercise."))
        return _raise(problems)
    the_plan = plan(data, area=area, mapping=mapping)
    problems += the_plan.problems
    if problems:
        _raise(problems)
    builder = _Builder(the_plan, acting_user, code_name=code_name, start_date=start_date,
                       name=name)
    try:
        with transaction.atomic():
            exercise = builder.run()
            if builder.problems:
                raise _Abort
    except _Abort:
        _raise(builder.problems or [_("The import was stopped.")])
    return ImportResult(exercise=exercise, warnings=builder.warnings)


def _raise(problems):
    raise ValidationError(list(problems))


def exercise_duplicate(exercise: Exercise, acting_user, *, code_name: str | None = None
                       ) -> ImportResult:
    """A copy of the exercise without its results: same area, dates, people and structure."""
    data = exercise_export(exercise, acting_user, people=True, results=False)
    code_name = code_name or free_copy_code(exercise.code_name)
    return exercise_import(data, acting_user, code_name=code_name,
                           start_date=exercise.start_date, area=exercise.area,
                           name=f"{exercise.name} (bản sao)")


def free_copy_code(code: str) -> str:
    base = f"{code} (bản sao)"
    candidate, n = base, 2
    while Exercise.objects.filter(code_name=candidate).exists():
        candidate, n = f"{code} (bản sao {n})", n + 1
    return candidate[:40]
