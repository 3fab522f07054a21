"""SQLAlchemy models for products and categories."""

from typing import Iterator

from sqlalchemy import Boolean, Column, ForeignKey, Integer, Numeric, String, Text, create_engine
from sqlalchemy.orm import Session, declarative_base, relationship, sessionmaker

from common.settings import get_settings

engine = create_engine(get_settings().database_url, pool_pre_ping=True)
SessionLocal = sessionmaker(bind=engine, autoflush=False)
Base = declarative_base()


class Category(Base):
    __tablename__ = "categories"

    id = Column(Integer, primary_key=True)
    name = Column(String(100), nullable=False, unique=True)
    parent_id = Column(Integer, ForeignKey("categories.id"))

    products = relationship("Product", back_populates="category")


class Product(Base):
    __tablename__ = "products"

    id = Column(Integer, primary_key=True)
    slug = Column(String(80), nullable=False, unique=True)
    name = Column(String(200), nullable=False)
    description = Column(Text)
    price_amount = Column(Numeric(12, 2), nullable=False)
    price_currency = Column(String(3), nullable=False, default="EUR")
    tags = Column(String(500), nullable=False, default="")
    image_url = Column(String(500))
    in_stock = Column(Boolean, nullable=False, default=False)
    category_id = Column(Integer, ForeignKey("categories.id"))

    category = relationship("Category", back_populates="products")

    @property
    def price(self) -> dict:
        return {"amount": self.price_amount, "currency": self.price_currency}


def get_db() -> Iterator[Session]:
    db = SessionLocal()
    try:
        yield db
    finally:
        db.close()
