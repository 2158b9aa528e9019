"""Screens of the rating campaigns: what each user sees (and never sees), bulk rating, import report,
close, agenda, agreed note, exports."""

from __future__ import annotations

import html
import io
from datetime import timedelta
from pathlib import Path
from typing import Any
from unittest.mock import patch

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from attrib.organisations.acteurs import acteur_systeme
from attrib.organisations.models import Membership
from attrib.qualification import travaux
from attrib.qualification.models import Campagne, Notation, NoteHarmonisee
from attrib.qualification.services import campagne_cloturer, notations_exporter_excel
from attrib.taches.models import StatutTravail, Travail
from tests.factories import GRUISSAN, NARBONNE
from tests.qualification.conftest import Territoire

pytestmark = pytest.mark.django_db

SECRET_BAILLEUR = "Commentaire-confidentiel-du-bailleur"
SECRET_VILLE = "Commentaire-confidentiel-de-la-ville"


def client(t: Territoire, qui: str) -> Client:
    c = Client()
    c.force_login(t.users[qui])
    return c


@pytest.fixture
def campagne(territoire: Territoire) -> Campagne:
    c = territoire.ouvrir()
    territoire.noter(c, "narbonne", "a", 1, SECRET_VILLE)
    territoire.noter(c, "alogea", "a", 4, SECRET_BAILLEUR)
    territoire.noter(c, "alogea", "b", 3)
    return c


def page(c: Client, nom: str, *args: Any, **kw: Any) -> Any:
    return c.get(reverse(f"qualification:{nom}", args=args), **kw)


def test_avant_la_cloture_aucune_page_ne_montre_les_notes_de_l_autre_partie(
    territoire: Territoire, campagne: Campagne
) -> None:
    ville = client(territoire, "narbonne")
    a = territoire.residences["a"]
    pages = [
        page(ville, "campagne", campagne.pk),
        page(ville, "notation", campagne.pk, territoire.narbonne.pk),
        page(ville, "residence", a.pk),
        page(ville, "liste"),
    ]
    for reponse in pages:
        assert reponse.status_code == 200
        assert SECRET_BAILLEUR not in reponse.content.decode()
    assert SECRET_VILLE in pages[1].content.decode()
    # The bailleur's rating page, the agenda and the results do not exist for the commune.
    assert page(ville, "notation", campagne.pk, territoire.alogea.pk).status_code == 404
    assert page(ville, "notation_export", campagne.pk, territoire.alogea.pk).status_code == 404
    for nom in ("agenda", "resultats_pdf", "resultats_xlsx"):
        assert page(ville, nom, campagne.pk).status_code == 404
    # Not even the EPCI reads a note before the close.
    epci = client(territoire, "epci")
    for reponse in (page(epci, "campagne", campagne.pk), page(epci, "residence", a.pk)):
        texte = reponse.content.decode()
        assert SECRET_BAILLEUR not in texte and SECRET_VILLE not in texte


def test_la_page_de_notation_enregistre_toute_une_page(territoire: Territoire, campagne: Campagne) -> None:
    ville = client(territoire, "narbonne")
    r = territoire.residences
    url = reverse("qualification:notation", args=[campagne.pk, territoire.narbonne.pk])
    donnees = {
        "residences": [r[k].pk for k in "abcde"],
        f"notation-note_{r['a'].pk}": "1",
        f"notation-commentaire_{r['a'].pk}": SECRET_VILLE,
        f"notation-note_{r['b'].pk}": "2",
        f"notation-note_{r['c'].pk}": "4",
        f"notation-commentaire_{r['c'].pk}": "Résidence calme",
    }
    reponse = ville.post(url, donnees, follow=True)

    assert "2 notes enregistrées (2 nouvelles, 0 modifiée, 0 retirée)." in reponse.content.decode()
    assert dict(
        Notation.objects.filter(organisation=territoire.narbonne).values_list("residence__identifiant", "note")
    ) == {
        "A": 1,
        "B": 2,
        "C": 4,
    }
    # An impossible value is reported on its field and nothing is written.
    donnees[f"notation-note_{r['d'].pk}"] = "9"
    donnees[f"notation-note_{r['b'].pk}"] = "3"
    reponse = ville.post(url, donnees)
    assert reponse.status_code == 200
    texte = reponse.content.decode()
    assert "Le formulaire contient une erreur" in texte and f'href="#id_notation-note_{r["d"].pk}"' in texte
    assert Notation.objects.get(organisation=territoire.narbonne, residence=r["b"]).note == 2


