"""The install: what pyproject.toml declares, what the two locks pin, and what the product imports.

A production install (``make serve``) takes ``requirements/runtime.txt`` alone; ``make venv`` takes
``requirements/dev.txt``. Both are generated from pyproject.toml by ``make lock``.
"""

from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
RUNTIME_LOCK = ROOT / "requirements" / "runtime.txt"
DEV_LOCK = ROOT / "requirements" / "dev.txt"

# Tools that must never reach a production install (issue 12: they used to, through a pip freeze).
NOT_IN_PRODUCTION = {
    "pytest",
    "pytest-django",
    "pytest-xdist",
    "hypothesis",
    "schemathesis",
    "playwright",
    "time-machine",
    "moto",
    "responses",
    "flask",
    "flask-cors",
    "werkzeug",
    "docker",
    "cfn-lint",
    "sympy",
    "aws-xray-sdk",
    "ruff",
    "mypy",
    "django-stubs",
    "types-openpyxl",
    "types-pyyaml",
    "uv",
}
# In the dev group for the type checker, and needed at run time too: django-tasks and django-tasks-db call
# ``django_stubs_ext.monkeypatch()`` when imported.
ALSO_AT_RUN_TIME = {"django-stubs-ext"}
# Needed at run time although no product module imports them by name: named in the settings as dotted
# paths (S3 storage, the Redis cache and counters) or run by `make serve`.
RUNTIME_NOT_IMPORTED = {"django-storages", "boto3", "redis", "whitenoise", "gunicorn", "psycopg", "tzdata"}
# Top-level folders that are not the product: tests and their helpers, benchmarks, developer tools, data.
NOT_PRODUCT_DIRS = {"tests", "testing", "bench", "tools", "data", "var", "migrations", "node_modules"}


def pins(lock: Path) -> dict[str, str]:
    """``{canonical name: version}`` of the ``name==version`` lines of a lock."""
    found: dict[str, str] = {}
    for line in lock.read_text().splitlines():
        if match := re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;\\]+)", line):
            found[canonicalize_name(match[1])] = match[2]
    return found


def group(name: str) -> list[Requirement]:
    """The requirements of a dependency group, included groups resolved (PEP 735)."""
    requirements = []
    for item in PYPROJECT["dependency-groups"][name]:
        if isinstance(item, dict):
            requirements += group(item["include-group"])
        else:
            requirements.append(Requirement(item))
    return requirements


RUNTIME = [Requirement(item) for item in PYPROJECT["project"]["dependencies"]]


def test_the_production_lock_has_no_test_or_development_tool():
    runtime = pins(RUNTIME_LOCK)
    assert sorted(NOT_IN_PRODUCTION & runtime.keys()) == []
    # Nor anything that only the dependency groups ask for.
    only_for_development = (
        {canonicalize_name(r.name) for r in group("dev")}
        - {canonicalize_name(r.name) for r in RUNTIME}
        - ALSO_AT_RUN_TIME
    )
    assert sorted(only_for_development & runtime.keys()) == []


@pytest.mark.parametrize(
    ("lock", "requirements"),
    [(RUNTIME_LOCK, RUNTIME), (DEV_LOCK, RUNTIME + group("dev"))],
    ids=["runtime", "dev"],
)
def test_every_declared_dependency_is_pinned_within_its_range(lock, requirements):
    pinned = pins(lock)
    assert len(pinned) > 10
    outside = {
        str(r): pinned.get(canonicalize_name(r.name))
        for r in requirements
        if (r.marker is None or r.marker.evaluate())
        and not r.specifier.contains(pinned.get(canonicalize_name(r.name), "0.0.0.dev0"), prereleases=True)
    }
    assert outside == {}, "pyproject.toml changed without `make lock`"


def test_what_runs_is_the_same_in_both_locks():
    runtime, dev = pins(RUNTIME_LOCK), pins(DEV_LOCK)
    assert {
        name: (version, dev.get(name)) for name, version in runtime.items() if dev.get(name) != version
    } == {}
    assert NOT_IN_PRODUCTION - {"docker", "aws-xray-sdk"} <= dev.keys()


@pytest.mark.parametrize("lock", [RUNTIME_LOCK, DEV_LOCK], ids=["runtime", "dev"])
def test_every_pin_carries_its_hashes(lock):
    lines = lock.read_text().splitlines()
    unhashed = [
        line
        for i, line in enumerate(lines)
        if re.match(r"^[A-Za-z0-9].*==", line) and not (line.endswith("\\") and "--hash=" in lines[i + 1])
    ]
    assert unhashed == []


def _imports(path: Path) -> set[str]:
    """Top-level modules a file imports, except under ``if TYPE_CHECKING:``."""
    tree = ast.parse(path.read_text())
    type_checking = {
        id(node)
        for branch in ast.walk(tree)
        if isinstance(branch, ast.If) and "TYPE_CHECKING" in ast.unparse(branch.test)
        for statement in branch.body
        for node in ast.walk(statement)
    }
    found = set()
    for node in ast.walk(tree):
        if id(node) in type_checking:
            continue
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def test_every_third_party_module_the_product_imports_is_in_the_production_lock():
    local = {path.name for path in ROOT.iterdir() if path.is_dir()} | {"manage", "conftest"}
    apps = [path for path in ROOT.iterdir() if path.is_dir() and not path.name.startswith(".")]
    product_files = [
        path
        for app in apps
        if app.name not in NOT_PRODUCT_DIRS
        for path in app.rglob("*.py")
        if not NOT_PRODUCT_DIRS & set(path.relative_to(ROOT).parts) and path.name != "conftest.py"
    ]
    assert len(product_files) > 100
    modules = set().union(*(_imports(path) for path in product_files)) - local - set(sys.stdlib_module_names)
    distributions = importlib.metadata.packages_distributions()
    unknown = sorted(module for module in modules if module not in distributions and module != "__future__")
    assert unknown == []
    needed = {
        canonicalize_name(name) for module in modules - {"__future__"} for name in distributions[module]
    }
    runtime = pins(RUNTIME_LOCK)
    assert sorted(needed - runtime.keys()) == []
    declared = {canonicalize_name(r.name) for r in RUNTIME}
    # Imported directly, so declared directly (not left to another package's dependencies).
    assert sorted(needed - declared) == []
    assert sorted(RUNTIME_NOT_IMPORTED - runtime.keys()) == []
    assert "s3" in next(r for r in RUNTIME if r.name == "django-storages").extras
