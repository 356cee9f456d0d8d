"""The harness end to end (`dientap manage bench --quick` on a small dataset): real server
processes, the load process, Redis fan-out. Only on PostgreSQL with Redis; no timing
assertion, only that every figure was produced and nothing was lost or delivered twice."""

import json
import os

import pytest
from django.db import connection

from dientap.bench import generator, harness


@pytest.mark.django_db(transaction=True)
def test_quick_bench_runs_end_to_end(settings, tmp_path):
    if connection.vendor != "postgresql" or not os.environ.get("REDIS_URL"):
        pytest.skip("needs PostgreSQL shared by several processes and Redis: runs in the "
                    "PostgreSQL pass")
    settings.DATA_DIR = tmp_path
    settings.REDIS_URL = os.environ["REDIS_URL"]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    generator.generate("tiny", seed=1)
    out = tmp_path / "bench.json"
    bench = harness.Bench(size="tiny", quick=True, out=str(out), consoles=6, repeat=2,
                          situations=3, import_rows=20, log=lambda line: None)
    result = bench.run()
    assert not result.get("errors"), result.get("errors")
    assert json.loads(out.read_text())["size"] == "tiny"
    assert {p["status"] for p in result["a_pages"]["pages"].values()} == {200}
    assert result["b_queries"]["counts"]["floor"] >= 1
    for key in ("c_one_process", "c_two_processes"):
        c = result[key]
        assert c["issue_statuses"] == [200] * 3
        assert c["deliveries"] == 6 * 3
        assert (c["lost"], c["duplicated"], c["error_count"]) == (0, 0, 0)
    assert result["e_import"]["runs"][0]["rows"] == 20
    d = result["d_report"]
    assert d["status"] in ("measured", "not measured yet")
    if d["status"] == "measured":
        assert d["docx_bytes"] > 0
    assert result["f_search"]["n"] > 0
    assert "(a) pages" in harness.table(result)
