"""Loading the demo: organisations, accounts, demands that behave like registered ones."""

from __future__ import annotations

import io
import re
from collections import Counter
from datetime import date

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, Q
from django.test import RequestFactory

from attrib.common.models import Evenement
from attrib.demandes import enums
from attrib.demandes.models import CommuneSouhaitee, CompteurNumero, Demande, DoublonPotentiel, Personne
from attrib.demo.chargement import COMPTES_DEMO, MOT_DE_PASSE_DEMO, ORGANISATIONS_DEMO, URL_DEMO, charger_demo
from attrib.organisations.models import CategorieReservataire, Membership, Organisation, Role, User
from tests.demo.conftest import LEUCATE, PORT_LA_NOUVELLE
from tests.factories import CARCASSONNE, COURSAN, GRUISSAN, NARBONNE, creer_demande

pytestmark = pytest.mark.django_db

REFERENCE = date(2026, 3, 15)
NUMERO = re.compile(r"^011(\d{2})(\d{2})(\d{7})([A-Z]{5})$")


def _charger(n: int = 200, **options: object) -> tuple[str, object]:
    sortie = io.StringIO()
    options.setdefault("avec_parc", False)
    resultat = charger_demo(nb_demandes=n, seed=5, date_reference=REFERENCE, stdout=sortie, **options)  # type: ignore[arg-type]
    return sortie.getvalue(), resultat


def test_organisations_et_comptes_de_la_demo(grand_narbonne):
    sortie, _ = _charger(0)
    orgs = {o.nom: o for o in Organisation.objects.all()}
    # The demo's organisations, and the online desk of the Grand Narbonne (decision 0029).
    assert set(orgs) == {s.nom for s in ORGANISATIONS_DEMO} | {"Guichet en ligne du Grand Narbonne"}
    en_ligne = orgs["Guichet en ligne du Grand Narbonne"]
    assert en_ligne.guichet_en_ligne and en_ligne.code_guichet == "GNWEB" and en_ligne.perimetre.count() == 5
    assert "Dépôt en ligne" in sortie and "(code guichet GNWEB)" in sortie
    epci = orgs["CA Le Grand Narbonne"]
    assert epci.categorie_reservataire == CategorieReservataire.EPCI and epci.siren == "241100593"
    assert set(epci.perimetre.values_list("code_insee", flat=True)) == {
        NARBONNE,
        GRUISSAN,
        COURSAN,
        PORT_LA_NOUVELLE,
        LEUCATE,
    }
    assert CARCASSONNE not in set(orgs["Préfecture de l'Aude — DDETS"].perimetre.values_list("code_insee", flat=True))
    assert list(orgs["Ville de Narbonne"].perimetre.values_list("code_insee", flat=True)) == [NARBONNE]
    assert set(orgs["Alogea"].perimetre.values_list("code_insee", flat=True)) == {NARBONNE, PORT_LA_NOUVELLE, LEUCATE}
    assert orgs["Ville de Narbonne"].categorie_reservataire == CategorieReservataire.COMMUNE
    assert orgs["Action Logement Services"].categorie_reservataire == CategorieReservataire.ACTION_LOGEMENT
    assert orgs["Préfecture de l'Aude — DDETS"].categorie_reservataire == CategorieReservataire.ETAT
    guichets = [o for o in orgs.values() if o.code_guichet and not o.guichet_en_ligne]
    assert {o.nom for o in guichets} == {
        "Ville de Narbonne",
        "Domitia Habitat",
        "Habitat Audois",
        "Alogea",
        "Maison de l'habitat du Grand Narbonne",
    }
    assert all(o.commune_id == NARBONNE for o in guichets)

    assert User.objects.count() == len(COMPTES_DEMO)
    # As the login page does: the lockout backend (django-axes) reads the request's address.
    requete = RequestFactory().post("/connexion/")
    admin = authenticate(requete, username="admin", password=MOT_DE_PASSE_DEMO)
    assert admin is not None and admin.is_superuser
    assert authenticate(requete, username="guichet", password=MOT_DE_PASSE_DEMO) is not None
    roles = dict(Membership.objects.values_list("user__username", "role"))
    assert roles["gruissan"] == Role.CONSULTATION and roles["guichet"] == Role.GESTIONNAIRE
    assert len(roles) == len(COMPTES_DEMO) - 1
    # The logins table: every account with its password, and where to go.
    for compte in COMPTES_DEMO:
        assert re.search(rf"\s{re.escape(compte.identifiant)}\s+{MOT_DE_PASSE_DEMO}$", sortie, re.MULTILINE)
    assert URL_DEMO in sortie
    assert Demande.objects.count() == 0


