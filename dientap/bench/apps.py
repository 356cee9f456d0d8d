from django.apps import AppConfig


class BenchConfig(AppConfig):
    name = "dientap.bench"
    label = "bench"
    verbose_name = "Benchmark"
