# -*- coding: utf-8 -*-
import unittest

import mock
from fastapi.testclient import TestClient

from app.main import app
from app.schemas import InvoiceCreate

LINE = {"sku": "MUG-0001", "description": "Mug", "quantity": 2, "unit_price": "9.90"}


class InvoiceSchemaTest(unittest.TestCase):
    def test_currency_defaults_to_eur(self):
        invoice = InvoiceCreate.parse_obj({"customer_id": 1, "lines": [LINE]})
        self.assertEquals(invoice.currency, u"EUR")

    def test_rejects_lowercase_currency(self):
        with self.assertRaises(ValueError):
            InvoiceCreate.parse_obj({"customer_id": 1, "currency": "eur", "lines": [LINE]})


class StatementApiTest(unittest.TestCase):
    def setUp(self):
        super(StatementApiTest, self).setUp()
        self.client = TestClient(app)

    @mock.patch("app.main.build_statement")
    def test_statement(self, build):
        build.return_value = {"customer_id": 1, "month": "2026-10", "totals": {}, "invoices": []}
        response = self.client.get("/customers/1/statement", params={"month": "2026-10"})
        self.assertEquals(response.status_code, 200)
