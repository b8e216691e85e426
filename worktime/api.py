"""Deadline arithmetic over HTTP: what is due when, and which days are not working days."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from kernel.errors import DomainError
from worktime.calendar import MAX_YEAR, MIN_YEAR, Unit
from worktime.services import work_calendar

router = Router(tags=["Lịch làm việc"])


class DueParams(Schema):
    start: datetime = Field(
        ..., description="Thời điểm tiếp nhận, ISO 8601 có múi giờ, ví dụ 2026-02-13T10:00:00+07:00"
    )
    amount: Decimal = Field(..., ge=0, le=10000, description="Số lượng thời gian")
    unit: Unit = Field(..., description="working_day | working_hour | calendar_day")
    after_15h_next_day: bool = Field(False, description="Nhận sau 15 giờ tính từ ngày làm việc tiếp theo")


class DueOut(Schema):
    start: datetime = Field(..., description="Thời điểm bắt đầu tính (đã chuyển vào giờ làm việc)")
    due: datetime = Field(..., description="Thời điểm hết hạn")


def _check_year(year: int) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise DomainError(
            "year_out_of_range",
            f"Năm phải trong khoảng {MIN_YEAR}–{MAX_YEAR}.",
            fields={"year": [f"{MIN_YEAR}–{MAX_YEAR}"]},
        )


@router.get("/calendar/due", auth=None, response=DueOut, summary="Tính thời điểm hết hạn")
def due(request: HttpRequest, params: Query[DueParams]) -> dict[str, Any]:
    if params.start.tzinfo is None:
        raise DomainError(
            "naive_datetime",
            "Thời điểm phải có múi giờ, ví dụ 2026-02-13T10:00:00+07:00.",
            fields={"start": ["Thiếu múi giờ."]},
        )
    if params.unit == Unit.CALENDAR_DAY and params.amount != params.amount.to_integral_value():
        raise DomainError(
            "invalid_amount",
            "Số ngày theo lịch phải là số nguyên.",
            fields={"amount": ["Phải là số nguyên."]},
        )
    _check_year(params.start.year)
    deadline = work_calendar().deadline(
        params.start, params.amount, params.unit, after_15h_next_day=params.after_15h_next_day
    )
    if deadline.due.year > MAX_YEAR:
        raise DomainError("year_out_of_range", f"Thời hạn vượt quá năm {MAX_YEAR}.")
    return {"start": deadline.start, "due": deadline.due}


class DayOut(Schema):
    date: date
    reason: str


class YearOut(Schema):
    year: int
    non_working_days: list[DayOut] = Field(..., description="Ngày thứ Hai–thứ Sáu không làm việc")
    make_up_working_days: list[DayOut] = Field(..., description="Ngày cuối tuần làm việc bù")
    holidays: list[DayOut] = Field(..., description="Tất cả ngày lễ, Tết (kể cả rơi vào cuối tuần)")


@router.get("/calendar/{year}", auth=None, response=YearOut, summary="Ngày nghỉ và ngày làm bù trong năm")
def year_view(request: HttpRequest, year: int) -> dict[str, Any]:
    _check_year(year)
    calendar = work_calendar()

    def days(pairs: list[tuple[date, str]]) -> list[dict[str, Any]]:
        return [{"date": day, "reason": reason} for day, reason in pairs]

    return {
        "year": year,
        "non_working_days": days(calendar.non_working_days(year)),
        "make_up_working_days": days(calendar.make_up_working_days(year)),
        "holidays": days(calendar.holidays(year)),
    }
