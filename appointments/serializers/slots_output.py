"""The slots answer (SPEC.md §5) written as plain data: the shape SlotsOutputSerializer documents.

Slots are the app's most frequent public read. Building ~20 nested serializers per answer
cost more than reading the day, so the answer is written directly; SlotsOutputSerializer
stays the schema, and a test keeps the two byte for byte the same on every kind of day.
"""

from appointments.selectors.slots import DaySlots


def slots_output(day_slots: DaySlots, *, consultation_fee) -> dict:
    """What `SlotsOutputSerializer(day_slots, context={"consultation_fee": fee}).data` renders to."""
    doctor = day_slots.doctor
    profile = doctor.doctor_profile
    fee = float(consultation_fee)
    available, booked = [], []
    for slot in day_slots.slots:
        if not slot.is_open:
            continue
        times = {"start_time": slot.start.strftime("%H:%M"), "end_time": slot.end.strftime("%H:%M")}
        if slot.is_booked:
            booked.append({**times, "is_available": False})
        else:
            available.append({**times, "is_available": True, "_id": slot.id, "consultation_fee": fee})
    return {
        "doctor": {
            "_id": str(doctor.pk),
            "name": str(doctor.name),
            "doctor_info": {
                "specialization": str(profile.specialization),
                "consultation_fee": float(profile.consultation_fee),
            },
        },
        "date": day_slots.date.isoformat(),
        "available_slots": available,
        "booked_slots": booked,
        "reason": None if day_slots.reason is None else str(day_slots.reason),
    }
