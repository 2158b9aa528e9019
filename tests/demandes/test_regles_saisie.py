"""One rule set for the demand file: the same bad value typed in the registration wizard, sent through the
API or imported from a CSV file gives the same French message, located on its field (and its line), and
nothing is written. One case per family of rules: birth date, filing date, ranges, control characters and
bidirectional overrides, length, overflow."""

from __future__ import annotations

import csv
import html
import io
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from attrib.common.models import Evenement
from attrib.demandes import importexport
from attrib.demandes.importexport import ErreurImport, importer_demandes
from attrib.demandes.models import CompteurNumero, Demande, Personne
from attrib.engine import validation
from attrib.organisations.acteurs import acteur_de
from tests.api.aide import champs, client_jeton, corps_demande
from tests.demandes.test_importexport import EXEMPLE
from tests.demandes.test_views import ETAPE_1, ETAPE_2_UNE_PERSONNE, ETAPE_3
from tests.factories import COURSAN, GRUISSAN, NARBONNE, guichet, membre, territoire_minimal

# Frozen clock (tests/conftest.py): expectations computed from today hold on any day the suite runs.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("horloge")]


@dataclass(frozen=True)
class Cas:
    famille: str
    message: str
    # Wizard: step and POST key; API: section (None for a person or the body) and key; CSV: column.
    etape: int
    cle_assistant: str
    cle_api: str
    colonne: str
    valeur_assistant: str
    valeur_api: Any
    valeur_csv: str


def _cent_vingt_ans() -> str:
    borne = validation.decaler_annees(timezone.localdate(), -120)
    return f"{borne.year - 1}-01-01"


def cas() -> list[Cas]:
    ancienne = _cent_vingt_ans()
    a, m, j = ancienne.split("-")
    return [
        Cas(
            "date de naissance future",
            "Date de naissance : le 31/12/9999 est dans le futur.",
            1,
            "demandeur-date_naissance",
            "personnes[0].date_naissance",
            "date_naissance_demandeur",
            "9999-12-31",
            "9999-12-31",
            "31/12/9999",
        ),
        Cas(
            "date de naissance trop ancienne",
            f"Date de naissance : le {j}/{m}/{a} donnerait plus de 120 ans ; vérifiez l'année.",
            1,
            "demandeur-date_naissance",
            "personnes[0].date_naissance",
            "date_naissance_demandeur",
            ancienne,
            ancienne,
            f"{j}/{m}/{a}",
        ),
        Cas(
            "date de dépôt antérieure aux règles de validité",
            "Date de dépôt : le 31/03/2011 précède le 01/04/2011, date à partir de laquelle les règles de "
            "validité de la demande (article R441-2-7 du code de la construction et de l'habitation) sont "
            "renseignées ; une demande plus ancienne ne peut pas être enregistrée.",
            1,
            "enregistrement-date_depot",
            "date_depot_initiale",
            "date_depot_initiale",
            "2011-03-31",
            "2011-03-31",
            "31/03/2011",
        ),
        Cas(
            "montant hors bornes",
            "Salaires : la valeur doit être comprise entre 0 et 100 000 € (reçu 250 000).",
            3,
            "ressources_demandeur-salaires",
            "personnes[0].salaires",
            "salaires_demandeur",
            "250000",
            "250000.00",
            "250000,00",
        ),
        Cas(
            "caractère de contrôle",
            "Nom d'usage : caractère de contrôle invisible interdit (U+0007) ; retirez-le.",
            1,
            "demandeur-nom",
            "personnes[0].nom",
            "nom_demandeur",
            "Mar\x07tin",
            "Mar\x07tin",
            "Mar\x07tin",
        ),
        Cas(
            "inversion du sens d'écriture",
            "Prénoms : caractère d'inversion du sens d'écriture interdit (U+202E) ; retirez-le.",
            1,
            "demandeur-prenoms",
            "personnes[0].prenoms",
            "prenoms_demandeur",
            "Léa\u202eaéL",
            "Léa\u202eaéL",
            "Léa\u202eaéL",
        ),
        Cas(
            "longueur",
            "Nom d'usage : 100 caractères au plus (101 saisis).",
            1,
            "demandeur-nom",
            "personnes[0].nom",
            "nom_demandeur",
            "N" * 101,
            "N" * 101,
            "N" * 101,
        ),
        Cas(
            "dépassement d'un entier de la base",
            "Revenu fiscal de référence : la valeur doit être comprise entre 0 et 10 000 000 € (reçu 99 999 999 999).",
            3,
            "ressources_menage-revenu_fiscal_reference",
            "ressources.revenu_fiscal_reference",
            "revenu_fiscal_reference",
            "99999999999",
            99999999999,
            "99999999999",
        ),
    ]


