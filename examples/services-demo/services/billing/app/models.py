"""Billing schemas (still pydantic 1.x, see PLAT-1432)."""

from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import List, Optional

from pydantic import BaseModel, Field, root_validator, validator


class Currency(str, Enum):
    EUR = "EUR"
    USD = "USD"
    GBP = "GBP"


class LineItem(BaseModel):
    sku: str = Field(..., regex=r"^[A-Z]{3}-\d{4}$")
    description: str = Field(..., max_length=200)
    quantity: int = Field(1, gt=0)
    unit_price: Decimal = Field(..., ge=0)

    class Config:
        orm_mode = True


class InvoiceCreate(BaseModel):
    customer_id: int
    currency: Currency = Currency.EUR
    vat_number: Optional[str] = Field(None, regex=r"^[A-Z]{2}[0-9A-Z]{2,12}$")
    due_date: date
    items: List[LineItem] = Field(..., min_items=1)

    @validator("due_date")
    def due_date_not_in_past(cls, value: date) -> date:
        if value < date.today():
            raise ValueError("due_date must not be in the past")
        return value

    @root_validator
    def eu_vat_requires_eur(cls, values):
        if values.get("vat_number") and values.get("currency") != Currency.EUR:
            raise ValueError("invoices with an EU VAT number must be issued in EUR")
        return values


class InvoiceOut(BaseModel):
    id: int
    customer_id: int
    currency: Currency
    status: str
    total: Decimal
    issued_at: datetime
    items: List[LineItem]

    class Config:
        orm_mode = True
        json_encoders = {Decimal: str}


class PaymentWebhook(BaseModel):
    event_id: str = Field(..., alias="id")
    invoice_id: int
    amount: Decimal
    status: str

    @validator("status")
    def known_status(cls, value: str) -> str:
        if value not in {"succeeded", "failed", "refunded"}:
            raise ValueError(f"unknown payment status {value!r}")
        return value

    class Config:
        allow_population_by_field_name = True
