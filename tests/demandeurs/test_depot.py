"""Online filing (issue 13, point 3; decision 0029): a household files its demand from its space, through the same
registration as at the desk. The acceptance test files the same household online (through the applicant's pages,
as a real verified account) and at the desk (through the desk's registration pages, as a real agent), then compares
the two records field by field."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from attrib.avis.services import avis_traiter
from attrib.common.models import Evenement
from attrib.cotation.models import Cotation
from attrib.demandes import enums
from attrib.demandes.models import Demande, Personne
from attrib.demandeurs.models import Liaison, Qualite
from attrib.demandeurs.services_depot import ACTION_DOUBLE, guichet_en_ligne_ouvrir
from attrib.documents.models import Document, Instantane, NatureDocument
from attrib.journal.models import EntreeJournal
from attrib.organisations.acteurs import acteur_systeme
from attrib.territoires.models import EPCI
from tests.demandeurs.outils import client_de, compte_verifie
from tests.factories import GRUISSAN, NARBONNE, creer_demande, guichet, membre, personne, territoire_minimal
from tests.factories.modeles import coter_les_demandes

pytestmark = pytest.mark.django_db

SYSTEME = acteur_systeme("test du dépôt en ligne")

# --- one household, typed the same way online and at the desk ------------------------------------------------

IDENTITE = {
    "demandeur-civilite": "mme",
    "demandeur-nom": "Bénard",
    "demandeur-prenoms": "Élodie Marie",
    "demandeur-date_naissance": "1988-04-12",
    "demandeur-lieu_naissance": "Perpignan",
    "demandeur-nationalite": "francaise",
    "demandeur-situation_familiale": "marie",
    "demandeur-situation_professionnelle": "cdi",
    "demandeur-employeur_nom": "Clinique du Littoral",
    "demandeur-employeur_commune": "Narbonne",
}
CODEMANDEUR = {
    "codemandeur-lien": "conjoint",
    "codemandeur-civilite": "m",
    "codemandeur-nom": "Bénard",
    "codemandeur-prenoms": "Hugo",
    "codemandeur-date_naissance": "1986-01-30",
    "codemandeur-nationalite": "francaise",
    "codemandeur-situation_familiale": "marie",
    "codemandeur-situation_professionnelle": "cdd",
}
CONTACT = {
    "adresse": "12 avenue de la Mer",
    "code_postal": "11100",
    "ville": "Narbonne",
    "telephone": "06 12 34 56 78",
    "email": "elodie.benard@example.org",
}
PERSONNES = {
    "personnes-TOTAL_FORMS": "2",
    "personnes-INITIAL_FORMS": "0",
    "personnes-MIN_NUM_FORMS": "0",
    "personnes-MAX_NUM_FORMS": "20",
    "personnes-0-lien": "enfant",
    "personnes-0-nom": "Bénard",
    "personnes-0-prenoms": "Jules",
    "personnes-0-date_naissance": "2016-09-01",
    "personnes-0-a_charge": "on",
    "personnes-1-lien": "enfant",
    "personnes-1-nom": "Bénard",
    "personnes-1-prenoms": "Lina",
    "personnes-1-date_naissance": "2019-02-14",
    "personnes-1-a_charge": "on",
    "personnes-1-garde_alternee": "on",
}
RESSOURCES = {
    "ressources_demandeur-salaires": "1650.50",
    "ressources_demandeur-prestations_familiales": "120",
    "ressources_codemandeur-salaires": "900",
    "ressources_codemandeur-indemnites_chomage": "310.25",
    "ressources_menage-revenu_fiscal_reference": "24000",
}


def _ressources() -> dict[str, str]:
    """The resources step; the tax year is the one before last, read when the test runs (never at import)."""
    return {**RESSOURCES, "ressources_menage-annee_revenu_fiscal": str(timezone.localdate().year - 2)}


LOGEMENT = {
    "logement_actuel-statut_logement_actuel": "locataire_parc_prive",
    "logement_actuel-type_logement_actuel": "appartement",
    "logement_actuel-nb_pieces_actuel": "2",
    "logement_actuel-surface_actuelle": "41.5",
    "logement_actuel-loyer_actuel": "720",
    "logement_actuel-charges_actuelles": "60",
    "logement_actuel-procedure_expulsion": "aucune",
    "logement_actuel-logement_non_decent": "on",
    "logement_actuel-motif_principal": "trop_petit",
    "logement_actuel-motifs_secondaires": ["trop_cher", "rapprochement_travail"],
}
SOUHAITS = {
    "logement_recherche-typologie_min": "3",
    "logement_recherche-typologie_max": "4",
    "logement_recherche-type_logement_recherche": "indifferent",
    "logement_recherche-loyer_max": "650",
    "logement_recherche-besoin_parking": "on",
    "logement_recherche-commune_1": GRUISSAN,
    "logement_recherche-commune_2": NARBONNE,
    "logement_recherche-priorites": ["l441_c", "l441_k"],
}
ACCORD = {"accord-exactitude": "on", "accord-consentement": "on", "action": "deposer"}


def _texte(reponse: Any) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", reponse.content.decode())))


def _etape(nom: str) -> str:
    return reverse("demandeurs:deposer_etape", args=[nom])


@pytest.fixture(autouse=True)
def _rapide(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ATTRIB_AVIS_GARDE_S = 0
    settings.ATTRIB_AVIS_PAUSE_S = 0


@pytest.fixture
def territoire() -> dict[str, Any]:
    """The Grand Narbonne with its desk, its online desk and its published cotation grid."""
    epci = territoire_minimal()
    coter_les_demandes(jour=timezone.localdate())  # publishes the EPCI's grid: every registration is scored at once
    return {
        "guichet": guichet(),
        "en_ligne": guichet_en_ligne_ouvrir(
            epci=EPCI.objects.get(pk=epci.pk), code_guichet="GNWEB", nom="Guichet en ligne", auteur=SYSTEME
        ),
    }


@pytest.fixture
def menage(territoire: dict[str, Any]) -> Client:
    return client_de(compte_verifie("elodie.benard@example.org"))


def _deposer_en_ligne(client: Client, *, contact: dict[str, str] = CONTACT) -> Any:
    """The household goes through the seven steps and sends its demand; returns the last response."""
    assert client.get(reverse("demandeurs:deposer"))["Location"] == _etape("menage")
    assert client.post(_etape("menage"), {**IDENTITE, "action": "ajouter_codemandeur"}).status_code == 302
    suite = [
        ("menage", {**IDENTITE, **CODEMANDEUR}, "personnes"),
        ("personnes", PERSONNES, "ressources"),
        ("ressources", _ressources(), "logement"),
        ("logement", LOGEMENT, "souhaits"),
        ("souhaits", SOUHAITS, "contact"),
        ("contact", {f"contact-{k}": v for k, v in contact.items()}, "recapitulatif"),
    ]
    for etape, donnees, suivante in suite:
        reponse = client.post(_etape(etape), {**donnees, "action": "suivant"})
        assert reponse.status_code == 302 and reponse["Location"] == _etape(suivante), _texte(reponse)[:3000]
    return client.post(_etape("recapitulatif"), ACCORD)


def _enregistrer_au_guichet(client: Client, guichet_id: int) -> Demande:
    """The agent of the desk registers the same household with the desk's own pages."""

    def etape(n: int) -> str:
        return reverse("demandes:nouvelle_etape", args=[n])

    premiere = {
        "enregistrement-guichet": str(guichet_id),
        "enregistrement-date_depot": timezone.localdate().isoformat(),
        **IDENTITE,
        **{f"demandeur-{k}": v for k, v in CONTACT.items()},
    }
    assert client.post(etape(1), {**premiere, "action": "ajouter_codemandeur"}).status_code == 302
    for n, donnees in enumerate([{**premiere, **CODEMANDEUR}, PERSONNES, _ressources(), LOGEMENT, SOUHAITS], start=1):
        reponse = client.post(etape(n), {**donnees, "action": "suivant"})
        assert reponse.status_code == 302 and reponse["Location"] == etape(n + 1), _texte(reponse)[:3000]
    reponse = client.post(etape(6), {"action": "enregistrer"})
    assert reponse.status_code == 302
    return Demande.objects.get(pk=int(reponse["Location"].rstrip("/").rsplit("/", 1)[-1]))


