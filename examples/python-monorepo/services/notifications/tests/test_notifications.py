from unittest import mock

import pytest

from app.schemas import NotificationIn


def test_sms_recipient_must_be_a_phone_number():
    with pytest.raises(ValueError):
        NotificationIn.model_validate({"channel": "sms", "recipient": "ada", "template": "welcome"})


def test_templates_are_cached():
    with mock.patch("app.sender.open", mock.mock_open(read_data="hi $name")):
        from app.sender import template_for

        assert template_for("welcome") is template_for("welcome")
