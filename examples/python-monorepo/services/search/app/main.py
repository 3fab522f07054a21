"""Search service: full-text search over the catalog's products."""
from typing import List, Optional

from fastapi import FastAPI, Query

from .engine import SearchEngine
from .schemas import SearchHit, SearchResponse
from .settings import get_settings

engine = SearchEngine()


def load_index() -> None:
    engine.load(get_settings().index_path)


def flush_index() -> None:
    engine.flush()


app = FastAPI(title="acme-search", on_startup=[load_index], on_shutdown=[flush_index])
app.add_event_handler("startup", engine.warm_cache)


@app.get("/search", response_model=SearchResponse)
def search(
    q: str = Query(..., min_length=2, pattern=r"^[\w\s-]+$"),
    tags: Optional[List[str]] = Query(None),
    limit: int = Query(20, le=100),
) -> SearchResponse:
    hits: List[SearchHit] = engine.search(q, tags or [], limit)
    return SearchResponse(query=q, hits=hits, total=len(hits))
