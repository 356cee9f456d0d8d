"""The benchmark dataset: expected counts, the models' invariants, determinism."""

import pytest
from django.db import transaction
from django.db.models import Count, Max

from dientap.bench import generator
from dientap.documents import storage
from dientap.documents.models import Document, DocumentVersion, NumberCounter
from dientap.organizations.models import Person
from dientap.scenarios.models import Delivery, Situation


@pytest.fixture
def store(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    return tmp_path


@pytest.mark.django_db
def test_small_size_has_the_expected_counts_and_keeps_the_invariants(store):
    exercises = generator.generate("small", seed=3)
    assert len(exercises) == 5
    counts = generator.row_counts()
    for model, n in generator.expected_counts("small").items():
        assert counts[model] == n, model
    # Issued documents are numbered once per body, year and series; the counter holds the last.
    issued = (Document.objects.filter(number__isnull=False)
              .values("owner_body", "number_year", "classification")
              .annotate(last=Max("number"), n=Count("id")))
    assert issued
    for row in issued:
        assert row["last"] == row["n"]
        counter = NumberCounter.objects.get(body_id=row["owner_body"], year=row["number_year"],
                                            classified=row["classification"] > 0)
        assert counter.last == row["last"]
    # Every issued situation was delivered to each of its receiving bodies, and only those.
    for situation in Situation.objects.filter(status=Situation.Status.ISSUED):
        assert set(situation.deliveries.values_list("body_id", flat=True)) == set(
            situation.receiving_bodies.values_list("pk", flat=True))
    assert not Delivery.objects.filter(situation__status=Situation.Status.SCHEDULED).exists()
    # Derived columns as save() would compute them; version files really are in the store.
    person = Person.objects.order_by("pk").first()
    search_text, sort_key = person.search_text, person.sort_key
    person.save()
    assert (person.search_text, person.sort_key) == (search_text, sort_key)
    for version in DocumentVersion.objects.all()[:20]:
        assert len(storage.read(version.sha256)) == version.size


@pytest.mark.django_db
def test_same_seed_gives_the_same_data_and_another_seed_does_not(store):
    digests = []
    for seed in (7, 7, 8):
        with transaction.atomic():
            generator.generate("small", seed=seed)
            digests.append(generator.data_digest())
            transaction.set_rollback(True)
    assert digests[0] == digests[1]
    assert digests[0] != digests[2]


@pytest.mark.django_db
def test_refuses_a_database_that_already_has_a_dataset(store):
    generator.generate("tiny", seed=1)
    with pytest.raises(generator.GenerationError):
        generator.generate("tiny", seed=1)


def test_progress_bar_reaches_the_total():
    import io

    out = io.StringIO()
    bar = generator.Progress(4, out, width=8)
    for _ in range(4):
        bar.step("x")
    assert out.getvalue().rstrip().endswith("4/4 x")
    assert "[########]" in out.getvalue()


def test_percentiles_are_nearest_rank():
    from dientap.bench.harness import pct

    values = list(range(1, 101))
    assert (pct(values, 50), pct(values, 95), pct(values, 99), pct(values, 100)) == (
        50, 95, 99, 100)
    assert pct([7.0], 99) == 7.0
    assert pct([], 50) is None
