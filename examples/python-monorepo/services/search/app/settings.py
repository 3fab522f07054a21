"""Search settings (already on pydantic-settings)."""
from functools import lru_cache

from pydantic_settings import BaseSettings, SettingsConfigDict


class SearchSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SEARCH_")

    index_path: str = "data/index.json"


@lru_cache
def get_settings() -> SearchSettings:
    return SearchSettings()