#: The families, named at collection; each test builds its cases inside the frozen day (``horloge``), since the
#: oldest birth date allowed depends on the day (collection runs on the machine's day, not the frozen one).
FAMILLES = [c.famille for c in cas()]


@pytest.fixture
def org():
    territoire_minimal()
    return guichet(communes=(NARBONNE, GRUISSAN, COURSAN))


@pytest.fixture
def agent(org):
    return membre(org)


def ecrits() -> dict[str, int]:
    return {
        "demandes": Demande.objects.count(),
        "personnes": Personne.objects.count(),
        "evenements": Evenement.objects.count(),
        "numeros": sum(CompteurNumero.objects.values_list("valeur", flat=True)),
    }


def _page(reponse: Any) -> str:
    return html.unescape(reponse.content.decode())


def par_l_assistant(client: Client, org: Any, c: Cas) -> str:
    """Type the valid steps before the case's one, then the bad value on its step: the page shown."""
    etape1 = {
        "enregistrement-guichet": str(org.pk),
        "enregistrement-date_depot": timezone.localdate().isoformat(),
        **ETAPE_1,
    }
    etapes = {1: etape1, 2: ETAPE_2_UNE_PERSONNE, 3: {k: v for k, v in ETAPE_3.items() if "codemandeur" not in k}}
    for n in range(1, c.etape):
        assert (
            client.post(reverse("demandes:nouvelle_etape", args=[n]), {**etapes[n], "action": "suivant"}).status_code
            == 302
        )
    reponse = client.post(
        reverse("demandes:nouvelle_etape", args=[c.etape]),
        {**etapes[c.etape], c.cle_assistant: c.valeur_assistant, "action": "suivant"},
    )
    assert reponse.status_code == 200, "l'étape doit être refusée et réaffichée"
    return _page(reponse)


def par_l_api(agent: Any, c: Cas) -> dict[str, str]:
    corps = corps_demande()
    section, _, champ = c.cle_api.rpartition(".")
    if section == "personnes[0]":
        corps["personnes"][0][champ] = c.valeur_api
    elif section:
        corps[section][champ] = c.valeur_api
    else:
        corps[champ] = c.valeur_api
    reponse = client_jeton(agent).post("/api/v1/demandes/", corps, format="json")
    assert reponse.status_code == 400, reponse.content
    return champs(reponse)


def ligne_exemple() -> dict[str, str]:
    lignes = list(csv.DictReader(io.StringIO(EXEMPLE.read_text(encoding="utf-8-sig")), delimiter=";"))
    return lignes[0]


def fichier(*lignes: dict[str, str]) -> bytes:
    flux = io.StringIO()
    sortie = csv.DictWriter(flux, fieldnames=list(lignes[0]), delimiter=";")
    sortie.writeheader()
    sortie.writerows(lignes)
    return flux.getvalue().encode("utf-8")


@pytest.mark.parametrize("famille", FAMILLES)
def test_meme_valeur_meme_message_localise_partout_et_rien_d_ecrit(org, agent, famille):
    [c] = [c for c in cas() if c.famille == famille]
    avant = ecrits()
    client = Client()
    client.force_login(agent)

    page = par_l_assistant(client, org, c)
    assert c.message in page
    assert f'href="#id_{c.cle_assistant}"' in page  # the error summary links to the field

    erreurs_api = par_l_api(agent, c)
    assert erreurs_api == {c.cle_api: c.message}

    rapport = importer_demandes(
        fichier=fichier({**ligne_exemple(), c.colonne: c.valeur_csv}),
        guichet=org,
        auteur=acteur_de(agent),
        tout_ou_rien=False,
    )
    assert rapport.erreurs == [ErreurImport(2, c.colonne, c.message)]
    assert rapport.nb_creees == 0

    assert ecrits() == avant


def test_le_fichier_exemple_passe_les_regles(org, agent):
    """Control: the CSV line the cases start from is valid (each case fails for its value only)."""
    rapport = importer_demandes(
        fichier=fichier(ligne_exemple()), guichet=org, auteur=acteur_de(agent), tout_ou_rien=False
    )
    assert rapport.erreurs == [] and rapport.nb_creees == 1


