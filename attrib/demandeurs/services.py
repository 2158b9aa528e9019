"""Writes of the applicant space (issue 13; decision 0026). Typed, keyword-only, atomic; French errors.

- :func:`compte_inscrire`, :func:`courriel_verifier`, :func:`verification_renvoyer`: the local account (e-mail
  verified by a signed link of limited life, password checked by the installation's validators).
- :func:`compte_franceconnect`: the account of a FranceConnect identity, found or created by its ``sub``.
- :func:`code_demander`, :func:`code_emettre`: a one-time code sent to the contact the demand holds (its e-mail,
  or a letter the desk prints, frozen at its issue).
- :func:`demande_lier`: the household links its account with the numéro unique and the code; wrong codes are
  bounded (per code, and per account and address through the scope ``liaison_demandeur``).
- :func:`acces_donner`, :func:`acces_retirer`: the household's consent to a co-applicant or a social worker.

Links and codes are rows the change journal follows under their demand (``attrib.journal.registre``).
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from attrib.common.limites import CompteurEchecs, minutes
from attrib.demandes import enums
from attrib.demandes.models import Demande
from attrib.demandeurs.models import CanalCode, CodeLiaison, CompteDemandeur, Liaison, Qualite
from attrib.organisations.acteurs import Acteur, Refus, acteur_de, acteur_systeme, oublier
from attrib.organisations.models import PREFIXE_COMPTE_DEMANDEUR
from attrib.organisations.permissions import peut_modifier_demande

User = get_user_model()

SEL_VERIFICATION = "attrib.demandeurs.verification"
SEL_CODE = "attrib.demandeurs.code"
PORTEE = "liaison_demandeur"
#: Letters and digits that cannot be mistaken for one another when read on a letter or typed on a phone.
ALPHABET_CODE = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
LONGUEUR_CODE = 8

REFUS_ENVOI = (
    "Le courriel n'a pas pu être envoyé. Réessayez dans quelques minutes ; si cela continue, adressez-vous à votre "
    "guichet."
)
REFUS_NON_DEMANDEUR = "Seul un compte de l'espace demandeur peut lier une demande ou donner un accès."
REFUS_NON_TITULAIRE = "Seul le ménage demandeur, connecté avec son propre compte, peut donner ou retirer un accès."
REFUS_COURRIER = "Seul un gestionnaire d'un guichet enregistreur qui voit la demande peut en émettre un code d'accès."


class LiaisonVerrouillee(ValidationError):
    """Too many wrong codes: linking is suspended for this account or address; the message says how long."""

    def __init__(self, secondes: int) -> None:
        self.secondes = secondes
        super().__init__(
            "Trop de codes erronés ont été saisis. Par sécurité, la liaison d'une demande est suspendue pendant "
            f"{minutes(secondes)} minute(s), même avec le bon code. Réessayez après ce délai, ou demandez de l'aide "
            "à votre guichet."
        )


def normaliser_courriel(courriel: str) -> str:
    return (courriel or "").strip().lower()


def _envoyer(*, objet: str, gabarit: str, contexte: dict[str, Any], destinataire: str) -> None:
    """One e-mail through Django's mail framework; a failure of the server becomes a French error (the calling
    transaction is rolled back: nothing half written)."""
    texte = render_to_string(gabarit, contexte)
    try:
        send_mail(objet, texte, None, [destinataire], fail_silently=False)
    except OSError as exc:  # SMTP errors are OSErrors (refused connection, timeout, SMTPException)
        raise ValidationError(REFUS_ENVOI) from exc


# --- local account ---------------------------------------------------------------------------------


def _lien_verification(compte: CompteDemandeur, adresse_site: str) -> str:
    jeton = signing.dumps({"c": compte.pk, "e": compte.courriel}, salt=SEL_VERIFICATION, compress=True)
    return adresse_site.rstrip("/") + reverse("demandeurs:verifier", args=[jeton])


def _envoyer_verification(compte: CompteDemandeur, adresse_site: str) -> None:
    duree = settings.DEMANDEURS_VERIFICATION_DUREE
    _envoyer(
        objet="Attrib — confirmez votre adresse de courriel",
        gabarit="demandeurs/courriels/verification.txt",
        contexte={"lien": _lien_verification(compte, adresse_site), "heures": int(duree.total_seconds() // 3600)},
        destinataire=compte.courriel or "",
    )


@transaction.atomic
def compte_inscrire(*, courriel: str, mot_de_passe: str, adresse_site: str, auteur: Acteur) -> CompteDemandeur | None:
    """Create a local applicant account and send the verification link. A staff member logged in cannot create
    one. When the address already has an account, nothing is created and that account's owner is told by
    e-mail (the page says the same thing either way: no one learns who has an account). Returns the new account,
    or ``None`` when the address was already taken."""
    auteur = acteur_de(auteur)
    auteur.exiger(
        not auteur.est_authentifie,
        "Vous êtes déjà connecté : déconnectez-vous avant de créer un compte de l'espace demandeur.",
    )
    courriel = normaliser_courriel(courriel)
    erreurs: dict[str, list[str]] = {}
    try:
        validate_email(courriel)
    except ValidationError:
        erreurs["courriel"] = ["Saisissez une adresse de courriel valide, par exemple prenom.nom@exemple.fr."]
    if erreurs:
        raise ValidationError(erreurs)
    existant = CompteDemandeur.objects.filter(courriel=courriel).first()
    if existant is not None:
        _envoyer(
            objet="Attrib — vous avez déjà un compte",
            gabarit="demandeurs/courriels/deja_inscrit.txt",
            contexte={"lien": adresse_site.rstrip("/") + reverse("demandeurs:connexion")},
            destinataire=courriel,
        )
        return None
    user = User(username=f"{PREFIXE_COMPTE_DEMANDEUR}{uuid.uuid4().hex}", email=courriel, is_active=True)
    try:
        validate_password(mot_de_passe, user)
    except ValidationError as exc:
        raise ValidationError({"mot_de_passe": list(exc.messages)}) from None
    user.set_password(mot_de_passe)
    user.save()
    try:
        with transaction.atomic():
            compte = CompteDemandeur.objects.create(utilisateur=user, courriel=courriel)
    except IntegrityError:  # the same address registered at the same moment
        raise ValidationError({"courriel": ["Cette adresse vient d'être inscrite : connectez-vous."]}) from None
    _envoyer_verification(compte, adresse_site)
    return compte


def verification_renvoyer(*, courriel: str, adresse_site: str, auteur: Acteur) -> None:
    """Send the verification link again to an account not yet verified (silently nothing otherwise). Anybody
    may ask (the link only reaches the address itself)."""
    compte = CompteDemandeur.objects.filter(
        courriel=normaliser_courriel(courriel), courriel_verifie_le__isnull=True
    ).first()
    if compte is not None:
        _envoyer_verification(compte, adresse_site)


@transaction.atomic
def courriel_verifier(*, jeton: str, auteur: Acteur) -> CompteDemandeur:
    """Mark the account's address as verified from the signed link (of limited life): whoever holds the link
    (the signature is the right)."""
    try:
        donnees = signing.loads(jeton, salt=SEL_VERIFICATION, max_age=settings.DEMANDEURS_VERIFICATION_DUREE)
    except signing.SignatureExpired:
        raise ValidationError(
            "Ce lien de confirmation a expiré. Connectez-vous avec votre adresse et votre mot de passe : un nouveau "
            "lien vous sera proposé."
        ) from None
    except signing.BadSignature:
        raise ValidationError(
            "Ce lien de confirmation n'est pas valide. Copiez-le en entier depuis le courriel."
        ) from None
    compte = CompteDemandeur.objects.select_for_update().filter(pk=donnees.get("c"), courriel=donnees.get("e")).first()
    if compte is None:
        raise ValidationError("Ce lien de confirmation ne correspond à aucun compte.")
    if compte.courriel_verifie_le is None:
        compte.courriel_verifie_le = timezone.now()
        compte.save(update_fields=["courriel_verifie_le"])
    return compte


# --- FranceConnect ---------------------------------------------------------------------------------


@transaction.atomic
def compte_franceconnect(*, sub: str, prenoms: str = "", nom: str = "", courriel: str = "", auteur: Acteur) -> Any:
    """The user of the FranceConnect identity ``sub``: found, or created with its applicant account. The names
    the provider certifies are kept on the user; the address is not used to merge with a local account.
    Called by the system on a verified ID token (``auteur``: the system, « connexion FranceConnect »)."""
    auteur = acteur_de(auteur)
    auteur.exiger(auteur.est_systeme, "Seule la connexion FranceConnect crée ou retrouve un compte FranceConnect.")
    sub = (sub or "").strip()
    if not sub:
        raise ValidationError("FranceConnect n'a pas transmis d'identifiant : la connexion est refusée.")
    compte = CompteDemandeur.objects.select_related("utilisateur").filter(franceconnect_sub=sub).first()
    if compte is not None:
        user = compte.utilisateur
    else:
        user = User(username=f"{PREFIXE_COMPTE_DEMANDEUR}{uuid.uuid4().hex}", is_active=True)
        user.set_unusable_password()  # FranceConnect only: no password to guess
        user.save()
        compte = CompteDemandeur.objects.create(utilisateur=user, franceconnect_sub=sub)
    champs = {"first_name": prenoms[:150], "last_name": nom[:150], "email": normaliser_courriel(courriel)[:254]}
    if any(getattr(user, k) != v for k, v in champs.items()):
        for k, v in champs.items():
            setattr(user, k, v)
        user.save(update_fields=list(champs))
    return user


# --- one-time codes --------------------------------------------------------------------------------


def _empreinte(demande: Demande, code: str) -> str:
    return salted_hmac(SEL_CODE, f"{demande.pk}:{code.strip().upper()}", algorithm="sha256").hexdigest()


def courriel_de_la_demande(demande: Demande) -> str:
    """The contact e-mail the demand holds: the applicant's (CERFA), else the co-applicant's."""
    personnes = sorted(demande.personnes.all(), key=lambda p: p.role != enums.RolePersonne.DEMANDEUR)
    for p in personnes:
        if p.role in (enums.RolePersonne.DEMANDEUR, enums.RolePersonne.CODEMANDEUR) and p.email:
            return normaliser_courriel(p.email)
    return ""


@dataclass(frozen=True)
class CodeEmis:
    code_liaison: CodeLiaison
    code: str  # in clear: only ever on the e-mail or the frozen letter


@transaction.atomic
def code_emettre(*, demande: Demande, canal: str, auteur: Acteur, adresse_site: str = "") -> CodeEmis:
    """Issue a new one-time code for ``demande`` (earlier unused codes are replaced) and send it: by e-mail to
    the address the demand holds, or as a letter frozen now (PDF) that the desk prints from the demand's page."""
    from attrib.demandeurs.courrier import courrier_figer

    auteur = acteur_de(auteur)
    # The household asks for an e-mailed code itself (the code only reaches the demand's own contact); any other
    # issue is the desk's (or the system's, answering a household's request).
    if not auteur.est_systeme and not (auteur.est_demandeur and canal == CanalCode.COURRIEL):
        auteur.exiger(
            peut_modifier_demande(auteur, demande)
            and Demande.objects.visible_to(auteur).filter(pk=demande.pk).exists(),
            REFUS_COURRIER,
        )
    if canal not in CanalCode.values:
        raise ValidationError({"canal": [f"Canal d'envoi « {canal} » inconnu."]})
    courriel = courriel_de_la_demande(demande)
    if canal == CanalCode.COURRIEL and not courriel:
        raise ValidationError("Cette demande ne porte pas d'adresse de courriel : le code est envoyé par courrier.")
    maintenant = timezone.now()
    CodeLiaison.objects.filter(demande=demande, utilise_le__isnull=True, annule_le__isnull=True).update(
        annule_le=maintenant
    )
    code = "".join(secrets.choice(ALPHABET_CODE) for _ in range(LONGUEUR_CODE))
    duree = (
        settings.DEMANDEURS_CODE_DUREE_COURRIEL
        if canal == CanalCode.COURRIEL
        else settings.DEMANDEURS_CODE_DUREE_COURRIER
    )
    code_liaison = CodeLiaison.objects.create(
        demande=demande, canal=canal, empreinte=_empreinte(demande, code), expire_le=maintenant + duree
    )
    if canal == CanalCode.COURRIEL:
        _envoyer(
            objet="Attrib — votre code pour suivre votre demande de logement",
            gabarit="demandeurs/courriels/code.txt",
            contexte={
                "code": code,
                "numero": demande.numero_unique,
                "expire_le": timezone.localtime(code_liaison.expire_le),
                "lien": adresse_site.rstrip("/") + reverse("demandeurs:lier") if adresse_site else "",
            },
            destinataire=courriel,
        )
    else:
        courrier_figer(code_liaison=code_liaison, code=code, auteur=auteur)
    return CodeEmis(code_liaison=code_liaison, code=code)


