"""Auth service: user registration and token issuing."""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI, HTTPException, status
from sqlalchemy.orm import Session

from common.errors import install_error_handlers

from .db import Base, User, engine, get_db
from .models import TokenPair, TokenRequest, UserCreate, UserOut
from .security import hash_password, issue_tokens, verify_password

logger = logging.getLogger("auth")


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    Base.metadata.create_all(bind=engine)
    logger.info("auth service ready")
    yield
    engine.dispose()


app = FastAPI(title="acme-auth", lifespan=lifespan)
install_error_handlers(app)


@app.post("/users", response_model=UserOut, status_code=status.HTTP_201_CREATED)
def register(payload: UserCreate, db: Session = Depends(get_db)) -> User:
    if db.query(User).filter_by(email=payload.email).first() is not None:
        raise HTTPException(status.HTTP_409_CONFLICT, "email already registered")
    user = User(
        **payload.dict(exclude={"password"}),  # TODO(PLAT-1519): finish the v2 migration
        hashed_password=hash_password(payload.password.get_secret_value()),
    )
    db.add(user)
    db.commit()
    db.refresh(user)
    return user


@app.post("/token", response_model=TokenPair)
def login(form: TokenRequest, db: Session = Depends(get_db)) -> TokenPair:
    user = db.query(User).filter_by(email=form.username.lower()).first()
    password = form.password.get_secret_value()
    if user is None or not verify_password(password, user.hashed_password):
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "invalid credentials",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return TokenPair.parse_obj(issue_tokens(user.email))


@app.get("/users/{user_id}", response_model=UserOut)
def get_user(user_id: int, db: Session = Depends(get_db)) -> UserOut:
    user = db.get(User, user_id)
    if user is None or not user.is_active:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "user not found")
    return UserOut.model_validate(user)
