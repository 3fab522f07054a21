import httpx
import pytest
import respx
from fastapi.testclient import TestClient
from pydantic import ValidationError

from app.main import app
from app.models import Channel, DeliveryOut, NotificationRequest

PROVIDER = "https://mail-provider.internal/v1/messages"


def test_sms_needs_phone_number():
    with pytest.raises(ValidationError):
        NotificationRequest.model_validate(
            {"channel": "sms", "recipient": "ada@example.com", "template": "welcome"}
        )


def test_request_roundtrip():
    request = NotificationRequest(channel=Channel.EMAIL, recipient=" ada@example.com ", template="welcome")
    assert request.recipient == "ada@example.com"
    assert NotificationRequest.model_validate_json(request.model_dump_json()) == request


@respx.mock
def test_send_email():
    respx.post(PROVIDER).mock(return_value=httpx.Response(200, json={"id": "msg_123"}))
    with TestClient(app) as client:
        response = client.post(
            "/notifications",
            json={"channel": "email", "recipient": "ada@example.com", "template": "welcome"},
        )
    assert response.status_code == 202
    delivery = DeliveryOut.model_validate(response.json())
    assert delivery.status == "sent"
    assert delivery.provider_id == "msg_123"
