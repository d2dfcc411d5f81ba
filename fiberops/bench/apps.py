from django.apps import AppConfig


class BenchConfig(AppConfig):
    """Benchmarks (`bench_sla`, make bench): no tables and no business rules of its own; it
    measures the other apps, and nothing imports it."""

    name = "fiberops.bench"
    label = "bench"
    verbose_name = "Benchmarks"  # no models, so never shown: not in the translation catalogue
