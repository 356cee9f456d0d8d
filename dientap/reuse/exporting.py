"""Export a whole exercise to one versioned, deterministic JSON document.

The file carries no database ids and no timestamps: bodies, rounds, structure nodes,
conferences, documents, situations and scales get stable local keys ("b1", "r1", "c1" …) in a
deterministic order, and every cross-reference uses those keys. Dates are offsets in days from
the exercise's start date, times are local clock times ("08:30"). Bodies and posts are named,
never numbered, so that an import can map them onto the bodies of another area.

What the file holds is what the exporting user may see (``restrict(user, VIEW)`` on every
model); a document or situation hidden from the user (classified above their clearance or
outside their need-to-know) is left out entirely, titles included, and the number left out is
written in ``omitted``.
"""

import json
from datetime import date

from django.db.models import Prefetch
from django.utils import timezone

from dientap.conferences.models import (
    AgendaItem,
    AgendaProgress,
    Attendance,
    CompositionEntry,
    Conference,
    Holding,
)
from dientap.core.scoping import VIEW
from dientap.documents.models import Comment, Document, DocumentVersion
from dientap.documents.services import default_place
from dientap.exercises.models import (
    Committee,
    CommitteeMember,
    ContentItem,
    Exercise,
    FrameParticipant,
    Phase,
    Round,
    TrainingIssue,
)
from dientap.organizations.models import Body
from dientap.oversight.models import (
    BudgetLine,
    ChecklistItem,
    CorrectiveAction,
    Criterion,
    Observation,
    Scale,
    ScaleLevel,
    Score,
)
from dientap.scenarios.models import Delivery, Situation

FORMAT = "dientap-exercise"
VERSION = 1


def visible(queryset, user):
    """Rows of `queryset` the user may see; everything for the system (user None)."""
    return queryset if user is None else queryset.restrict(user, VIEW)


def dumps(data: dict) -> str:
    """The canonical text of an export (stable key order, readable Vietnamese)."""
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


class _Keys:
    """Stable local keys, given in order of first use within one export."""

    def __init__(self, prefix):
        self.prefix, self.map = prefix, {}

    def add(self, pk):
        if pk not in self.map:
            self.map[pk] = f"{self.prefix}{len(self.map) + 1}"
        return self.map[pk]

    def get(self, pk):
        return self.map.get(pk) if pk is not None else None


