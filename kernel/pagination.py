"""Page-number pagination shared by list endpoints: ``?page=&page_size=`` →
``{"items", "count", "page", "page_size", "pages"}``."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from django.db.models import QuerySet
from ninja import Field, Schema

from kernel.errors import DomainError

T = TypeVar("T")
MAX_PAGE_SIZE = 200


class PageParams(Schema):
    page: int = Field(1, ge=1, description="Trang, bắt đầu từ 1")
    page_size: int = Field(20, ge=1, le=MAX_PAGE_SIZE, description="Số mục mỗi trang (tối đa 200)")


class Page(Schema, Generic[T]):
    items: list[T]
    count: int
    page: int
    page_size: int
    pages: int


def paginate(queryset: QuerySet[Any] | list[Any], params: PageParams) -> dict[str, Any]:
    count = queryset.count() if isinstance(queryset, QuerySet) else len(queryset)
    pages = max(1, -(-count // params.page_size))
    if params.page > pages:
        raise DomainError(
            "page_out_of_range",
            f"Trang {params.page} vượt quá số trang ({pages}).",
            fields={"page": [f"Tối đa {pages}."]},
        )
    start = (params.page - 1) * params.page_size
    return {
        "items": list(queryset[start : start + params.page_size]),
        "count": count,
        "page": params.page,
        "page_size": params.page_size,
        "pages": pages,
    }
