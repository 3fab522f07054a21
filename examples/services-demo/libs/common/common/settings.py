"""Settings shared by all acme services.

Works with both pydantic 1.x (billing, catalog) and 2.x (auth, notifications)
until the migration is finished (PLAT-1432).
"""

from functools import lru_cache

try:  # pydantic 2.x
    from pydantic_settings import BaseSettings, SettingsConfigDict
except ImportError:  # pragma: no cover - pydantic 1.x services
    from pydantic import BaseSettings

    SettingsConfigDict = None


class ServiceSettings(BaseSettings):
    service_name: str = "acme"
    environment: str = "dev"
    database_url: str = "sqlite:///./acme.db"
    redis_url: str = "redis://localhost:6379/0"
    log_level: str = "INFO"
    jwt_secret: str = "change-me"
    jwt_ttl_seconds: int = 900

    if SettingsConfigDict is not None:
        model_config = SettingsConfigDict(env_prefix="ACME_", env_file=".env")
    else:

        class Config:
            env_prefix = "ACME_"
            env_file = ".env"


@lru_cache
def get_settings() -> ServiceSettings:
    return ServiceSettings()
