"""The vocabulary of the access matrix (see test_access_matrix.py): roles, rules, entries.

Each app owns the entries of its URL patterns in `dientap/<app>/tests/access.py`:
`ENTRIES = {"<namespace>:<name>": page("view"), ...}` and, when its entries need objects, a
hook `objects(o, w, *, exercise, body, person, prefix)` that creates them through the
services in both exercises of `api_world` and sets them on `o`.
"""

from importlib import import_module
from importlib.util import find_spec
from types import SimpleNamespace

from django.apps import apps

ROLES = ("anonymous", "organizer", "director", "observer", "frame", "frame_uncleared",
         "other_body", "inspector", "stranger", "superuser")
# Who plays each role in api_world.
ROLE_USERS = {
    "anonymous": None,
    "organizer": "organizer",          # Organizing Committee of TQ-23, may add people/bodies
    "director": "director",            # director of TQ-23, cleared Tối mật, not a recipient
    "observer": "observer",            # observer of TQ-23
    "frame": "frame_cleared",          # UBND tỉnh TQ (frame body, document owner), cleared
    "frame_uncleared": "frame_user",   # UBND tỉnh TQ, no clearance
    "other_body": "other_body_user",   # Tỉnh ủy TQ (another frame body), cleared
    "inspector": "inspector",          # Military Region 2: inspects both provinces
    "stranger": "stranger",            # UBND tỉnh Phú Thọ (frame body of PT-23)
    "superuser": "admin",
}

L, OK, ANY = "L", "ok", "*"
#                  anon organizer director observer frame frameU otherBody inspector stranger su
RULES = {
    # Sees the exercise (and what hangs under it, classified documents aside).
    "view": {
        "own":        (L, OK, OK, OK, OK, OK, OK, OK, "404", OK),
        "other":      (L, "404", "404", "404", "404", "404", "404", OK, OK, OK),
        "classified": (L, "404", "404", "404", OK, "404", "404", "404", "404", OK),
    },
    # Changes the exercise: its Organizing Committee staff and directors.
    "change": {
        "own":        (L, OK, OK, "403", "403", "403", "403", "403", "404", OK),
        "other":      (L, "404", "404", "404", "404", "404", "404", "403", "403", OK),
        "classified": (L, "404", "404", "404", "403", "404", "404", "404", "404", OK),
    },
    # Changes a document: the owning body's members and the exercise's managers.
    "doc_change": {
        "own":        (L, OK, OK, "403", OK, OK, "403", "403", "404", OK),
        "other":      (L, "404", "404", "404", "404", "404", "404", "403", OK, OK),
        "classified": (L, "404", "404", "404", OK, "404", "404", "404", "404", OK),
    },
    # People and bodies: change needs the model permission (the organizer has it).
    "org_change": {
        "own":        (L, OK, "403", "403", "403", "403", "403", "403", "404", OK),
        "other":      (L, "404", "404", "404", "404", "404", "404", "403", "403", OK),
    },
    "org_add": {"none": (L, OK, "403", "403", "403", "403", "403", "403", "403", OK)},
    "auth": {"none": (L, OK, OK, OK, OK, OK, OK, OK, OK, OK)},
    "public": {"none": (OK, OK, OK, OK, OK, OK, OK, OK, OK, OK)},
    "any": {"none": (ANY,) * 10, "own": (ANY,) * 10, "other": (ANY,) * 10},
    "staff": {"none": (L, L, L, L, L, L, L, L, L, OK)},
    "inspectors": {"none": (L, "403", "403", "403", "403", "403", "403", OK, "403", OK)},
    # Only the organizer's own token (and administrators).
    "own_token": {"none": (L, OK, "404", "404", "404", "404", "404", "404", "404", OK)},
    # Tokens are made from a browser session, never with a token.
    "session_only": {"none": (L, "403", "403", "403", "403", "403", "403", "403", "403", "403")},
}


def created(rule):
    """A create whose parent is in the body: a hidden parent is an unknown reference (400)."""
    return {kind: tuple("400" if c == "404" else c for c in row)
            for kind, row in RULES[rule].items()}


