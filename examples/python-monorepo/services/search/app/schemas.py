"""Search bodies (Pydantic 2, typing still Python 3.8 style)."""
from typing import Dict, List

from pydantic import BaseModel, ConfigDict, Field


class SearchHit(BaseModel):
    model_config = ConfigDict(frozen=True)

    product_id: int
    score: float = Field(ge=0)
    highlights: Dict[str, List[str]] = {}


class SearchResponse(BaseModel):
    query: str
    hits: List[SearchHit]
    total: int


class Synonyms(BaseModel):
    __root__: Dict[str, List[str]]
