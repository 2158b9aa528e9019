"""The réservataire's choice of its candidates: the service's checks (each line named), the choice frozen with
its comments on the agenda, what the bailleur reads, and the pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from attrib.commissions.models import Examen
from attrib.common.models import Evenement
from attrib.flux.enums import StatutOrientation
from attrib.flux.models import Orientation
from attrib.organisations.acteurs import acteur_de
from attrib.rapprochement.choix import CandidatChoisi, anciennete, choix_transmettre
from attrib.rapprochement.models import COMMENTAIRE_MAX, ChoixReservataire, LigneChoix
from tests.choix.conftest import MondeChoix

pytestmark = pytest.mark.django_db


def _client(user: object) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _lignes(
    mc: MondeChoix, rangs: dict[str, int | None], commentaire: str = "Salarié proche du logement."
) -> list[CandidatChoisi]:
    return [CandidatChoisi(demande=mc.monde.demandes[n], rang=r, commentaire=commentaire) for n, r in rangs.items()]


def _transmettre(mc: MondeChoix, lignes: list[CandidatChoisi], **kw: object) -> ChoixReservataire:
    return choix_transmettre(
        logement_libere=mc.ll, seance=mc.monde.seance, candidats=lignes, auteur=acteur_de(mc.gestionnaire_al), **kw
    )


def test_le_choix_inscrit_les_menages_dans_l_ordre_des_rangs_avec_leurs_commentaires(mc: MondeChoix) -> None:
    d = mc.monde.demandes
    lignes = [
        CandidatChoisi(demande=d["dalo"], rang=3, commentaire="Reconnu DALO, relogement urgent."),
        CandidatChoisi(demande=d["famille"], rang=1, commentaire="Salariée d'une entreprise cotisante."),
        CandidatChoisi(demande=d["couple"], rang=2, commentaire="Travaille à Narbonne."),
    ]
    choix = _transmettre(mc, lignes)
    examens = Examen.objects.filter(logement=mc.ll.logement).order_by("rang_propose")
    assert [(e.demande_id, e.commentaire_reservataire) for e in examens] == [
        (d["famille"].pk, "Salariée d'une entreprise cotisante."),
        (d["couple"].pk, "Travaille à Narbonne."),
        (d["dalo"].pk, "Reconnu DALO, relogement urgent."),
    ]
    gelees = list(choix.lignes.order_by("rang"))
    assert [(li.rang, li.numero_unique) for li in gelees] == [
        (1, d["famille"].numero_unique),
        (2, d["couple"].numero_unique),
        (3, d["dalo"].numero_unique),
    ]
    # Frozen what the réservataire saw: the score, the filing date, the contributing company (its own list).
    assert all(li.score > 0 for li in gelees)
    assert gelees[0].date_depot == d["famille"].date_depot_initiale
    assert [li.salarie_cotisante for li in gelees] == [True, False, False]
    assert all(li.examen is not None for li in gelees)
    orientation = Orientation.objects.get(pk=choix.orientation_id)
    assert orientation.statut == StatutOrientation.CANDIDATS_PROPOSES and orientation.nombre_candidats == 3
    assert Evenement.objects.filter(action="choix_reservataire_transmis", auteur=mc.gestionnaire_al).count() == 1
    # Once sent, the dwelling no longer waits for a choice.
    with pytest.raises(ValidationError) as exc:
        _transmettre(mc, _lignes(mc, {"recent": 1, "modeste": 2, "dalo": 3}))
    assert "n'attend pas le choix de son réservataire" in str(exc.value)


@pytest.mark.parametrize(
    ("rangs", "cle", "message"),
    [
        ({"dalo": 1, "famille": 3, "couple": 4}, "candidats[2].rang", "Candidat 3 : rang 4 ; les rangs vont de 1 à 3"),
        (
            {"dalo": 1, "famille": 1, "couple": 2},
            "candidats[1].rang",
            "Candidat 2 : le rang 1 est déjà donné au candidat 1",
        ),
        ({"dalo": 1, "famille": None, "couple": 2}, "candidats[1].rang", "Candidat 2 : indiquez son rang (de 1 à 3)."),
    ],
)
def test_les_rangs_se_suivent_sans_trou_ni_doublon(
    mc: MondeChoix, rangs: dict[str, int | None], cle: str, message: str
) -> None:
    with pytest.raises(ValidationError) as exc:
        _transmettre(mc, _lignes(mc, rangs))
    assert any(m.startswith(message) for m in exc.value.message_dict[cle])
    assert not Examen.objects.exists() and not ChoixReservataire.objects.exists()


def test_un_menage_une_fois_et_un_commentaire_borne_par_candidat(mc: MondeChoix) -> None:
    d = mc.monde.demandes
    lignes = [
        CandidatChoisi(demande=d["dalo"], rang=1, commentaire="Premier."),
        CandidatChoisi(demande=d["dalo"], rang=2, commentaire="Encore lui."),
        CandidatChoisi(demande=d["famille"], rang=3, commentaire="  "),
        CandidatChoisi(demande=d["couple"], rang=4, commentaire="x" * (COMMENTAIRE_MAX + 1)),
    ]
    with pytest.raises(ValidationError) as exc:
        _transmettre(mc, lignes)
    erreurs = exc.value.message_dict
    assert erreurs["candidats[1].rang"] == [
        f"Candidat 2 : la demande {d['dalo'].numero_unique} est déjà choisie (candidat 1) ; un ménage ne figure qu'une fois."
    ]
    assert erreurs["candidats[2].commentaire"][0].startswith("Candidat 3 : écrivez un commentaire pour le bailleur")
    assert erreurs["candidats[3].commentaire"] == [
        f"Candidat 4 : le commentaire compte {COMMENTAIRE_MAX + 1} caractères ; {COMMENTAIRE_MAX} au plus."
    ]


def test_un_menage_non_eligible_est_nomme_par_sa_ligne(mc: MondeChoix) -> None:
    d = mc.monde.demandes
    with pytest.raises(ValidationError) as exc:
        _transmettre(mc, _lignes(mc, {"dalo": 1, "aise": 2, "famille": 3}))
    assert any(
        m.startswith(f"Candidat 2 : la demande {d['aise'].numero_unique} n'est pas éligible")
        for m in exc.value.message_dict["candidats"]
    )
    assert not Examen.objects.exists()


def test_le_delai_de_l_orientation_et_sa_vie_bornent_le_jour_du_choix(mc: MondeChoix) -> None:
    orientation = mc.ll.orientation
    assert orientation is not None and orientation.date_limite_proposition is not None
    apres = orientation.date_limite_proposition + timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        _transmettre(mc, _lignes(mc, {"dalo": 1, "famille": 2, "couple": 3}), aujourd_hui=apres)
    assert (
        f"Le délai de proposition a expiré le {orientation.date_limite_proposition:%d/%m/%Y}"
        in exc.value.message_dict["candidats"][0]
    )
    avant = mc.ll.date_liberation - timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        _transmettre(mc, _lignes(mc, {"dalo": 1, "famille": 2, "couple": 3}), aujourd_hui=avant)
    assert "ne peut pas précéder la libération du logement" in exc.value.message_dict["candidats"][0]


def test_seul_le_gestionnaire_du_reservataire_oriente_choisit(mc: MondeChoix) -> None:
    lignes = _lignes(mc, {"dalo": 1, "famille": 2, "couple": 3})
    for user in (mc.lecteur_al, mc.monde.gestionnaire_etat, mc.monde.gestionnaire_bailleur):
        with pytest.raises(PermissionDenied):
            choix_transmettre(logement_libere=mc.ll, seance=mc.monde.seance, candidats=lignes, auteur=acteur_de(user))
    assert not LigneChoix.objects.exists()


def test_anciennete_en_annees_et_mois() -> None:
    from datetime import date

    assert anciennete(date(2024, 1, 15), date(2026, 4, 20)) == "2 ans et 3 mois"
    assert anciennete(date(2026, 4, 1), date(2026, 4, 20)) == "0 mois"
    assert anciennete(date(2025, 4, 20), date(2026, 4, 20)) == "1 an"


def test_le_bailleur_lit_la_liste_ordonnee_sur_le_logement_et_a_l_ordre_du_jour(mc: MondeChoix) -> None:
    d = mc.monde.demandes
    url = reverse("rapprochement:preselection", args=[mc.ll.pk])
    donnees: dict[str, object] = {
        "designation-seance": mc.monde.seance.pk,
        "affiches": [d[n].numero_unique for n in ("dalo", "famille", "couple", "recent", "modeste")],
    }
    for nom, rang in (("modeste", 1), ("dalo", 2), ("famille", 3)):
        donnees[f"rang-{d[nom].numero_unique}"] = str(rang)
        donnees[f"commentaire-{d[nom].numero_unique}"] = f"Commentaire sur {nom}."
    assert _client(mc.gestionnaire_al).post(url, donnees).status_code == 302
    bailleur = _client(mc.monde.gestionnaire_bailleur)
    page = bailleur.get(reverse("flux:logement_libere", args=[mc.ll.pk])).content.decode()
    bloc = page.split("Candidats choisis par Action Logement, dans l'ordre", 1)[1].split("</ol>", 1)[0]
    positions = [bloc.index(d[n].numero_unique) for n in ("modeste", "dalo", "famille")]
    assert positions == sorted(positions)
    assert "Commentaire du réservataire : Commentaire sur modeste." in bloc
    seance = bailleur.get(reverse("commissions:seance", args=[mc.monde.seance.pk])).content.decode()
    assert "Commentaire du réservataire : Commentaire sur dalo." in seance
    assert (
        seance.index(d["modeste"].numero_unique)
        < seance.index(d["dalo"].numero_unique)
        < seance.index(d["famille"].numero_unique)
    )


def test_la_page_nomme_l_erreur_a_cote_du_champ_et_garde_la_saisie(mc: MondeChoix) -> None:
    d = mc.monde.demandes
    url = reverse("rapprochement:preselection", args=[mc.ll.pk])
    donnees: dict[str, object] = {
        "designation-seance": mc.monde.seance.pk,
        "affiches": [d[n].numero_unique for n in ("dalo", "famille", "couple", "recent", "modeste")],
        f"rang-{d['dalo'].numero_unique}": "1",
        f"commentaire-{d['dalo'].numero_unique}": "Premier choix.",
        f"rang-{d['famille'].numero_unique}": "3",
        f"commentaire-{d['famille'].numero_unique}": "Deuxième choix.",
    }
    reponse = _client(mc.gestionnaire_al).post(url, donnees)
    assert reponse.status_code == 200
    html = reponse.content.decode()
    assert f'id="rang-{d["famille"].numero_unique}-erreur"' in html
    assert "Candidat 2 : rang 3 ; les rangs vont de 1 à 2" in html
    assert 'href="#rang-' in html  # the summary links to the field
    assert "Premier choix." in html  # what was typed is kept
    assert not Examen.objects.exists()


def test_labels_et_consentement_sont_montres_et_geles_avec_le_choix(mc: MondeChoix) -> None:
    from attrib.labellisation.models import Consentement, Label
    from attrib.labellisation.parametres import libelle

    d = mc.monde.demandes
    jour = mc.monde.jour
    Label.objects.create(
        demande=d["famille"],
        type_label="dalo",
        statut="valide",
        propose_le=jour - timedelta(days=20),
        motif="Décision de la commission de médiation.",
        examine_le=jour - timedelta(days=10),
        valide_du=jour - timedelta(days=10),
        valide_jusqu_au=jour + timedelta(days=300),
    )
    Consentement.objects.create(
        demande=d["famille"], objet="partage_partenaires", mode="ecrit", donne_le=jour - timedelta(days=5)
    )
    html = _client(mc.gestionnaire_al).get(reverse("rapprochement:preselection", args=[mc.ll.pk])).content.decode()
    carte = html.split(f'id="candidat-{d["famille"].numero_unique}"', 1)[1].split("</section>", 1)[0]
    assert f"Labels validés : {libelle('dalo')}" in carte
    assert f"Consentement au partage avec les partenaires : donné le {jour - timedelta(days=5):%d/%m/%Y}." in carte
    autre = html.split(f'id="candidat-{d["dalo"].numero_unique}"', 1)[1].split("</section>", 1)[0]
    assert "Aucun label validé en vigueur." in autre and "non recueilli, ou retiré" in autre
    choix = _transmettre(mc, _lignes(mc, {"famille": 1, "dalo": 2, "couple": 3}))
    premiere = choix.lignes.get(rang=1)
    assert premiere.labels and premiere.labels[0].startswith(libelle("dalo"))
    assert premiere.consentement.startswith("Consentement au partage avec les partenaires : donné le")
