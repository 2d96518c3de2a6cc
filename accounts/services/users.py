"""Writes and rules about people. Plain functions, keyword-only arguments."""

from datetime import time

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.groups import receptionist_group
from accounts.models import DoctorProfile, ScheduleBlock, User
from accounts.phone import normalize_mobile
from accounts.services.sessions import user_revoke_tokens
from accounts.signals import account_deleting
from arthomed.core.errors import AlreadyExists, PermissionDenied, UserNotFound, ValidationFailed
from arthomed.core.roles import Role

DEFAULT_SPECIALIZATION = "General Orthopaedics"
# Django-admin permissions of receptionists (created by migration accounts 0003).
DELETED_NAME = "Deleted user"
# Fields of DoctorProfile a doctor (or an admin creating one) may set; `rating*` only moves with feedback.
DOCTOR_EDITABLE_FIELDS = (
    "specialization",
    "qualification",
    "experience",
    "consultation_fee",
    "registration_number",
    "about",
    "slot_duration",
)
PATIENT_INFO_FIELDS = ("blood_group", "allergies", "medical_history")


def _hhmm(value: time) -> str:
    return value.strftime("%H:%M")


def schedule_validate(blocks: list[dict], *, field: str = "schedule") -> None:
    """Refuse inverted or overlapping blocks, naming the offending item like `schedule[1].endTime`.

    `blocks` are dicts with `day`, `start_time`, `end_time` (datetime.time). Blocks of
    one day may not overlap, whether or not they are marked available, so the week
    stays unambiguous.
    """
    errors = []
    for index, block in enumerate(blocks):
        if block["start_time"] >= block["end_time"]:
            errors.append(
                {
                    "field": f"{field}[{index}].endTime",
                    "message": "End time must be after start time",
                    "value": _hhmm(block["end_time"]),
                }
            )
    by_day: dict[str, list[tuple[int, dict]]] = {}
    for index, block in enumerate(blocks):
        if block["start_time"] < block["end_time"]:
            by_day.setdefault(block["day"], []).append((index, block))
    for day_blocks in by_day.values():
        day_blocks.sort(key=lambda item: item[1]["start_time"])
        # Compare with the earlier block that ends last, so 09-17 still catches 12-13 after 10-11.
        reaching = day_blocks[0][1]
        for index, block in day_blocks[1:]:
            if block["start_time"] < reaching["end_time"]:
                errors.append(
                    {
                        "field": f"{field}[{index}].startTime",
                        "message": (
                            f"Overlaps {reaching['day']} {_hhmm(reaching['start_time'])}-{_hhmm(reaching['end_time'])}"
                        ),
                        "value": _hhmm(block["start_time"]),
                    }
                )
            if block["end_time"] > reaching["end_time"]:
                reaching = block
    if errors:
        raise ValidationFailed(errors=errors)


def _write_schedule(*, doctor: User, blocks: list[dict]) -> None:
    ScheduleBlock.objects.filter(doctor=doctor).delete()
    ScheduleBlock.objects.bulk_create(
        ScheduleBlock(
            doctor=doctor,
            day=block["day"],
            start_time=block["start_time"],
            end_time=block["end_time"],
            is_available=block.get("is_available", True),
        )
        for block in blocks
    )


def _email_taken(email: str, *, exclude_pk=None) -> bool:
    return User.objects.filter(email=email).exclude(pk=exclude_pk).exists()


def _ensure_email_free(email: str | None, *, exclude_pk=None) -> None:
    """For staff creating accounts: a clash is an error they may see."""
    if email and _email_taken(email, exclude_pk=exclude_pk):
        raise AlreadyExists("A user with this email already exists")


def email_if_free(email: str | None, *, exclude_pk=None) -> str | None:
    """For self-service (sign-up, own profile): the normalised e-mail, or None when another account holds it.

    The caller goes on as if nothing happened, so the answer does not reveal whose the address is.
    """
    email = (email or "").strip().lower() or None
    return None if email and _email_taken(email, exclude_pk=exclude_pk) else email


def _apply_profile(user: User, profile: dict) -> None:
    """Partial: nested address / emergency contact keys not sent are kept."""
    for key in ("date_of_birth", "gender"):
        if key in profile:
            setattr(user, key, profile[key])
    if "address" in profile:
        user.address = {**(user.address or {}), **profile["address"]}
    if "emergency_contact" in profile:
        contact = dict(profile["emergency_contact"])
        if contact.get("mobile_number"):
            contact["mobile_number"] = normalize_mobile(contact["mobile_number"])
        user.emergency_contact = {**(user.emergency_contact or {}), **contact}


