"""Catalog schemas. Still pydantic 1.x, see PLAT-1432 for the v2 migration."""

from decimal import Decimal
from typing import Dict, List, Optional

from pydantic import BaseModel, Field, HttpUrl, root_validator, validator


class Money(BaseModel):
    amount: Decimal = Field(..., ge=0)
    currency: str = Field("EUR", regex=r"^[A-Z]{3}$")


class ProductBase(BaseModel):
    slug: str = Field(..., regex=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=80)
    name: str = Field(..., min_length=1, max_length=200)
    description: Optional[str] = None
    price: Money
    tags: List[str] = []
    image_url: Optional[HttpUrl] = None

    @validator("tags", pre=True)
    def split_tags(cls, value):
        if isinstance(value, str):
            return [tag for tag in value.split(",") if tag]
        return value

    @validator("tags", each_item=True)
    def normalise_tag(cls, tag: str) -> str:
        return tag.strip().lower()


class ProductCreate(ProductBase):
    pass


class ProductUpdate(BaseModel):
    name: Optional[str] = None
    description: Optional[str] = None
    price: Optional[Money] = None
    tags: Optional[List[str]] = None

    @root_validator(pre=True)
    def at_least_one_field(cls, values: Dict) -> Dict:
        if not any(value is not None for value in values.values()):
            raise ValueError("an update must change at least one field")
        return values


class ProductOut(ProductBase):
    id: int
    in_stock: bool

    class Config:
        orm_mode = True


class CategoryOut(BaseModel):
    id: int
    name: str
    parent_id: Optional[int] = None
    products: List[ProductOut] = []

    class Config:
        orm_mode=True
        anystr_strip_whitespace = True
