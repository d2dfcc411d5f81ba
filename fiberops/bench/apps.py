from django.apps import AppConfig


class BenchConfig(AppConfig):
    """Benchmarks (`bench_sla`, `bench_intake_http`, make bench): no tables and no business
    rules of its own; it measures the other apps, and nothing imports it. Its bare intake view
    is mounted only by its own settings module (`fiberops.bench.settings`), which only the
    benchmark's server uses."""

    name = "fiberops.bench"
    label = "bench"
    verbose_name = "Benchmarks"  # no models, so never shown: not in the translation catalogue