def _exiger_demandeur(auteur: Acteur) -> CompteDemandeur:
    auteur = acteur_de(auteur)
    compte = (
        CompteDemandeur.objects.filter(utilisateur=auteur.utilisateur).first()
        if auteur.est_demandeur and auteur.utilisateur is not None
        else None
    )
    if compte is None:
        raise Refus(REFUS_NON_DEMANDEUR)
    return compte


def _verrou(compteur: CompteurEchecs, idents: list[str]) -> None:
    attentes = [a for i in idents if (a := compteur.verrou(i)) is not None]
    if attentes:
        raise LiaisonVerrouillee(max(attentes))


def _echec(compteur: CompteurEchecs, idents: list[str]) -> None:
    durees = [d for i in idents if (d := compteur.echec(i)) is not None]
    if durees:
        raise LiaisonVerrouillee(max(durees))


def _numero(numero_unique: str) -> str:
    return "".join((numero_unique or "").split()).upper()


MESSAGE_DEMANDE = (
    "Si ce numéro est celui d'une demande en cours, un code vient d'être envoyé au contact qu'elle porte : à son "
    "adresse de courriel, ou par courrier de votre guichet si elle n'en a pas. Saisissez-le ci-dessous."
)


def code_demander(*, auteur: Acteur, numero_unique: str, adresse: str, adresse_site: str) -> str:
    """An applicant asks for a code for the demand ``numero_unique``. The answer is the same whether the number
    exists or not (nobody learns which numbers exist); an unknown number counts as a failure of the scope
    ``liaison_demandeur``, like a wrong code. Returns the French message to show."""
    compte = _exiger_demandeur(auteur)
    compteur = CompteurEchecs(PORTEE)
    idents = [f"compte:{compte.pk}", f"adresse:{adresse}"]
    _verrou(compteur, idents)
    numero = _numero(numero_unique)
    if not numero:
        raise ValidationError({"numero_unique": ["Saisissez le numéro unique de votre demande."]})
    demande = Demande.objects.filter(numero_unique=numero, statut=enums.StatutDemande.ACTIVE).first()
    if demande is None:
        _echec(compteur, idents)
        return MESSAGE_DEMANDE
    canal = CanalCode.COURRIEL if courriel_de_la_demande(demande) else CanalCode.COURRIER
    with transaction.atomic():
        code_emettre(
            demande=demande,
            canal=canal,
            auteur=acteur_systeme("code de liaison demandé en ligne") if canal == CanalCode.COURRIER else auteur,
            adresse_site=adresse_site,
        )
    return MESSAGE_DEMANDE


