"""Request and response bodies of the billing service (still Pydantic 1.x)."""
from datetime import date, datetime
from decimal import Decimal
from typing import Dict, List, Optional

from pydantic import BaseModel, Field, root_validator, validator

from common.types import Sku


class InvoiceLineIn(BaseModel):
    sku: Sku
    description: str = Field(..., max_length=200)
    quantity: int = Field(1, ge=1)
    unit_price: Decimal = Field(..., ge=0)


class InvoiceCreate(BaseModel):
    customer_id: int
    currency: str = Field("EUR", regex=r"^[A-Z]{3}$")
    due_on: Optional[date]
    lines: List[InvoiceLineIn] = Field(..., min_items=1, max_items=500)
    metadata: Dict[str, str] = {}

    @validator("due_on")
    def due_in_future(cls, value):
        if value is not None and value < date.today():
            raise ValueError("due date is in the past")
        return value

    @root_validator(pre=True)
    def default_currency(cls, values):
        values.setdefault("currency", "EUR")
        return values


class InvoiceLineOut(InvoiceLineIn):
    id: int

    class Config:
        orm_mode = True


class InvoiceOut(BaseModel):
    id: int
    customer_id: int
    currency: str
    status: str
    issued_at: datetime
    due_on: Optional[date]
    lines: List[InvoiceLineOut]

    class Config:
        orm_mode = True
        allow_population_by_field_name = True
        json_encoders = {Decimal: str}

    @root_validator
    def lines_share_currency(cls, values):
        if not values.get("lines"):
            raise ValueError("an invoice has at least one line")
        return values


class InvoiceUpdate(BaseModel):
    status: Optional[str] = Field(None, regex="^(open|paid|void)$")
    due_on: Optional[date]


class PaymentWebhook(BaseModel):
    event_id: str = Field(..., alias="id")
    invoice_id: int
    amount: Decimal
    currency: str
    provider_ref: str
    status: str = Field(..., regex="^(succeeded|failed|refunded)$")

    class Config:
        allow_population_by_field_name = True
        anystr_strip_whitespace = True


class StatementOut(BaseModel):
    customer_id: int
    month: str
    totals: Dict[str, Decimal]
    invoices: List[InvoiceOut]