def medical_history_stored(entries: list[dict]) -> list[dict]:
    """Medical history entries as stored in JSON: dates as ISO text (a holder's or a family member's)."""
    return [{k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in entry.items()} for entry in entries]


def _apply_patient_info(user: User, patient_info: dict) -> None:
    for key in PATIENT_INFO_FIELDS:
        if key in patient_info:
            value = patient_info[key]
            if key == "medical_history":
                value = medical_history_stored(value)
            setattr(user, key, value)


@transaction.atomic
def user_create(
    *,
    mobile_number: str,
    name: str = "",
    role: str = Role.PATIENT,
    email: str | None = None,
    is_verified: bool = False,
    profile: dict | None = None,
    patient_info: dict | None = None,
    doctor_info: dict | None = None,
) -> User:
    """Create a user of any role; doctors get their DoctorProfile (and schedule) in the same transaction."""
    mobile_number = normalize_mobile(mobile_number)
    email = email.strip().lower() if email else None
    doctor_info = dict(doctor_info or {})
    schedule = doctor_info.pop("schedule", None) or []
    if role == Role.DOCTOR:
        schedule_validate(schedule, field="doctorInfo.schedule")
    if User.objects.filter(mobile_number=mobile_number).exists():
        raise AlreadyExists("A user with this mobile number already exists")
    _ensure_email_free(email)
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                mobile_number, name=name.strip(), role=role, email=email, is_verified=is_verified
            )
    except IntegrityError as exc:  # a concurrent sign-up won the race
        raise AlreadyExists("A user with this mobile number or email already exists") from exc
    if profile or patient_info:
        _apply_profile(user, profile or {})
        if role == Role.PATIENT:
            _apply_patient_info(user, patient_info or {})
        user.save()
    if role == Role.RECEPTIONIST:
        user.groups.add(receptionist_group())
    if role == Role.DOCTOR:
        fields = {key: doctor_info[key] for key in DOCTOR_EDITABLE_FIELDS if key in doctor_info}
        fields.setdefault("specialization", DEFAULT_SPECIALIZATION)
        DoctorProfile.objects.create(user=user, **fields)
        _write_schedule(doctor=user, blocks=schedule)
    return user


@transaction.atomic
def user_profile_update(*, user: User, data: dict) -> User:
    """Partial update of one's own profile: fields not in `data` are never touched.

    `data` is the validated `PUT /api/users/profile` body. Role, activity and mobile
    number are not part of it; `doctorInfo` only for doctors, `patientInfo` only for patients.
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    if "doctor_info" in data and user.role != Role.DOCTOR:
        raise ValidationFailed(errors=[{"field": "doctorInfo", "message": "Only doctors have doctorInfo"}])
    if "patient_info" in data and user.role != Role.PATIENT:
        raise ValidationFailed(errors=[{"field": "patientInfo", "message": "Only patients have patientInfo"}])
    if "name" in data:
        user.name = data["name"].strip()
    if "email" in data:
        # An address another account holds is not attached (the old one stays), with the same
        # answer as any update: the profile must not tell which addresses are registered.
        requested = (data["email"] or "").strip().lower() or None
        if requested is None or email_if_free(requested, exclude_pk=user.pk):
            user.email = requested
    _apply_profile(user, data.get("profile", {}))
    _apply_patient_info(user, data.get("patient_info", {}))
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:  # e-mail taken concurrently
        raise AlreadyExists("A user with this email already exists") from exc
    if "doctor_info" in data:
        profile, _ = DoctorProfile.objects.get_or_create(user=user, defaults={"specialization": DEFAULT_SPECIALIZATION})
        for key in DOCTOR_EDITABLE_FIELDS:
            if key in data["doctor_info"]:
                setattr(profile, key, data["doctor_info"][key])
        profile.save()
    return user


@transaction.atomic
def doctor_schedule_replace(*, doctor: User, schedule: list[dict], slot_duration: int | None = None) -> User:
    """Replace the doctor's whole weekly schedule (and optionally the slot length)."""
    schedule_validate(schedule)
    profile, _ = DoctorProfile.objects.select_for_update().get_or_create(
        user=doctor, defaults={"specialization": DEFAULT_SPECIALIZATION}
    )
    if slot_duration is not None:
        profile.slot_duration = slot_duration
        profile.save(update_fields=["slot_duration"])
    _write_schedule(doctor=doctor, blocks=schedule)
    return doctor


