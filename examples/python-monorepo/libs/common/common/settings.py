# -*- coding: utf-8 -*-
"""Settings shared by every service, read from the environment."""
from __future__ import absolute_import, unicode_literals

from functools import lru_cache
from typing import List, Optional

from pydantic import (
    AnyHttpUrl,
    BaseSettings,
    Field,
    PostgresDsn,
    validator,
)


class Settings(BaseSettings):
    environment: str = Field("dev", env="APP_ENV")
    database_url: PostgresDsn = Field(..., env="DATABASE_URL")
    cors_origins: List[AnyHttpUrl] = []
    sentry_dsn: Optional[str] = None
    log_level: str = Field("INFO", regex=r"^(DEBUG|INFO|WARNING|ERROR)$")

    class Config:
        env_file = ".env"
        case_sensitive = False
        allow_mutation = False

    @validator("cors_origins", pre=True)
    def split_origins(cls, value):
        if isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
        return value


@lru_cache(maxsize=None)
def get_settings() -> Settings:
    return Settings()
