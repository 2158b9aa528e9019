"""Services of the applicant space: the local account and its verification, the one-time code and the link,
the lock after too many wrong codes, the consents, the applicant actor. SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from attrib.demandes.models import Demande
from attrib.demandeurs.acteur import demandes_de
from attrib.demandeurs.models import CanalCode, CodeLiaison, CompteDemandeur, Liaison, Qualite
from attrib.demandeurs.services import (
    LiaisonVerrouillee,
    acces_donner,
    acces_retirer,
    code_demander,
    code_emettre,
    compte_franceconnect,
    compte_inscrire,
    courriel_verifier,
    demande_lier,
)
from attrib.documents.models import Document, NatureDocument
from attrib.journal.models import EntreeJournal, Operation
from attrib.organisations.acteurs import ANONYME, Nature, Refus, acteur_de, acteur_systeme
from tests.demandeurs.outils import MOT_DE_PASSE, SITE, acteur, code_du_courriel, compte_verifie, lien_du_courriel
from tests.factories import CARCASSONNE, creer_demande, guichet, membre, personne, territoire_minimal

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _rapide(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def demande() -> Demande:
    territoire_minimal()
    return creer_demande(guichet_org=guichet(), personnes=[personne(email="lea.martin@example.org")])


def test_inscription_envoie_un_lien_qui_confirme_l_adresse() -> None:
    compte = compte_inscrire(
        courriel=" Lea.Martin@Example.org ", mot_de_passe=MOT_DE_PASSE, adresse_site=SITE, auteur=ANONYME
    )
    assert compte is not None and compte.courriel == "lea.martin@example.org" and not compte.verifie
    assert mail.outbox[-1].to == ["lea.martin@example.org"]
    jeton = lien_du_courriel(mail.outbox[-1]).rstrip("/").rsplit("/", 1)[-1]
    assert courriel_verifier(jeton=jeton, auteur=ANONYME).verifie


def test_le_lien_de_verification_expire(settings: Any) -> None:
    compte_inscrire(courriel="a@example.org", mot_de_passe=MOT_DE_PASSE, adresse_site=SITE, auteur=ANONYME)
    jeton = lien_du_courriel(mail.outbox[-1]).rstrip("/").rsplit("/", 1)[-1]
    settings.DEMANDEURS_VERIFICATION_DUREE = timedelta(seconds=-1)
    with pytest.raises(ValidationError, match="a expiré"):
        courriel_verifier(jeton=jeton, auteur=ANONYME)
    with pytest.raises(ValidationError, match="n'est pas valide"):
        courriel_verifier(jeton=jeton[:-3] + "abc", auteur=ANONYME)
    assert not CompteDemandeur.objects.get(courriel="a@example.org").verifie


def test_mot_de_passe_faible_refuse_en_francais_sur_son_champ() -> None:
    with pytest.raises(ValidationError) as exc:
        compte_inscrire(courriel="b@example.org", mot_de_passe="123456", adresse_site=SITE, auteur=ANONYME)
    assert "mot_de_passe" in exc.value.message_dict
    assert not CompteDemandeur.objects.exists()


def test_une_adresse_deja_inscrite_ne_cree_rien_et_previent_son_titulaire() -> None:
    compte_verifie("c@example.org")
    assert (
        compte_inscrire(courriel="c@example.org", mot_de_passe=MOT_DE_PASSE, adresse_site=SITE, auteur=ANONYME) is None
    )
    assert CompteDemandeur.objects.count() == 1
    assert "déjà un compte" in mail.outbox[-1].body


def test_l_acteur_demandeur_ne_voit_que_ses_demandes_liees(demande: Demande) -> None:
    autre = creer_demande(
        guichet_org=guichet(nom="Carcassonne", code="CAR01", communes=(CARCASSONNE,)), communes=(CARCASSONNE,)
    )
    compte = compte_verifie()
    a = acteur(compte)
    assert a.nature is Nature.DEMANDEUR
    assert not Demande.objects.visible_to(a).exists() and not demandes_de(a).exists()
    code_emettre(demande=demande, canal=CanalCode.COURRIEL, auteur=acteur_systeme("test"), adresse_site=SITE)
    demande_lier(
        auteur=a, numero_unique=demande.numero_unique, code=code_du_courriel(mail.outbox[-1]), adresse="1.2.3.4"
    )
    a = acteur(compte)
    assert list(Demande.objects.visible_to(a)) == [demande]
    assert autre not in demandes_de(a)
    assert demandes_de(acteur_de(membre(demande.guichet, username="agent"))).count() == 0  # staff: not this way


def test_code_par_courriel_lie_une_fois_et_journalise(demande: Demande) -> None:
    compte = compte_verifie()
    message = code_demander(
        auteur=acteur(compte), numero_unique=demande.numero_unique, adresse="1.2.3.4", adresse_site=SITE
    )
    assert "Si ce numéro" in message
    courriel = mail.outbox[-1]
    assert courriel.to == ["lea.martin@example.org"] and demande.numero_unique in courriel.body
    code = code_du_courriel(courriel)
    liaison = demande_lier(
        auteur=acteur(compte), numero_unique=demande.numero_unique, code=code.lower(), adresse="1.2.3.4"
    )
    assert liaison.qualite == Qualite.TITULAIRE and liaison.compte == compte
    journal = EntreeJournal.objects.filter(racine_table="demandes.demande", racine_id=str(demande.pk))
    assert journal.filter(table_objet="demandeurs.liaison", operation=Operation.CREATION).exists()
    entree_code = journal.get(table_objet="demandeurs.codeliaison", operation=Operation.CREATION)
    assert "empreinte" not in entree_code.apres  # the code's hash never reaches the journal
    # Used once: the same code is refused afterwards.
    autre = compte_verifie("autre@example.org")
    with pytest.raises(ValidationError):
        demande_lier(auteur=acteur(autre), numero_unique=demande.numero_unique, code=code, adresse="5.6.7.8")


def test_un_numero_inconnu_repond_pareil_et_n_envoie_rien(demande: Demande) -> None:
    compte = compte_verifie()
    avant = len(mail.outbox)
    message = code_demander(
        auteur=acteur(compte), numero_unique="011 99 ZZZ99 99999", adresse="1.2.3.4", adresse_site=SITE
    )
    assert "Si ce numéro" in message and len(mail.outbox) == avant


def test_code_expire_refuse_avec_sa_date(demande: Demande, settings: Any) -> None:
    compte = compte_verifie()
    emis = code_emettre(demande=demande, canal=CanalCode.COURRIEL, auteur=acteur_systeme("test"), adresse_site=SITE)
    CodeLiaison.objects.filter(pk=emis.code_liaison.pk).update(expire_le=timezone.now() - timedelta(minutes=1))
    with pytest.raises(ValidationError) as exc:
        demande_lier(auteur=acteur(compte), numero_unique=demande.numero_unique, code=emis.code, adresse="1.2.3.4")
    assert "a expiré le" in exc.value.message_dict["code"][0]
    assert not Liaison.objects.exists()


def test_essais_bornes_puis_verrouillage_en_francais(demande: Demande, settings: Any) -> None:
    settings.DEMANDEURS_CODE_ESSAIS_MAX = 3
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "liaison_demandeur": "5/hour"},
    }
    compte = compte_verifie()
    emis = code_emettre(demande=demande, canal=CanalCode.COURRIEL, auteur=acteur_systeme("test"), adresse_site=SITE)
    for _ in range(3):
        with pytest.raises(ValidationError) as exc:
            demande_lier(auteur=acteur(compte), numero_unique=demande.numero_unique, code="AAAAAAAA", adresse="1.2.3.4")
        assert not isinstance(exc.value, LiaisonVerrouillee)
    code = CodeLiaison.objects.get(pk=emis.code_liaison.pk)
    assert code.essais == 3 and code.annule_le is not None  # spent: the right code no longer works
    with pytest.raises(ValidationError):
        demande_lier(auteur=acteur(compte), numero_unique=demande.numero_unique, code=emis.code, adresse="1.2.3.4")
    with pytest.raises(LiaisonVerrouillee) as verrou:
        demande_lier(auteur=acteur(compte), numero_unique=demande.numero_unique, code="BBBBBBBB", adresse="1.2.3.4")
    assert "suspendue pendant 15 minute(s)" in verrou.value.messages[0]
    # Locked: even a fresh, right code is refused for this account.
    nouveau = code_emettre(demande=demande, canal=CanalCode.COURRIEL, auteur=acteur_systeme("test"), adresse_site=SITE)
    with pytest.raises(LiaisonVerrouillee):
        demande_lier(auteur=acteur(compte), numero_unique=demande.numero_unique, code=nouveau.code, adresse="9.9.9.9")
    # Each wrong code is journalled under the demand.
    assert (
        EntreeJournal.objects.filter(
            table_objet="demandeurs.codeliaison", operation=Operation.MODIFICATION, racine_id=str(demande.pk)
        ).count()
        >= 3
    )
    assert not Liaison.objects.exists()


def test_courrier_fige_pour_un_menage_sans_courriel(settings: Any, tmp_path: Any) -> None:
    territoire_minimal()
    g = guichet()
    sans = creer_demande(guichet_org=g, personnes=[personne(email="")])
    agent = membre(g, username="agent")
    emis = code_emettre(demande=sans, canal=CanalCode.COURRIER, auteur=acteur_de(agent))
    document = Document.objects.get(nature=NatureDocument.COURRIER_CODE_LIAISON, cible_id=emis.code_liaison.pk)
    assert document.octets.startswith(b"%PDF") and document.intact
    # The household asks online: a letter too, frozen by the system, no e-mail.
    compte = compte_verifie()
    avant = len(mail.outbox)
    code_demander(auteur=acteur(compte), numero_unique=sans.numero_unique, adresse="1.2.3.4", adresse_site=SITE)
    assert len(mail.outbox) == avant
    assert CodeLiaison.objects.filter(demande=sans, canal=CanalCode.COURRIER, annule_le__isnull=True).count() == 1
    assert Document.objects.filter(nature=NatureDocument.COURRIER_CODE_LIAISON).count() == 2


def test_un_agent_hors_perimetre_ne_peut_pas_emettre_de_courrier(demande: Demande) -> None:
    ailleurs = membre(guichet(nom="Carcassonne", code="CAR01", communes=(CARCASSONNE,)), username="ailleurs")
    for canal in (CanalCode.COURRIER, CanalCode.COURRIEL):
        with pytest.raises(Refus):
            code_emettre(demande=demande, canal=canal, auteur=acteur_de(ailleurs), adresse_site=SITE)
    assert not CodeLiaison.objects.exists() and not mail.outbox


def _lier(compte: CompteDemandeur, demande: Demande) -> Liaison:
    emis = code_emettre(demande=demande, canal=CanalCode.COURRIEL, auteur=acteur_systeme("test"), adresse_site=SITE)
    return demande_lier(auteur=acteur(compte), numero_unique=demande.numero_unique, code=emis.code, adresse="1.2.3.4")


def test_consentement_donne_puis_retire_journalise(demande: Demande) -> None:
    menage = compte_verifie()
    _lier(menage, demande)
    social = compte_verifie("as@example.org")
    assert not Demande.objects.visible_to(acteur(social)).exists()
    acces = acces_donner(
        auteur=acteur(menage), demande=demande, courriel="AS@example.org", qualite=Qualite.TRAVAILLEUR_SOCIAL
    )
    assert list(Demande.objects.visible_to(acteur(social))) == [demande]
    # The social worker cannot give access in turn.
    tiers = compte_verifie("tiers@example.org")
    with pytest.raises(Refus):
        acces_donner(auteur=acteur(social), demande=demande, courriel="tiers@example.org", qualite=Qualite.CODEMANDEUR)
    acces_retirer(auteur=acteur(menage), liaison=acces)
    assert not Demande.objects.visible_to(acteur(social)).exists()
    assert not Demande.objects.visible_to(acteur(tiers)).exists()
    entrees = EntreeJournal.objects.filter(table_objet="demandeurs.liaison", objet_id=str(acces.pk))
    assert {e.operation for e in entrees} == {Operation.CREATION, Operation.MODIFICATION}


def test_consentement_refuse_un_compte_inconnu_ou_non_confirme(demande: Demande) -> None:
    menage = compte_verifie()
    _lier(menage, demande)
    compte_inscrire(courriel="pasconfirme@example.org", mot_de_passe=MOT_DE_PASSE, adresse_site=SITE, auteur=ANONYME)
    for courriel in ("inconnu@example.org", "pasconfirme@example.org", "lea.martin@example.org"):
        with pytest.raises(ValidationError) as exc:
            acces_donner(auteur=acteur(menage), demande=demande, courriel=courriel, qualite=Qualite.CODEMANDEUR)
        assert "courriel" in exc.value.message_dict


def test_franceconnect_retrouve_le_compte_par_son_sub() -> None:
    with pytest.raises(Refus):
        compte_franceconnect(sub="abc123", auteur=ANONYME)
    premier = compte_franceconnect(
        sub="abc123", prenoms="Léa", nom="Martin", courriel="lea@example.org", auteur=acteur_systeme("test")
    )
    encore = compte_franceconnect(sub="abc123", prenoms="Léa Marie", nom="Martin", auteur=acteur_systeme("test"))
    assert premier.pk == encore.pk and encore.first_name == "Léa Marie"
    assert acteur_de(encore).nature is Nature.DEMANDEUR
    assert not encore.has_usable_password()
