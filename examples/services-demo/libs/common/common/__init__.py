"""Code shared by every acme service."""

from .errors import ErrorBody, install_error_handlers
from .settings import ServiceSettings, get_settings

__all__ = ["ErrorBody", "ServiceSettings", "get_settings", "install_error_handlers"]
