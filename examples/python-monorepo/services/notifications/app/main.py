"""Notifications service: e-mail and SMS delivery (fully migrated)."""
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI
from sqlalchemy import select
from sqlalchemy.orm import Session

from common.db import get_db

from .models import Notification
from .schemas import NotificationIn, NotificationOut
from .sender import build_sender


@asynccontextmanager
async def lifespan(app: FastAPI):
    sender = build_sender()
    app.state.sender = sender
    try:
        yield
    finally:
        await sender.aclose()


app = FastAPI(title="acme-notifications", lifespan=lifespan)


@app.post("/notifications", response_model=NotificationOut, status_code=202)
async def send(payload: NotificationIn, db: Session = Depends(get_db)) -> NotificationOut:
    notification = Notification(**payload.model_dump(exclude={"template_vars"}))
    db.add(notification)
    db.commit()
    await app.state.sender.send(notification, payload.template_vars)
    return NotificationOut.model_validate(notification)


@app.get("/notifications", response_model=list[NotificationOut])
def recent(limit: int = 50, db: Session = Depends(get_db)) -> list[NotificationOut]:
    stmt = select(Notification).order_by(Notification.created_at.desc()).limit(limit)
    return [NotificationOut.model_validate(row) for row in db.scalars(stmt)]
