"""`manage.py seed_demo [--if-empty] [--today] [--appointments N]`: the demo clinic (SPEC.md §9), and
with `--today` today's morning queue (§12)."""

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from accounts.models import User
from dashboard.demo import demo_appointments_create, demo_clinic_seed, demo_counts, demo_morning_create
from dashboard.demo.clinic import ADMIN


def counted(counts) -> str:
    """`4 doctor, 6 patient` (sorted by name), or `none`."""
    return ", ".join(f"{n} {name}" for name, n in sorted(counts.items())) or "none"


class Command(BaseCommand):
    help = "Create the demo clinic (idempotent) and optionally N historical and upcoming appointments."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty", action="store_true", help="Seed only when the database has no users (used by `make run`)."
        )
        parser.add_argument(
            "--appointments", type=int, default=0, metavar="N", help="Also add N appointments (load tests)."
        )
        parser.add_argument(
            "--today",
            action="store_true",
            help="Also fill today with a morning's queue: tokens, a visit in consultation, a walk-in, a late doctor "
            "(once a day; also with --if-empty on the demo clinic).",
        )
        parser.add_argument("--batch-size", type=int, default=5_000)

    def handle(self, *args, **options):
        count = options["appointments"]
        if count < 0 or options["batch_size"] < 1:
            raise CommandError("--appointments must be >= 0 and --batch-size >= 1")
        if options["if_empty"] and User.objects.exists():
            if not User.objects.filter(mobile_number=ADMIN["mobile_number"]).exists():
                self.stdout.write("Database already has users; demo clinic not seeded.")
                return
            count = 0  # the demo clinic is already here: only show its logins again
        before = demo_counts()
        clinic = demo_clinic_seed()
        self.stdout.write(
            f"Demo clinic ready ({len(clinic.created)} people created). Sign in with one of these mobile numbers; "
            "the one-time code is printed by the console SMS backend."
        )
        rows = [("admin", clinic.admin), ("receptionist", clinic.receptionist)]
        rows += [(f"doctor ({doctor.doctor_profile.specialization})", doctor) for doctor in clinic.doctors]
        rows += [("patient", patient) for patient in clinic.patients]
        for label, user in rows:
            self.stdout.write(f"  {label:<32} {user.mobile_number}  {user.name}")
        if options["today"]:
            self._morning(clinic)
        if count:
            with tqdm(total=count, desc="appointments", unit="row", file=self.stderr) as bar:
                inserted = demo_appointments_create(count=count, batch_size=options["batch_size"], progress=bar.update)
            self.stdout.write(f"Added {inserted} appointments.")
        made = demo_counts() - before
        self.stdout.write(f"Created users by role: {counted(made.users)}")
        self.stdout.write(f"Created family members by relation: {counted(made.family_members)}")
        self.stdout.write(f"Created appointments by status: {counted(made.appointments)}")

    def _morning(self, clinic) -> None:
        morning = demo_morning_create(clinic=clinic)
        if morning is None:
            self.stdout.write("Today's morning: nothing added (the clinic is closed today, or the morning is there).")
            return
        self.stdout.write(
            f"Today's morning ({morning.day:%Y-%m-%d}): {morning.appointments} appointments, "
            f"{morning.checked_in} checked in with tokens, {morning.in_consultation} in consultation, "
            f"{morning.walk_ins} walk-in; {morning.late_doctor.name} running {morning.late_minutes} min late."
        )
