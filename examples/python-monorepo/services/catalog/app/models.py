"""Catalog tables (SQLAlchemy 1.3 declarative, untouched)."""
from sqlalchemy import Column, ForeignKey, Integer, Numeric, String, Table
from sqlalchemy.orm import relationship

from common.db import Base, metadata

product_categories = Table(
    "product_categories",
    metadata,
    Column("product_id", ForeignKey("products.id"), primary_key=True),
    Column("category_id", ForeignKey("categories.id"), primary_key=True),
)


class Category(Base):
    __tablename__ = "categories"

    id = Column(Integer, primary_key=True)
    name = Column(String(80), nullable=False)
    parent_id = Column(ForeignKey("categories.id"))
    children = relationship("Category")


class Product(Base):
    __tablename__ = "products"

    id = Column(Integer, primary_key=True)
    sku = Column(String(9), unique=True, nullable=False)
    name = Column(String(120), nullable=False)
    price = Column(Numeric(10, 2), nullable=False)
    tags = Column(String(400), default="")
    categories = relationship(Category, secondary=product_categories, lazy="dynamic")
