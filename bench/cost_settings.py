"""Settings of the cost benchmark's server only (bench/bench_cost.py sets DJANGO_SETTINGS_MODULE).

The project's settings, with a URL configuration that adds the two floor endpoints.
Production never loads this module, so the floors never exist there.
"""

from arthomed.settings import *  # noqa: F403 - the project's settings, unchanged

ROOT_URLCONF = "bench.cost_urls"
