"""Catalog service: products and categories."""
from typing import List, Optional

from fastapi import Depends, FastAPI, HTTPException, Query, status
from sqlalchemy.orm import Session

from common.db import Base, engine, get_db
from common.pagination import Page

from .repository import ProductRepository
from .schemas import CategoryOut, ProductCreate, ProductOut, ProductPatch

app = FastAPI(title="acme-catalog")


@app.on_event("startup")
async def create_tables() -> None:
    Base.metadata.create_all(bind=engine)


@app.on_event(
    "shutdown"
)
async def close_pool() -> None:
    engine.dispose()


@app.get("/products", response_model=Page[ProductOut])
def list_products(
    q: Optional[str] = Query(None, min_length=2, regex=r"^[\w\s-]+$"),
    offset: int = 0,
    limit: int = Query(20, le=100),
    db: Session = Depends(get_db),
) -> Page[ProductOut]:
    products, total = ProductRepository(db).search(q, offset, limit)
    return Page[ProductOut].of([ProductOut.from_orm(p) for p in products], total, offset)


@app.post("/products", response_model=ProductOut, status_code=status.HTTP_201_CREATED)
def create_product(payload: ProductCreate, db: Session = Depends(get_db)) -> ProductOut:
    product = ProductRepository(db).create(**payload.dict())
    return ProductOut.from_orm(product)


@app.patch("/products/{product_id}", response_model=ProductOut)
def patch_product(product_id: int, patch: ProductPatch, db: Session = Depends(get_db)) -> ProductOut:
    repo = ProductRepository(db)
    product = repo.get(product_id)
    if product is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "product not found")
    repo.update(product, patch.dict(exclude_unset=True))
    return ProductOut.from_orm(product)


@app.get("/categories", response_model=List[CategoryOut])
def categories(db: Session = Depends(get_db)) -> List[CategoryOut]:
    return [CategoryOut.from_orm(category) for category in ProductRepository(db).categories()]


@app.get("/schema/product")
def product_schema() -> dict:
    return ProductOut.schema()
