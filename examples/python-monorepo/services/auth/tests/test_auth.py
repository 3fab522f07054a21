from unittest import mock

import pytest
from fastapi.testclient import TestClient

from app.main import app
from app.schemas import UserCreate


@pytest.fixture
def client():
    with TestClient(app) as client:
        yield client


def test_passwords_must_match():
    with pytest.raises(ValueError):
        UserCreate.model_validate(
            {"email": "ada@example.com", "password": "x" * 12, "password_confirm": "y" * 12}
        )


def test_login_rejects_unknown_user(client):
    with mock.patch("app.main.verify_password", return_value=False):
        response = client.post("/token", json={"email": "nobody@example.com", "password": "x" * 12, "password_confirm": "x" * 12})
    assert response.status_code == 401
