"""Catalog service: products and categories, cached in Redis."""

import json
from typing import List, Optional

import redis
from fastapi import Depends, FastAPI, HTTPException, status
from sqlalchemy.orm import Session

from common.errors import install_error_handlers
from common.settings import get_settings

from .categories import router as categories_router
from .db import Product, get_db
from .models import ProductCreate, ProductOut, ProductUpdate

app = FastAPI(title="acme-catalog")
install_error_handlers(app)
app.include_router(categories_router)
cache: Optional[redis.Redis] = None
CACHE_TTL = 300


@app.on_event("startup")
def connect_cache() -> None:
    global cache
    cache = redis.Redis.from_url(get_settings().redis_url)


@app.on_event("shutdown")
def close_cache() -> None:
    if cache is not None:
        cache.close()


@app.get("/products", response_model=List[ProductOut])
def list_products(db: Session = Depends(get_db)) -> List[ProductOut]:
    cached = cache.get("products:all") if cache else None
    if cached:
        return [ProductOut.parse_obj(row) for row in json.loads(cached)]
    products = [ProductOut.from_orm(p) for p in db.query(Product).order_by(Product.name)]
    if cache:
        rows = [product.dict() for product in products]
        cache.setex("products:all", CACHE_TTL, json.dumps(rows, default=str))
    return products


@app.get("/products/{slug}", response_model=ProductOut)
def get_product(slug: str, db: Session = Depends(get_db)) -> ProductOut:
    cached = cache.get(f"products:{slug}") if cache else None
    if cached:
        return ProductOut.parse_raw(cached)
    product = db.query(Product).filter_by(slug=slug).one_or_none()
    if product is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no product {slug!r}")
    out = ProductOut.from_orm(product)
    if cache:
        cache.setex(f"products:{slug}", CACHE_TTL, out.json())
    return out


@app.post("/products", response_model=ProductOut, status_code=status.HTTP_201_CREATED)
def create_product(payload: ProductCreate, db: Session = Depends(get_db)) -> Product:
    product = Product(**payload.dict(exclude={"price", "tags"}), tags=",".join(payload.tags))
    product.price_amount, product.price_currency = payload.price.amount, payload.price.currency
    db.add(product)
    db.commit()
    return product


@app.patch("/products/{slug}", response_model=ProductOut)
def update_product(slug: str, payload: ProductUpdate, db: Session = Depends(get_db)) -> ProductOut:
    current = get_product(slug, db)
    updated = current.copy(update=payload.dict(exclude_unset=True))
    changes = {"name": updated.name, "description": updated.description, "tags": ",".join(updated.tags)}
    db.query(Product).filter_by(slug=slug).update(changes)
    db.commit()
    if cache:
        cache.delete(f"products:{slug}", "products:all")
    return updated

