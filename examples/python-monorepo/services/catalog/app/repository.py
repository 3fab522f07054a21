"""Data access for products and categories (SQLAlchemy 1.x Query API)."""
from typing import List, Optional, Tuple

from sqlalchemy import func, or_
from sqlalchemy.orm import Session, joinedload

from .models import Category, Product


class ProductRepository(object):
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, product_id: int) -> Optional[Product]:
        return self.session.query(Product).get(product_id)

    def search(self, text: Optional[str], offset: int, limit: int) -> Tuple[List[Product], int]:
        query = self.session.query(Product)
        if text:
            pattern = "%{}%".format(text)
            query = query.filter(or_(Product.name.ilike(pattern), Product.tags.ilike(pattern)))
        total = query.count()
        return query.order_by(Product.name).offset(offset).limit(limit).all(), total

    def create(self, **fields) -> Product:
        product = Product(**fields)
        self.session.add(product)
        self.session.commit()
        return product

    def update(self, product: Product, changes: dict) -> None:
        for field, value in changes.items():
            setattr(product, field, value)
        self.session.commit()

    def categories(self) -> List[Category]:
        return self.session.query(Category).options(joinedload("children")).all()

    def subcategories_of(self, parent_id: int) -> List[Category]:
        query = self.session.query(Category).join("children", aliased=True)
        return query.filter(Category.id == parent_id).all()

    def best_sellers(self, limit: int = 10) -> List[Product]:
        ranked = (
            self.session.query(Product, func.count().label("orders"))
            .group_by(Product.id)
            .from_self(Product)
            .limit(limit)
        )
        return ranked.all()
