# -*- coding: utf-8 -*-
"""Billing service: invoices, payment webhooks and monthly statements."""
from __future__ import absolute_import

import logging
from typing import List

from fastapi import Depends, FastAPI, HTTPException, Request, status
from sqlalchemy.orm import Session, joinedload

from common.db import Base, engine, get_db
from common.errors import install_error_handlers

from .models import Invoice, InvoiceLine, Payment
from .schemas import InvoiceCreate, InvoiceOut, InvoiceUpdate, PaymentWebhook, StatementOut
from .statements import build_statement

logger = logging.getLogger("billing")
app = FastAPI(title="acme-billing")
install_error_handlers(app)


@app.on_event("startup")
def create_tables() -> None:
    Base.metadata.create_all(bind=engine)


@app.on_event("shutdown")
def dispose_engine() -> None:
    engine.dispose()


@app.post("/invoices", response_model=InvoiceOut, status_code=status.HTTP_201_CREATED)
def create_invoice(payload: InvoiceCreate, db: Session = Depends(get_db)) -> InvoiceOut:
    invoice = Invoice(**payload.dict(exclude={"lines", "metadata"}), status="open")
    invoice.lines = [InvoiceLine(**line.dict()) for line in payload.lines]
    db.add(invoice)
    db.commit()
    return InvoiceOut.from_orm(invoice)


@app.get("/invoices", response_model=List[InvoiceOut])
def list_invoices(customer_id: int, db: Session = Depends(get_db)) -> List[InvoiceOut]:
    invoices = (
        db.query(Invoice)
        .options(joinedload("lines"))
        .filter(Invoice.customer_id == customer_id)
        .order_by(Invoice.issued_at.desc())
        .all()
    )
    return [InvoiceOut.from_orm(invoice) for invoice in invoices]


@app.get("/invoices/{invoice_id}", response_model=InvoiceOut)
def get_invoice(invoice_id: int, db: Session = Depends(get_db)) -> InvoiceOut:
    invoice = db.query(Invoice).get(invoice_id)
    if invoice is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "invoice not found")
    return InvoiceOut.from_orm(invoice)


@app.patch("/invoices/{invoice_id}", response_model=InvoiceOut)
def update_invoice(
    invoice_id: int, changes: InvoiceUpdate, db: Session = Depends(get_db)
) -> InvoiceOut:
    invoice = db.query(Invoice).get(invoice_id)
    if invoice is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "invoice not found")
    current = InvoiceOut.from_orm(invoice)
    updated = current.copy(update=changes.dict(exclude_unset=True))
    for field, value in updated.dict(include={"status", "due_on"}).items():
        setattr(invoice, field, value)
    db.commit()
    return updated


@app.post("/webhooks/payments", status_code=status.HTTP_202_ACCEPTED)
async def payment_webhook(request: Request, db: Session = Depends(get_db)) -> dict:
    event = PaymentWebhook.parse_raw(await request.body())
    invoice = db.query(Invoice).get(event.invoice_id)
    if invoice is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "invoice not found")
    db.add(Payment(**event.dict(include={"amount", "currency", "provider_ref"}), invoice_id=invoice.id))
    if event.status == "succeeded":
        invoice.status = "paid"
    db.commit()
    logger.info("payment event %s", event.json(by_alias=True))
    return {"accepted": event.event_id}


@app.get("/customers/{customer_id}/statement", response_model=StatementOut)
def statement(customer_id: int, month: str, db: Session = Depends(get_db)) -> StatementOut:
    return build_statement(db, customer_id, month)
