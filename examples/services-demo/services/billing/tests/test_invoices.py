from datetime import date, timedelta
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from app.main import app
from app.models import InvoiceCreate, LineItem, PaymentWebhook


def _payload(**overrides) -> dict:
    data = {
        "customer_id": 42,
        "currency": "EUR",
        "due_date": (date.today() + timedelta(days=30)).isoformat(),
        "items": [{"sku": "SUB-0001", "description": "Pro plan", "quantity": 1, "unit_price": "49.00"}],
    }
    data.update(overrides)
    return data


def test_line_item_sku_format():
    with pytest.raises(ValidationError):
        LineItem.parse_obj({"sku": "bad", "description": "x", "unit_price": "1"})


def test_eu_vat_requires_eur():
    with pytest.raises(ValidationError):
        InvoiceCreate.parse_obj(_payload(vat_number="DE123456789", currency="USD"))


def test_webhook_accepts_field_name_or_alias():
    by_alias = PaymentWebhook(id="evt_1", invoice_id=1, amount="10", status="succeeded")
    by_name = PaymentWebhook(event_id="evt_1", invoice_id=1, amount="10", status="succeeded")
    assert by_alias == by_name


def test_create_invoice_roundtrip():
    with TestClient(app) as client:
        response = client.post("/invoices", json=_payload())
        assert response.status_code == 201
        body = response.json()
        assert body["status"] == "open"
        assert Decimal(body["total"]) == Decimal("49.00")