class _Exporter:
    def __init__(self, exercise: Exercise, user, *, people: bool, results: bool):
        self.exercise, self.user, self.people, self.results = exercise, user, people, results
        self.start = exercise.start_date
        self.bodies: dict[int, Body] = {}
        self.keys = {p: _Keys(p) for p in ("r", "p", "i", "c", "f", "d", "s", "sc")}
        self.body_keys: dict[int, str] = {}
        self.omitted = {}

    # -- helpers ---------------------------------------------------------------------------
    def q(self, model):
        return visible(model.objects.all(), self.user)

    def day(self, value: date | None):
        return None if value is None else (value - self.start).days

    def moment(self, value):
        if value is None:
            return None
        local = timezone.localtime(value)
        return {"day": (local.date() - self.start).days, "time": local.strftime("%H:%M")}

    def body(self, body: Body | None):
        if body is None:
            return None
        self.bodies[body.pk] = body
        return body.pk  # replaced by keys in finish()

    def post(self, post):
        if post is None:
            return None
        ref = {"body": self.body(post.body), "title": post.title}
        if self.people:
            ref["person"] = post.person.full_name
        return ref

    # -- sections ----------------------------------------------------------------------------
    def run(self) -> dict:
        ex = self.exercise
        data = {
            "format": FORMAT,
            "version": VERSION,
            "options": {"people": self.people, "results": self.results},
            "source": {"area": ex.area.name, "level": ex.area.level.code,
                       "place": default_place(ex)},
            "exercise": {
                "code_name": ex.code_name, "name": ex.name, "theme": ex.theme, "kind": ex.kind,
                "form": ex.form, "level": ex.area.level.code, "level_name": ex.area.level.name,
                "area": ex.area.name, "duration_days": (ex.end_date - ex.start_date).days,
            },
        }
        data["rounds"] = self.rounds()
        data["structure"] = self.structure()
        data["committees"] = self.committees()
        data["frame"] = self.frame()
        data["conferences"] = self.conferences()
        data["documents"] = self.documents()
        data["situations"] = self.situations()
        data["oversight"] = self.oversight()
        data["budget"] = self.budget()
        if self.results:
            data["results"] = self.results_section()
        data["omitted"] = self.omitted
        data["bodies"] = self.finish_bodies()
        return _replace_body_ids(data, self.body_keys)

    def rounds(self):
        out = []
        for r in self.q(Round).filter(exercise=self.exercise).order_by("start_date", "kind",
                                                                       "number", "id"):
            out.append({"key": self.keys["r"].add(r.pk), "kind": r.kind, "number": r.number,
                        "start": self.day(r.start_date), "end": self.day(r.end_date)})
        return out

    def structure(self):
        phases = self.q(Phase).filter(exercise=self.exercise).order_by("position", "id")
        phases = phases.prefetch_related(
            Prefetch("issues", TrainingIssue.objects.order_by("position", "id")),
            Prefetch("issues__items", ContentItem.objects.order_by("position", "id")))
        out = []
        for phase in phases:
            issues = []
            for issue in phase.issues.all():
                items = [{"key": self.keys["c"].add(item.pk), "title": item.title}
                         for item in issue.items.all()]
                issues.append({"key": self.keys["i"].add(issue.pk), "title": issue.title,
                               "items": items})
            out.append({"key": self.keys["p"].add(phase.pk), "title": phase.title,
                        "issues": issues})
        return out

    def committees(self):
        members = CommitteeMember.objects.select_related("person", "post", "post__body",
                                                         "post__person")
        qs = self.q(Committee).filter(exercise=self.exercise).order_by("sort_order", "id")
        qs = qs.prefetch_related(Prefetch("members", members.order_by("sort_order", "id")))
        out = []
        for c in qs:
            entry = {"kind": c.kind, "name": c.name, "sort_order": c.sort_order}
            if self.people:
                entry["members"] = [
                    {"person": m.person.full_name, "position": m.position,
                     "post": self.post(m.post), "sort_order": m.sort_order}
                    for m in c.members.all()]
            out.append(entry)
        return out

    def frame(self):
        qs = self.q(FrameParticipant).filter(exercise=self.exercise).select_related(
            "body", "person", "post", "post__body", "post__person").order_by(
            "body__sort_order", "body__name", "person__sort_key", "id")
        out = []
        for f in qs:
            entry = {"body": self.body(f.body), "post": self.post(f.post), "role": f.role,
                     "notes": f.notes}
            if self.people:
                entry["person"] = f.person.full_name if f.person_id else None
            out.append(entry)
        return out

    def conferences(self):
        post_related = ("post__body", "post__person")
        agenda = AgendaItem.objects.select_related(
            "presenter_post__body", "presenter_post__person").prefetch_related(
            "advisory_bodies").order_by("position", "id")
        composition = CompositionEntry.objects.select_related("body", *post_related).order_by(
            "kind", "position", "id")
        holdings = Holding.objects.select_related("round").order_by("round__start_date",
                                                                    "starts_at", "id")
        qs = self.q(Conference).filter(exercise=self.exercise).select_related(
            "body", "chair_post__body", "chair_post__person", "secretary_post__body",
            "secretary_post__person").prefetch_related(
            Prefetch("agenda", agenda), Prefetch("composition", composition),
            Prefetch("holdings", holdings)).order_by("sort_order", "id")
        out = []
        for c in qs:
            out.append({
                "key": self.keys["f"].add(c.pk), "body": self.body(c.body), "title": c.title,
                "kind": c.kind, "chair": self.post(c.chair_post),
                "secretary": self.post(c.secretary_post),
                "content_item": self.keys["c"].get(c.content_item_id),
                "location": c.location, "output": c.output, "sort_order": c.sort_order,
                "agenda": [{
                    "content": a.content, "method": a.method,
                    "presenter": self.post(a.presenter_post),
                    "presenter_text": a.presenter_text,
                    "advisory_bodies": [self.body(b) for b in sorted(
                        a.advisory_bodies.all(), key=lambda b: (b.sort_order, b.name, b.pk))],
                    "minutes": a.minutes, "documents": a.documents,
                    "expected_output": a.expected_output,
                } for a in c.agenda.all()],
                "composition": [{
                    "kind": e.kind, "title": e.title, "body": self.body(e.body),
                    "post": self.post(e.post),
                } for e in c.composition.all()],
                "holdings": [{
                    "round": self.keys["r"].get(h.round_id), "starts": self.moment(h.starts_at),
                    "ends": self.moment(h.ends_at), "location": h.location, "notes": h.notes,
                } for h in c.holdings.all() if self.keys["r"].get(h.round_id)],
            })
        return out

    def documents(self):
        all_docs = Document.objects.filter(exercise=self.exercise)
        qs = visible(all_docs, self.user).select_related("owner_body", "drafter").prefetch_related(
            "conferences", "content_items", "recipients").order_by(
            "owner_body__sort_order", "due_date", "id")
        place = default_place(self.exercise)
        out = []
        for d in qs:
            entry = {
                "key": self.keys["d"].add(d.pk), "title": d.title, "type": d.doc_type,
                "owner_body": self.body(d.owner_body), "due": self.day(d.due_date),
                "required": d.is_required, "classification": d.classification,
                "urgency": d.urgency,
                "recipients": [self.body(b) for b in sorted(
                    d.recipients.all(), key=lambda b: (b.sort_order, b.name, b.pk))],
                "copies": d.copies, "copying_allowed": d.copying_allowed,
                "format_family": d.format_family, "parent_issuer": d.parent_issuer,
                "issuer_code": d.issuer_code, "place": "" if d.place == place else d.place,
                "sign_authority": d.sign_authority, "sign_on_behalf": d.sign_on_behalf,
                "sign_title": d.sign_title,
                "conferences": sorted(k for k in (self.keys["f"].get(c.pk)
                                                  for c in d.conferences.all()) if k),
                "content_items": sorted(k for k in (self.keys["c"].get(c.pk)
                                                    for c in d.content_items.all()) if k),
            }
            if self.people:
                entry["sign_name"] = d.sign_name
                entry["drafter"] = d.drafter.full_name if d.drafter_id else None
            out.append(entry)
        hidden = all_docs.count() - len(out)
        if hidden:
            self.omitted["documents"] = hidden
        return out

    def situations(self):
        all_situations = Situation.objects.filter(exercise=self.exercise)
        qs = visible(all_situations, self.user).prefetch_related(
            "receiving_bodies", "documents").order_by(
            "g_relative", "scenario_minutes", "position", "id")
        rows = list(qs)
        for s in rows:
            self.keys["s"].add(s.pk)
        out = []
        for s in rows:
            out.append({
                "key": self.keys["s"].get(s.pk), "code": s.code, "title": s.title,
                "content": s.content, "scenario_minutes": s.scenario_minutes,
                "g_relative": s.g_relative, "issuer_kind": s.issuer_kind, "issuer": s.issuer,
                "method": s.method,
                "receiving_bodies": [self.body(b) for b in sorted(
                    s.receiving_bodies.all(), key=lambda b: (b.sort_order, b.name, b.pk))],
                "handling_kind": s.handling_kind, "expected_handling": s.expected_handling,
                "deadline_minutes": s.deadline_minutes,
                "documents": sorted(k for k in (self.keys["d"].get(d.pk)
                                                for d in s.documents.all()) if k),
                "content_item": self.keys["c"].get(s.content_item_id),
                "classification": s.classification,
                "depends_on": self.keys["s"].get(s.depends_on_id),
            })
        hidden = all_situations.count() - len(out)
        if hidden:
            self.omitted["situations"] = hidden
        return out

    def oversight(self):
        scales = self.q(Scale).filter(exercise=self.exercise).prefetch_related(
            Prefetch("levels", ScaleLevel.objects.order_by("-points", "id"))).order_by("id")
        scale_out = [{
            "key": self.keys["sc"].add(s.pk), "code": s.code, "name": s.name,
            "levels": [{"code": lv.code, "label": lv.label, "points": lv.points}
                       for lv in s.levels.all()],
        } for s in scales]
        criteria = [{
            "title": c.title, "description": c.description,
            "scale": self.keys["sc"].get(c.scale_id),
        } for c in self.q(Criterion).filter(exercise=self.exercise).order_by("position", "id")
            if self.keys["sc"].get(c.scale_id)]
        checklist = []
        for item in self.q(ChecklistItem).filter(exercise=self.exercise).select_related(
                "owner_body").order_by("category", "due_date", "id"):
            entry = {"category": item.category, "title": item.title,
                     "owner_body": self.body(item.owner_body), "due": self.day(item.due_date),
                     "round": self.keys["r"].get(item.round_id)}
            if self.results:
                entry["status"], entry["evidence"] = item.status, item.evidence
            checklist.append(entry)
        return {"scales": scale_out, "criteria": criteria, "checklist": checklist}

    def budget(self):
        out = []
        for line in self.q(BudgetLine).filter(exercise=self.exercise).select_related(
                "owner_body").order_by("id"):
            entry = {"title": line.title, "owner_body": self.body(line.owner_body),
                     "planned": line.planned}
            if self.results:
                entry["actual"], entry["note"] = line.actual, line.note
            out.append(entry)
        return out

    def results_section(self):
        """What happened (for the archive; an import never brings results back)."""
        ex = self.exercise
        holdings = []
        for h in self.q(Holding).filter(conference__exercise=ex).select_related(
                "round").prefetch_related(
                Prefetch("attendance", Attendance.objects.select_related("entry").order_by(
                    "entry__kind", "entry__position", "entry_id")),
                Prefetch("progress", AgendaProgress.objects.select_related("item").order_by(
                    "item__position", "id"))
        ).order_by("conference__sort_order", "conference_id", "round__start_date"):
            holdings.append({
                "conference": self.keys["f"].get(h.conference_id),
                "round": self.keys["r"].get(h.round_id), "state": h.state,
                "started": self.moment(h.started_at), "finished": self.moment(h.finished_at),
                "attendance": [{"seat": a.entry.title, "status": a.status,
                                "substitute_name": a.substitute_name if self.people else "",
                                "substitute_post": a.substitute_post,
                                "late_minutes": a.late_minutes, "note": a.note}
                               for a in h.attendance.all()],
                "progress": [{"item": p.item.content, "started": self.moment(p.started_at),
                              "finished": self.moment(p.finished_at), "decision": p.decision}
                             for p in h.progress.all()],
            })
        documents = []
        for d in visible(Document.objects.filter(exercise=ex), self.user).prefetch_related(
                Prefetch("versions", DocumentVersion.objects.order_by("number")),
                Prefetch("comments", Comment.objects.order_by("created_at", "id"))).order_by(
                "owner_body__sort_order", "due_date", "id"):
            documents.append({
                "document": self.keys["d"].get(d.pk), "status": d.status,
                "versions": [{"number": v.number, "format": v.format, "file_name": v.file_name,
                              "size": v.size, "sha256": v.sha256, "note": v.note}
                             for v in d.versions.all()],
                "comments": [{"text": c.text, "quote": c.quote, "state": c.state,
                              "answer": c.answer} for c in d.comments.all()],
            })
        deliveries = [{
            "situation": self.keys["s"].get(dl.situation_id), "body": self.body(dl.body),
            "acknowledged": self.moment(dl.acknowledged_at), "handled": self.moment(dl.handled_at),
            "handling_kind": dl.handling_kind, "handling_text": dl.handling_text, "late": dl.late,
        } for dl in self.q(Delivery).filter(situation__exercise=ex).select_related("body")
            .order_by("situation__scenario_minutes", "situation_id", "body__sort_order",
                      "body__name")
            if self.keys["s"].get(dl.situation_id)]
        observations = [{
            "kind": o.kind, "text": o.text, "round": self.keys["r"].get(o.round_id),
            "body": self.body(o.body), "observed": self.moment(o.observed_at),
            "scenario_time": o.scenario_time,
        } for o in self.q(Observation).filter(exercise=ex).select_related("body")
            .order_by("observed_at", "id")]
        scores = [{
            "criterion": s.criterion.title, "round": self.keys["r"].get(s.round_id),
            "body": self.body(s.body), "holding_conference": self.keys["f"].get(
                s.holding.conference_id) if s.holding_id else None,
            "level": s.level.code, "comment": s.comment,
        } for s in self.q(Score).filter(criterion__exercise=ex).select_related(
            "criterion", "body", "level", "holding").order_by("criterion__position", "id")]
        actions = [{
            "title": a.title, "description": a.description, "owner_body": self.body(a.owner_body),
            "due": self.day(a.due_date), "round": self.keys["r"].get(a.round_id),
            "blocking": a.blocking, "status": a.status, "done_note": a.done_note,
        } for a in self.q(CorrectiveAction).filter(exercise=ex).select_related("owner_body")
            .order_by("due_date", "id")]
        return {"holdings": holdings, "documents": documents, "deliveries": deliveries,
                "observations": observations, "scores": scores, "corrective_actions": actions}

    def finish_bodies(self):
        ordered = sorted(self.bodies.values(), key=lambda b: (b.sort_order, b.name, b.pk))
        for i, b in enumerate(ordered, start=1):
            self.body_keys[b.pk] = f"b{i}"
        return [{"key": self.body_keys[b.pk], "name": b.name, "short_name": b.short_name,
                 "kind": b.kind, "sort_order": b.sort_order,
                 "parent": self.body_keys.get(b.parent_id)}
                for b in ordered]