#: What must differ between the same demand filed online and registered at the desk, and why:
EXCLUS_DEMANDE = {
    "id",  # two rows
    "numero_unique",  # the sequence of the département, and the code of the registering desk
    "guichet",  # the online desk, the desk
    "canal",  # « en ligne », « guichet »
    "cree_le",  # timestamps
    "modifie_le",
}
EXCLUS_PERSONNE = {"id", "demande"}
#: The ranks and counts place each demand among the others (the second one filed follows the first).
EXCLUS_COTATION = {"id", "demande", "rang", "rang_territoire", "calculee_le"}


def _champs(objet: Any, exclus: set[str]) -> dict[str, Any]:
    return {f.name: getattr(objet, f.attname) for f in objet._meta.concrete_fields if f.name not in exclus}


def _dossier(demande: Demande) -> dict[str, Any]:
    """Everything registering a demand writes, but what must differ (the lists above)."""
    cotation = Cotation.objects.get(demande=demande)
    attestation = Instantane.objects.get(
        cible_type=ContentType.objects.get_for_model(Demande), cible_id=demande.pk, nature=NatureDocument.ATTESTATION
    )
    evenements = Evenement.objects.filter(
        cible_type=ContentType.objects.get_for_model(Demande), cible_id=str(demande.pk)
    ).order_by("id")
    return {
        "demande": _champs(demande, EXCLUS_DEMANDE),
        "personnes": [_champs(p, EXCLUS_PERSONNE) for p in demande.personnes.order_by("role", "date_naissance")],
        "communes": list(demande.communes_souhaitees.order_by("rang").values_list("commune_id", "rang")),
        "motifs": sorted(demande.motifs_secondaires.values_list("motif", flat=True)),
        "priorites": sorted(demande.situations_prioritaires.values_list("priorite_id", "statut")),
        "pieces": sorted(demande.pieces.values_list("critere", "libelle", "statut", "sensible")),
        "cotation": _champs(cotation, EXCLUS_COTATION),
        # The attestation says the same thing, but for its number and its desk.
        "attestation": attestation.html.replace(demande.numero_unique, "<numéro>")
        .replace(html.escape(demande.guichet.nom), "<guichet>")
        .replace(f"(code {demande.guichet.code_guichet})", "(code <guichet>)"),
        # The business trail: the same events, visible the same way (their author and desk differ).
        "evenements": [(e.action, e.visible_demandeur, e.details) for e in evenements],
    }


