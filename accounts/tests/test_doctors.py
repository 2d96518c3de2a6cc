"""The public doctor directory: `GET /api/users/doctors` and `GET /api/users/doctors/:id`."""

import uuid

import pytest

from accounts.services.users import user_status_set
from appointments.tests.factories import DoctorFactory

URL = "/api/users/doctors"


@pytest.fixture
def clinic(db):
    def doctor(name, specialization, fee=500):
        return DoctorFactory(
            name=name, specialization=specialization, fee=fee, schedule=["monday 09:00-13:00", "monday 16:00-19:00"]
        )

    return {
        "anita": doctor("Anita Rao", "Arthroscopy", 800),
        "bala": doctor("Bala Iyer", "Sports Medicine"),
        "chitra": doctor("Chitra Menon", "Shoulder Surgery"),
    }


@pytest.mark.django_db
class TestDirectory:
    def test_public_paginated_list_with_schedule(self, api, clinic):
        response = api.get(URL, {"limit": 2})
        assert response.status_code == 200
        data = response.json()["data"]
        assert data["pagination"] == {
            "current": 1,
            "pages": 2,
            "total": 3,
            "limit": 2,
            "hasNext": True,
            "hasPrev": False,
        }
        first = data["items"][0]
        assert first["name"] == "Anita Rao"
        assert first["doctorInfo"]["consultationFee"] == 800
        assert first["doctorInfo"]["schedule"] == [
            {"day": "monday", "startTime": "09:00", "endTime": "13:00", "isAvailable": True},
            {"day": "monday", "startTime": "16:00", "endTime": "19:00", "isAvailable": True},
        ]
        # The public directory does not hand out the doctor's private contact details.
        assert "mobileNumber" not in first and "email" not in first and "profile" not in first

    def test_specialization_filter_is_case_insensitive_and_exact(self, api, clinic):
        items = api.get(URL, {"specialization": "sports medicine"}).json()["data"]["items"]
        assert [item["name"] for item in items] == ["Bala Iyer"]
        assert api.get(URL, {"specialization": "sports"}).json()["data"]["items"] == []

    def test_search_by_name_or_specialization(self, api, clinic):
        by_name = api.get(URL, {"search": "chit"}).json()["data"]["items"]
        assert [item["name"] for item in by_name] == ["Chitra Menon"]
        by_specialization = api.get(URL, {"search": "ARTHRO"}).json()["data"]["items"]
        assert [item["name"] for item in by_specialization] == ["Anita Rao"]

    def test_only_active_doctors(self, api, clinic, admin_user, patient):
        user_status_set(actor=admin_user, user=clinic["bala"], is_active=False, reason="Left the clinic")
        names = [item["name"] for item in api.get(URL).json()["data"]["items"]]
        assert names == ["Anita Rao", "Chitra Menon"]
        assert patient.name not in names

    def test_bad_page_is_400(self, api, clinic):
        response = api.get(URL, {"limit": 1000})
        assert response.status_code == 400
        assert response.json()["errors"][0]["field"] == "limit"

    def test_query_count_does_not_grow_with_page_size(self, api, django_assert_num_queries):
        for index in range(12):
            DoctorFactory(name=f"Doctor {chr(65 + index)}", schedule=["tuesday 09:00-12:00"])
        # page (with profiles, and the total counted in the same statement), the page's schedules;
        # anonymous: no user read, the rate limit is in the cache
        with django_assert_num_queries(2):
            small = api.get(URL, {"limit": 2})
        with django_assert_num_queries(2):
            large = api.get(URL, {"limit": 12})
        assert len(small.json()["data"]["items"]) == 2
        assert len(large.json()["data"]["items"]) == 12
        assert small.json()["data"]["pagination"]["total"] == large.json()["data"]["pagination"]["total"] == 12
        assert small.json()["data"]["pagination"]["pages"] == 6
        beyond = api.get(URL, {"limit": 5, "page": 4}).json()["data"]
        assert beyond["items"] == [] and beyond["pagination"]["total"] == 12


@pytest.mark.django_db
class TestDoctorDetail:
    def test_detail_with_schedule_fee_rating(self, api, clinic):
        anita = clinic["anita"]
        response = api.get(f"{URL}/{anita.id}")
        assert response.status_code == 200
        doctor = response.json()["data"]["doctor"]
        assert doctor["_id"] == str(anita.id)
        assert doctor["doctorInfo"]["consultationFee"] == 800
        assert doctor["doctorInfo"]["rating"] == 0
        assert doctor["doctorInfo"]["ratingCount"] == 0
        assert len(doctor["doctorInfo"]["schedule"]) == 2

    @pytest.mark.parametrize("doctor_id", ["not-a-uuid", str(uuid.uuid4()), "1"])
    def test_unknown_or_malformed_id_is_404(self, api, doctor_id):
        response = api.get(f"{URL}/{doctor_id}")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "DOCTOR_NOT_FOUND"

    def test_non_doctor_and_inactive_doctor_are_404(self, api, patient, clinic, admin_user):
        assert api.get(f"{URL}/{patient.id}").json()["error"]["code"] == "DOCTOR_NOT_FOUND"
        user_status_set(actor=admin_user, user=clinic["anita"], is_active=False, reason="On sabbatical")
        assert api.get(f"{URL}/{clinic['anita'].id}").status_code == 404
