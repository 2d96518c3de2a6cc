"""The Django admin is an adapter (ARCHITECTURE.md, SPEC.md §10): rules and writes live in the
services. In the admin's hooks that Django calls to save (`save_model`, `save_formset`,
`save_related`, `delete_model`, `delete_queryset`), in admin actions and in forms' `clean()` /
`clean_<field>()`, no row is written directly (`.save()`, `.delete()`, `.update()`,
`.objects.create()`, ...); a `clean` calls no service that acts (`otp_send`, `*_create`, ...).
Service calls are the way, and are never flagged. Every `@admin.action` records itself in the
admin's history ("Recent actions").
"""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ADMIN_MODULES = sorted(
    path
    # The admin's sign-in forms too: a code is sent by the view, never from a form's clean().
    for pattern in ("*/admin.py", "*/admin/*.py", "*/admin_*.py", "appointments/frontdesk/*.py", "accounts/views/*.py")
    for path in ROOT.glob(pattern)
    if ".venv" not in path.parts
)
SAVE_HOOKS = {"save_model", "save_formset", "save_related", "delete_model", "delete_queryset"}
ROW_WRITES = {"save", "delete", "create", "bulk_create", "bulk_update", "get_or_create", "update_or_create"}
QUERYSET_WRITES = {"update"}  # also a dict method: flagged on managers and querysets only
# In a form's clean: a service that acts, as opposed to one that checks (`*_check`, `*_validate`).
ACTING_SERVICE = re.compile(r"^(otp_send|otp_check|\w+_(create|update|delete|set|cancel|record|replace|send|remove))$")


def _receiver_is_rows(node: ast.expr) -> bool:
    """`X.objects...`, `queryset...`, `something.filter(...)...`: a manager or a queryset."""
    for part in ast.walk(node):
        if isinstance(part, ast.Attribute) and part.attr in ("objects", "filter", "exclude", "all"):
            return True
        if isinstance(part, ast.Name) and part.id in ("queryset", "qs"):
            return True
    return False


def _call_name(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


def violations_in(function: ast.FunctionDef, *, is_clean: bool) -> list[str]:
    found = []
    for node in ast.walk(function):
        if not isinstance(node, ast.Call):
            continue
        name = _call_name(node)
        if isinstance(node.func, ast.Attribute):
            receiver = node.func.value
            is_super = isinstance(receiver, ast.Call) and _call_name(receiver) == "super"
            no_commit = any(kw.arg == "commit" for kw in node.keywords)
            # Django's own hook (`super().save_model(...)`) writes the row as the form left it.
            writes_row = (name in ROW_WRITES and not is_super and not no_commit) or (name in SAVE_HOOKS and is_super)
            if writes_row or (name in QUERYSET_WRITES and _receiver_is_rows(receiver)):
                found.append(f"{function.name}:{node.lineno} .{name}()")
        if is_clean and ACTING_SERVICE.match(name):
            found.append(f"{function.name}:{node.lineno} {name}() in a clean")
    return found


def _is_action(function: ast.FunctionDef, listed_actions: set[str]) -> bool:
    for decorator in function.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if (isinstance(target, ast.Attribute) and target.attr == "action") or (
            isinstance(target, ast.Name) and target.id == "action"
        ):
            return True
    return function.name in listed_actions


def _listed_actions(tree: ast.AST) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        is_actions = isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "actions" for t in node.targets
        )
        if is_actions and isinstance(node.value, ast.List | ast.Tuple):
            names |= {elt.value for elt in node.value.elts if isinstance(elt, ast.Constant)}
    return names


def adapter_violations(source: str) -> list[str]:
    tree = ast.parse(source)
    listed = _listed_actions(tree)
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef):
            continue
        is_clean = node.name == "clean" or node.name.startswith("clean_")
        if is_clean or node.name in SAVE_HOOKS or _is_action(node, listed):
            found += violations_in(node, is_clean=is_clean)
    return found


def test_the_scan_covers_the_admin_modules():
    names = {path.relative_to(ROOT).as_posix() for path in ADMIN_MODULES}
    assert {
        "accounts/admin/users.py",
        "accounts/admin/forms.py",
        "files/admin.py",
        "appointments/admin_notifications.py",
        "appointments/admin_records.py",
        "accounts/views/admin_login.py",
        "accounts/views/pages.py",
    } <= names