def test_une_demande_deposee_en_ligne_et_la_meme_enregistree_au_guichet_sont_egales(
    territoire: dict[str, Any], menage: Client
) -> None:
    reponse = _deposer_en_ligne(menage)
    en_ligne = Demande.objects.get(canal=enums.Canal.EN_LIGNE)
    assert reponse.status_code == 302 and reponse["Location"] == reverse("demandeurs:demande", args=[en_ligne.pk])

    agent = Client()
    agent.force_login(membre(territoire["guichet"], username="agent-narbonne"))
    au_guichet = _enregistrer_au_guichet(agent, territoire["guichet"].pk)

    assert (en_ligne.guichet, en_ligne.canal) == (territoire["en_ligne"], "en_ligne")
    assert (au_guichet.guichet, au_guichet.canal) == (territoire["guichet"], "guichet")
    # The same numéro unique: département, month of filing, the one sequence, the desk's code.
    assert en_ligne.numero_unique[:7] == au_guichet.numero_unique[:7] == f"011{timezone.localdate():%y%m}"
    assert en_ligne.numero_unique.endswith("GNWEB") and au_guichet.numero_unique.endswith("NAR01")
    assert int(au_guichet.numero_unique[7:14]) == int(en_ligne.numero_unique[7:14]) + 1

    dossier_en_ligne, dossier_guichet = _dossier(en_ligne), _dossier(au_guichet)
    for partie in dossier_en_ligne:
        assert dossier_en_ligne[partie] == dossier_guichet[partie], partie
    # Not an empty comparison: the household's data are all there.
    assert len(dossier_en_ligne["personnes"]) == 4 and dossier_en_ligne["cotation"]["score"] > 0
    assert dossier_en_ligne["pieces"] and dossier_en_ligne["priorites"] == [
        ("l441_c", "declaree"),
        ("l441_k", "declaree"),
    ]
    assert dossier_en_ligne["demande"]["logement_non_decent"] and dossier_en_ligne["demande"]["besoin_parking"]
    # The desk was told of the same person on two demands, as for any registration.
    assert au_guichet.pk > en_ligne.pk


