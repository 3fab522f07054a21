import pytest
from pydantic import ValidationError

from app.models import Money, ProductCreate, ProductOut, ProductUpdate

PRODUCT = {
    "slug": "trail-shoe-42",
    "name": "  Trail   Shoe ",
    "price": {"amount": "129.90", "currency": "EUR"},
    "tags": "Outdoor, Running",
}


def test_tags_are_split_and_normalised():
    product = ProductCreate.parse_obj(PRODUCT)
    assert product.tags == ["outdoor", "running"]


def test_slug_must_be_kebab_case():
    with pytest.raises(ValidationError):
        ProductCreate.parse_obj({**PRODUCT, "slug": "Trail Shoe"})


def test_currency_code():
    with pytest.raises(ValidationError):
        Money(amount="1.00", currency="euro")


def test_empty_update_is_rejected():
    with pytest.raises(ValidationError):
        ProductUpdate()


def test_cache_roundtrip():
    out = ProductOut(id=7, in_stock=True, **ProductCreate.parse_obj(PRODUCT).dict())
    assert ProductOut.parse_raw(out.json()) == out
