"""Money helpers: currency conversion and model introspection for exports."""
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Dict

from pydantic import validate_arguments


@validate_arguments
def convert(amount: Decimal, rate: Decimal, places: int = 2) -> Decimal:
    return (amount * rate).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN)


def export_columns(model) -> Dict[str, str]:
    """Column name to type name, for the CSV exports."""
    return {name: str(field.outer_type_) for name, field in model.__fields__.items()}
