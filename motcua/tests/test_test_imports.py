"""The test suite's own import rules, read from the source with ``ast``:

- no test module (``test_*.py``), ``conftest.py`` or helper module of the tests imports a test module
  or a ``conftest.py``: fixtures are found by pytest in the ``conftest.py`` files above the test, plain
  helpers come from the ``testing`` package (an imported fixture is a second copy that hides which one
  runs, and a test module used as a library ties two files' tests together);
- the product never imports ``testing``: only the tests, the ``conftest.py`` files and the benchmarks do.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
SKIPPED = {".venv", "data", "var", "node_modules", "migrations", "static", "templates", ".git"}
# Not product code either: the benchmarks may use the test helpers (the reference data).
SUPPORT = {"bench"}


def python_files() -> Iterator[Path]:
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT)
        if not SKIPPED.intersection(relative.parts[:-1]):
            yield path


def is_test_file(path: Path) -> bool:
    return path.name == "conftest.py" or path.name.startswith("test_")


def is_test_support(path: Path) -> bool:
    """A test module, a conftest.py, a helper module in a ``tests`` package or in ``testing``."""
    parts = path.relative_to(ROOT).parts
    return is_test_file(path) or "tests" in parts or parts[0] == "testing"


def imported_modules(path: Path, root: Path = ROOT) -> Iterator[tuple[int, str]]:
    """(line, dotted name) of every module ``path`` imports, relative imports resolved, and each name
    of a ``from … import`` too (it may be a module)."""
    package = path.relative_to(root).parent.parts
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package[: len(package) - node.level + 1]
                base = ".".join([*parent, *([base] if base else [])])
            yield node.lineno, base
            for alias in node.names:
                yield node.lineno, f"{base}.{alias.name}" if base else alias.name


def names_a_test_module(module: str) -> bool:
    last = module.rsplit(".", 1)[-1]
    return last == "conftest" or last.startswith("test_")


def test_no_test_module_imports_a_test_module_or_a_conftest() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{line} imports {module}"
        for path in python_files()
        if is_test_support(path)
        for line, module in imported_modules(path)
        if names_a_test_module(module)
    ]
    assert found == []


def test_the_product_does_not_import_the_test_helpers() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{line} imports {module}"
        for path in python_files()
        if not is_test_support(path) and path.relative_to(ROOT).parts[0] not in SUPPORT
        for line, module in imported_modules(path)
        if module == "testing" or module.startswith("testing.")
    ]
    assert found == []


def test_the_rules_see_what_they_forbid(tmp_path: Path) -> None:
    """The reader finds the imports the rules are about: absolute, relative, inside a function."""
    sample = tmp_path / "web" / "tests" / "test_sample.py"
    sample.parent.mkdir(parents=True)
    sample.write_text(
        "from web.tests.test_other import helper\n"
        "from . import test_third\n"
        "from .conftest import fixture\n"
        "def f():\n"
        "    import conftest\n"
        "    from testing.web import HX\n"
    )
    modules = [module for _line, module in imported_modules(sample, root=tmp_path)]
    assert [m for m in modules if names_a_test_module(m)] == [
        "web.tests.test_other",
        "web.tests.test_third",
        "web.tests.conftest",
        "conftest",
    ]
    assert "testing.web" in modules