def _replace_body_ids(data, keys):
    # Body references were stored as raw ids in known places; swap them for keys.
    def post(ref):
        if ref:
            ref["body"] = keys[ref["body"]]
        return ref

    for f in data["frame"]:
        f["body"] = keys[f["body"]]
        post(f["post"])
    for c in data["committees"]:
        for m in c.get("members", []):
            post(m["post"])
    for c in data["conferences"]:
        c["body"] = keys[c["body"]]
        post(c["chair"])
        post(c["secretary"])
        for a in c["agenda"]:
            post(a["presenter"])
            a["advisory_bodies"] = [keys[b] for b in a["advisory_bodies"]]
        for e in c["composition"]:
            e["body"] = keys.get(e["body"]) if e["body"] is not None else None
            post(e["post"])
    for d in data["documents"]:
        d["owner_body"] = keys[d["owner_body"]]
        d["recipients"] = [keys[b] for b in d["recipients"]]
    for s in data["situations"]:
        s["receiving_bodies"] = [keys[b] for b in s["receiving_bodies"]]
    for item in data["oversight"]["checklist"]:
        item["owner_body"] = keys[item["owner_body"]]
    for line in data["budget"]:
        line["owner_body"] = keys[line["owner_body"]]
    results = data.get("results")
    if results:
        for dl in results["deliveries"]:
            dl["body"] = keys[dl["body"]]
        for o in results["observations"]:
            o["body"] = keys.get(o["body"]) if o["body"] is not None else None
        for s in results["scores"]:
            s["body"] = keys[s["body"]]
        for a in results["corrective_actions"]:
            a["owner_body"] = keys[a["owner_body"]]
    return data


def exercise_export(exercise: Exercise, user, *, people: bool = True,
                    results: bool = False) -> dict:
    """The exercise as a dict in the reuse format (see the module docstring)."""
    return _Exporter(exercise, user, people=people, results=results).run()
