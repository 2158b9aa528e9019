"""Writes of the applicant's own account: the forgotten password (issue 13, point 1; decision 0028).

- :func:`reinitialisation_demander`: someone types an address on « Mot de passe oublié »; whatever the address,
  the same answer, and the worker sends the link (Django's reset token) if it is the confirmed address of an
  applicant account (never a staff account). Bounded per address typed (scope ``reinitialisation``); the page
  itself is bounded per client address (``limite_debit``).
- :func:`mot_de_passe_reinitialiser`: the holder of a valid link chooses a new password (the installation's
  validators); the account records when (``mot_de_passe_change_le``, journalled under the account's name).
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from attrib.common.limites import CompteurEchecs
from attrib.demandeurs.models import CompteDemandeur
from attrib.demandeurs.services import normaliser_courriel
from attrib.demandeurs.taches import envoyer_lien_reinitialisation
from attrib.journal.contexte import contexte_journal
from attrib.organisations.acteurs import Acteur, acteur_de

PORTEE = "reinitialisation"
REFUS_PERSONNEL = (
    "Seuls les ménages réinitialisent ici le mot de passe de leur compte de l'espace demandeur ; un compte du "
    "personnel s'adresse à l'administrateur de son organisation."
)
LIEN_INVALIDE = (
    "Ce lien pour choisir un nouveau mot de passe n'est plus valable (il a expiré ou a déjà servi). Demandez-en un "
    "nouveau."
)


def _personnel(acteur: Acteur) -> bool:
    return acteur.est_agent or acteur.est_superutilisateur


def reinitialisation_demander(*, courriel: str, adresse_site: str, auteur: Acteur) -> None:
    """Queue the e-mail with the reset link for ``courriel`` (the worker sends it to the account's confirmed
    address, if there is one: nothing tells the visitor whether there is). At the rate of the scope
    ``reinitialisation`` for one address typed, further requests send nothing until the lock ends (the page
    still says the same)."""
    auteur.exiger(not _personnel(auteur), REFUS_PERSONNEL)
    courriel = normaliser_courriel(courriel)
    if not courriel:
        raise ValidationError({"courriel": ["Saisissez l'adresse de courriel de votre compte."]})
    compteur = CompteurEchecs(PORTEE)
    ident = "courriel:" + hashlib.sha256(courriel.encode()).hexdigest()
    if compteur.verrou(ident) is not None:
        return
    compteur.echec(ident)  # every request counts, whether the address has an account or not
    envoyer_lien_reinitialisation.enqueue(courriel, adresse_site)


@transaction.atomic
def mot_de_passe_reinitialiser(*, utilisateur: Any, jeton: str, mot_de_passe: str, auteur: Acteur) -> CompteDemandeur:
    """Set the new password of the applicant account ``utilisateur`` whose reset link ``jeton`` is still valid
    (whoever holds the link: the token is the right). The link then no longer works (the token depends on the
    password); the other sessions of the account end (their hash no longer matches)."""
    auteur.exiger(not _personnel(auteur), REFUS_PERSONNEL)
    compte = (
        CompteDemandeur.objects.select_for_update()
        .filter(utilisateur=utilisateur, courriel_verifie_le__isnull=False, utilisateur__is_active=True)
        .first()
    )
    if compte is None or not default_token_generator.check_token(utilisateur, jeton):
        raise ValidationError(LIEN_INVALIDE)
    try:
        validate_password(mot_de_passe, utilisateur)
    except ValidationError as exc:
        raise ValidationError({"new_password1": list(exc.messages)}) from None
    # The journal names the account's holder (the page is used logged out).
    with contexte_journal(origine="mot de passe oublié (lien envoyé par courriel)", auteur=acteur_de(utilisateur)):
        utilisateur.set_password(mot_de_passe)
        utilisateur.save(update_fields=["password"])
        compte.mot_de_passe_change_le = timezone.now()
        compte.save(update_fields=["mot_de_passe_change_le"])
    return compte
