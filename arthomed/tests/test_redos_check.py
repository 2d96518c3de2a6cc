"""`make check`'s ReDoS audit (arthomed/redos_check.py) passes on the project and catches what it must."""

from arthomed.redos_check import ROOT, audit

OLD_NAME_PATTERN = r"^[^\W\d_]+(?:[ .'\-]+[^\W\d_]*)*$"


def test_no_pattern_in_the_project_backtracks_super_linearly():
    patterns, problems = audit([ROOT])
    assert problems == []
    assert len(patterns) >= 10  # the audit really found the project's patterns


def test_the_old_sign_in_name_pattern_is_caught_wherever_it_is_used(tmp_path):
    module = tmp_path / "serializers.py"
    module.write_text(
        "import re\n"
        "from rest_framework import serializers\n"
        f"NAME_PATTERN = {OLD_NAME_PATTERN!r}\n"
        "class S(serializers.Serializer):\n"
        "    name = serializers.RegexField(NAME_PATTERN)\n"
        "    other = serializers.CharField(validators=[RegexValidator(regex=r'^(a+)+$')])\n"
        "CHECK = re.compile(r'(\\w+\\s?)*$')\n"
    )
    patterns, problems = audit([tmp_path])
    assert len(patterns) == 4  # the constant, its use in RegexField, regex=, re.compile
    assert all("backtracks super-linearly" in problem for problem in problems)
    assert {problem.split(": ")[0].rsplit(":", 1)[1] for problem in problems} == {"3", "5", "6", "7"}


def test_a_pattern_built_at_run_time_cannot_pass(tmp_path):
    (tmp_path / "views.py").write_text("import re\ndef f(word):\n    return re.search(word + '+', 'x')\n")
    _, problems = audit([tmp_path])
    assert len(problems) == 1
    assert "cannot be audited" in problems[0]