def test_commande_ligne_a_ligne_ligne_valide_enregistree_ligne_2011_signalee(org, tmp_path, capsys):
    """The 31/03/2011 filing date of the issue: the command names the line and the reason, the valid line
    before it is imported, and no stack trace is printed."""
    valide = ligne_exemple()
    ancienne = {**ligne_exemple(), "nom_demandeur": "Ancienne", "date_depot_initiale": "31/03/2011"}
    chemin = tmp_path / "demandes.csv"
    chemin.write_bytes(fichier(valide, ancienne))
    sortie, erreurs = io.StringIO(), io.StringIO()
    call_command("importer_demandes", str(chemin), "--guichet", org.code_guichet, stdout=sortie, stderr=erreurs)
    assert Demande.objects.count() == 1
    assert Personne.objects.filter(nom="Ancienne").count() == 0
    texte = erreurs.getvalue()
    assert texte.startswith("ligne 3, colonne date_depot_initiale : Date de dépôt : le 31/03/2011 précède")
    assert "Traceback" not in texte
    assert "1 créées" in sortie.getvalue()


def test_commande_tout_ou_rien_n_ecrit_rien(org, tmp_path):
    chemin = tmp_path / "demandes.csv"
    chemin.write_bytes(fichier(ligne_exemple(), {**ligne_exemple(), "date_naissance_demandeur": "31/12/9999"}))
    with pytest.raises(CommandError, match="Import annulé"):
        call_command(
            "importer_demandes", str(chemin), "--guichet", org.code_guichet, "--tout-ou-rien", stderr=io.StringIO()
        )
    assert Demande.objects.count() == 0 and Personne.objects.count() == 0


def test_echec_inattendu_d_une_ligne_signale_sans_perdre_les_autres(org, agent, monkeypatch):
    """A line whose registration fails unexpectedly is reported with its number; the lines before and
    after it are imported (line by line) and nothing of it is written."""
    enregistrer = importexport.__dict__.get("demande_enregistrer")
    assert enregistrer is None  # imported inside the function: patch the service module

    from attrib.demandes import services

    vrai = services.demande_enregistrer

    def capricieux(**kwargs: Any) -> Any:
        if kwargs["personnes"][0]["nom"] == "Panne":
            vrai(**kwargs)  # writes, then fails: the line's savepoint must undo it
            raise RuntimeError("panne simulée")
        return vrai(**kwargs)

    monkeypatch.setattr(services, "demande_enregistrer", capricieux)
    lignes = [
        ligne_exemple(),
        {**ligne_exemple(), "nom_demandeur": "Panne", "prenoms_demandeur": "Paul"},
        {**ligne_exemple(), "nom_demandeur": "Suivant", "prenoms_demandeur": "Zoé"},
    ]
    rapport = importer_demandes(fichier=fichier(*lignes), guichet=org, auteur=acteur_de(agent), tout_ou_rien=False)
    assert [(e.ligne, e.colonne) for e in rapport.erreurs] == [(3, None)]
    assert rapport.erreurs[0].message.startswith("ligne non importée")
    assert rapport.nb_creees == 2
    assert sorted(Personne.objects.filter(role="demandeur").values_list("nom", flat=True)) == ["Martin", "Suivant"]


def test_radiation_ni_future_ni_avant_le_depot(org, agent):
    from django.core.exceptions import ValidationError

    from attrib.demandes.services import demande_radier
    from tests.factories import creer_demande

    demande = creer_demande(guichet_org=org, date_depot=date(2024, 5, 2), aujourd_hui=date(2024, 5, 2))
    for jour, attendu in (
        (date(2024, 5, 1), "Date de radiation : le 01/05/2024 précède le dépôt de la demande (02/05/2024)."),
        (date(9999, 1, 1), "Date de radiation : le 01/01/9999 est dans le futur."),
    ):
        with pytest.raises(ValidationError) as exc:
            demande_radier(demande=demande, auteur=acteur_de(agent), motif="renonciation", date_radiation=jour)
        assert exc.value.message_dict == {"date_radiation": [attendu]}
    demande.refresh_from_db()
    assert demande.statut == "active"


def test_api_radiation_commentaire_avec_caractere_de_controle(org, agent):
    from tests.factories import creer_demande

    demande = creer_demande(guichet_org=org)
    reponse = client_jeton(agent).post(
        f"/api/v1/demandes/{demande.numero_unique}/radier/",
        {"motif": "renonciation", "commentaire": "ok\x00\x1b[31m"},
        format="json",
    )
    assert reponse.status_code == 400
    assert "commentaire" in champs(reponse)
    demande.refresh_from_db()
    assert demande.statut == "active"


