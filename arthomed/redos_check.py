"""`make check`: every regular expression in the project's code is checked for ReDoS.

Collects each pattern the code hands to `re` (compile, match, search, sub, ...), to DRF's
`RegexField`, Django's `RegexValidator` and `re_path`, or any `regex=` argument, plus
constants named `*_RE` / `*_PATTERN` and path converters' `regex`, and asks regexploit
(a static analyser of Python's own regex syntax) for super-linear backtracking. Fails on
any finding, and on a pattern it cannot read statically (one built at run time cannot be
audited, so it is not allowed).

    .venv/bin/python -m arthomed.redos_check [-v] [paths...]
"""

import ast
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from regexploit.ast.sre import SreOpParser
from regexploit.redos import find

ROOT = Path(__file__).resolve().parents[1]
SKIPPED_DIRS = {".venv", "node_modules", "migrations", "tests", ".git", "staticfiles", "media"}
RE_FUNCTIONS = {"compile", "match", "fullmatch", "search", "sub", "subn", "split", "findall", "finditer"}
PATTERN_CALLS = {"RegexField", "RegexValidator", "re_path"}
CONSTANT_SUFFIXES = ("_RE", "_PATTERN")
# regexploit's scale: 1 linear, 2 quadratic, 3 cubic, >10 exponential. Quadratic on inputs
# bounded by field lengths is harmless; anything higher fails.
MAX_STARRINESS = 2


@dataclass(frozen=True)
class Pattern:
    where: str
    pattern: str | None  # None: not a literal
    flags: int = 0


def _literal(node: ast.expr) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str | bytes):
        value = node.value
        return value.decode("latin-1") if isinstance(value, bytes) else value
    return None


def _resolve(node: ast.expr, local: dict[str, str], imported: dict[str, set[str]]) -> list[str | None]:
    """The pattern(s) an argument can be: a literal, a constant of this module, or an imported constant
    (every module constant of that name in the project, checked alike); [None] when unknown."""
    if isinstance(node, ast.Name):
        if node.id in local:
            return [local[node.id]]
        return sorted(imported.get(node.id, set())) or [None]
    return [_literal(node)]


def _flags(node: ast.expr | None) -> int:
    """`re.X | re.I` style flags; regexploit needs VERBOSE to read verbose patterns right."""
    if node is None:
        return 0
    if isinstance(node, ast.BinOp):
        return _flags(node.left) | _flags(node.right)
    if isinstance(node, ast.Attribute) and hasattr(re, node.attr):
        return int(getattr(re, node.attr))
    return 0


def _call_name(node: ast.Call) -> tuple[str | None, str]:
    func = node.func
    if isinstance(func, ast.Attribute):
        owner = func.value.id if isinstance(func.value, ast.Name) else None
        return owner, func.attr
    if isinstance(func, ast.Name):
        return None, func.id
    return None, ""


def _module_constants(tree: ast.Module) -> dict[str, str]:
    constants = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            value = _literal(node.value)
            if value is not None:
                constants[node.targets[0].id] = value
    return constants


def patterns_in(path: Path, imported: dict[str, set[str]]) -> Iterator[Pattern]:
    tree = ast.parse(path.read_text(), filename=str(path))
    local = _module_constants(tree)
    relative = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    for node in ast.walk(tree):
        where = f"{relative}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            name = node.targets[0].id
            # Module constants by naming convention; `regex` is a URL path converter's pattern.
            if (name.endswith(CONSTANT_SUFFIXES) or name == "regex") and isinstance(node.value, ast.Constant):
                yield Pattern(where, _literal(node.value))
        if not isinstance(node, ast.Call):
            continue
        owner, name = _call_name(node)
        keywords = {keyword.arg: keyword.value for keyword in node.keywords}
        if (owner == "re" and name in RE_FUNCTIONS) or name in PATTERN_CALLS:
            argument = node.args[0] if node.args else keywords.get("regex") or keywords.get("pattern")
            flags = node.args[-1] if name == "compile" and len(node.args) > 1 else keywords.get("flags")
            if argument is not None:
                yield from (Pattern(where, value, _flags(flags)) for value in _resolve(argument, local, imported))
        elif "regex" in keywords:
            yield from (Pattern(where, value) for value in _resolve(keywords["regex"], local, imported))


def python_files(paths: list[Path]) -> Iterator[Path]:
    for base in paths:
        candidates = [base] if base.is_file() else sorted(base.rglob("*.py"))
        for path in candidates:
            if not SKIPPED_DIRS.intersection(path.relative_to(base).parts[:-1] if base.is_dir() else ()):
                yield path


def problems(pattern: Pattern) -> list[str]:
    if pattern.pattern is None:
        return [f"{pattern.where}: pattern is not a string literal or module constant; it cannot be audited"]
    parsed = SreOpParser().parse_sre(pattern.pattern, pattern.flags)
    return [
        f"{pattern.where}: {pattern.pattern!r} backtracks super-linearly "
        f"(starriness {redos.starriness}; e.g. {redos.example()})"
        for redos in find(parsed)
        if redos.starriness > MAX_STARRINESS
    ]


def audit(paths: list[Path]) -> tuple[list[Pattern], list[str]]:
    files = list(python_files(paths))
    imported: dict[str, set[str]] = {}
    for path in files:
        for name, value in _module_constants(ast.parse(path.read_text())).items():
            imported.setdefault(name, set()).add(value)
    found = [pattern for path in files for pattern in patterns_in(path, imported)]
    return found, [problem for pattern in found for problem in problems(pattern)]


def main(argv: list[str]) -> int:
    flags = [arg for arg in argv if arg.startswith("-")]
    paths = [Path(arg).resolve() for arg in argv if not arg.startswith("-")] or [ROOT]
    patterns, found = audit(paths)
    if "-v" in flags:
        for pattern in patterns:
            print(f"{pattern.where}: {pattern.pattern!r}")
    for problem in found:
        print(problem)
    print(f"redos: {len(patterns)} patterns checked, {len(found)} problem(s)")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