def user_status_check(*, actor: User, user: User, is_active: bool, reason: str = "") -> None:
    """The rules of a status change, without making it (forms show them before saving)."""
    if user.deleted_at is not None:
        raise UserNotFound()
    if user.pk == actor.pk and not is_active:
        raise PermissionDenied("You cannot deactivate your own account")
    if not is_active and not reason.strip():
        raise ValidationFailed(errors=[{"field": "reason", "message": "A reason is required to deactivate a user"}])


@transaction.atomic
def user_staff_update(*, actor: User, user: User, data: dict) -> User:
    """An admin's edit of any account (the Django admin's user page); partial like the profile update.

    `data` may hold `mobile_number`, `is_verified`, `is_active` with `status_reason`, and the
    keys of `user_profile_update` (name, email, profile, patient_info). Profile fields go through
    `user_profile_update`; a status change through `user_status_set` (its reason rule, token
    revocation); so the admin and the API apply the same rules.
    """
    locked = User.objects.select_for_update().get(pk=user.pk)
    if "mobile_number" in data and data["mobile_number"] != locked.mobile_number:
        number = normalize_mobile(data["mobile_number"])
        if User.objects.filter(mobile_number=number).exclude(pk=locked.pk).exists():
            raise AlreadyExists("A user with this mobile number already exists")
        locked.mobile_number = number
    if "is_verified" in data:
        locked.is_verified = data["is_verified"]
    locked.save(update_fields=["mobile_number", "is_verified", "updated_at"])
    profile_keys = ("name", "email", "profile", "patient_info")
    profile_data = {key: data[key] for key in profile_keys if key in data}
    if profile_data:
        if locked.role != Role.PATIENT:
            profile_data.pop("patient_info", None)
        user_profile_update(user=locked, data=profile_data)
    if "is_active" in data and data["is_active"] != locked.is_active:
        user_status_set(actor=actor, user=locked, is_active=data["is_active"], reason=data.get("status_reason", ""))
    locked.refresh_from_db()
    return locked


@transaction.atomic
def user_status_set(*, actor: User, user: User, is_active: bool, reason: str = "") -> User:
    """Activate or deactivate an account, recording why, who and when.

    Deactivation needs a reason and revokes every token at once; an admin cannot
    deactivate themselves (the clinic would risk losing its last way in).
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    user_status_check(actor=actor, user=user, is_active=is_active, reason=reason)
    user.is_active = is_active
    user.status_reason = reason.strip()
    user.status_updated_at = timezone.now()
    user.status_updated_by = actor
    user.save(update_fields=["is_active", "status_reason", "status_updated_at", "status_updated_by", "updated_at"])
    if not is_active:
        user_revoke_tokens(user=user)
    return user


@transaction.atomic
def user_delete_account(*, user: User) -> User:
    """Delete one's account (SPEC.md §4): revoke tokens, erase personal data, free the number.

    The row itself stays, anonymised, because clinical records the clinic must keep
    (appointments, visit notes, reports) point at it. Blood group, allergies and
    medical history are clinical, so they stay too.

    Within this transaction, before anything is erased, `accounts.signals.account_deleting`
    is sent with `user=`: the appointments app listens and cancels the user's future
    appointments (accounts may not import appointments code). A receiver that raises
    aborts the whole deletion.
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.deleted_at is not None:
        return user
    account_deleting.send(sender=User, user=user)
    avatar = user.avatar
    user.name = DELETED_NAME
    user.email = None
    user.mobile_number = None
    user.date_of_birth = None
    user.gender = ""
    user.address = {}
    user.emergency_contact = {}
    user.avatar = None
    user.is_active = False
    user.status_reason = "Account deleted by its owner"
    user.status_updated_at = user.deleted_at = timezone.now()
    user.status_updated_by = user
    user.save()
    user_revoke_tokens(user=user)
    if avatar is not None:
        storage, name = avatar.file.storage, avatar.file.name
        avatar.delete()
        transaction.on_commit(lambda: storage.delete(name))
    return user
