"""Paginated responses for the list endpoints."""
from typing import Generic, List, Sequence, TypeVar

from pydantic.generics import GenericModel

T = TypeVar("T")


class Page(GenericModel, Generic[T]):
    items: List[T]
    total: int
    offset: int = 0

    @classmethod
    def of(cls, items: Sequence[T], total: int, offset: int = 0) -> "Page[T]":
        return cls(items=list(items), total=total, offset=offset)
