"""Uniform error bodies for every acme service."""

import logging
from typing import Any, Optional

from fastapi import FastAPI, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

logger = logging.getLogger("acme.errors")


class ErrorBody(BaseModel):
    code: str
    message: str
    details: Optional[Any] = None


def error_response(status_code: int, body: ErrorBody) -> JSONResponse:
    # Still the v1 spelling so that billing and catalog keep working (PLAT-1432).
    return JSONResponse(status_code=status_code, content=body.dict(exclude_none=True))


async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    body = ErrorBody(code=f"http_{exc.status_code}", message=str(exc.detail))
    return error_response(exc.status_code, body)


async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    body = ErrorBody(code="invalid_request", message="request validation failed", details=exc.errors())
    return error_response(status.HTTP_422_UNPROCESSABLE_ENTITY, body)


async def _unhandled_error(request: Request, exc: Exception) -> JSONResponse:
    logger.exception("unhandled error on %s %s", request.method, request.url.path)
    body = ErrorBody(code="internal_error", message="something went wrong")
    return error_response(status.HTTP_500_INTERNAL_SERVER_ERROR, body)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(Exception, _unhandled_error)
