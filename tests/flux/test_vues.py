"""Screens: declaring and overriding, the agreement's due vs delivered, the réservataire's queue, forms
with located errors, exports, and 404 outside the perimeter."""

from __future__ import annotations

import html
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from attrib.flux import travaux
from attrib.flux.models import ConventionReservation, LogementLibere, Orientation
from attrib.organisations.models import Membership, Organisation, TypeOrganisation
from attrib.taches.models import StatutTravail, Travail
from tests.factories import guichet, membre
from tests.flux.conftest import Monde


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_declarer_puis_deroger_depuis_les_ecrans(monde: Monde) -> None:
    c = monde.conventions_standard()
    client = _client(monde.users["alogea"])
    recherche = client.get(reverse("flux:declarer"), {"q": "centre", "typologie": "3"})
    assert recherche.status_code == 200
    assert "CENTRE-002" in recherche.text and "CITE-001" not in recherche.text and "CENTRE-001" not in recherche.text
    logement = monde.logement("centre", 2)
    jour = timezone.localdate()
    reponse = client.post(
        reverse("flux:declarer_logement", args=[logement.pk]),
        {"declaration-date_liberation": jour.isoformat(), "declaration-nature": "relocation"},
    )
    ll = LogementLibere.objects.get()
    assert reponse.status_code == 302 and reponse["Location"] == reverse("flux:logement_libere", args=[ll.pk])
    page = client.get(reponse["Location"])
    assert "Orienté vers Alogea (part non réservée)" in page.text
    assert "Règle : échéance la plus proche" in page.text
    # An override without a reason is refused on the field, nothing changes.
    sans_motif = client.post(
        reverse("flux:logement_libere", args=[ll.pk]),
        {"derogation-reservataire": f"c{c['etat'].pk}", "derogation-motif": ""},
    )
    assert sans_motif.status_code == 200 and "Le motif de la dérogation est obligatoire." in sans_motif.text
    assert Orientation.objects.count() == 1
    avec_motif = client.post(
        reverse("flux:logement_libere", args=[ll.pk]),
        {"derogation-reservataire": f"c{c['etat'].pk}", "derogation-motif": "Relogement urgent d'un ménage DALO"},
    )
    assert avec_motif.status_code == 302
    page = client.get(avec_motif["Location"])
    assert "Orienté vers Préfecture de l&#x27;Aude — publics prioritaires" in page.text
    assert "Relogement urgent d&#x27;un ménage DALO" in page.text and "Historique des orientations" in page.text
    convention = client.get(reverse("flux:convention", args=[c["etat"].pk]))
    assert convention.status_code == 200
    assert '<p class="flux-chiffre" id="chiffre-du">0,20</p>' in convention.text
    assert '<p class="flux-chiffre" id="chiffre-livre">1</p>' in convention.text
    assert '<p class="flux-chiffre" id="chiffre-ecart">+0,80</p>' in convention.text
    assert "non disponible : aucune attribution enregistrée" in convention.text


def test_le_formulaire_de_convention_affiche_la_regle_de_l_etat(monde: Monde) -> None:
    monde.convention(monde.etat, "etat", "30")
    client = _client(monde.users["alogea"])
    reponse = client.post(
        reverse("flux:convention_nouvelle"),
        {
            "convention-bailleur": monde.alogea.pk,
            "convention-reservataire": monde.etat.pk,
            "convention-categorie": "etat_agents",
            "convention-part": "5",
            "convention-echec_compte": "on",
            "convention-debut": f"{timezone.localdate().year}-01-01",
        },
    )
    assert reponse.status_code == 200
    assert "La part de l&#x27;État (35 %) dépasse le plafond de 30 % du flux annuel (R441-5 CCH)" in reponse.text
    assert 'href="#id_convention-part"' in reponse.text  # the summary links to the field
    assert ConventionReservation.objects.count() == 1
    valide = client.post(
        reverse("flux:convention_nouvelle"),
        {
            "convention-bailleur": monde.alogea.pk,
            "convention-reservataire": monde.action_logement.pk,
            "convention-categorie": "action_logement",
            "convention-part": "12,5",
            "convention-debut": f"{timezone.localdate().year}-01-01",
        },
    )
    assert valide.status_code == 302
    assert ConventionReservation.objects.get(categorie="action_logement").part == 12.5