def test_modification_ecran_et_api_meme_message_et_rien_de_change(org, agent):
    """The modification form and the API PATCH are wired to the same rule set as the registration."""
    from tests.factories import creer_demande

    demande = creer_demande(guichet_org=org)
    attendu = "Revenu fiscal de référence : la valeur doit être comprise entre 0 et 10 000 000 € (reçu 99 999 999 999)."
    client = Client()
    client.force_login(agent)
    page = client.get(reverse("demandes:modifier", args=[demande.pk]))
    from tests.fuzz.formulaires import formulaires_de

    [formulaire] = [
        f for f in formulaires_de("/", page.content.decode()) if "ressources-revenu_fiscal_reference" in f.champs
    ]
    donnees = {nom: c.valeur for nom, c in formulaire.champs.items() if c.type not in ("checkbox", "radio")}
    donnees["ressources-revenu_fiscal_reference"] = "99999999999"
    reponse = client.post(reverse("demandes:modifier", args=[demande.pk]), donnees)
    assert reponse.status_code == 200 and attendu in _page(reponse)

    reponse = client_jeton(agent).patch(
        f"/api/v1/demandes/{demande.numero_unique}/",
        {"ressources": {"revenu_fiscal_reference": 99999999999}},
        format="json",
    )
    assert reponse.status_code == 400 and champs(reponse) == {"ressources.revenu_fiscal_reference": attendu}
    avant = demande.revenu_fiscal_reference
    demande.refresh_from_db()
    assert demande.revenu_fiscal_reference == avant
    assert Evenement.objects.filter(action="modification").count() == 0


def test_ecran_d_import_ligne_a_ligne_ligne_valide_importee_ligne_fautive_nommee(org, agent):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = Client()
    client.force_login(agent)
    contenu = fichier(ligne_exemple(), {**ligne_exemple(), "nom_demandeur": "Y" * 101})
    reponse = client.post(
        reverse("demandes:import"),
        {"guichet": str(org.pk), "fichier": SimpleUploadedFile("demandes.csv", contenu, content_type="text/csv")},
        follow=True,  # to the job's page: the import ran (at once in the tests), its report is there
    )
    page = _page(reponse)
    assert reponse.status_code == 200
    assert "1 demande créée" in page
    assert "Nom d'usage : 100 caractères au plus (101 saisis)." in page
    assert "<td>3</td><td>nom_demandeur</td>" in page
    assert Demande.objects.count() == 1


def test_les_longueurs_des_regles_sont_celles_des_colonnes():
    """A text the rule set accepts always fits its database column (no overflow on PostgreSQL)."""
    for modele, textes in ((Demande, validation.TEXTES_DEMANDE), (Personne, validation.TEXTES_PERSONNE)):
        for nom, texte in textes.items():
            colonne = modele._meta.get_field(nom)
            assert texte.longueur_max == colonne.max_length, f"{modele.__name__}.{nom}"


def test_la_demo_refuse_une_valeur_que_les_regles_refusent():
    from attrib.demo.chargement import DemoInvalide, _verifier_regles

    jour = timezone.localdate()

    def personnes(naissance: date) -> dict[str, list[object]]:
        return {"nom": ["Martin"], "prenoms": ["Léa"], "date_naissance": [naissance]}

    with pytest.raises(DemoInvalide, match="Date de naissance : le 31/12/9999 est dans le futur"):
        _verifier_regles("personne", Personne, personnes(date(9999, 12, 31)), ["personne Léa Martin"], jour)
    _verifier_regles("personne", Personne, personnes(date(1990, 5, 17)), ["personne Léa Martin"], jour)


def test_lecteur_hors_ligne_du_format_applique_les_memes_regles():
    """The engine's reader (offline cotation of a CSV file) refuses what the import refuses, with the same
    located messages, instead of computing ages from a birth date in year 9999."""
    from attrib.engine.formats.demandes_csv import FichierInvalide, lire_demandes_polars

    tous = cas()
    cas_ = {c.colonne: c for c in tous if c.colonne != "date_depot_initiale"}
    mauvaise = {**ligne_exemple(), **{col: c.valeur_csv for col, c in cas_.items() if col != "nom_demandeur"}}
    mauvaise["nom_demandeur"] = "N" * 101
    with pytest.raises(FichierInvalide) as exc:
        lire_demandes_polars(fichier(ligne_exemple(), mauvaise))
    par_colonne = {e.colonne: e.message for e in exc.value.erreurs}
    assert {e.ligne for e in exc.value.erreurs} == {3}
    assert par_colonne["nom_demandeur"] == "Nom d'usage : 100 caractères au plus (101 saisis)."
    assert par_colonne["salaires_demandeur"] == cas_["salaires_demandeur"].message
    assert par_colonne["revenu_fiscal_reference"] == cas_["revenu_fiscal_reference"].message
    assert par_colonne["prenoms_demandeur"] == cas_["prenoms_demandeur"].message
    assert par_colonne["date_naissance_demandeur"] in {
        c.message for c in tous if c.colonne == "date_naissance_demandeur"
    }
    assert len(lire_demandes_polars(fichier(ligne_exemple()))) == 1
