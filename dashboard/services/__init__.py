"""Writes of the dashboard app: the demo clinic (`manage.py seed_demo`)."""

from dashboard.services.demo_appointments import demo_appointments_create
from dashboard.services.demo_clinic import DemoClinic, demo_clinic_seed

__all__ = ["DemoClinic", "demo_appointments_create", "demo_clinic_seed"]
