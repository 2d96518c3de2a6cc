"""Family members' JSON (SPEC.md §11)."""

from django.utils import timezone
from rest_framework import serializers

from accounts.models import BloodGroup, FamilyMember, FamilyRelation, Gender
from accounts.selectors.family import age_on
from accounts.serializers.people import MedicalHistoryEntrySerializer
from arthomed.api.fields import PersonNameField

MAX_AGE = 120


class FamilyMemberOutputSerializer(serializers.ModelSerializer):
    _id = serializers.UUIDField(source="id", read_only=True)
    date_of_birth = serializers.DateField(allow_null=True)
    age = serializers.SerializerMethodField()
    medical_history = MedicalHistoryEntrySerializer(many=True)
    allergies = serializers.ListField(child=serializers.CharField())

    class Meta:
        model = FamilyMember
        fields = [
            "_id",
            "name",
            "relation",
            "date_of_birth",
            "age",
            "gender",
            "blood_group",
            "allergies",
            "medical_history",
        ]

    def get_age(self, member: FamilyMember) -> int | None:
        return age_on(member.date_of_birth)


class FamilyMemberBriefOutputSerializer(serializers.Serializer):
    """The person of an appointment, as every role sees it: demographics, nothing clinical."""

    _id = serializers.CharField()
    name = serializers.CharField()
    relation = serializers.ChoiceField(choices=FamilyRelation.choices)
    age = serializers.IntegerField(allow_null=True)
    gender = serializers.ChoiceField(choices=Gender.choices, allow_blank=True)


def family_member_brief(member: FamilyMember | None) -> dict | None:
    if member is None:
        return None
    return {
        "_id": str(member.pk),
        "name": member.name,
        "relation": member.relation,
        "age": age_on(member.date_of_birth),
        "gender": member.gender,
    }


class FamilyMemberInputSerializer(serializers.Serializer):
    """A new member: name and relation required; `dateOfBirth` or `age` (an estimate), not both."""

    name = PersonNameField()
    relation = serializers.ChoiceField(choices=FamilyRelation.choices)
    date_of_birth = serializers.DateField(required=False, allow_null=True)
    age = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=MAX_AGE)
    gender = serializers.ChoiceField(choices=Gender.choices, required=False, allow_blank=True)
    blood_group = serializers.ChoiceField(choices=BloodGroup.choices, required=False, allow_blank=True)
    allergies = serializers.ListField(child=serializers.CharField(max_length=100), max_length=50, required=False)
    medical_history = MedicalHistoryEntrySerializer(many=True, required=False, max_length=100)

    def validate_date_of_birth(self, value):
        today = timezone.localdate()
        if value and value > today:
            raise serializers.ValidationError("Date of birth cannot be in the future")
        if value and today.year - value.year > MAX_AGE + 1:
            raise serializers.ValidationError(f"Date of birth must be within the last {MAX_AGE} years")
        return value

    def validate(self, attrs):
        if attrs.get("date_of_birth") is not None and attrs.get("age") is not None:
            raise serializers.ValidationError({"age": "Give dateOfBirth or age, not both"})
        return attrs


class FamilyMemberUpdateInputSerializer(FamilyMemberInputSerializer):
    """A change: any of the fields, the others kept."""

    name = PersonNameField(required=False)
    relation = serializers.ChoiceField(choices=FamilyRelation.choices, required=False)