def demande_lier(*, auteur: Acteur, numero_unique: str, code: str, adresse: str) -> Liaison:
    """Link the applicant's account to the demand ``numero_unique`` with the one-time code it received.

    Refused, with a French message naming the field: an unknown number or a wrong code (counted: after
    ``DEMANDEURS_CODE_ESSAIS_MAX`` wrong codes the demand's code is spent; at the rate of the scope
    ``liaison_demandeur`` the account and the address are locked for ``DUREE_VERROUILLAGE``), an expired or
    already used code. The link and each wrong code are journalled under the demand."""
    compte = _exiger_demandeur(auteur)
    compteur = CompteurEchecs(PORTEE)
    idents = [f"compte:{compte.pk}", f"adresse:{adresse}"]
    _verrou(compteur, idents)
    numero = _numero(numero_unique)
    code = "".join((code or "").split()).upper()
    erreurs: dict[str, list[str]] = {}
    if not numero:
        erreurs["numero_unique"] = ["Saisissez le numéro unique de votre demande."]
    if not code:
        erreurs["code"] = ["Saisissez le code reçu par courriel ou par courrier."]
    if erreurs:
        raise ValidationError(erreurs)
    maintenant = timezone.now()
    with transaction.atomic():
        demande = Demande.objects.filter(numero_unique=numero).first()
        codes = (
            list(
                CodeLiaison.objects.select_for_update().filter(
                    demande=demande, utilise_le__isnull=True, annule_le__isnull=True
                )
            )
            if demande is not None
            else []
        )
        bon = next((c for c in codes if constant_time_compare(c.empreinte, _empreinte(demande, code))), None)  # type: ignore[arg-type]
        if bon is not None and bon.expire_le > maintenant:
            assert demande is not None
            bon.utilise_le = maintenant
            bon.utilise_par = compte
            bon.save(update_fields=["utilise_le", "utilise_par"])
            liaison = Liaison.objects.filter(compte=compte, demande=demande, retiree_le__isnull=True).first()
            if liaison is None:
                liaison = Liaison.objects.create(compte=compte, demande=demande, qualite=Qualite.TITULAIRE)
            if auteur.utilisateur is not None:
                oublier(auteur.utilisateur)
            return liaison
        if bon is not None:
            raise ValidationError(
                {
                    "code": [
                        f"Ce code a expiré le {timezone.localtime(bon.expire_le):%d/%m/%Y à %H:%M}. "
                        "Demandez un nouveau code."
                    ]
                }
            )
        for c in codes:
            c.essais += 1
            if c.essais >= settings.DEMANDEURS_CODE_ESSAIS_MAX:
                c.annule_le = maintenant
            c.save(update_fields=["essais", "annule_le"])
    _echec(compteur, idents)
    raise ValidationError(
        {
            "code": [
                "Ce numéro et ce code ne correspondent pas à un code en cours. Vérifiez-les (le code compte "
                f"{LONGUEUR_CODE} caractères) ou demandez un nouveau code."
            ]
        }
    )


