"""Checks of an internal process against the statutory time. Pure functions, no Django.

docs/domain.md §3: the step durations add up to the statutory time; the system warns when they do not.
Consecutive steps of one parallel group run at the same time, so a group counts as its longest step.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

MINUTES_PER_HOUR = 60


@dataclass(frozen=True)
class StepSpec:
    position: int
    name: str
    minutes: int
    parallel_group: str = ""
    is_lead: bool = False


def total_minutes(steps: Sequence[StepSpec]) -> int:
    """Working minutes the steps take end to end: sequential steps add up, a parallel group counts once
    with its longest step."""
    total = 0
    group: str | None = None
    group_max = 0
    for step in sorted(steps, key=lambda s: s.position):
        if step.parallel_group and step.parallel_group == group:
            group_max = max(group_max, step.minutes)
            continue
        total += group_max
        group, group_max = (step.parallel_group or None), step.minutes
    return total + group_max


def workflow_problems(
    steps: Sequence[StepSpec], statutory_minutes: int | None, minutes_per_day: int = 480
) -> list[str]:
    """Warnings about a workflow, in Vietnamese; empty when it is consistent."""
    problems: list[str] = []
    if not steps:
        return ["Quy trình chưa có bước nào."]
    ordered = sorted(steps, key=lambda s: s.position)
    seen_groups: set[str] = set()
    previous = ""
    for step in ordered:
        if step.minutes <= 0:
            problems.append(f"Bước {step.position} ({step.name}) chưa có thời gian thực hiện.")
        group = step.parallel_group
        if group and group != previous and group in seen_groups:
            problems.append(f"Các bước nhóm song song «{group}» phải liền nhau.")
        if group:
            seen_groups.add(group)
        previous = group
    for group in sorted(seen_groups):
        leads = [s for s in ordered if s.parallel_group == group and s.is_lead]
        if len(leads) != 1:
            problems.append(
                f"Nhóm song song «{group}» phải có đúng một cơ quan chủ trì (đang có {len(leads)})."
            )
    total = total_minutes(ordered)
    if statutory_minutes is None:
        problems.append(
            "Thời hạn giải quyết tính theo ngày lịch hoặc chưa xác định: không đối chiếu được tổng thời gian các bước."
        )
    elif total != statutory_minutes:
        problems.append(
            f"Tổng thời gian các bước ({format_minutes(total, minutes_per_day)}) khác thời hạn giải quyết "
            f"({format_minutes(statutory_minutes, minutes_per_day)})."
        )
    return problems


def format_minutes(minutes: int, minutes_per_day: int = 480) -> str:
    """``900`` → ``"1 ngày 7 giờ làm việc"`` (with 8-hour days)."""
    days, rest = divmod(minutes, minutes_per_day)
    hours, mins = divmod(rest, MINUTES_PER_HOUR)
    parts = []
    if days:
        parts.append(f"{days} ngày")
    if hours:
        parts.append(f"{hours} giờ")
    if mins:
        parts.append(f"{mins} phút")
    return (" ".join(parts) or "0 giờ") + " làm việc"
