"""The demo's local mailbox: a Maildir under ``ATTRIB_VAR_DIR/courriels`` filled by the SMTP server of
``manage.py serveur_courriel_demo`` (aiosmtpd), read by the page ``/avis/demo/boite/``. For the demo only: the page
answers when ``ATTRIB_DEMO_BOITE`` is on (by default with ``DEBUG``), 404 otherwise."""

from __future__ import annotations

import email.policy
import mailbox
import re
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from pathlib import Path

from django.conf import settings

#: Messages listed, newest first.
MAX_MESSAGES = 200
_CLE = re.compile(r"^[A-Za-z0-9._-]{1,200}$")


def active() -> bool:
    return bool(getattr(settings, "ATTRIB_DEMO_BOITE", False))


def dossier() -> Path:
    return Path(settings.VAR_DIR) / "courriels"


@dataclass(frozen=True)
class Message:
    cle: str
    date: datetime | None
    expediteur: str
    destinataire: str
    sujet: str
    corps: str


def _boite() -> mailbox.Maildir | None:
    chemin = dossier()
    if not (chemin / "new").is_dir() and not (chemin / "cur").is_dir():
        return None
    return mailbox.Maildir(str(chemin), create=False)


def _lire(cle: str, brut: bytes) -> Message:
    parse = email.message_from_bytes(brut, _class=EmailMessage, policy=email.policy.default)
    assert isinstance(parse, EmailMessage)
    partie = parse.get_body(preferencelist=("plain", "html"))
    corps = partie.get_content() if partie is not None else ""
    try:
        quand = parsedate_to_datetime(str(parse["Date"])) if parse["Date"] else None
    except (TypeError, ValueError):
        quand = None
    return Message(
        cle=cle,
        date=quand,
        expediteur=str(parse["From"] or ""),
        destinataire=str(parse["To"] or ""),
        sujet=str(parse["Subject"] or "(sans objet)"),
        corps=str(corps),
    )


def messages() -> list[Message]:
    boite = _boite()
    if boite is None:
        return []
    lus = [_lire(cle, boite.get_bytes(cle)) for cle in boite.iterkeys()]
    lus.sort(key=lambda m: (m.date is not None, m.date or datetime.min), reverse=True)
    return lus[:MAX_MESSAGES]


def message(cle: str) -> Message | None:
    boite = _boite()
    if boite is None or not _CLE.match(cle):
        return None
    try:
        return _lire(cle, boite.get_bytes(cle))
    except KeyError:
        return None
