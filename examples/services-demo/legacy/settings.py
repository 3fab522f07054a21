"""Settings for the old maintenance scripts."""

from typing import Optional

from pydantic import BaseSettings, Field, PostgresDsn, validator


class ScriptSettings(BaseSettings):
    database_url: PostgresDsn
    warehouse_bucket: str = Field(..., regex=r"^[a-z0-9.-]{3,63}$")
    batch_size: int = 500
    dry_run: bool = True
    slack_webhook: Optional[str] = None

    @validator("batch_size")
    def positive_batch(cls, value: int) -> int:
        if value <= 0:
            raise ValueError("batch_size must be positive")
        return value

    class Config:
        env_prefix = "LEGACY_"
        env_file = ".env.legacy"


settings = ScriptSettings()
