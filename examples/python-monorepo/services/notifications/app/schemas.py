"""Notification bodies (Pydantic 2, converted with bump-pydantic)."""
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from common.types import PhoneNumber


class NotificationIn(BaseModel):
    channel: Literal["email", "sms"]
    recipient: str = Field(max_length=320)
    template: str = Field(pattern=r"^[a-z_]+$")
    template_vars: dict[str, str] = {}

    @field_validator("recipient")
    @classmethod
    def recipient_matches_channel(cls, value: str, info) -> str:
        if info.data.get("channel") == "sms":
            PhoneNumber.validate(value)
        return value


class NotificationOut(BaseModel):
    # TODO[pydantic]: The following keys were removed: `json_encoders`.
    # Check https://docs.pydantic.dev/dev-v2/migration/#changes-to-config for more information.
    model_config = ConfigDict(from_attributes=True)

    id: int
    channel: str
    recipient: str
    status: str
    created_at: datetime
