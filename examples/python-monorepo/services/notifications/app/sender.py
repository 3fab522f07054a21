"""Delivery backends: SMTP for e-mail, an HTTP gateway for SMS."""
from functools import lru_cache
from string import Template
from typing import Type

import httpx

from .models import Notification


class Sender:
    async def send(self, notification: Notification, variables: dict[str, str]) -> None:
        raise NotImplementedError

    async def aclose(self) -> None:
        return None


class GatewaySender(Sender):
    def __init__(self) -> None:
        self.client = httpx.AsyncClient(base_url="https://sms.example.net")

    async def send(self, notification: Notification, variables: dict[str, str]) -> None:
        body = template_for(notification.template).safe_substitute(variables)
        response = await self.client.post("/messages", json={"to": notification.recipient, "body": body})
        response.raise_for_status()

    async def aclose(self) -> None:
        await self.client.aclose()


SENDERS: dict[str, Type[Sender]] = {"sms": GatewaySender}


@lru_cache()
def template_for(name: str) -> Template:
    with open(f"templates/{name}.txt", encoding="utf-8") as handle:
        return Template(handle.read())


def build_sender(channel: str = "sms") -> Sender:
    return SENDERS[channel]()