RULES["create"] = created("change")
RULES["doc_create_comment"] = created("change")
RULES["view_query"] = created("view")
RULES["org_create"] = created("org_change")
# An API create naming Tuyên Quang's area: for Phú Thọ's user the area does not exist (400).
RULES["org_add_tq"] = {"none": tuple("400" if role == "stranger" else c
                                     for role, c in zip(ROLES, RULES["org_add"]["none"],
                                                        strict=True))}

# ---- scenarios and oversight (owned by dientap/scenarios and dientap/oversight) -------------
#                  anon organizer director observer frame frameU otherBody inspector stranger su
_4 = "404"
RULES.update({
    # The exercise's staff (Organizing Committee, directors, observers): the scenario pages,
    # the director's console, recording observations and scores.
    "exercise_staff": {
        "own":        (L, OK, OK, OK, "403", "403", "403", "403", _4, OK),
        "other":      (L, _4, _4, _4, _4, _4, _4, "403", "403", OK),
    },
    # A situation not issued yet: the staff only; changed by the Organizing Committee and
    # directors (observers see, may not change).
    "scenario_hidden": {
        "own":        (L, OK, OK, OK, _4, _4, _4, _4, _4, OK),
        "other":      (L, _4, _4, _4, _4, _4, _4, _4, _4, OK),
    },
    "scenario_change": {
        "own":        (L, OK, OK, "403", _4, _4, _4, _4, _4, OK),
        "other":      (L, _4, _4, _4, _4, _4, _4, _4, _4, OK),
    },
    # An issued situation (and its delivery) addressed to the exercise's frame body UBND tỉnh:
    # the staff and that body's members (the Tỉnh ủy does not see it).
    "addressed": {
        "own":        (L, OK, OK, OK, OK, OK, _4, _4, _4, OK),
        "other":      (L, _4, _4, _4, _4, _4, _4, _4, OK, OK),
    },
    # Acknowledging / handling a delivery: the receiving body's own members only (staff and
    # administrators follow, they do not answer for a body).
    "respond": {
        "own":        (L, "403", "403", "403", OK, OK, _4, _4, _4, "403"),
        "other":      (L, _4, _4, _4, _4, _4, _4, _4, OK, "403"),
    },
    # A body's console: every frame body's members (their own), the staff (any body).
    "console": {
        "own":        (L, OK, OK, OK, OK, OK, OK, "403", _4, OK),
        "other":      (L, _4, _4, _4, _4, _4, _4, "403", OK, OK),
    },
    # Acting on a body's console (acknowledge a situation addressed to UBND tỉnh): that body.
    "console_respond": {
        "own":        (L, "403", "403", "403", OK, OK, "403", "403", _4, "403"),
        "other":      (L, _4, _4, _4, _4, _4, _4, "403", OK, "403"),
    },
    # Confirming a communication check: the members of any frame body of the exercise.
    "frame_body": {
        "own":        (L, "403", "403", "403", OK, OK, OK, "403", _4, "403"),
        "other":      (L, _4, _4, _4, _4, _4, _4, "403", OK, "403"),
    },
    # Oversight pages: the staff and the inspectors (by role or by inspected area).
    "overseers": {
        "own":        (L, OK, OK, OK, "403", "403", "403", OK, _4, OK),
        "other":      (L, _4, _4, _4, _4, _4, _4, OK, "403", OK),
    },
    # Observations, criteria, scales, scores, readiness: seen by overseers only …
    "overseen": {
        "own":        (L, OK, OK, OK, _4, _4, _4, OK, _4, OK),
        "other":      (L, _4, _4, _4, _4, _4, _4, OK, _4, OK),
    },
    # … changed by the Organizing Committee and directors …
    "overseen_change": {
        "own":        (L, OK, OK, "403", _4, _4, _4, "403", _4, OK),
        "other":      (L, _4, _4, _4, _4, _4, _4, "403", _4, OK),
    },
    # … scored again by whoever records observations (observers too).
    "overseen_observe": {
        "own":        (L, OK, OK, OK, _4, _4, _4, "403", _4, OK),
        "other":      (L, _4, _4, _4, _4, _4, _4, "403", _4, OK),
    },
    # Corrective actions, checklist items, budget lines owned by UBND tỉnh: overseers and the
    # owning body see them …
    "owned": {
        "own":        (L, OK, OK, OK, OK, OK, _4, OK, _4, OK),
        "other":      (L, _4, _4, _4, _4, _4, _4, OK, OK, OK),
    },
    # … the Organizing Committee and directors change them …
    "owned_change": {
        "own":        (L, OK, OK, "403", "403", "403", _4, "403", _4, OK),
        "other":      (L, _4, _4, _4, _4, _4, _4, "403", "403", OK),
    },
    # … and the owning body works on them (start, mark done, status, evidence, actual spend).
    "owned_work": {
        "own":        (L, OK, OK, "403", OK, OK, _4, "403", _4, OK),
        "other":      (L, _4, _4, _4, _4, _4, _4, "403", OK, OK),
    },
})
# Creates naming a parent one may not see answer 400 (an unknown reference).
RULES["staff_create"] = created("exercise_staff")
# … and so do those naming a criterion or scale, hidden from all but the overseers.
RULES["overseer_create"] = {kind: tuple("400" if o == _4 else c for o, c in zip(
    RULES["overseen"][kind], RULES["change"][kind], strict=True)) for kind in ("own", "other")}