def test_une_personne_en_consultation_voit_ses_notes_sans_pouvoir_noter(
    territoire: Territoire, campagne: Campagne
) -> None:
    lecteur = client(territoire, "lecteur_narbonne")
    reponse = page(lecteur, "notation", campagne.pk, territoire.narbonne.pk)
    assert reponse.status_code == 200
    assert "Enregistrer les notes de la page" not in reponse.content.decode()
    url = reverse("qualification:notation", args=[campagne.pk, territoire.narbonne.pk])
    assert lecteur.post(url, {"residences": [territoire.residences["c"].pk]}).status_code == 404
    assert page(lecteur, "notation_import", campagne.pk, territoire.narbonne.pk).status_code == 404


def _classeur_rempli(campagne: Campagne, territoire: Territoire, notes: dict[int, Any]) -> io.BytesIO:
    export = notations_exporter_excel(campagne=campagne, organisation=territoire.alogea, auteur=acteur_systeme("test"))
    classeur = load_workbook(io.BytesIO(export))
    feuille = classeur["Notation"]
    for ligne, note in notes.items():
        feuille.cell(ligne, 8).value = note
    flux = io.BytesIO()
    classeur.save(flux)
    flux.seek(0)
    flux.name = "notes.xlsx"
    return flux


def test_l_import_affiche_le_compte_rendu_ligne_par_ligne(
    territoire: Territoire, campagne: Campagne, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    url = reverse("qualification:notation_import", args=[campagne.pk, territoire.alogea.pk])
    bailleur = client(territoire, "alogea")

    reponse = bailleur.post(url, {"import-fichier": _classeur_rempli(campagne, territoire, {2: 9, 3: 2})})

    travail = Travail.objects.get()
    assert reponse.status_code == 302 and reponse["Location"] == reverse("taches:travail", args=[travail.pk])
    texte = bailleur.get(reponse["Location"]).content.decode()
    assert "Note « 9 » hors de l&#x27;échelle 1 à 4." in texte
    assert "<td>2</td>" in texte and "<td>3</td>" in texte
    assert not list(tmp_path.rglob("*.xlsx"))


def test_le_compte_rendu_de_l_import_est_borne_et_dit_combien_d_erreurs_il_ne_liste_pas(
    territoire: Territoire, campagne: Campagne, settings: Any, tmp_path: Path
) -> None:
    """A file may hold hundreds of thousands of faulty rows: the report kept with the job lists a bounded number of
    lines, the errors first, and says how many it left out (review finding: every line was kept and shown)."""
    settings.MEDIA_ROOT = tmp_path
    url = reverse("qualification:notation_import", args=[campagne.pk, territoire.alogea.pk])
    bailleur = client(territoire, "alogea")

    with patch("attrib.qualification.travaux.LIGNES_RAPPORT_MAX", 2):
        reponse = bailleur.post(
            url, {"import-fichier": _classeur_rempli(campagne, territoire, {2: 9, 3: 8, 4: 7, 5: 2})}
        )

    travail = Travail.objects.get()
    assert [li["ligne"] for li in travail.details["lignes"]] == [2, 3]  # the first errors, nothing else
    assert travail.details["nb_erreurs"] == 3 and travail.details["nb_erreurs_non_listees"] == 1
    assert "3 erreur(s)" in travail.resume and "1 note(s) enregistrée(s)" in travail.resume  # counts stay exact
    texte = html.unescape(bailleur.get(reponse["Location"]).content.decode())
    assert "Note « 9 » hors de l'échelle 1 à 4." in texte and "Note « 8 » hors de l'échelle 1 à 4." in texte
    assert "Note « 7 »" not in texte
    assert "1 autre erreur n'est pas listée ici" in texte
    autres = travail.details["nb_autres_non_listees"]
    assert autres >= 1 and f"{autres} autre" in texte and "sans erreur n" in texte


def test_l_import_tout_ou_rien_refuse_n_enregistre_rien_et_nomme_la_ligne(
    territoire: Territoire, campagne: Campagne, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    avant = sorted(Notation.objects.values_list("residence__identifiant", "organisation_id", "note"))
    url = reverse("qualification:notation_import", args=[campagne.pk, territoire.alogea.pk])
    bailleur = client(territoire, "alogea")
    fichier = _classeur_rempli(campagne, territoire, {2: 9, 3: 2})

    reponse = bailleur.post(url, {"import-fichier": fichier, "import-tout_ou_rien": "on"})

    travail = Travail.objects.get()
    assert reponse.status_code == 302 and reponse["Location"] == reverse("taches:travail", args=[travail.pk])
    texte = html.unescape(bailleur.get(reponse["Location"]).content.decode())
    assert "Le travail n'a pas abouti" in texte and "Aucune note n'a été enregistrée (mode « tout ou rien »)." in texte
    assert "<td>2</td>" in texte and "Note « 9 » hors de l'échelle 1 à 4." in texte
    assert sorted(Notation.objects.values_list("residence__identifiant", "organisation_id", "note")) == avant
    assert not list(tmp_path.rglob("*.xlsx"))


def test_sans_fichier_l_erreur_reste_sur_le_formulaire(
    territoire: Territoire, campagne: Campagne, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    url = reverse("qualification:notation_import", args=[campagne.pk, territoire.alogea.pk])
    reponse = client(territoire, "alogea").post(url, {"import-tout_ou_rien": "on"})
    assert reponse.status_code == 200 and "Le formulaire contient une erreur" in reponse.content.decode()
    assert not Travail.objects.exists() and not list(tmp_path.rglob("*.*"))


def test_des_droits_retires_avant_l_import_des_notes_sont_dits_en_francais(
    territoire: Territoire, campagne: Campagne, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    user = territoire.users["alogea"]
    avant = sorted(Notation.objects.values_list("residence__identifiant", "organisation_id", "note"))
    travail = travaux.import_lancer(
        user=user,
        campagne=campagne,
        organisation=territoire.alogea,
        nom_fichier="notes.xlsx",
        contenu=_classeur_rempli(campagne, territoire, {3: 2}).getvalue(),
        tout_ou_rien=False,
    )
    (depose,) = tmp_path.rglob("*.xlsx")
    Membership.objects.filter(user=user).delete()
    travaux.importer_notations.call(
        travail_id=travail.pk,
        campagne_id=campagne.pk,
        organisation_id=territoire.alogea.pk,
        nom_fichier="notes.xlsx",
        chemin=str(depose.relative_to(tmp_path)),
        tout_ou_rien=False,
    )
    travail.refresh_from_db()
    assert travail.statut == StatutTravail.ECHEC
    assert travail.resume.startswith(f"Vous ne pouvez plus enregistrer les notes de {territoire.alogea}")
    assert travail.conserve == "Aucune note n'a été enregistrée."
    assert sorted(Notation.objects.values_list("residence__identifiant", "organisation_id", "note")) == avant
    assert not depose.exists()


def test_l_epci_cloture_puis_tout_le_territoire_voit_les_resultats(territoire: Territoire, campagne: Campagne) -> None:
    epci = client(territoire, "epci")
    url = reverse("qualification:cloturer", args=[campagne.pk])
    assert "Cochez la case" in epci.post(url, {}).content.decode()
    reponse = epci.post(url, {"cloture-confirmation": "on"}, follow=True)
    assert "Campagne" in reponse.content.decode() and "close" in reponse.content.decode()
    campagne.refresh_from_db()
    assert campagne.est_close

    texte = page(epci, "campagne", campagne.pk).content.decode()
    assert "des logements sont dans une résidence notée par les deux parties" in texte
    assert "des résidences notées par les deux parties ont des notes divergentes" in texte
    assert "Indicateurs par commune" in texte and "Indicateurs par bailleur" in texte

    ville = client(territoire, "gruissan")
    assert SECRET_BAILLEUR in page(ville, "residence", territoire.residences["a"].pk).content.decode()
    agenda = page(ville, "agenda", campagne.pk).content.decode()
    assert "Résidence A" in agenda
    notation_ville = page(
        client(territoire, "narbonne"), "notation", campagne.pk, territoire.narbonne.pk
    ).content.decode()
    assert "Note du bailleur" in notation_ville

    pdf = page(ville, "resultats_pdf", campagne.pk)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content[:4] == b"%PDF"
    xlsx = page(ville, "resultats_xlsx", campagne.pk)
    residences = load_workbook(io.BytesIO(xlsx.content))["Résidences"]
    lignes = {r[0]: r for r in residences.iter_rows(min_row=2, values_only=True)}
    assert lignes["A"][8:12] == (1, 4, "Divergente", 3)
    assert lignes["G"][10] == "Non notée"


def test_l_epci_enregistre_la_note_harmonisee_depuis_l_agenda(territoire: Territoire, campagne: Campagne) -> None:
    campagne_cloturer(campagne=campagne, auteur=acteur_systeme("test"))
    a = territoire.residences["a"]
    epci = client(territoire, "epci")
    url = reverse("qualification:harmoniser", args=[campagne.pk, a.pk])
    formulaire = epci.get(url).content.decode()
    assert SECRET_BAILLEUR in formulaire and SECRET_VILLE in formulaire

    reponse = epci.post(url, {"harmonisation-note": "2", "harmonisation-participants": "", "harmonisation-motif": ""})
    assert "Indiquez qui a convenu" in reponse.content.decode()
    reponse = epci.post(
        url,
        {
            "harmonisation-note": "2",
            "harmonisation-organisations": [territoire.narbonne.pk, territoire.alogea.pk],
            "harmonisation-participants": "Mme Roux, M. Bel",
            "harmonisation-motif": "Accord après visite",
        },
    )
    assert reponse.status_code == 302 and reponse["Location"] == reverse("qualification:agenda", args=[campagne.pk])
    assert NoteHarmonisee.objects.get().note == 2
    # A residence that is not divergent has no agreed note to record; a commune does not record one.
    assert (
        epci.get(reverse("qualification:harmoniser", args=[campagne.pk, territoire.residences["c"].pk])).status_code
        == 404
    )
    assert client(territoire, "narbonne").get(url).status_code == 404


def test_ouvrir_une_campagne_depuis_l_ecran(territoire: Territoire) -> None:
    epci = client(territoire, "epci")
    limite = (timezone.localdate() + timedelta(days=30)).isoformat()
    reponse = epci.post(
        reverse("qualification:ouvrir"),
        {
            "campagne-organisation": territoire.epci.pk,
            "campagne-annee": timezone.localdate().year,
            "campagne-date_limite": limite,
            "campagne-communes": [NARBONNE, GRUISSAN],
        },
    )
    campagne = Campagne.objects.get()
    assert reponse.status_code == 302 and reponse["Location"] == reverse("qualification:campagne", args=[campagne.pk])
    assert set(campagne.communes.values_list("code_insee", flat=True)) == {NARBONNE, GRUISSAN}
    reponse = epci.post(
        reverse("qualification:ouvrir"),
        {
            "campagne-organisation": territoire.epci.pk,
            "campagne-annee": timezone.localdate().year,
            "campagne-date_limite": limite,
            "campagne-communes": [NARBONNE],
        },
    )
    assert "existe déjà" in reponse.content.decode()
    assert client(territoire, "narbonne").get(reverse("qualification:ouvrir")).status_code == 404


def test_marquer_une_residence_a_enjeux(territoire: Territoire) -> None:
    a = territoire.residences["a"]
    url = reverse("qualification:enjeu_mixite", args=[a.pk])
    reponse = client(territoire, "epci").post(
        url, {"enjeu-decision": "marquer", "enjeu-motif": "Premier quartile très présent"}
    )
    assert reponse.status_code == 302
    a.refresh_from_db()
    assert a.enjeu_mixite and a.enjeu_mixite_motif == "Premier quartile très présent"
    assert "Premier quartile très présent" in page(client(territoire, "gruissan"), "residence", a.pk).content.decode()
    assert client(territoire, "narbonne").get(url).status_code == 404
    assert (
        client(territoire, "epci")
        .get(reverse("qualification:residence", args=[territoire.residences["x"].pk]))
        .status_code
        == 404
    )
