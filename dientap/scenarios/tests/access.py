"""Access-matrix entries of the scenario's pages and API (see dientap/api/tests/matrix.py).

In each exercise of `api_world` (`objects`): a scheduled situation and an issued one, both
addressed to the exercise's frame body UBND tỉnh (so the issued one has a delivery to it), a
communication check to the frame, and the exercise clock running.
"""

from dientap.api.tests.matrix import action, api, create, listing, page, pk_of, post


def objects(o, w, *, exercise, body, person, prefix):
    from dientap.scenarios import services as ss

    def situation(code, minutes):
        return ss.situation_create(exercise, acting_user=None, code=code,
                                   title=f"Tình huống {code} {prefix}",
                                   content="Địch tiến công hỏa lực vào khu vực phòng thủ.",
                                   scenario_minutes=minutes, receiving_bodies=[body])

    o.situation = situation("TH-01", -57 * 24 * 60 + 450)
    o.issued = situation("TH-02", -57 * 24 * 60 + 480)
    ss.situation_issue(o.issued, acting_user=None)
    o.delivery = o.issued.deliveries.get()
    o.comm_check = ss.comm_check_send(exercise, acting_user=None)
    o.clock = ss.clock_start(exercise, acting_user=None, at_minutes=-57 * 24 * 60)


def sid(attr):
    return lambda o, w: {"pk": o.exercise.pk, "sid": getattr(o, attr).pk}


def clock(rule, url_action=None, data=None, **kw):
    args = lambda o, w: {"exercise": o.exercise.pk}  # noqa: E731
    if url_action is None:
        return api(rule, args, **kw)
    return api(rule, args, "post", data or (lambda o, w: {}), **kw)


ENTRIES = {
    # pages
    "scenarios:list": page("exercise_staff"),
    "scenarios:create": page("change"),
    "scenarios:shift": post("change", data=lambda o, w: {"minutes": "5",
                                                         "situations": [o.situation.pk]}),
    "scenarios:export": page("exercise_staff"),
    "scenarios:import": page("change"),
    "scenarios:import_preview": page("change"),  # nothing uploaded: back to the upload
    "scenarios:director": page("exercise_staff"),
    "scenarios:director_state": page("exercise_staff"),
    "scenarios:director_action": post("change", json=True,
                                      data=lambda o, w: {"action": "clock_pause"}),
    "scenarios:detail": page("exercise_staff", args=sid("situation")),
    "scenarios:edit": page("change", args=sid("situation")),
    "scenarios:action": post("change", args=sid("situation"),
                             data=lambda o, w: {"action": "hold"}),
    "scenarios:console": page("console"),
    "scenarios:console_state": page("console"),
    "scenarios:console_action": post("console_respond", json=True, data=lambda o, w: {
        "action": "acknowledge", "situation": o.issued.pk}),
    # API: situations
    "api:situations-list": create("create", lambda o, w: {
        "exercise": o.exercise.pk, "code": "TH-99", "title": "Sơ tán nhân dân",
        "content": "Nội dung", "scenario_minutes": 60, "receiving_bodies": [o.body.pk]}),
    "api:situations-detail": [
        api("scenario_hidden", pk_of("situation")),
        api("scenario_change", pk_of("situation"), "patch", lambda o, w: {"title": "Mới"}),
        api("scenario_change", pk_of("situation"), "delete"),
        api("addressed", pk_of("issued")),
    ],
    "api:situations-issue": action("scenario_change", "situation"),
    "api:situations-hold": action("scenario_change", "situation"),
    "api:situations-skip": action("scenario_change", "situation"),
    "api:situations-schedule": action("scenario_change", "situation",
                                      lambda o, w: {"scenario_minutes": 30}),
    "api:situations-duplicate": action("scenario_change", "situation"),
    "api:situations-move": action("scenario_change", "situation", lambda o, w: {"delta": 1}),
    "api:situations-shift": api("create", method="post", data=lambda o, w: {
        "exercise": o.exercise.pk, "situations": [o.situation.pk], "minutes": -15}),
    # API: deliveries (the receiving body answers)
    "api:deliveries-list": listing(),
    "api:deliveries-detail": api("addressed", pk_of("delivery")),
    "api:deliveries-acknowledge": action("respond", "delivery"),
    "api:deliveries-handle": action("respond", "delivery",
                                    lambda o, w: {"text": "Đã báo cáo lên Bộ CHQS tỉnh."}),
    # API: the exercise clock (running in both exercises)
    "api:exercise-clocks-list": listing(),
    "api:exercise-clocks-detail": clock("view"),
    "api:exercise-clocks-start": clock("change", "start", allowed="400"),  # already running
    "api:exercise-clocks-pause": clock("change", "pause"),
    "api:exercise-clocks-resume": clock("change", "resume", allowed="400"),  # not paused
    "api:exercise-clocks-jump": clock("change", "jump", lambda o, w: {"time": "N-56 07:00"}),
    "api:exercise-clocks-speed": clock("change", "speed", lambda o, w: {"speed": 2}),
    "api:exercise-clocks-g-hour": clock("change", "g-hour", lambda o, w: {"g_minutes": 420}),
    # API: communication checks
    "api:comm-checks-list": create("create", lambda o, w: {"exercise": o.exercise.pk}),
    "api:comm-checks-detail": api("view", pk_of("comm_check")),
    "api:comm-checks-confirm": action("frame_body", "comm_check"),
}
