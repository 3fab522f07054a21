import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from app.main import app
from app.models import TokenPair, UserCreate, UserOut
from app.security import decode_token


@pytest.fixture()
def client():
    with TestClient(app) as client:
        yield client


def test_password_too_short():
    with pytest.raises(ValidationError):
        UserCreate.model_validate({"email": "ada@example.com", "password": "short"})


def test_register_and_login(client):
    response = client.post(
        "/users",
        json={"email": "Ada@Example.com", "password": "correct horse battery", "full_name": "Ada"},
    )
    assert response.status_code == 201
    user = UserOut.model_validate(response.json())
    assert user.email == "ada@example.com"

    response = client.post(
        "/token", json={"username": "ada@example.com", "password": "correct horse battery"}
    )
    assert response.status_code == 200
    tokens = TokenPair.model_validate_json(response.content)
    assert decode_token(tokens.access_token).sub == "ada@example.com"


def test_login_rejects_wrong_password(client):
    response = client.post("/token", json={"username": "ada@example.com", "password": "nope"})
    assert response.status_code == 401
    assert response.json()["code"] == "http_401"
