"""Request and response bodies of the auth service (converted with bump-pydantic)."""
from typing import Optional

from pydantic import (
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    field_validator,
    model_validator,
    root_validator,
)


class UserCreate(BaseModel):
    email: EmailStr
    password: str = Field(min_length=12)
    password_confirm: str

    @field_validator("email")
    @classmethod
    def lowercase_email(cls, value: str) -> str:
        return value.lower()

    # TODO[pydantic]: We couldn't refactor the `root_validator`, please replace it by `model_validator` manually.
    # Check https://docs.pydantic.dev/dev-v2/migration/#changes-to-validators for more information.
    @root_validator
    def passwords_match(cls, values):
        if values.get("password") != values.get("password_confirm"):
            raise ValueError("passwords do not match")
        return values


class UserUpdate(BaseModel):
    display_name: Optional[str] = Field(None, max_length=80)
    locale: Optional[str] = Field(None, pattern=r"^[a-z]{2}(-[A-Z]{2})?$")


class UserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    email: EmailStr
    display_name: Optional[str] = None


class Token(BaseModel):
    access_token: str
    token_type: str = "bearer"

    @model_validator(skip_on_failure=True)
    def bearer_only(cls, values):
        if values.get("token_type") != "bearer":
            raise ValueError("only bearer tokens are issued")
        return values
