"""Notification schemas (pydantic 2)."""

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class NotificationSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="NOTIFY_")

    provider_url: str = "https://mail-provider.internal/v1/messages"
    provider_token: str = ""
    sender: str = "no-reply@acme.example"
    timeout_seconds: float = 5.0


class Channel(StrEnum):
    EMAIL = "email"
    SMS = "sms"
    PUSH = "push"


class NotificationRequest(BaseModel):
    channel: Channel
    recipient: str = Field(min_length=3, max_length=320)
    template: str = Field(pattern=r"^[a-z0-9_.]+$")
    variables: dict[str, Any] = {}

    @field_validator("recipient")
    @classmethod
    def strip_recipient(cls, value: str) -> str:
        return value.strip()

    @model_validator(mode="after")
    def check_recipient_format(self) -> "NotificationRequest":
        if self.channel is Channel.EMAIL and "@" not in self.recipient:
            raise ValueError("email notifications need an email address")
        if self.channel is Channel.SMS and not self.recipient.lstrip("+").isdigit():
            raise ValueError("sms notifications need a phone number")
        return self


class DeliveryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    channel: Channel
    recipient: str
    template: str
    status: str
    provider_id: str | None = None
    created_at: datetime
