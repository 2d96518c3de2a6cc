"""The demo clinic: four orthopaedic doctors, front desk, admin, patients and a few families (SPEC.md §9, §11).

Idempotent: every person has a fixed mobile number; people that already exist are
left as they are, missing ones are created through `accounts.services.users`, the
same code the API uses.
"""

from dataclasses import dataclass, field
from datetime import date, time
from decimal import Decimal

from accounts.models import User, Weekday
from accounts.selectors.family import family_members_live
from accounts.services.family import family_member_create
from accounts.services.users import user_create
from arthomed.core.roles import Role

SLOT_MINUTES = 30
# A split day (morning and evening clinic), Saturday mornings only, Sunday closed.
SPLIT_DAY = ((time(9), time(13)), (time(16), time(19)))
WEEKLY_HOURS: dict[str, tuple[tuple[time, time], ...]] = {
    Weekday.MONDAY: SPLIT_DAY,
    Weekday.TUESDAY: SPLIT_DAY,
    Weekday.WEDNESDAY: SPLIT_DAY,
    Weekday.THURSDAY: SPLIT_DAY,
    Weekday.FRIDAY: SPLIT_DAY,
    Weekday.SATURDAY: ((time(9), time(13)),),
}
SCHEDULE = [
    {"day": day, "start_time": start, "end_time": end, "is_available": True}
    for day, blocks in WEEKLY_HOURS.items()
    for start, end in blocks
]

ADMIN = {"mobile_number": "9800000001", "name": "Anita Rao", "email": "admin@arthomed.example"}
RECEPTIONIST = {"mobile_number": "9800000002", "name": "Rekha Nair", "email": "frontdesk@arthomed.example"}
DOCTORS = [
    {
        "mobile_number": "9800000011",
        "name": "Dr. Arjun Mehta",
        "specialization": "Arthroscopy",
        "qualification": "MBBS, MS (Orthopaedics), Fellowship in Arthroscopy",
        "experience": 14,
        "consultation_fee": Decimal("800.00"),
        "registration_number": "MMC-2010-04521",
        "about": "Keyhole surgery of the knee and ankle: ligament reconstruction, meniscus repair.",
    },
    {
        "mobile_number": "9800000012",
        "name": "Dr. Kavya Iyer",
        "specialization": "Sports Medicine",
        "qualification": "MBBS, MS (Orthopaedics), Dip. Sports Medicine",
        "experience": 9,
        "consultation_fee": Decimal("700.00"),
        "registration_number": "KMC-2015-11873",
        "about": "Sports injuries, return-to-play rehabilitation and injury prevention for athletes.",
    },
    {
        "mobile_number": "9800000013",
        "name": "Dr. Rohan Kapoor",
        "specialization": "Shoulder Surgery",
        "qualification": "MBBS, DNB (Orthopaedics), Fellowship in Shoulder & Elbow Surgery",
        "experience": 11,
        "consultation_fee": Decimal("900.00"),
        "registration_number": "DMC-2013-07764",
        "about": "Rotator cuff repair, shoulder dislocation and frozen shoulder.",
    },
    {
        "mobile_number": "9800000014",
        "name": "Dr. Meera Deshpande",
        "specialization": "Joint Replacement",
        "qualification": "MBBS, MS (Orthopaedics), Fellowship in Arthroplasty",
        "experience": 18,
        "consultation_fee": Decimal("1000.00"),
        "registration_number": "MMC-2006-02219",
        "about": "Hip and knee replacement, revision arthroplasty.",
    },
]
PATIENTS = [
    ("9800000101", "Rahul Sharma", "male", date(1985, 4, 12), "O+", "Pune", ["Penicillin"]),
    ("9800000102", "Sneha Patil", "female", date(1992, 9, 3), "B+", "Mumbai", []),
    ("9800000103", "Vikram Singh", "male", date(1978, 1, 25), "A+", "Delhi", ["Sulfa drugs"]),
    ("9800000104", "Ananya Reddy", "female", date(2001, 11, 17), "AB+", "Hyderabad", []),
    ("9800000105", "Mohammed Khan", "male", date(1969, 6, 30), "O-", "Lucknow", ["Aspirin"]),
    ("9800000106", "Priya Menon", "female", date(1988, 2, 8), "A-", "Kochi", []),
    ("9800000107", "Suresh Kumar", "male", date(1955, 12, 1), "B-", "Chennai", []),
    ("9800000108", "Fatima Sheikh", "female", date(1995, 7, 21), "O+", "Ahmedabad", ["Latex"]),
    ("9800000109", "Aditya Joshi", "male", date(2005, 3, 14), "A+", "Nagpur", []),
    ("9800000110", "Lakshmi Narayanan", "female", date(1962, 10, 5), "B+", "Bengaluru", []),
    ("9800000111", "Harpreet Gill", "male", date(1990, 8, 19), "AB-", "Amritsar", []),
    ("9800000112", "Deepa Bose", "female", date(1983, 5, 27), "O+", "Kolkata", ["Ibuprofen"]),
]
# Families booked for on one phone (SPEC.md §11): the holder's number -> their members.
FAMILIES: dict[str, list[dict]] = {
    "9800000101": [
        {"name": "Kavita Sharma", "relation": "spouse", "date_of_birth": date(1987, 8, 2), "gender": "female"},
        {"name": "Aarav Sharma", "relation": "child", "age": 9, "gender": "male", "allergies": ["Peanuts"]},
    ],
    "9800000105": [{"name": "Zubair Khan", "relation": "parent", "age": 82, "gender": "male", "blood_group": "O-"}],
    "9800000106": [
        {"name": "Diya Menon", "relation": "child", "date_of_birth": date(2016, 4, 9), "gender": "female"},
        {"name": "Rohan Menon", "relation": "child", "age": 6, "gender": "male"},
    ],
}
# Extra people for load tests (`--appointments N` beyond what four doctors can hold).
LOAD_DOCTOR_NUMBERS = 8_800_000_001
LOAD_PATIENT_NUMBERS = 7_000_000_001