RULES["score_create"] = {kind: tuple("400" if o == _4 else c for o, c in zip(
    RULES["overseen"][kind], RULES["exercise_staff"][kind], strict=True))
    for kind in ("own", "other")}
# ---- end of scenarios and oversight ------------------------------------------------------


class E(SimpleNamespace):
    """One entry: `rule`, `kinds`, `args(o, w)` → URL kwargs, `method`, `data(o, w)`, `json`,
    `api` (token authentication), `allowed` (the code an allowed request gets, default "ok"),
    `anonymous` (override for anonymous), `skip` (why it is not requested)."""

    def __init__(self, rule, kinds=("own", "other"), args=None, method="get", data=None,
                 json=False, api=False, allowed=OK, anonymous=None, skip="", multipart=False):
        super().__init__(rule=rule, kinds=kinds, args=args or (lambda o, w: {}), method=method,
                         data=data, json=json, api=api, allowed=allowed, anonymous=anonymous,
                         skip=skip, multipart=multipart)


NONE = ("none",)
DOC_KINDS = ("own", "other", "classified")
ex = lambda o, w: {"pk": o.exercise.pk}  # noqa: E731


def page(rule, args=ex, **kw):
    return E(rule, args=args, **kw)


def post(rule, args=ex, data=None, **kw):
    return E(rule, args=args, method="post", data=data or (lambda o, w: {}), **kw)


# ---- API -----------------------------------------------------------------------------------

def api(rule, args=lambda o, w: {}, method="get", data=None, **kw):
    return E(rule, args=args, method=method, data=data, api=True, json=True, **kw)


def pk_of(attr):
    return lambda o, w: {"pk": getattr(o, attr).pk}


def listing():
    return api("auth", kinds=NONE)


def resource(attr, *, patch="change", delete=None, kinds=("own", "other")):
    entries = [api("view", pk_of(attr), kinds=kinds)]
    if patch:
        entries.append(api(patch, pk_of(attr), "patch", lambda o, w: {}, kinds=kinds))
    if delete:
        entries.append(api(delete, pk_of(attr), "delete", kinds=kinds))
    return entries


def create(rule, data, kinds=("own", "other"), **kw):
    return [listing(), api(rule, method="post", data=data, kinds=kinds, **kw)]


def action(rule, attr, data=None, method="post", kinds=("own", "other"), **kw):
    return api(rule, pk_of(attr), method, data or (lambda o, w: {}), kinds=kinds, **kw)


def app_access_modules():
    """`dientap.<app>.tests.access` of every installed dientap app that has one."""
    for config in apps.get_app_configs():
        name = f"{config.name}.tests.access"
        if config.name.startswith("dientap.") and find_spec(f"{config.name}.tests") \
                and find_spec(name):
            yield import_module(name)
