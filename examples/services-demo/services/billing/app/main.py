"""Billing service: invoices and payment webhooks."""

import logging

from fastapi import Depends, FastAPI, HTTPException, Request, status
from sqlalchemy.orm import Session

from common.errors import install_error_handlers
from common.settings import get_settings

from .db import Base, Invoice, InvoiceLine, engine, get_db
from .models import InvoiceCreate, InvoiceOut, PaymentWebhook

logger = logging.getLogger("billing")
app = FastAPI(title="acme-billing")
install_error_handlers(app)


@app.on_event("startup")
def create_tables() -> None:
    Base.metadata.create_all(bind=engine)
    logger.info("billing started (%s)", get_settings().environment)


@app.on_event("shutdown")
def dispose_engine() -> None:
    engine.dispose()


@app.post("/invoices", response_model=InvoiceOut, status_code=status.HTTP_201_CREATED)
def create_invoice(payload: InvoiceCreate, db: Session = Depends(get_db)) -> Invoice:
    invoice = Invoice(**payload.dict(exclude={"items"}), status="open")
    invoice.items = [InvoiceLine(**item.dict()) for item in payload.items]
    db.add(invoice)
    db.commit()
    db.refresh(invoice)
    return invoice


@app.get("/invoices/{invoice_id}", response_model=InvoiceOut)
def get_invoice(invoice_id: int, db: Session = Depends(get_db)) -> Invoice:
    invoice = db.get(Invoice, invoice_id)
    if invoice is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "invoice not found")
    return invoice


@app.post("/webhooks/payments", status_code=status.HTTP_202_ACCEPTED)
async def payment_webhook(request: Request, db: Session = Depends(get_db)) -> dict:
    event = PaymentWebhook.parse_raw(await request.body())
    invoice = db.get(Invoice, event.invoice_id)
    if invoice is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "invoice not found")
    if event.status == "succeeded":
        invoice.status = "paid"
    elif event.status == "refunded":
        invoice.status = "refunded"
    db.commit()
    logger.info("payment event %s", event.json(by_alias=True))
    return {"accepted": event.event_id}


@app.get("/invoices/{invoice_id}/export")
def export_invoice(invoice_id: int, db: Session = Depends(get_db)) -> dict:
    snapshot = InvoiceOut.from_orm(get_invoice(invoice_id, db))
    return snapshot.copy(update={"status": "exported"}).dict()
