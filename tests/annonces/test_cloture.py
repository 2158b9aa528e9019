"""The closing: the applications still standing are checked again (one that no longer qualifies is set aside with
its reason), the others ranked by score at closing, then seniority, then the draw committed at opening; the ranking
written is the engine's and verifies; the published data replay it identically; each household learns its rank.
The batch closing goes to the end despite an advert that cannot be closed."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from attrib.annonces.enums import StatutAnnonce, StatutCandidature
from attrib.annonces.models import Annonce, Candidature
from attrib.annonces.selectors import classement_de, classement_publie
from attrib.annonces.services import annonce_clore, annonces_clore_echues, candidature_deposer
from attrib.common.models import Evenement
from attrib.demandes.services import demande_modifier
from attrib.engine.annonces import CandidatureAClasser, classer, nouvelle_graine, rejouer
from attrib.organisations.acteurs import Refus
from tests.annonces.conftest import SYSTEME, MondeLV

pytestmark = pytest.mark.django_db


def _candidater(lv: MondeLV, annonce: Annonce, *noms: str) -> dict[str, Candidature]:
    return {nom: candidature_deposer(annonce=annonce, demande=lv.d[nom], auteur=lv.menage(nom)) for nom in noms}


def test_la_cloture_classe_par_score_puis_anciennete_puis_tirage(lv: MondeLV) -> None:
    lv.demande("Garnier", mois=18)
    lv.demande("Lefebvre", mois=18)
    lv.demande("Mercier", mois=18)
    annonce = lv.annonce()
    candidatures = _candidater(lv, annonce, "couple", "Garnier", "dalo", "Lefebvre", "famille")
    # Same score as Garnier and Lefebvre, filed a day later: seniority separates it.
    mercier = lv.d["Mercier"]
    mercier.date_depot_initiale += timedelta(days=1)
    mercier.save(update_fields=["date_depot_initiale"])
    candidatures |= _candidater(lv, annonce, "Mercier")
    lv.apres_cloture(annonce)
    classement = annonce_clore(annonce=annonce, auteur=lv.bailleur)
    assert classement.verify() == [] and classement.empreinte == annonce.empreinte
    # What is written is the engine's ranking of the scores at closing and the dates of first filing.
    attendu = classer(
        [
            CandidatureAClasser(jeton=c.jeton, score=c.demande.cotation.score, depot=c.demande.date_depot_initiale)
            for c in candidatures.values()
        ],
        graine=annonce.graine,
    )
    assert classement.rangs == attendu.rangs
    ecrites = list(Candidature.objects.filter(annonce=annonce).order_by("rang"))
    assert [c.jeton for c in ecrites] == list(attendu.ordre())
    assert all(c.statut == StatutCandidature.CLASSEE for c in ecrites)
    assert [(c.rang, c.score, c.departage) for c in ecrites][:2] == [(1, 1020, "seul"), (2, 240, "score")]
    egales = [c for c in ecrites if c.demande_id in (lv.d["Garnier"].pk, lv.d["Lefebvre"].pk)]
    assert [c.rang for c in egales] == [3, 4] and egales[1].departage == "tirage"
    assert egales[0].tirage < egales[1].tirage
    assert [(c.rang, c.departage) for c in ecrites if c.demande_id == mercier.pk] == [(5, "anciennete")]
    assert (ecrites[-1].demande_id, ecrites[-1].departage) == (lv.d["couple"].pk, "score")
    for c in ecrites:
        assert c.score == c.demande.cotation.score and c.depot == c.demande.date_depot_initiale
    annonce.refresh_from_db()
    assert annonce.statut == StatutAnnonce.CLOSE and annonce.close_le == timezone.now()
    # Each household learns its rank and why it stands there.
    (avis,) = Evenement.objects.filter(action="candidature_classee", cible_id=str(lv.d["famille"].pk))
    assert avis.visible_demandeur
    assert (
        f"Candidatures closes pour l'annonce {annonce.reference} (T3 à Narbonne) : la vôtre est classée 2e sur 6."
        in (avis.resume)
    )
    assert "Score moins élevé que celui de la candidature classée juste devant." in avis.resume
    assert "fait partie de celles présentées à la commission" in avis.resume
    (avis,) = Evenement.objects.filter(action="candidature_classee", cible_id=str(lv.d["couple"].pk))
    assert "la vôtre est classée 6e sur 6" in avis.resume and "la vôtre peut l'être si" in avis.resume
    # The réservataire and the bailleur are told.
    assert Evenement.objects.filter(
        action="annonce_close", organisation=lv.monde.etat, cible_id=str(annonce.orientation_id)
    ).exists()
    assert Evenement.objects.filter(
        action="annonce_close", organisation=lv.monde.bailleur, cible_id=str(annonce.logement_libere_id)
    ).exists()


def test_le_classement_publie_se_rejoue_a_l_identique_sans_rien_d_identifiant(lv: MondeLV) -> None:
    annonce = lv.annonce()
    _candidater(lv, annonce, "famille", "dalo", "couple", "recent")
    assert classement_publie(annonce) is None
    lv.apres_cloture(annonce)
    annonce_clore(annonce=annonce, auteur=SYSTEME)
    annonce.refresh_from_db()
    donnees = classement_publie(annonce)
    assert donnees is not None
    assert (donnees["annonce"], donnees["graine"], donnees["empreinte"]) == (
        annonce.reference,
        annonce.graine,
        annonce.empreinte,
    )
    resultat = rejouer(json.loads(json.dumps(donnees)))
    assert resultat.identique, resultat.ecarts
    ecrit = list(Candidature.objects.filter(annonce=annonce).order_by("rang").values_list("jeton", flat=True))
    assert list(resultat.publie) == ecrit == list(resultat.classement.ordre())  # type: ignore[union-attr]
    texte = json.dumps(donnees, ensure_ascii=False)
    for d in lv.d.values():
        assert d.numero_unique not in texte
    for mot in ("Martin", "demande", "Narbonne"):
        assert mot not in texte
    stocke = classement_de(annonce)
    assert stocke is not None and stocke.verify() == []
    # A published ranking changed after the fact no longer replays.
    donnees["candidatures"][0], donnees["candidatures"][1] = donnees["candidatures"][1], donnees["candidatures"][0]
    assert not rejouer(donnees).identique


def test_un_menage_devenu_ineligible_est_ecarte_avec_son_motif(lv: MondeLV) -> None:
    annonce = lv.annonce()
    candidatures = _candidater(lv, annonce, "famille", "couple")
    demande_modifier(demande=lv.d["famille"], donnees={"revenu_fiscal_reference": 90000}, auteur=SYSTEME)
    lv.apres_cloture(annonce)
    classement = annonce_clore(annonce=annonce, auteur=lv.bailleur)
    assert classement.ordre() == (candidatures["couple"].jeton,)
    ecartee = Candidature.objects.get(pk=candidatures["famille"].pk)
    assert ecartee.statut == StatutCandidature.ECARTEE and ecartee.rang is None
    assert ecartee.motif_ecart.startswith(
        "Plafond de ressources : Revenu fiscal de référence 90\u00a0000\u00a0€ > plafond PLUS"
    )
    (avis,) = Evenement.objects.filter(action="candidature_ecartee", cible_id=str(lv.d["famille"].pk))
    assert avis.visible_demandeur and "votre candidature n'a pas pu être classée. Plafond de ressources" in avis.resume


def test_une_annonce_sans_candidature_se_clot_sans_suite(lv: MondeLV) -> None:
    annonce = lv.annonce()
    candidature = _candidater(lv, annonce, "famille")["famille"]
    from attrib.annonces.services import candidature_retirer

    candidature_retirer(candidature=candidature, auteur=lv.menage("famille"))
    lv.apres_cloture(annonce)
    assert annonce_clore(annonce=annonce, auteur=lv.etat).rangs == ()
    annonce.refresh_from_db()
    assert annonce.statut == StatutAnnonce.SANS_SUITE and annonce.close_le is not None
    assert classement_publie(annonce) is not None


def test_une_annonce_ne_se_clot_pas_avant_l_heure(lv: MondeLV) -> None:
    annonce = lv.annonce()
    assert annonce.cloture_le is not None
    with pytest.raises(ValidationError) as exc:
        annonce_clore(annonce=annonce, auteur=lv.bailleur)
    assert exc.value.messages == [
        f"Les candidatures restent ouvertes jusqu'au {timezone.localtime(annonce.cloture_le):%d/%m/%Y} à 10 h 00 : "
        "l'annonce se clôt après."
    ]


def test_la_cloture_par_lot_va_au_bout_malgre_une_annonce_defaillante(lv: MondeLV) -> None:
    bonne = lv.annonce()
    abimee = lv.annonce(ll=lv.monde.ll_propre)
    pas_encore = lv.annonce(ll=lv.liberer("PINS-3"))
    Annonce.objects.filter(pk=pas_encore.pk).update(cloture_le=bonne.cloture_le + timedelta(days=1))  # type: ignore[operator]
    _candidater(lv, bonne, "famille", "couple")
    intacte = _candidater(lv, abimee, "dalo")["dalo"]
    # The stored seed no longer gives the commitment published at opening: this ranking cannot verify.
    Annonce.objects.filter(pk=abimee.pk).update(graine=nouvelle_graine())
    lv.apres_cloture(bonne)
    with pytest.raises(Refus):
        annonces_clore_echues(auteur=lv.bailleur)
    rapport = annonces_clore_echues(auteur=SYSTEME)
    assert rapport.closes == [bonne.reference] and rapport.faits == 1
    assert rapport.lignes() == [
        f"annonce {abimee.reference} : Le classement ne se vérifie pas : rien n'est enregistré ; La graine ne "
        "correspond pas à l'empreinte publiée à l'ouverture"
    ]
    bonne.refresh_from_db()
    abimee.refresh_from_db()
    pas_encore.refresh_from_db()
    assert (bonne.statut, abimee.statut, pas_encore.statut) == (
        StatutAnnonce.CLOSE,
        StatutAnnonce.PUBLIEE,
        StatutAnnonce.PUBLIEE,
    )
    intacte.refresh_from_db()
    assert intacte.statut == StatutCandidature.DEPOSEE and intacte.rang is None
