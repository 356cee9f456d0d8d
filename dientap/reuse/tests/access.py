"""Access-matrix entries of reuse (see dientap/api/tests/matrix.py).

- The library page: any logged-in user.
- Import pages (from a file or a template): only users who may create exercises
  ("org_add": the organizer of api_world holds exercises.add_exercise).
- Export: whoever sees the exercise ("view"); what the file holds is narrowed by restrict().
- Duplicate: who sees the exercise AND may create exercises: the same table as "org_change"
  (organizer of the own exercise, administrators; 404 when the exercise is hidden).
"""

from dientap.api.tests.matrix import NONE, page, post

ENTRIES = {
    "reuse:library": page("auth", kinds=NONE, args=lambda o, w: {}),
    "reuse:import_file": [
        page("org_add", kinds=NONE, args=lambda o, w: {}),
        post("org_add", kinds=NONE, args=lambda o, w: {}),
    ],
    "reuse:import_template": [
        page("org_add", kinds=NONE, args=lambda o, w: {"slug": "phong-thu-dan-su"}),
        post("org_add", kinds=NONE, args=lambda o, w: {"slug": "phong-thu-dan-su"}),
    ],
    "reuse:export": page("view"),
    "reuse:duplicate": post("org_change"),
}
