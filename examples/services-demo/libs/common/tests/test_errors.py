from fastapi import FastAPI, HTTPException
from fastapi.testclient import TestClient

from common.errors import install_error_handlers


def _app() -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)

    @app.get("/missing")
    def missing() -> None:
        raise HTTPException(status_code=404, detail="nope")

    @app.get("/items/{item_id}")
    def item(item_id: int) -> dict:
        return {"id": item_id}

    return app


def test_http_errors_are_wrapped():
    response = TestClient(_app()).get("/missing")
    assert response.status_code == 404
    assert response.json() == {"code": "http_404", "message": "nope"}


def test_validation_errors_have_details():
    response = TestClient(_app()).get("/items/abc")
    body = response.json()
    assert response.status_code == 422
    assert body["code"] == "invalid_request"
    assert body["details"][0]["loc"] == ["path", "item_id"]
