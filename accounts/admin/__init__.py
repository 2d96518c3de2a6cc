"""Django admin for people.

Admins (superusers by role) see and edit everything. Receptionists are in the
"Receptionists" group (accounts/groups.py): they view patients and doctors and edit
doctors' schedules and leave, never staff accounts. Everyone signs in with mobile
number + SMS code, as in the app: there are no admin passwords.
"""

from accounts.admin import family, users  # noqa: F401 - registers the admins
from accounts.admin.forms import HHMM_INPUT
from accounts.admin.users import patient_appointments_renderer

__all__ = ["HHMM_INPUT", "patient_appointments_renderer"]
