"""Catalog bodies (still Pydantic 1.x)."""
from decimal import Decimal
from typing import FrozenSet, List, Optional, Set

from pydantic import BaseModel, Field, HttpUrl, conlist, validator

from common.types import Sku

RESERVED_TAGS: FrozenSet[str] = frozenset({"new", "sale"})


class CategoryOut(BaseModel):
    id: int
    name: str
    parent_id: Optional[int]
    children: List["CategoryOut"] = []

    class Config:
        orm_mode = True


CategoryOut.update_forward_refs()


class ProductBase(BaseModel):
    sku: Sku
    name: str = Field(..., min_length=1, max_length=120)
    price: Decimal = Field(..., ge=0)
    tags: Set[str] = set()
    images: conlist(HttpUrl, max_items=8) = []
    kind: str = Field("physical", const=True)

    @validator("tags", each_item=True)
    def tag_is_allowed(cls, tag):
        if tag in RESERVED_TAGS:
            raise ValueError(f"{tag} is reserved")
        return tag.lower()


class ProductCreate(ProductBase):
    category_ids: List[int] = Field(default_factory=list, unique_items=True)


class ProductPatch(BaseModel):
    name: Optional[str]
    price: Optional[Decimal]
    tags: Optional[Set[str]]


class ProductOut(ProductBase):
    id: int

    class Config:
        orm_mode = True
        schema_extra = {"example": {"sku": "MUG-0001", "name": "Mug", "price": "9.90"}}