def test_le_menage_voit_ma_demande_aussitot_et_son_attestation(territoire: dict[str, Any], menage: Client) -> None:
    reponse = _deposer_en_ligne(menage)
    demande = Demande.objects.get()
    page = menage.get(reponse["Location"])
    texte = _texte(page)
    assert f"Votre demande est enregistrée sous le numéro unique {demande.numero_unique}" in texte
    assert f"Ma demande n° {demande.numero_unique}" in texte and "Guichet en ligne" in texte
    liaison = Liaison.objects.get(demande=demande)
    assert liaison.qualite == Qualite.TITULAIRE and liaison.compte.courriel == "elodie.benard@example.org"
    # The attestation of the space: the frozen one, the same bytes at every download.
    pdf = menage.get(reverse("demandeurs:attestation", args=[demande.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert menage.get(reverse("demandeurs:attestation", args=[demande.pk])).content == pdf.content
    assert Document.objects.filter(nature=NatureDocument.ATTESTATION).count() == 1
    # The journal names the household's account as the author of the filing.
    entree = EntreeJournal.objects.filter(table_objet="demandes.demande", objet_id=str(demande.pk)).first()
    assert entree is not None and entree.auteur_id == liaison.compte.utilisateur_id


def test_l_attestation_figee_est_envoyee_par_courriel(territoire: dict[str, Any], menage: Client) -> None:
    _deposer_en_ligne(menage)
    demande = Demande.objects.get()
    mail.outbox.clear()
    avis_traiter(auteur=SYSTEME)  # the worker's run of the outbox
    messages = [m for m in mail.outbox if "est enregistrée" in m.subject]
    assert len(messages) == 1
    message = messages[0]
    assert message.to == ["elodie.benard@example.org"] and demande.numero_unique in message.subject
    assert "Votre attestation d'enregistrement est jointe à ce message" in message.body
    [(nom, contenu, type_)] = message.attachments
    fige = Document.objects.get(nature=NatureDocument.ATTESTATION)
    assert (nom, type_) == (fige.nom_fichier, "application/pdf") and contenu == bytes(fige.octets)
    # The same attestation in the space (frozen once: the email and the page give the same bytes).
    assert menage.get(reverse("demandeurs:attestation", args=[demande.pk])).content == contenu


def test_erreurs_en_francais_sur_chaque_champ(territoire: dict[str, Any], menage: Client) -> None:
    futur = (timezone.localdate() + timedelta(days=3)).isoformat()
    reponse = menage.post(
        _etape("menage"),
        {**IDENTITE, "demandeur-nom": "", "demandeur-date_naissance": futur, "action": "suivant"},
    )
    texte = _texte(reponse)
    assert reponse.status_code == 200 and "Le formulaire contient 2 erreurs" in texte
    assert "Nom d'usage : Ce champ est obligatoire." in texte
    assert "est dans le futur" in texte
    page = reponse.content.decode()
    assert 'href="#id_demandeur-nom"' in page and 'aria-describedby="id_demandeur-nom_error"' in page
    assert 'id="form-depot-menage"' in page
    # A step cannot be skipped: the household is sent back to the first step still to fill.
    assert menage.get(_etape("souhaits"))["Location"] == _etape("menage")
    # The wishes: the rule of the typologies, in French on its field.
    menage.post(_etape("menage"), {**IDENTITE, "action": "suivant"})
    for etape, donnees in (("personnes", PERSONNES), ("ressources", _ressources()), ("logement", LOGEMENT)):
        menage.post(_etape(etape), {**donnees, "action": "suivant"})
    reponse = menage.post(
        _etape("souhaits"),
        {
            **SOUHAITS,
            "logement_recherche-typologie_min": "5",
            "logement_recherche-typologie_max": "2",
            "action": "suivant",
        },
    )
    assert "La typologie maximale doit être supérieure ou égale à la typologie minimale." in _texte(reponse)
    # The contact: an e-mail is required online, a postcode has five digits.
    menage.post(_etape("souhaits"), {**SOUHAITS, "action": "suivant"})
    reponse = menage.post(
        _etape("contact"),
        {
            "contact-adresse": "1 rue",
            "contact-code_postal": "111",
            "contact-ville": "Narbonne",
            "contact-email": "",
            "action": "suivant",
        },
    )
    texte = _texte(reponse)
    assert "Le code postal compte cinq chiffres, par exemple 11100." in texte
    assert "Courriel : Ce champ est obligatoire." in texte
    # The consent: without it nothing is filed.
    menage.post(_etape("contact"), {**{f"contact-{k}": v for k, v in CONTACT.items()}, "action": "suivant"})
    reponse = menage.post(_etape("recapitulatif"), {"accord-exactitude": "on", "action": "deposer"})
    assert reponse.status_code == 200 and "sans votre accord, elle ne peut pas être enregistrée" in _texte(reponse)
    assert "Vos données et leur traitement" in _texte(reponse) and "12 mois après la fin de votre demande" in _texte(
        reponse
    )
    assert not Demande.objects.exists()


def test_le_brouillon_se_reprend(territoire: dict[str, Any], menage: Client) -> None:
    menage.post(_etape("menage"), {**IDENTITE, "action": "suivant"})
    menage.post(_etape("personnes"), {**PERSONNES, "action": "suivant"})
    # The household leaves for its space, then comes back: the filing resumes where it stopped, and says so.
    espace = _texte(menage.get(reverse("demandeurs:espace")))
    assert "Reprendre ma demande en cours de saisie" in espace
    reprise = menage.get(reverse("demandeurs:deposer"))
    assert reprise["Location"] == _etape("ressources") + "?reprise=1"
    assert "Nous avons repris la saisie que vous aviez commencée" in _texte(menage.get(reprise["Location"]))
    page = menage.get(_etape("menage")).content.decode()
    assert 'value="Bénard"' in page and 'value="Élodie Marie"' in page
    assert 'value="Lina"' in menage.get(_etape("personnes")).content.decode()
    # Abandoning drops the draft.
    reponse = menage.post(reverse("demandeurs:deposer"), {"action": "abandonner"})
    assert reponse["Location"] == reverse("demandeurs:espace")
    assert menage.get(reverse("demandeurs:deposer"))["Location"] == _etape("menage")
    assert 'value="Bénard"' not in menage.get(_etape("menage")).content.decode()


def test_une_personne_deja_en_demande_n_en_depose_pas_une_seconde(territoire: dict[str, Any], menage: Client) -> None:
    """The applicant already has an active demand, registered at the desk (typed with an accent less): no second
    demand; the household is told to link it; the desk of that demand is told, the household's page does not."""
    existante = creer_demande(
        guichet_org=territoire["guichet"],
        personnes=[
            personne(nom="Benard", prenoms="Elodie Marie", date_naissance=timezone.datetime(1988, 4, 12).date())
        ],
    )
    avant = Demande.objects.count()
    reponse = _deposer_en_ligne(menage)
    texte = _texte(reponse)
    assert reponse.status_code == 409 and Demande.objects.count() == avant
    assert "Une demande de logement social est déjà en cours pour Élodie Marie Bénard" in texte
    assert "Liez-la à votre compte avec son numéro unique" in texte and existante.numero_unique not in texte
    trace = Evenement.objects.get(action=ACTION_DOUBLE)
    assert trace.cible_id == str(existante.pk) and not trace.visible_demandeur
    assert trace.organisation == territoire["guichet"]
    # The draft is kept (the household may correct a name it mistyped).
    assert "Bénard" in _texte(menage.get(_etape("recapitulatif")))


def test_un_compte_deja_lie_a_une_demande_active_est_renvoye_vers_elle(
    territoire: dict[str, Any], menage: Client
) -> None:
    _deposer_en_ligne(menage)
    demande = Demande.objects.get()
    reponse = menage.get(reverse("demandeurs:deposer"))
    texte = _texte(reponse)
    assert reponse.status_code == 200 and f"Votre compte est lié à la demande n° {demande.numero_unique}" in texte
    assert 'id="form-depot-menage"' not in menage.get(_etape("menage")).content.decode()


def test_sans_guichet_en_ligne_le_depot_est_ferme(menage: Client, territoire: dict[str, Any]) -> None:
    territoire["en_ligne"].delete()
    texte = _texte(menage.get(reverse("demandeurs:deposer")))
    assert "Le dépôt en ligne n'est pas encore ouvert sur ce territoire" in texte


def test_le_guichet_en_ligne_n_enregistre_que_les_depots_en_ligne(territoire: dict[str, Any]) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as erreur:
        creer_demande(guichet_org=territoire["en_ligne"])
    assert "n'enregistre que les demandes déposées par les ménages" in erreur.value.message_dict["guichet"][0]
    with pytest.raises(ValidationError) as erreur:
        creer_demande(guichet_org=territoire["guichet"], canal=enums.Canal.EN_LIGNE)
    assert "réservé aux demandes déposées par les ménages" in erreur.value.message_dict["canal"][0]
    assert not Personne.objects.exists()


def test_ouvrir_le_guichet_en_ligne_est_idempotent(territoire: dict[str, Any]) -> None:
    from io import StringIO

    from django.core.exceptions import ValidationError
    from django.core.management import call_command

    sortie = StringIO()
    call_command(
        "ouvrir_guichet_en_ligne", "--epci", "241100593", "--code", "gnweb", "--nom", "En ligne", stdout=sortie
    )
    territoire["en_ligne"].refresh_from_db()
    assert territoire["en_ligne"].nom == "En ligne" and "3 communes" in sortie.getvalue()
    with pytest.raises(ValidationError):
        guichet_en_ligne_ouvrir(epci=EPCI.objects.get(siren="241100593"), code_guichet="NAR01", auteur=SYSTEME)


def test_le_brouillon_d_une_session_expiree_est_purge(territoire: dict[str, Any], menage: Client) -> None:
    """The draft lives in the login session only; the nightly retention run deletes expired sessions with it."""
    from django.contrib.sessions.models import Session

    from attrib.exploitation.conservation import conservation_appliquer

    menage.post(_etape("menage"), {**IDENTITE, "action": "suivant"})
    session = Session.objects.get(session_key=menage.session.session_key)
    assert "Bénard" in str(session.get_decoded()) and "Bénard" not in str(list(EntreeJournal.objects.values("apres")))
    conservation_appliquer(auteur=SYSTEME)
    assert Session.objects.filter(pk=session.pk).exists()  # still alive: kept
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() - timedelta(seconds=1))
    bilan = conservation_appliquer(auteur=SYSTEME)
    assert bilan.sessions_supprimees == 1 and not Session.objects.filter(pk=session.pk).exists()


def test_seul_un_compte_demandeur_depose_et_seul_l_administrateur_ouvre_le_guichet_en_ligne(
    territoire: dict[str, Any],
) -> None:
    from attrib.demandeurs.services_depot import demande_deposer_en_ligne
    from attrib.organisations.acteurs import ANONYME, Refus, acteur_de

    agent = acteur_de(membre(territoire["guichet"], username="agent-guichet"))
    for auteur in (ANONYME, agent):
        with pytest.raises(Refus):
            demande_deposer_en_ligne(
                auteur=auteur, donnees={}, personnes=[personne()], communes=[NARBONNE], consentement=True
            )
        with pytest.raises(Refus):
            guichet_en_ligne_ouvrir(epci=EPCI.objects.get(siren="241100593"), code_guichet="AUTRE", auteur=auteur)
    assert not Demande.objects.exists()
