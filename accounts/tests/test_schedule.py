"""`PUT /api/users/doctors/:id/schedule`: replaced as a whole, validated block by block."""

from datetime import time

import pytest

from accounts.models import ScheduleBlock
from accounts.services.users import doctor_schedule_replace, schedule_validate
from arthomed.core.errors import ValidationFailed


def url(doctor) -> str:
    return f"/api/users/doctors/{doctor.id}/schedule"


SPLIT_DAY = [
    {"day": "monday", "startTime": "09:00", "endTime": "13:00"},
    {"day": "monday", "startTime": "16:00", "endTime": "19:00"},
    {"day": "saturday", "startTime": "10:00", "endTime": "12:00", "isAvailable": False},
]


@pytest.mark.django_db
class TestScheduleReplace:
    @pytest.mark.parametrize("actor", ["doctor", "receptionist", "admin_user"])
    def test_doctor_or_staff_replace_the_schedule(self, request, as_user, doctor, actor):
        user = request.getfixturevalue(actor)
        response = as_user(user).put(url(doctor), {"schedule": SPLIT_DAY, "slotDuration": 20}, format="json")
        assert response.status_code == 200, response.json()
        info = response.json()["data"]["doctor"]["doctorInfo"]
        assert info["slotDuration"] == 20
        assert info["schedule"] == [
            {"day": "monday", "startTime": "09:00", "endTime": "13:00", "isAvailable": True},
            {"day": "monday", "startTime": "16:00", "endTime": "19:00", "isAvailable": True},
            {"day": "saturday", "startTime": "10:00", "endTime": "12:00", "isAvailable": False},
        ]

    def test_replaces_whole_schedule(self, as_user, doctor):
        client = as_user(doctor)
        client.put(url(doctor), {"schedule": SPLIT_DAY}, format="json")
        new = [{"day": "friday", "startTime": "08:00", "endTime": "11:30"}]
        response = client.put(url(doctor), {"schedule": new}, format="json")
        assert response.status_code == 200
        assert list(ScheduleBlock.objects.filter(doctor=doctor).values_list("day", flat=True)) == ["friday"]
        doctor.doctor_profile.refresh_from_db()
        assert doctor.doctor_profile.slot_duration == 30  # not sent, not changed

    def test_empty_schedule_clears_it(self, as_user, doctor):
        client = as_user(doctor)
        client.put(url(doctor), {"schedule": SPLIT_DAY}, format="json")
        assert client.put(url(doctor), {"schedule": []}, format="json").status_code == 200
        assert not ScheduleBlock.objects.filter(doctor=doctor).exists()

    def test_overlap_refused_with_field_path_and_nothing_written(self, as_user, doctor):
        client = as_user(doctor)
        client.put(url(doctor), {"schedule": SPLIT_DAY}, format="json")
        overlapping = [
            {"day": "tuesday", "startTime": "09:00", "endTime": "13:00"},
            {"day": "tuesday", "startTime": "12:30", "endTime": "14:00"},
        ]
        response = client.put(url(doctor), {"schedule": overlapping}, format="json")
        assert response.status_code == 400
        body = response.json()
        assert body["error"]["code"] == "VALIDATION_ERROR"
        assert body["errors"] == [
            {"field": "schedule[1].startTime", "message": "Overlaps tuesday 09:00-13:00", "value": "12:30"}
        ]
        assert ScheduleBlock.objects.filter(doctor=doctor).count() == 3

    def test_inverted_block_refused(self, as_user, doctor):
        body = {
            "schedule": [
                {"day": "monday", "startTime": "09:00", "endTime": "10:00"},
                {"day": "monday", "startTime": "14:00", "endTime": "13:00"},
            ]
        }
        response = as_user(doctor).put(url(doctor), body, format="json")
        assert response.status_code == 400
        assert response.json()["errors"][0]["field"] == "schedule[1].endTime"

    def test_touching_blocks_are_fine(self, as_user, doctor):
        body = {
            "schedule": [
                {"day": "monday", "startTime": "09:00", "endTime": "13:00"},
                {"day": "monday", "startTime": "13:00", "endTime": "14:00"},
                {"day": "tuesday", "startTime": "09:00", "endTime": "13:00"},
            ]
        }
        assert as_user(doctor).put(url(doctor), body, format="json").status_code == 200

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"schedule": [{"day": "funday", "startTime": "09:00", "endTime": "10:00"}]}, "schedule[0].day"),
            ({"schedule": [{"day": "monday", "startTime": "9am", "endTime": "10:00"}]}, "schedule[0].startTime"),
            ({"schedule": [{"day": "monday", "startTime": "09:00", "endTime": "25:00"}]}, "schedule[0].endTime"),
            ({"schedule": [{"day": "monday", "startTime": "09:00"}]}, "schedule[0].endTime"),
            ({"schedule": [], "slotDuration": 9}, "slotDuration"),
            ({"schedule": [], "slotDuration": 121}, "slotDuration"),
            ({}, "schedule"),
            ({"schedule": "monday"}, "schedule"),
        ],
    )
    def test_field_validation(self, as_user, doctor, body, field):
        response = as_user(doctor).put(url(doctor), body, format="json")
        assert response.status_code == 400
        assert field in [error["field"] for error in response.json()["errors"]]

    def test_slot_duration_bounds_accepted(self, as_user, doctor):
        client = as_user(doctor)
        assert client.put(url(doctor), {"schedule": [], "slotDuration": 10}, format="json").status_code == 200
        assert client.put(url(doctor), {"schedule": [], "slotDuration": 120}, format="json").status_code == 200


class TestScheduleValidateService:
    def test_reports_every_problem_with_original_indexes(self):
        blocks = [
            {"day": "monday", "start_time": time(16), "end_time": time(19)},
            {"day": "monday", "start_time": time(12), "end_time": time(11)},
            {"day": "monday", "start_time": time(18), "end_time": time(20)},
        ]
        with pytest.raises(ValidationFailed) as caught:
            schedule_validate(blocks)
        assert [error["field"] for error in caught.value.errors] == ["schedule[1].endTime", "schedule[2].startTime"]

    def test_overlap_hidden_behind_a_shorter_block_is_found(self):
        blocks = [
            {"day": "monday", "start_time": time(9), "end_time": time(17)},
            {"day": "monday", "start_time": time(10), "end_time": time(11)},
            {"day": "monday", "start_time": time(12), "end_time": time(13)},
        ]
        with pytest.raises(ValidationFailed) as caught:
            schedule_validate(blocks)
        assert [error["field"] for error in caught.value.errors] == ["schedule[1].startTime", "schedule[2].startTime"]

    def test_same_start_is_an_overlap(self):
        blocks = [
            {"day": "monday", "start_time": time(9), "end_time": time(10)},
            {"day": "monday", "start_time": time(9), "end_time": time(11)},
        ]
        with pytest.raises(ValidationFailed):
            schedule_validate(blocks, field="doctorInfo.schedule")

    @pytest.mark.django_db
    def test_service_refuses_overlap(self, doctor):
        blocks = [
            {"day": "monday", "start_time": time(9), "end_time": time(12)},
            {"day": "monday", "start_time": time(11), "end_time": time(13)},
        ]
        with pytest.raises(ValidationFailed):
            doctor_schedule_replace(doctor=doctor, schedule=blocks)
        assert not ScheduleBlock.objects.filter(doctor=doctor).exists()
