"""Custom field types used by several services' models."""
import re

from pydantic import ConstrainedStr


class Sku(ConstrainedStr):
    """A stock-keeping unit such as ABC-1234."""

    regex = re.compile(r"^[A-Z]{3}-\d{4}$")
    to_upper = True


class PhoneNumber(str):
    """An E.164 phone number, validated by hand-written hooks."""

    pattern = re.compile(r"^\+[1-9]\d{6,14}$")

    @classmethod
    def __get_validators__(cls):
        yield cls.validate

    @classmethod
    def __modify_schema__(cls, field_schema):
        field_schema.update(pattern=cls.pattern.pattern, examples=["+14155550100"])

    @classmethod
    def validate(cls, value):
        if not isinstance(value, str) or not cls.pattern.match(value):
            raise ValueError("not an E.164 phone number")
        return cls(value)
