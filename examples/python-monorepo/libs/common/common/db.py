"""Engine, session factory and declarative base shared by the services (SQLAlchemy 1.3 style)."""
from contextlib import contextmanager
from typing import Iterator

import six
from sqlalchemy import MetaData, create_engine
from sqlalchemy.ext.declarative import declarative_base
from sqlalchemy.orm import Session, sessionmaker

from .settings import get_settings

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

engine = create_engine(
    six.text_type(get_settings().database_url),
    future=True,
    pool_pre_ping=True,
)
metadata = MetaData(bind=engine, naming_convention=NAMING_CONVENTION)
Base = declarative_base(metadata=metadata)
SessionLocal = sessionmaker(bind=engine, autocommit=True, autoflush=False)


@contextmanager
def session_scope() -> Iterator[Session]:
    """A transaction around a block; nested calls join the outer transaction."""
    session = SessionLocal()
    session.begin(subtransactions=True)
    try:
        yield session
        session.commit()
    except Exception:
        session.rollback()
        raise
    finally:
        session.close()


def get_db() -> Iterator[Session]:
    """FastAPI dependency: one session per request."""
    session = SessionLocal()
    try:
        yield session
    finally:
        session.close()


def healthcheck() -> bool:
    try:
        engine.execute("SELECT 1")
    except IOError:
        return False
    return True
