import pytest
from fastapi.testclient import TestClient

from app.main import app
from app.schemas import ProductCreate


@pytest.fixture
def client():
    with TestClient(app) as client:
        yield client


def test_tags_are_lowercased():
    product = ProductCreate.parse_obj({"sku": "MUG-0001", "name": "Mug", "price": "9.90", "tags": ["Kitchen"]})
    assert product.tags == {"kitchen"}


def test_schema_endpoint(client):
    response = client.get("/schema/product")
    assert response.json()["title"] == "ProductOut"
