"""Output shapes of the dashboards (SPEC.md §8). Shape only: the numbers come from selectors."""

from drf_spectacular.utils import PolymorphicProxySerializer
from rest_framework import serializers

from appointments.models import Appointment
from appointments.serializers.lifecycle import AppointmentStatusCountsSerializer
from arthomed.api.fields import ClockTimeField

MONEY = {"max_digits": 14, "decimal_places": 2, "coerce_to_string": False}


class DashboardPersonSerializer(serializers.Serializer):
    _id = serializers.UUIDField(source="id")
    name = serializers.CharField()
    mobile_number = serializers.CharField(allow_null=True)


class DashboardDoctorInfoSerializer(serializers.Serializer):
    specialization = serializers.CharField()


class DashboardDoctorSerializer(serializers.Serializer):
    _id = serializers.UUIDField(source="id")
    name = serializers.CharField()
    doctor_info = DashboardDoctorInfoSerializer(source="doctor_profile", allow_null=True)


class DashboardPaymentSerializer(serializers.Serializer):
    status = serializers.CharField(source="payment_status")
    method = serializers.CharField(source="payment_method")
    amount = serializers.DecimalField(source="payment_amount", allow_null=True, **MONEY)
    paid_at = serializers.DateTimeField(allow_null=True)


class DashboardAppointmentSerializer(serializers.ModelSerializer):
    """A compact appointment for dashboard lists: who, when, what state, paid or not."""

    _id = serializers.UUIDField(source="id", read_only=True)
    patient = DashboardPersonSerializer()
    doctor = DashboardDoctorSerializer()
    appointment_time = ClockTimeField()
    end_time = ClockTimeField()
    fee = serializers.DecimalField(**MONEY)
    payment = DashboardPaymentSerializer(source="*")

    class Meta:
        model = Appointment
        fields = [
            "_id",
            "patient",
            "doctor",
            "appointment_date",
            "appointment_time",
            "end_time",
            "duration",
            "status",
            "purpose_of_visit",
            "fee",
            "payment",
            "follow_up_date",
            "created_at",
        ]


class RevenueOutputSerializer(serializers.Serializer):
    today = serializers.DecimalField(**MONEY)
    this_month = serializers.DecimalField(**MONEY)
    this_year = serializers.DecimalField(**MONEY)


class AdminStatisticsOutputSerializer(serializers.Serializer):
    total_users = serializers.IntegerField()
    total_doctors = serializers.IntegerField()
    total_patients = serializers.IntegerField()
    total_appointments = serializers.IntegerField()
    today_appointments = serializers.IntegerField()
    pending_appointments = serializers.IntegerField()
    completed_appointments = serializers.IntegerField()
    revenue = RevenueOutputSerializer()


class TopDoctorOutputSerializer(serializers.Serializer):
    _id = serializers.UUIDField(source="id")
    name = serializers.CharField()
    specialization = serializers.CharField(source="doctor_profile.specialization")
    appointment_count = serializers.IntegerField()
    rating = serializers.DecimalField(
        source="doctor_profile.rating", max_digits=3, decimal_places=2, coerce_to_string=False
    )


class AdminDashboardOutputSerializer(serializers.Serializer):
    role = serializers.CharField()
    statistics = AdminStatisticsOutputSerializer()
    recent_appointments = DashboardAppointmentSerializer(many=True)
    top_doctors = TopDoctorOutputSerializer(many=True)
    generated_at = serializers.DateTimeField(help_text="When these numbers were computed (cached briefly)")
    cache_age_seconds = serializers.IntegerField(help_text="Seconds since generatedAt")


class WorkingHoursOutputSerializer(serializers.Serializer):
    start_time = ClockTimeField()
    end_time = ClockTimeField()


class DoctorDashboardCountsSerializer(serializers.Serializer):
    today = serializers.IntegerField()
    completed_today = serializers.IntegerField()
    pending = serializers.IntegerField()
    upcoming = serializers.IntegerField()
    follow_ups_due = serializers.IntegerField()


