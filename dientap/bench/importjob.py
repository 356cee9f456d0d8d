"""(e) of the benchmark, in a process of its own so that its peak memory is its own.

``python -m dientap.bench.importjob <exercise id> <file.xlsx> <max rows> <username>`` reads the
spreadsheet through ``scenarios.spreadsheet`` (read → guess_mapping → check → import_rows, the
path of the import pages), then rolls the import back so that the dataset stays as it was.
Prints JSON: seconds per step, rows imported, peak resident memory (MB).
"""

import json
import os
import resource
import sys
import time


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def main(argv) -> None:
    exercise_id, path, max_rows, username = int(argv[0]), argv[1], int(argv[2]), argv[3]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.db import transaction

    from dientap.accounts.models import User
    from dientap.exercises.models import Exercise
    from dientap.scenarios import spreadsheet

    exercise = Exercise.objects.get(pk=exercise_id)
    user = User.objects.get(username=username)
    baseline = _rss_mb()
    spreadsheet.MAX_ROWS = max_rows  # the cap of the module, raised only when asked to
    result = {"max_rows": max_rows, "baseline_rss_mb": round(baseline, 1)}
    from django.core.exceptions import ValidationError

    started = time.perf_counter()
    try:
        with open(path, "rb") as fh:
            headers, rows = spreadsheet.read(fh)
    except ValidationError as exc:
        result["refused"] = " ".join(exc.messages)
        json.dump(result, sys.stdout)
        return
    result["read_s"] = time.perf_counter() - started
    t = time.perf_counter()
    mapping = spreadsheet.guess_mapping(headers)
    checked = spreadsheet.check(exercise, headers, rows, mapping)
    result["check_s"] = time.perf_counter() - t
    problems = [r for r in checked if not r.ok]
    result["problems"] = len(problems)
    result["first_problem"] = problems[0].problems[0] if problems else None
    t = time.perf_counter()
    with transaction.atomic():
        created = spreadsheet.import_rows(exercise, checked, [r.number for r in checked],
                                          acting_user=user)
        result["import_s"] = time.perf_counter() - t
        result["rows"] = len(created)
        transaction.set_rollback(True)  # measured; the dataset stays as it was
    result["seconds"] = time.perf_counter() - started
    result["peak_rss_mb"] = round(_rss_mb(), 1)
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1:])
