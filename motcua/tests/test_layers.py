"""The layer rules, read from the import graph of the product's modules (tests, migrations and
benchmarks aside), so that they stay true (docs/adr/0011).

- Apps sit in layers; a *domain* module (models, services, selectors, pure rules…) imports only the
  kernel, its own app and apps of lower layers. Nothing is imported from a higher layer, so there is no
  cycle between apps.
- An *interface* module (admin, API, views, URLs, management commands, and the whole of ``web``) may
  use the domain modules of any app, but not another app's interface: the pages call services and
  selectors, never API handlers.
- No domain module imports an interface module, even of its own app.
- The admin's shared building blocks (``ADMIN_KIT``) are the one interface every app's admin shares.
- The kernel imports no app; nothing imports ``web`` or the project's wiring (``motcua``) but the wiring.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Lowest first. Each app may build on the ones before it.
LAYERS = [
    "kernel",
    "worktime",
    "accounts",
    "organization",
    "catalog",
    "outbox",
    "dossiers",
    "audit",
    "documents",
    "reports",
    "targets",
    "serviceindex",
    "kiosk",
    "integrations",  # the national partners: adapters that map our data to theirs
    "notices",  # notices to applicants: templates, channels, the citizen's inbox
    "jobs",  # the periodic jobs: their schedule, runs and the background worker
    "demo",
    "web",
    "motcua",  # the project's wiring: settings, URLs, the API root
]
RANK = {app: rank for rank, app in enumerate(LAYERS)}
INTERFACE_APPS = {"web", "motcua"}
INTERFACE_NAMES = {"admin", "api", "views", "urls", "apps"}
# The admin's shared building blocks (rights from roles, history, role rows): every app's admin uses them.
ADMIN_KIT = {"organization.admin_policy", "organization.history_admin", "organization.admin_memberships"}

# Imports that break the rules today and are being removed (issue 12, part 2). The test fails when one
# of them disappears too, so that this list stays exact and only shrinks.
NOT_YET: set[tuple[str, str]] = set()


@dataclass(frozen=True)
class Module:
    name: str
    app: str
    interface: bool


def _module(path: Path) -> Module | None:
    parts = path.relative_to(ROOT).with_suffix("").parts
    app = parts[0]
    if app not in RANK or "tests" in parts or "migrations" in parts:
        return None
    names = list(parts[:-1]) if parts[-1] == "__init__" else list(parts)
    last = names[-1]
    interface = (
        app in INTERFACE_APPS
        or last in INTERFACE_NAMES
        or last.endswith(("_api", "_views", "_admin"))
        or last.startswith(("urls_", "admin_"))
        or "management" in parts
    )
    return Module(".".join(names), app, interface)


def _imports(path: Path) -> set[tuple[str, ...]]:
    """Each import as the names it may refer to, most precise first: ``from app import module``
    imports the module when there is one, else a name of the package."""
    found: set[tuple[str, ...]] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update((alias.name,) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.update((f"{node.module}.{alias.name}", node.module) for alias in node.names)
    return found


def _graph() -> dict[Module, set[tuple[str, ...]]]:
    modules = {}
    for path in ROOT.glob("*/**/*.py"):
        if ".venv" in path.parts:
            continue
        module = _module(path)
        if module is not None:
            modules[module] = _imports(path)
    return modules


def _target(names: tuple[str, ...], known: dict[str, Module]) -> Module | None:
    """The product module an import refers to: the first of its names that is a module, else the
    longest known prefix."""
    for name in names:
        if name in known:
            return known[name]
    parts = names[-1].split(".")
    for end in range(len(parts) - 1, 0, -1):
        module = known.get(".".join(parts[:end]))
        if module is not None:
            return module
    return None


def _refusal(source: Module, target: Module) -> str | None:
    if target.app == "motcua" and source.app != "motcua":
        return "only the wiring imports the wiring"
    if target.app == "web" and source.app not in {"web", "motcua"}:
        return "no app imports web"
    if source.app == "kernel" and target.app != "kernel":
        return "the kernel imports no app"
    if not source.interface and target.interface:
        return "a domain module imports an interface module"
    if source.app == target.app:
        return None
    if source.interface:
        if target.interface and source.app != "motcua" and target.name not in ADMIN_KIT:
            return "an interface imports another app's interface"
        return None
    if RANK[target.app] > RANK[source.app]:
        return f"{source.app} imports a higher layer ({target.app})"
    return None


def _violations() -> set[tuple[str, str, str]]:
    graph = _graph()
    known = {module.name: module for module in graph}
    found = set()
    for source, names in graph.items():
        for name in names:
            target = _target(name, known)
            if target is None or target == source:
                continue
            why = _refusal(source, target)
            if why:
                found.add((source.name, target.name, why))
    return found


def test_every_app_has_a_layer():
    apps = {p.parent.name for p in ROOT.glob("*/apps.py")} | {"kernel"}
    assert apps <= set(LAYERS), f"put these apps in LAYERS: {sorted(apps - set(LAYERS))}"


def test_imports_point_down():
    found = _violations()
    new = sorted((s, t, why) for s, t, why in found if (s, t) not in NOT_YET)
    assert not new, "imports against the layer rules:\n" + "\n".join(f"{s} → {t}: {w}" for s, t, w in new)


def test_the_exceptions_list_is_exact():
    still = {(s, t) for s, t, _ in _violations()}
    gone = sorted(NOT_YET - still)
    assert not gone, f"fixed — remove from NOT_YET: {gone}"


@pytest.mark.parametrize(
    ("source", "target", "refused"),
    [
        (Module("dossiers.services", "dossiers", False), Module("reports.facts", "reports", False), True),
        (Module("reports.facts", "reports", False), Module("dossiers.models", "dossiers", False), False),
        (Module("web.views", "web", True), Module("catalog.api", "catalog", True), True),
        (Module("web.views", "web", True), Module("catalog.selectors", "catalog", False), False),
        (Module("kiosk.views", "kiosk", True), Module("web.lookup_views", "web", True), True),
        (Module("kernel.text", "kernel", False), Module("dossiers.models", "dossiers", False), True),
        (Module("dossiers.services", "dossiers", False), Module("dossiers.api", "dossiers", True), True),
        (Module("motcua.urls", "motcua", True), Module("web.urls", "web", True), False),
    ],
)
def test_the_rules_themselves(source, target, refused):
    assert (_refusal(source, target) is not None) is refused