def _conventions_csv(*lignes: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(
        "conventions.csv", "\n".join(["Réservataire;Contingent;Part du flux (%);Début", *lignes, ""]).encode()
    )


def test_import_par_l_ecran(monde: Monde, settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path
    client = _client(monde.users["alogea"])
    fichier = _conventions_csv(f"Action Logement Services;action_logement;20;01/01/{timezone.localdate().year}")
    reponse = client.post(
        reverse("flux:conventions_import"), {"import-bailleur": monde.alogea.pk, "import-fichier": fichier}
    )
    travail = Travail.objects.get()
    assert reponse.status_code == 302 and reponse["Location"] == reverse("taches:travail", args=[travail.pk])
    page = client.get(reponse["Location"])
    assert "Import réussi" in page.text and "1 convention(s) créée(s), 0 modifiée(s), 0 inchangée(s)." in page.text
    assert ConventionReservation.objects.get().part == 20
    assert not list(tmp_path.rglob("*.csv"))
    export = client.get(reverse("flux:conventions_export_csv"))
    assert export["Content-Type"].startswith("text/csv") and "Action Logement Services" in export.content.decode(
        "utf-8-sig"
    )


def test_l_import_refuse_montre_la_ligne_en_erreur_sur_la_page_du_travail(
    monde: Monde, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    client = _client(monde.users["alogea"])
    annee = timezone.localdate().year
    fichier = _conventions_csv(
        f"Action Logement Services;action_logement;20;01/01/{annee}", f"Inconnue;action_logement;10;01/01/{annee}"
    )
    reponse = client.post(
        reverse("flux:conventions_import"), {"import-bailleur": monde.alogea.pk, "import-fichier": fichier}
    )
    travail = Travail.objects.get()
    assert reponse.status_code == 302 and reponse["Location"] == reverse("taches:travail", args=[travail.pk])
    page = html.unescape(client.get(reponse["Location"]).text)
    assert "Import refusé" in page and "Le travail n'a pas abouti" in page
    assert (
        "Ligne 3, colonne « Réservataire » : « Inconnue » : aucune organisation titulaire de droits de réservation"
        in page
    )
    assert "Ce qui a été conservé :</strong> Aucune convention n'a été enregistrée ni modifiée." in page
    assert not ConventionReservation.objects.exists()
    assert not list(tmp_path.rglob("*.csv"))


def test_les_erreurs_du_formulaire_d_import_restent_sur_sa_page(monde: Monde, settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path
    autre = Organisation.objects.create(nom="Autre bailleur", type=TypeOrganisation.BAILLEUR)
    client = _client(monde.users["alogea"])
    url = reverse("flux:conventions_import")
    sans_fichier = client.post(url, {"import-bailleur": monde.alogea.pk})
    assert sans_fichier.status_code == 200 and "Le formulaire contient une erreur" in sans_fichier.text
    mauvais = client.post(url, {"import-bailleur": autre.pk, "import-fichier": _conventions_csv()})
    assert mauvais.status_code == 200 and "Sélectionnez un choix valide" in mauvais.text
    assert not Travail.objects.exists() and not list(tmp_path.rglob("*.*"))


def test_des_droits_retires_avant_l_import_sont_dits_en_francais(monde: Monde, settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    user = monde.users["alogea"]
    fichier = _conventions_csv(f"Action Logement Services;action_logement;20;01/01/{timezone.localdate().year}")
    travail = travaux.import_lancer(user=user, bailleur=monde.alogea, nom_fichier="conventions.csv", contenu=fichier)
    (depose,) = tmp_path.rglob("*.csv")
    Membership.objects.filter(user=user).delete()
    travaux.importer_conventions.call(
        travail_id=travail.pk,
        bailleur_id=monde.alogea.pk,
        nom_fichier="conventions.csv",
        chemin=str(depose.relative_to(tmp_path)),
    )
    travail.refresh_from_db()
    assert travail.statut == StatutTravail.ECHEC and "Alogea" in travail.resume
    assert travail.conserve == "Aucune convention n'a été enregistrée ni modifiée."
    assert not ConventionReservation.objects.exists() and not depose.exists()


def test_la_file_du_reservataire_et_sa_proposition(monde: Monde) -> None:
    monde.conventions_standard()
    for logement in monde.logements("centre")[:4]:
        monde.declarer(logement)
    vers_al = Orientation.objects.get(reservataire=monde.action_logement)
    client = _client(monde.users["al"])
    file = client.get(reverse("flux:file"))
    assert file.status_code == 200
    assert vers_al.logement_libere.logement.identifiant in file.text
    etat = Orientation.objects.filter(reservataire=monde.etat).first()
    assert etat is not None and etat.logement_libere.logement.identifiant not in file.text
    # « Proposer des candidats » leads to the dwelling's shortlist, where the réservataire chooses them.
    reponse = client.get(reverse("flux:candidats", args=[vers_al.pk]))
    assert reponse.status_code == 302
    assert reponse["Location"] == reverse("rapprochement:preselection", args=[vers_al.logement_libere_id]) + "#choix"
    # The bailleur cannot propose for the réservataire, the réservataire cannot override.
    assert _client(monde.users["alogea"]).get(reverse("flux:candidats", args=[vers_al.pk])).status_code == 404
    assert client.post(reverse("flux:logement_libere", args=[vers_al.logement_libere_id]), {}).status_code == 404


def test_constater_l_echeance_depuis_l_ecran(monde: Monde) -> None:
    monde.conventions_standard()
    monde.declarer(monde.logement("centre", 1))
    ll = monde.declarer(monde.logement("centre", 2), aujourd_hui=timezone.localdate() - timedelta(days=40))
    o = ll.orientation
    assert o is not None and o.date_limite_proposition is not None and o.date_limite_proposition < timezone.localdate()
    client = _client(monde.users["alogea"])
    page = client.get(reverse("flux:logement_libere", args=[ll.pk]))
    assert "Constater le délai dépassé" in page.text
    assert client.post(reverse("flux:echeance", args=[o.pk]), {}).status_code == 200
    reponse = client.post(reverse("flux:echeance", args=[o.pk]), {"echeance-confirmation": "on"})
    assert reponse.status_code == 302
    o.refresh_from_db()
    assert o.statut == "echue"


def test_hors_perimetre_tout_repond_404(monde: Monde) -> None:
    c = monde.conventions_standard()
    for logement in monde.logements("centre")[:3]:
        monde.declarer(logement)
    vers_bailleur = Orientation.objects.filter(reservataire__isnull=True).first()
    vers_al = Orientation.objects.get(reservataire=monde.action_logement)
    assert vers_bailleur is not None
    carcassonne = _client(monde.users["carcassonne"])
    annee = timezone.localdate().year
    for url in (
        reverse("flux:convention", args=[c["al"].pk]),
        reverse("flux:logement_libere", args=[vers_al.logement_libere_id]),
        reverse("flux:bilan", args=[monde.alogea.pk, monde.action_logement.pk, annee]),
        reverse("flux:declarer_logement", args=[monde.logement("centre", 5).pk]),
    ):
        assert carcassonne.get(url).status_code == 404, url
    # Action Logement sees the dwelling oriented to it, not the bailleur's own one, nor the State's agreement.
    al = _client(monde.users["al"])
    assert al.get(reverse("flux:logement_libere", args=[vers_al.logement_libere_id])).status_code == 200
    assert al.get(reverse("flux:logement_libere", args=[vers_bailleur.logement_libere_id])).status_code == 404
    assert al.get(reverse("flux:convention", args=[c["etat"].pk])).status_code == 404
    assert al.get(reverse("flux:bilan", args=[monde.alogea.pk, monde.etat.pk, annee])).status_code == 404
    bilan = al.get(reverse("flux:bilan_xlsx", args=[monde.alogea.pk, monde.action_logement.pk, annee]))
    assert bilan.status_code == 200 and bilan["Content-Type"].startswith("application/vnd.openxmlformats")
    # A guichet has no flux section at all, and no menu entry.
    agent = membre(guichet(), username="agent_guichet")
    assert _client(agent).get(reverse("flux:accueil")).status_code == 404
    assert "Gestion en flux" not in _client(agent).get(reverse("accueil")).text
    assert "Gestion en flux" in _client(monde.users["alogea"]).get(reverse("accueil")).text


def test_les_pages_de_synthese_s_affichent(monde: Monde) -> None:
    monde.conventions_standard()
    for logement in monde.logements("ouest")[:6]:
        monde.declarer(logement)
    client = _client(monde.users["alogea"])
    annee = timezone.localdate().year
    accueil = client.get(reverse("flux:accueil"))
    assert accueil.status_code == 200 and "Dû et orienté par contingent" in accueil.text
    previsions = client.get(reverse("flux:previsions"))
    assert previsions.status_code == 200 and "taux de mobilité RPLS 2019" in previsions.text
    assert client.get(reverse("flux:logements_liberes")).status_code == 200
    bilans = client.get(reverse("flux:bilans"))
    assert reverse("flux:bilan", args=[monde.alogea.pk, monde.action_logement.pk, annee]) in bilans.text
    page = client.get(reverse("flux:bilan", args=[monde.alogea.pk, monde.action_logement.pk, annee]))
    assert "aucune attribution enregistrée" in page.text
    pdf = client.get(reverse("flux:bilan_pdf", args=[monde.alogea.pk, monde.action_logement.pk, annee]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content[:4] == b"%PDF"
