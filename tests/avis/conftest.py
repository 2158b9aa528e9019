"""A real SMTP server for the notices' tests: aiosmtpd on a free port of the loopback, started by the test. It
keeps every message it accepts; it answers « 451 » to the addresses told to fail (always, or a number of times)."""

from __future__ import annotations

import email
import email.policy
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from pytest_django.fixtures import Settings


def _port_libre() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Gestionnaire:
    recus: list[EmailMessage] = field(default_factory=list)
    #: address → number of refusals still to give (-1: always).
    pannes: dict[str, int] = field(default_factory=dict)
    tentatives: dict[str, int] = field(default_factory=dict)

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any) -> str:
        self.tentatives[address] = self.tentatives.get(address, 0) + 1
        reste = self.pannes.get(address, 0)
        if reste:
            if reste > 0:
                self.pannes[address] = reste - 1
            return "451 4.3.0 Boite momentanement indisponible"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, _class=EmailMessage, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.recus.append(message)
        return "250 Message accepted for delivery"

    def pour(self, adresse: str) -> list[EmailMessage]:
        return [m for m in self.recus if adresse in str(m["To"])]


@dataclass
class ServeurSMTP:
    port: int
    gestionnaire: Gestionnaire

    @property
    def recus(self) -> list[EmailMessage]:
        return self.gestionnaire.recus


@pytest.fixture
def smtp(settings: Settings) -> Iterator[ServeurSMTP]:
    gestionnaire = Gestionnaire()
    port = _port_libre()
    controleur = Controller(gestionnaire, hostname="127.0.0.1", port=port)
    controleur.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    settings.ATTRIB_AVIS_PAUSE_S = 0
    settings.ATTRIB_AVIS_TENTATIVES = 3
    settings.ATTRIB_AVIS_GARDE_S = 0
    try:
        yield ServeurSMTP(port=port, gestionnaire=gestionnaire)
    finally:
        controleur.stop()


@pytest.fixture(autouse=True)
def _rapide(settings: Settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ATTRIB_AVIS_PAUSE_S = 0
    settings.ATTRIB_AVIS_GARDE_S = 0
