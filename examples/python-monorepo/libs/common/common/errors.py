"""Error responses shared by the services."""
import logging

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from pydantic.error_wrappers import ValidationError

logger = logging.getLogger(__name__)


class ErrorBody(BaseModel):
    code: str
    detail: str


def install_error_handlers(app: FastAPI) -> None:
    async def on_validation_error(request: Request, exc: ValidationError) -> JSONResponse:
        logger.info("invalid body for %s %s", request.method, request.url.path)
        body = ErrorBody(code="invalid", detail=str(exc))
        return JSONResponse(status_code=422, content=body.dict())

    app.add_exception_handler(ValidationError, on_validation_error)