def test_demandes_chargees_comme_des_demandes_enregistrees(grand_narbonne):
    sortie, resultat = _charger(200)
    assert resultat.demandes_creees == 200 and "200 demandes créées" in sortie
    demandes = Demande.objects.all()
    assert demandes.count() == 200
    assert (
        not demandes.annotate(n=Count("personnes", filter=Q(personnes__role=enums.RolePersonne.DEMANDEUR)))
        .exclude(n=1)
        .exists()
    )
    assert not demandes.annotate(n=Count("communes_souhaitees")).filter(n=0).exists()
    assert set(CommuneSouhaitee.objects.filter(rang=1).values_list("demande_id", flat=True)) == set(
        demandes.values_list("pk", flat=True)
    )
    # Numéros: unique, in the format of numero_unique_attribuer, one sequence per filing year.
    numeros = list(demandes.values_list("numero_unique", "date_depot_initiale", "guichet__code_guichet"))
    assert len({n for n, _, _ in numeros}) == 200
    par_annee = Counter()
    for numero, depot, code in numeros:
        m = NUMERO.match(numero)
        assert m and (m[1], m[2], m[4]) == (f"{depot:%y}", f"{depot:%m}", code)
        par_annee[depot.year] += 1
    assert dict(CompteurNumero.objects.filter(departement="011").values_list("annee", "valeur")) == par_annee
    # Every demand is active on the reference day and has its registration in the audit trail.
    assert not demandes.filter(date_echeance__lt=REFERENCE).exists()
    assert not demandes.exclude(statut=enums.StatutDemande.ACTIVE).exists()
    enregistrements = Evenement.objects.filter(action="enregistrement").values_list("cible_id", flat=True)
    assert sorted(enregistrements) == sorted(str(pk) for pk in demandes.values_list("pk", flat=True))
    premiere = demandes.order_by("date_depot_initiale").first()
    assert (
        Evenement.objects.pour(premiere).get(action="enregistrement").horodatage.date() == premiere.date_enregistrement
    )
    # Renewal notices for the demands expiring within the month, near-duplicates proposed.
    assert resultat.avis_renouvellement == demandes.filter(date_avis_renouvellement=REFERENCE).count() > 0
    assert DoublonPotentiel.objects.count() == resultat.doublons >= 3
    # Personne rows carry the normalised names the search and the duplicate detection rely on.
    assert not Personne.objects.filter(nom_normalise="").exists()


def test_la_numerotation_continue_apres_la_demo(grand_narbonne):
    _charger(50)
    guichet = Organisation.objects.get(code_guichet="GNMHA")
    avant = CompteurNumero.objects.get(departement="011", annee=2026).valeur
    d = creer_demande(guichet_org=guichet, date_depot=REFERENCE, aujourd_hui=REFERENCE)
    assert d.numero_unique == f"0112603{avant + 1:07d}GNMHA"
    assert Demande.objects.filter(numero_unique=d.numero_unique).count() == 1


def test_les_demandes_sont_visibles_dans_le_perimetre(grand_narbonne):
    _charger(120)
    narbonne = User.objects.get(username="narbonne")
    visibles = set(Demande.objects.visible_to(narbonne).values_list("pk", flat=True))
    attendues = set(Demande.objects.souhaitant_commune(NARBONNE).values_list("pk", flat=True))
    attendues |= set(Demande.objects.filter(guichet__nom="Ville de Narbonne").values_list("pk", flat=True))
    assert visibles == attendues and visibles
    # Gruissan (no registration desk) sees only the demands wishing Gruissan: far fewer.
    gruissan = set(Demande.objects.visible_to(User.objects.get(username="gruissan")).values_list("pk", flat=True))
    assert gruissan == set(Demande.objects.souhaitant_commune(GRUISSAN).values_list("pk", flat=True))
    assert len(gruissan) < len(visibles)