def test_no_admin_hook_action_or_clean_writes_rows_itself():
    found = {
        path.relative_to(ROOT).as_posix(): adapter_violations(path.read_text())
        for path in ADMIN_MODULES
        if adapter_violations(path.read_text())
    }
    assert found == {}, "call a service instead"


BAD = """
from django.contrib import admin

class LeaveAdmin(admin.ModelAdmin):
    actions = ["approve"]

    def save_model(self, request, obj, form, change):
        obj.created_by = request.user
        obj.save()

    def delete_queryset(self, request, queryset):
        queryset.update(removed=True)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)

    def approve(self, request, queryset):
        Leave.objects.create(doctor=request.user)

    @admin.action(description="Mark paid")
    def mark_paid(self, request, queryset):
        Appointment.objects.filter(pk__in=queryset).update(payment_status="paid")

class SignInForm(forms.Form):
    def clean(self):
        otp_send(mobile_number=self.cleaned_data["mobile_number"])
"""

GOOD = """
from django.contrib import admin

class LeaveAdmin(admin.ModelAdmin):
    def save_model(self, request, obj, form, change):
        data = {}
        data.update(form.cleaned_data)
        user_staff_update(actor=request.user, user=obj, data=data)

    def delete_model(self, request, obj):
        doctor_leave_delete(actor=request.user, leave=obj)

    @admin.action(description="Cancel")
    def cancel(self, request, queryset):
        for appointment in queryset:
            appointment_cancel(appointment=appointment, actor=request.user, reason="Doctor on leave")
            self.log_change(request, appointment, "Cancelled")

    def save_form(self, request, form, change):
        return form.save(commit=False)

class StatusForm(forms.ModelForm):
    def clean(self):
        cleaned = super().clean()
        user_status_check(actor=self.acting_user, user=self.instance, is_active=False)
        return cleaned
"""


def test_the_scan_flags_direct_writes_and_spares_service_calls():
    assert [finding.split(" ", 1)[1] for finding in adapter_violations(BAD)] == [
        ".save()",
        ".update()",
        ".delete_model()",
        ".create()",
        ".update()",
        "otp_send() in a clean",
    ]
    assert adapter_violations(GOOD) == []


# --- Every admin action is in the admin's history (SPEC.md §10) ------------------------------------

HISTORY_CALLS = {"history_record", "log_change", "log_addition", "log_deletion", "log_actions"}


def _is_admin_action(function: ast.FunctionDef) -> bool:
    return any(
        isinstance(decorator, ast.Call)
        and isinstance(decorator.func, ast.Attribute)
        and decorator.func.attr == "action"
        for decorator in function.decorator_list
    )


def actions_without_history(source: str) -> list[str]:
    """`@admin.action`s that record nothing in the history, directly or through a function or method of
    the same module they call (their shared runner)."""
    functions = {node.name: node for node in ast.walk(ast.parse(source)) if isinstance(node, ast.FunctionDef)}

    def records(function: ast.FunctionDef, seen: frozenset = frozenset()) -> bool:
        called = {_call_name(node) for node in ast.walk(function) if isinstance(node, ast.Call)}
        if called & HISTORY_CALLS:
            return True
        nested = (functions[name] for name in called if name in functions and name not in seen)
        return any(records(helper, seen | {function.name}) for helper in nested)

    return [name for name, node in functions.items() if _is_admin_action(node) and not records(node)]


def test_the_history_scan_finds_a_silent_action_and_accepts_a_shared_runner():
    silent = "@admin.action(description='x')\ndef mark(self, request, queryset):\n    appointment_confirm(a=1)\n"
    assert actions_without_history(silent) == ["mark"]
    runner = (
        "def _run(self, request):\n    history_record(actor=1, obj=2, message='m')\n"
        "@admin.action(description='x')\ndef mark(self, request, queryset):\n    self._run(request)\n"
    )
    assert actions_without_history(runner) == []


def test_every_admin_action_records_itself_in_the_history():
    silent = {
        path.relative_to(ROOT).as_posix(): actions_without_history(path.read_text())
        for path in ADMIN_MODULES
        if "@admin.action" in path.read_text()
    }
    assert silent and not any(silent.values()), silent
