"""Monthly statements, built with SQL Core (SQLAlchemy 1.3 style)."""
from decimal import Decimal
from typing import Dict, Tuple

from sqlalchemy import and_, func, select, text

from common.db import engine

from .models import Invoice, InvoiceLine
from .schemas import InvoiceOut, StatementOut


def month_bounds(month: str) -> Tuple[str, str]:
    year, number = (int(part) for part in month.split("-"))
    next_year, next_number = (year + 1, 1) if number == 12 else (year, number + 1)
    return f"{year:04d}-{number:02d}-01", f"{next_year:04d}-{next_number:02d}-01"


def totals_by_currency(customer_id: int, month: str) -> Dict[str, Decimal]:
    start, end = month_bounds(month)
    stmt = select(
        [Invoice.currency, func.sum(InvoiceLine.quantity * InvoiceLine.unit_price)]
    ).where(
        and_(
            Invoice.customer_id == customer_id,
            Invoice.issued_at >= start,
            Invoice.issued_at < end,
        )
    ).group_by(Invoice.currency)
    rows = engine.execute(stmt).fetchall()
    return {currency: total for currency, total in rows}


def build_statement(db, customer_id: int, month: str) -> StatementOut:
    start, end = month_bounds(month)
    invoices = (
        db.query(Invoice)
        .filter(Invoice.customer_id == customer_id, Invoice.issued_at >= start, Invoice.issued_at < end)
        .all()
    )
    return StatementOut(
        customer_id=customer_id,
        month=month,
        totals=totals_by_currency(customer_id, month),
        invoices=[InvoiceOut.from_orm(invoice) for invoice in invoices],
    )


def purge_drafts(older_than_days: int) -> int:
    with engine.connect() as conn:
        result = conn.execute(
            text(
                "DELETE FROM invoices WHERE status = 'draft' "
                "AND issued_at < now() - :days * interval '1 day'"
            ).execution_options(autocommit=True),
            {"days": older_than_days},
        )
    return result.rowcount


def refresh_reporting_views() -> None:
    with engine.connect() as conn:
        conn.execute("REFRESH MATERIALIZED VIEW billing_monthly_totals")
