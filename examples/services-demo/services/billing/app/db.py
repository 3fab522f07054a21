"""SQLAlchemy models for invoices."""

from decimal import Decimal
from typing import Iterator

from sqlalchemy import Column, Date, DateTime, ForeignKey, Integer, Numeric, String, create_engine, func
from sqlalchemy.orm import Session, declarative_base, relationship, sessionmaker

from common.settings import get_settings

engine = create_engine(get_settings().database_url, pool_pre_ping=True)
SessionLocal = sessionmaker(bind=engine, autoflush=False)
Base = declarative_base()


class Invoice(Base):
    __tablename__ = "invoices"

    id = Column(Integer, primary_key=True)
    customer_id = Column(Integer, nullable=False, index=True)
    currency = Column(String(3), nullable=False)
    vat_number = Column(String(14))
    due_date = Column(Date, nullable=False)
    status = Column(String(20), nullable=False, default="open")
    issued_at = Column(DateTime(timezone=True), nullable=False, server_default=func.now())

    items = relationship("InvoiceLine", back_populates="invoice", cascade="all, delete-orphan")

    @property
    def total(self) -> Decimal:
        return sum((line.unit_price * line.quantity for line in self.items), Decimal("0"))


class InvoiceLine(Base):
    __tablename__ = "invoice_lines"

    id = Column(Integer, primary_key=True)
    invoice_id = Column(Integer, ForeignKey("invoices.id"), nullable=False)
    sku = Column(String(8), nullable=False)
    description = Column(String(200), nullable=False)
    quantity = Column(Integer, nullable=False, default=1)
    unit_price = Column(Numeric(12, 2), nullable=False)

    invoice = relationship("Invoice", back_populates="items")


def get_db() -> Iterator[Session]:
    db = SessionLocal()
    try:
        yield db
    finally:
        db.close()
