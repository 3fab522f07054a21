"""Nightly catalog export to the warehouse bucket (replaced by catalog-sync)."""

import gzip
from datetime import datetime
from typing import List, Optional

from pydantic import BaseModel, Field, parse_obj_as, validator
from sqlalchemy import create_engine, text

from settings import settings


class ExportRow(BaseModel):
    slug: str = Field(..., regex=r"^[a-z0-9-]+$")
    name: str
    price: float
    tags: List[str] = []
    exported_at: Optional[datetime] = None

    @validator("tags", pre=True, each_item=False)
    def split_tags(cls, value):
        return value.split(",") if isinstance(value, str) else value

    class Config:
        orm_mode = True


class ExportBatch(BaseModel):
    rows: List[ExportRow]
    generated_at: datetime = Field(default_factory=datetime.utcnow)

    def to_jsonl(self) -> str:
        return "\n".join(row.json(exclude_none=True) for row in self.rows)


def fetch_rows() -> List[ExportRow]:
    engine = create_engine(settings.database_url)
    with engine.connect() as conn:
        result = conn.execute(text("SELECT slug, name, price_amount AS price, tags FROM products"))
        return parse_obj_as(List[ExportRow], [dict(row) for row in result])


def main() -> None:
    batch = ExportBatch(rows=fetch_rows())
    stamped = batch.copy(update={"generated_at": datetime.utcnow()})
    target = f"catalog-{stamped.generated_at:%Y%m%d}.jsonl.gz"
    with gzip.open(target, "wt") as handle:
        handle.write(stamped.to_jsonl())
    summary = ExportBatch.parse_raw(stamped.json())
    print(f"wrote {len(summary.rows)} rows to {target}", summary.dict(include={"generated_at"}))


if __name__ == "__main__":
    main()
