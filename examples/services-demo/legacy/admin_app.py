"""Old internal admin API (superseded by the services/ apps)."""

from typing import Dict

from fastapi import FastAPI
from pydantic import BaseModel, validator
from sqlalchemy import create_engine

from settings import settings

app = FastAPI(title="acme-admin (legacy)")
state: Dict[str, object] = {}


class FeatureFlag(BaseModel):
    name: str
    enabled: bool = False

    @validator("name")
    def lower_name(cls, value: str) -> str:
        return value.lower()

    class Config:
        orm_mode = True


@app.on_event("startup")
def connect() -> None:
    state["engine"] = create_engine(settings.database_url)


@app.on_event("shutdown")
def disconnect() -> None:
    state.pop("engine").dispose()


@app.put("/flags/{name}")
def set_flag(name: str, body: dict) -> dict:
    flag = FeatureFlag.parse_obj({"name": name, **body})
    return flag.dict()