# --- consent ---------------------------------------------------------------------------------------


def _liaison_titulaire(compte: CompteDemandeur, demande: Demande) -> Liaison:
    liaison = Liaison.objects.filter(
        compte=compte, demande=demande, qualite=Qualite.TITULAIRE, retiree_le__isnull=True
    ).first()
    if liaison is None:
        raise Refus(REFUS_NON_TITULAIRE)
    return liaison


@transaction.atomic
def acces_donner(*, auteur: Acteur, demande: Demande, courriel: str, qualite: str) -> Liaison:
    """The household gives a co-applicant or a social worker access to its demand: the person's applicant
    account (verified) is named by its e-mail address."""
    compte = _exiger_demandeur(auteur)
    titulaire = _liaison_titulaire(compte, demande)
    if qualite not in (Qualite.CODEMANDEUR, Qualite.TRAVAILLEUR_SOCIAL):
        raise ValidationError({"qualite": ["Choisissez : co-demandeur ou travailleur social."]})
    courriel = normaliser_courriel(courriel)
    cible = CompteDemandeur.objects.filter(courriel=courriel, courriel_verifie_le__isnull=False).first()
    if cible is None:
        raise ValidationError(
            {
                "courriel": [
                    "Aucun compte confirmé de l'espace demandeur n'utilise cette adresse : la personne doit d'abord "
                    "créer son compte et confirmer son adresse."
                ]
            }
        )
    if cible.pk == compte.pk:
        raise ValidationError({"courriel": ["C'est l'adresse de votre propre compte."]})
    if Liaison.objects.filter(compte=cible, demande=demande, retiree_le__isnull=True).exists():
        raise ValidationError({"courriel": ["Cette personne a déjà accès à votre demande."]})
    return Liaison.objects.create(compte=cible, demande=demande, qualite=qualite, accordee_par=titulaire)


@transaction.atomic
def acces_retirer(*, auteur: Acteur, liaison: Liaison) -> Liaison:
    """The household withdraws an access it gave (a co-applicant or social worker may also give up its own).
    The row stays, closed, in the journal; the access ends at once."""
    compte = _exiger_demandeur(auteur)
    liaison = Liaison.objects.select_for_update().get(pk=liaison.pk)
    if liaison.compte_id != compte.pk:
        _liaison_titulaire(compte, liaison.demande)
        if liaison.qualite == Qualite.TITULAIRE:
            raise Refus(REFUS_NON_TITULAIRE)
    if liaison.retiree_le is None:
        liaison.retiree_le = timezone.now()
        liaison.save(update_fields=["retiree_le"])
    return liaison


def date_expiration(code_liaison: CodeLiaison) -> datetime:
    return timezone.localtime(code_liaison.expire_le)