def test_relancer_ne_duplique_rien_et_reinitialiser_remplace(grand_narbonne):
    _charger(60)
    sortie, resultat = _charger(60)
    assert resultat.demandes_creees == 0 and "déjà 60 demande(s)" in sortie
    assert Demande.objects.count() == 60
    personnel = User.objects.filter(compte_demandeur__isnull=True)
    # The demo's organisations and its online desk (decision 0029).
    assert Organisation.objects.count() == len(ORGANISATIONS_DEMO) + 1 and personnel.count() == len(COMPTES_DEMO)
    anciennes = set(Demande.objects.values_list("pk", flat=True))
    sortie, resultat = _charger(40, reinitialiser=True)
    assert "60 demande(s) de démonstration supprimée(s)" in sortie
    assert Demande.objects.count() == 40 and not Demande.objects.filter(pk__in=anciennes).exists()
    assert not Evenement.objects.filter(cible_id__in=[str(pk) for pk in anciennes], action="enregistrement").exists()
    assert len(set(Demande.objects.values_list("numero_unique", flat=True))) == 40


def test_commande(grand_narbonne, settings):
    settings.DEBUG = False  # the demo runs like the real service (docs/decisions/0005-demo-sans-debug.md)
    settings.INSTALLATION_LOCALE = True
    sortie = io.StringIO()
    call_command(
        "charger_demo", "--demandes", "30", "--seed", "3", "--date", "2026-03-15", "--sans-parc", stdout=sortie
    )
    assert "30 demandes créées" in sortie.getvalue() and "30 / 30" in sortie.getvalue()
    assert Demande.objects.count() == 30
    with pytest.raises(CommandError, match="AAAA-MM-JJ"):
        call_command("charger_demo", "--date", "15/03/2026", stdout=io.StringIO())


def test_commande_refusee_sur_une_installation_accessible(grand_narbonne, settings):
    settings.INSTALLATION_LOCALE = False
    with pytest.raises(CommandError, match="installation locale"):
        call_command("charger_demo", "--demandes", "5", stdout=io.StringIO())
    assert not User.objects.filter(username="admin").exists()


def test_la_demo_charge_le_parc_reel_une_campagne_close_et_une_annee_de_flux(grand_narbonne):
    from attrib.flux.models import Orientation
    from attrib.patrimoine.models import Logement
    from attrib.qualification.models import Campagne

    sortie, _ = _charger(n=0, avec_parc=True)
    assert Logement.objects.count() == 7780  # 6 043 logements RPLS à Narbonne + 1 737 reconstitués
    campagne = Campagne.objects.get()
    assert campagne.est_close and campagne.annee == REFERENCE.year - 1
    assert Orientation.objects.exists()
    assert "Parc social : 7780 logements" in sortie


def test_comptes_demandeurs_de_la_demo_imprimes_et_lies(grand_narbonne):
    """``make demo`` prints applicant accounts beside the staff's: each logs in to the applicant space with the
    printed address and password and sees the demo demands it is linked to, and only them."""
    from django.test import Client

    from attrib.demo.demandeurs import COMPTES_DEMANDEURS_DEMO
    from attrib.organisations.acteurs import acteur_de

    sortie, _ = _charger(30)
    assert sortie.index("Comptes de démonstration") < sortie.index("Comptes demandeurs de démonstration")
    assert f"{URL_DEMO}/mon-espace/connexion/" in sortie
    for spec in COMPTES_DEMANDEURS_DEMO:
        ligne = re.search(rf"\s{re.escape(spec.courriel)}\s+{MOT_DE_PASSE_DEMO}\s+(.+)$", sortie, re.MULTILINE)
        assert ligne, spec.courriel
        numeros = set(ligne.group(1).split(", "))
        client = Client()
        reponse = client.post("/mon-espace/connexion/", {"username": spec.courriel, "password": MOT_DE_PASSE_DEMO})
        assert reponse.status_code == 302 and reponse["Location"] == "/mon-espace/"
        user = User.objects.get(email=spec.courriel)
        assert set(Demande.objects.visible_to(acteur_de(user)).values_list("numero_unique", flat=True)) == numeros
        assert client.get("/demandes/").status_code == 404
    # Loading again neither duplicates the accounts nor their links.
    _charger(30)
    assert User.objects.filter(compte_demandeur__isnull=False).count() == len(COMPTES_DEMANDEURS_DEMO)
