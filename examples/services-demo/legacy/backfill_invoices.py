"""Backfill invoice totals from the old CSV exports (2021)."""

import csv
import json
import sys
from decimal import Decimal
from typing import Iterator, List

from pydantic import BaseModel, Field, root_validator, validator

from settings import settings


class CsvInvoiceLine(BaseModel):
    sku: str = Field(..., regex=r"^[A-Z]{3}-\d{4}$")
    quantity: int
    unit_price: Decimal

    @validator("unit_price", pre=True)
    def strip_currency_symbol(cls, value):
        return str(value).lstrip("€$£").replace(",", ".")


class CsvInvoice(BaseModel):
    number: str = Field(..., regex=r"^INV-\d{6}$")
    customer_id: int
    lines: List[CsvInvoiceLine]
    total: Decimal

    @root_validator
    def total_matches_lines(cls, values):
        lines = values.get("lines") or []
        expected = sum(line.unit_price * line.quantity for line in lines)
        if values.get("total") is not None and values["total"] != expected:
            raise ValueError(f"total {values['total']} != {expected}")
        return values

    class Config:
        orm_mode = True
        anystr_strip_whitespace = True


def read_invoices(path: str) -> Iterator[CsvInvoice]:
    with open(path, newline="") as handle:
        for row in csv.DictReader(handle):
            row["lines"] = json.loads(row["lines"])
            yield CsvInvoice.parse_obj(row)


def main(path: str) -> None:
    for invoice in read_invoices(path):
        if settings.dry_run:
            print(invoice.json(indent=2))
            continue
        record = invoice.dict(exclude={"lines"})
        print(json.dumps(record, default=str))


if __name__ == "__main__":
    main(sys.argv[1])