@dataclass
class DemoClinic:
    admin: User
    receptionist: User
    doctors: list[User]
    patients: list[User]
    created: list[User] = field(default_factory=list)


def _existing(numbers: list[str]) -> dict[str, User]:
    return {user.mobile_number: user for user in User.objects.filter(mobile_number__in=numbers)}


def _ensure(existing: dict[str, User], created: list[User], **fields) -> User:
    user = existing.get(fields["mobile_number"])
    if user is None:
        user = user_create(is_verified=True, **fields)
        created.append(user)
    return user


def _doctor_info(doctor: dict) -> dict:
    info = {key: value for key, value in doctor.items() if key not in ("mobile_number", "name")}
    return {**info, "slot_duration": SLOT_MINUTES, "schedule": SCHEDULE}


def _patient_fields(patient: tuple) -> dict:
    mobile, name, gender, born, blood_group, city, allergies = patient
    return {
        "mobile_number": mobile,
        "name": name,
        "role": Role.PATIENT,
        "profile": {
            "date_of_birth": born,
            "gender": gender,
            "address": {"city": city, "state": "", "country": "India"},
            "emergency_contact": {"name": f"Family of {name.split()[0]}", "relationship": "family"},
        },
        "patient_info": {"blood_group": blood_group, "allergies": allergies, "medical_history": []},
    }


def _families_ensure(patients: list[User]) -> None:
    """Add each demo family's members that the holder's account does not have yet (by name)."""
    for holder in patients:
        have = set(family_members_live(account=holder).values_list("name", flat=True))
        for member in FAMILIES.get(holder.mobile_number, []):
            if member["name"] not in have:
                family_member_create(account=holder, data=member)


def demo_clinic_seed() -> DemoClinic:
    """Create whatever of the demo clinic is missing; return all its people."""
    numbers = [ADMIN["mobile_number"], RECEPTIONIST["mobile_number"]]
    numbers += [doctor["mobile_number"] for doctor in DOCTORS] + [patient[0] for patient in PATIENTS]
    existing = _existing(numbers)
    created: list[User] = []
    admin = _ensure(existing, created, role=Role.ADMIN, **ADMIN)
    receptionist = _ensure(existing, created, role=Role.RECEPTIONIST, **RECEPTIONIST)
    doctors = [
        _ensure(
            existing,
            created,
            role=Role.DOCTOR,
            mobile_number=doctor["mobile_number"],
            name=doctor["name"],
            doctor_info=_doctor_info(doctor),
        )
        for doctor in DOCTORS
    ]
    patients = [_ensure(existing, created, **_patient_fields(patient)) for patient in PATIENTS]
    _families_ensure(patients)
    return DemoClinic(admin, receptionist, doctors, patients, created)


def demo_load_doctors_ensure(*, count: int) -> list[User]:
    """`count` load-test doctors (same split schedule, the four specialities in turn)."""
    numbers = [str(LOAD_DOCTOR_NUMBERS + n) for n in range(count)]
    existing = _existing(numbers)
    doctors = []
    for n, number in enumerate(numbers):
        template = DOCTORS[n % len(DOCTORS)]
        doctors.append(
            _ensure(
                existing,
                [],
                role=Role.DOCTOR,
                mobile_number=number,
                name=f"Dr. Load Test {n + 1:03d}",
                doctor_info={**_doctor_info(template), "registration_number": f"LOAD-{n + 1:05d}"},
            )
        )
    return doctors


def demo_load_patients_ensure(*, count: int) -> list[User]:
    numbers = [str(LOAD_PATIENT_NUMBERS + n) for n in range(count)]
    existing = _existing(numbers)
    return [
        _ensure(existing, [], mobile_number=number, name=f"Load Patient {n + 1:05d}", role=Role.PATIENT)
        for n, number in enumerate(numbers)
    ]
