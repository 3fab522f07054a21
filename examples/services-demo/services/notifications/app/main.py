"""Notifications service: sends email, SMS and push messages through a provider."""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from fastapi import Depends, FastAPI, HTTPException, Request, status
from sqlalchemy.orm import Session

from common.errors import install_error_handlers

from .db import Base, Delivery, engine, get_db
from .models import DeliveryOut, NotificationRequest, NotificationSettings

logger = logging.getLogger("notifications")


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings = NotificationSettings()
    Base.metadata.create_all(bind=engine)
    async with httpx.AsyncClient(
        base_url=settings.provider_url,
        headers={"Authorization": f"Bearer {settings.provider_token}"},
        timeout=settings.timeout_seconds,
    ) as client:
        app.state.provider = client
        app.state.settings = settings
        yield
    engine.dispose()


app = FastAPI(title="acme-notifications", lifespan=lifespan)
install_error_handlers(app)


@app.post("/notifications", response_model=DeliveryOut, status_code=status.HTTP_202_ACCEPTED)
async def send(
    notification: NotificationRequest, request: Request, db: Session = Depends(get_db)
) -> DeliveryOut:
    delivery = Delivery(
        **notification.model_dump(include={"channel", "recipient", "template"}),
        payload=notification.model_dump_json(),
    )
    db.add(delivery)
    db.commit()
    message = {"from": request.app.state.settings.sender, **notification.model_dump(mode="json")}
    response = await request.app.state.provider.post("", json=message)
    if response.is_error:
        delivery.status = "failed"
        db.commit()
        raise HTTPException(status.HTTP_502_BAD_GATEWAY, "provider rejected the message")
    delivery.status = "sent"
    delivery.provider_id = response.json().get("id")
    db.commit()
    db.refresh(delivery)
    return DeliveryOut.model_validate(delivery)
