"""The demo clinic (`manage.py seed_demo`): people with schedules, and bulk appointments for dashboards and load tests.

Not part of the product's rules: it writes demo rows directly, for development and benchmarks.
"""

from dashboard.demo.appointments import demo_appointments_create
from dashboard.demo.clinic import DemoClinic, demo_clinic_seed
from dashboard.demo.counts import DemoCounts, demo_counts
from dashboard.demo.today import DemoMorning, demo_morning_create

__all__ = [
    "DemoClinic",
    "DemoCounts",
    "DemoMorning",
    "demo_appointments_create",
    "demo_clinic_seed",
    "demo_counts",
    "demo_morning_create",
]
