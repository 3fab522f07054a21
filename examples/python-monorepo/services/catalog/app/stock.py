"""Classical mapping of the warehouse's stock table (SQLAlchemy 1.3)."""
from sqlalchemy import Table
from sqlalchemy.orm import mapper

from common.db import metadata

stock_table = Table("stock_levels", metadata, autoload=True)


class StockLevel(object):
    def __repr__(self):
        return u"<StockLevel %s@%s>" % (self.sku, self.warehouse)


mapper(StockLevel, stock_table)