class DoctorDashboardOutputSerializer(serializers.Serializer):
    role = serializers.CharField()
    date = serializers.DateField()
    working_hours = WorkingHoursOutputSerializer(many=True)
    today_appointments = DashboardAppointmentSerializer(many=True)
    counts = DoctorDashboardCountsSerializer()
    productivity = serializers.FloatField(help_text="Completed today ÷ booked today (0 when none booked)")


class ReceptionistDashboardOutputSerializer(serializers.Serializer):
    role = serializers.CharField()
    date = serializers.DateField()
    pending_count = serializers.IntegerField(help_text="Bookings waiting for confirmation")
    today_appointments = DashboardAppointmentSerializer(
        many=True, help_text="Today's visits, soonest first (at most 200; `counts` has the totals)"
    )
    unpaid_completed_today = serializers.IntegerField()
    counts = AppointmentStatusCountsSerializer(help_text="Today's appointments by status")


class DashboardFamilyMemberSerializer(serializers.Serializer):
    _id = serializers.UUIDField(source="id")
    name = serializers.CharField()
    relation = serializers.CharField()


class FollowUpDueOutputSerializer(serializers.Serializer):
    """A follow-up the doctor asked for and nobody has booked yet: enough to open the slot picker."""

    appointment_id = serializers.UUIDField(source="id", help_text="The completed visit that asked for it")
    doctor_id = serializers.UUIDField()
    doctor_name = serializers.CharField(source="doctor.name")
    date = serializers.DateField(source="follow_up_date")
    note = serializers.CharField(source="follow_up_note")
    family_member = DashboardFamilyMemberSerializer(allow_null=True, help_text="null: the account holder")


class TodayQueueItemOutputSerializer(serializers.Serializer):
    """One of the patient's visits of today and where it stands in the doctor's queue (SPEC.md §12),
    as `GET /appointments/:id/queue` answers it."""

    appointment_id = serializers.UUIDField(source="appointment.id")
    doctor_id = serializers.UUIDField(source="appointment.doctor_id")
    doctor_name = serializers.CharField(source="appointment.doctor.name")
    appointment_time = ClockTimeField(source="appointment.appointment_time")
    family_member = DashboardFamilyMemberSerializer(
        source="appointment.family_member", allow_null=True, help_text="null: the account holder"
    )
    token_number = serializers.IntegerField(allow_null=True, help_text="null until checked in at the desk")
    position = serializers.IntegerField(allow_null=True, help_text="1 = next; null when not waiting in the queue")
    patients_ahead = serializers.IntegerField(allow_null=True)
    estimated_start_at = serializers.DateTimeField(allow_null=True)
    doctor_delay_minutes = serializers.IntegerField()
    status = serializers.CharField()


class PatientDashboardOutputSerializer(serializers.Serializer):
    role = serializers.CharField()
    upcoming_appointments = DashboardAppointmentSerializer(many=True)
    last_completed = DashboardAppointmentSerializer(allow_null=True)
    unread_notifications = serializers.IntegerField(help_text="Unread entries of the in-app feed")
    follow_ups_due = FollowUpDueOutputSerializer(
        many=True, help_text="Follow-ups dated today or later with no later visit booked, soonest first (at most 10)"
    )
    today_queue = TodayQueueItemOutputSerializer(
        many=True,
        help_text="Today's confirmed or in-consultation visits, soonest first (at most 10), each with its queue place",
    )


RoleDashboardOutputSerializer = PolymorphicProxySerializer(
    component_name="RoleDashboard",
    serializers={
        "admin": AdminDashboardOutputSerializer,
        "doctor": DoctorDashboardOutputSerializer,
        "receptionist": ReceptionistDashboardOutputSerializer,
        "patient": PatientDashboardOutputSerializer,
    },
    resource_type_field_name="role",
)
