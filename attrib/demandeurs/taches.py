"""The applicant space's work for the worker (``manage.py db_worker``): the e-mail of a « mot de passe oublié »
link, sent out of the web request so that the page answers alike, and as fast, whether the address has an account
or not (decision 0028)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django_tasks import task

from attrib.demandeurs.models import CompteDemandeur
from attrib.demandeurs.services import normaliser_courriel


class EnvoiReinitialisation(PasswordResetForm):
    """Django's reset e-mail (one-time token, ``PASSWORD_RESET_TIMEOUT``), to applicant accounts only: the one whose
    confirmed address is ``email``, active, with a password (a FranceConnect-only account has none). Never a staff
    account, whatever its address."""

    def get_users(self, email: str) -> Any:
        comptes = CompteDemandeur.objects.filter(
            courriel=normaliser_courriel(email), courriel_verifie_le__isnull=False, utilisateur__is_active=True
        ).select_related("utilisateur")
        return [c.utilisateur for c in comptes if c.utilisateur.has_usable_password()]


@task()
def envoyer_lien_reinitialisation(courriel: str, adresse_site: str) -> int:
    """Send the reset link to the account of ``courriel`` if there is one; returns how many e-mails left (0 or 1).
    A failure of the mail server is logged by Django (the visitor was already answered)."""
    envoi = EnvoiReinitialisation({"email": courriel})
    if not envoi.is_valid():
        return 0
    destinataires = len(envoi.get_users(envoi.cleaned_data["email"]))
    site = urlsplit(adresse_site)
    envoi.save(
        domain_override=site.netloc,
        use_https=site.scheme == "https",
        subject_template_name="demandeurs/courriels/reinitialisation_objet.txt",
        email_template_name="demandeurs/courriels/reinitialisation.txt",
        extra_email_context={"heures": str(settings.PASSWORD_RESET_TIMEOUT // 3600)},
    )
    return destinataires
