"""The supervisor of ``make run`` and ``make serve`` (tools/processes.py): a child that stops on its own
stops the others, each child's whole process group gets its stop signal, and one that ignores it is
killed after the grace; ``make serve`` runs gunicorn, the outbox workers and the background workers
(tools/serve.py)."""

from __future__ import annotations

import signal
import sys
import time
from pathlib import Path

import pytest

from tools.processes import Child, start, stop_all, watch


def sleeper(ready: Path, ignore_term: bool = False) -> list[str]:
    """A child that writes ``ready`` once its signal handling is set (and, ignoring SIGTERM, leaves a
    grandchild in its process group, as runserver's auto-reloader does), then sleeps."""
    setup = "signal.signal(signal.SIGTERM, signal.SIG_IGN); " if ignore_term else ""
    setup += (
        "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)']); " if ignore_term else ""
    )
    code = f"import pathlib, signal, subprocess, sys, time; {setup}pathlib.Path({str(ready)!r}).touch(); time.sleep(60)"
    return [sys.executable, "-c", code]


def started(name: str, ready: Path, stop_signal: int, ignore_term: bool = False) -> Child:
    child = start(name, sleeper(ready, ignore_term), {}, stop_signal)
    while not ready.exists():  # not a timing assertion: waits for the child to be set up
        assert child.process.poll() is None
        time.sleep(0.05)
    return child


def test_a_child_that_exits_stops_the_others(tmp_path):
    children = [
        start("quitter", [sys.executable, "-c", "raise SystemExit(3)"], {}, signal.SIGTERM),
        started("sleeper", tmp_path / "s", signal.SIGTERM),
    ]
    try:
        assert watch(children, lambda: False) == 3
    finally:
        stop_all(children)
    assert children[1].process.returncode == -signal.SIGTERM


def test_told_to_stop_every_child_gets_its_signal(tmp_path):
    children = [
        started("web", tmp_path / "w", signal.SIGINT),
        started("worker", tmp_path / "k", signal.SIGTERM),
    ]
    assert watch(children, lambda: True) == 0
    stop_all(children)
    # Python turns SIGINT into KeyboardInterrupt and, uncaught, exits through the same signal.
    assert [c.process.returncode for c in children] == [-signal.SIGINT, -signal.SIGTERM]


def test_a_child_that_ignores_its_signal_is_killed_with_its_group(tmp_path, capsys):
    child = started("stubborn", tmp_path / "x", signal.SIGTERM, ignore_term=True)
    stop_all([child], grace=0.5)
    assert child.process.returncode == -signal.SIGKILL
    assert "stubborn did not stop, killed" in capsys.readouterr().out


def test_make_serve_runs_gunicorn_the_outbox_workers_and_the_background_workers():
    from tools.serve import commands

    children = commands("127.0.0.1:8000", outbox_workers=1, task_workers=2)
    assert [name for name, _command, _signal in children] == ["web", "outbox-1", "tasks-1", "tasks-2"]
    assert children[0][1][1:] == [
        "-m",
        "gunicorn",
        "--config",
        "python:motcua.gunicorn_conf",
        "--bind",
        "127.0.0.1:8000",
        "motcua.wsgi",
    ]
    assert children[1][1][1:] == ["manage.py", "run_worker"]
    assert children[2][1][1:] == ["manage.py", "run_tasks"]
    # TERM: gunicorn stops gracefully, each worker after the message or task in hand.
    assert {stop for _name, _command, stop in children} == {signal.SIGTERM}
    # No outbox worker when the outbox is delivered elsewhere.
    assert [name for name, _c, _s in commands("127.0.0.1:8000", outbox_workers=0, task_workers=1)] == [
        "web",
        "tasks-1",
    ]


def test_make_serve_takes_its_worker_counts_from_the_environment(monkeypatch, capsys):
    from tools.serve import parse

    monkeypatch.delenv("OUTBOX_WORKERS", raising=False)
    monkeypatch.delenv("TASK_WORKERS", raising=False)
    options = parse([])
    assert (options.outbox_workers, options.task_workers) == (1, 1)
    monkeypatch.setenv("OUTBOX_WORKERS", "0")
    monkeypatch.setenv("TASK_WORKERS", "3")
    options = parse([])
    assert (options.outbox_workers, options.task_workers) == (0, 3)
    assert parse(["--outbox-workers", "2"]).outbox_workers == 2
    with pytest.raises(SystemExit):
        parse(["--outbox-workers", "-1"])
    assert "--outbox-workers must be 0 or more" in capsys.readouterr().err
