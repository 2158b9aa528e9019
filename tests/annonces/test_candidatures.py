"""Applying: the household itself (or its desk) applies to an open advert after a pre-check that says, in plain
French, whether it may and why not (eligibility in the engine's words, effort rate, public, wishes), where it would
stand among the applications so far, how many applications it may still file; the application applies the same
checks. At most three applications open at once; a withdrawal before the closing frees a place."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from attrib.annonces.enums import PublicAnnonce, StatutCandidature
from attrib.annonces.models import Candidature
from attrib.annonces.selectors import annonces_ouvertes_pour, precontrole
from attrib.annonces.services import annonce_creer, annonce_publier, candidature_deposer, candidature_retirer
from attrib.common.models import Evenement
from attrib.demandes.enums import MotifRadiation
from attrib.demandes.services import demande_radier
from attrib.demandeurs.models import Liaison
from attrib.engine.rapprochement.texte import euros
from attrib.journal.models import EntreeJournal
from attrib.organisations.acteurs import Refus, acteur_de, oublier
from attrib.organisations.models import Organisation
from tests.annonces.conftest import SYSTEME, MondeLV
from tests.factories import GRUISSAN, CompteDemandeurFactory, membre

pytestmark = pytest.mark.django_db


def test_le_menage_candidate_depuis_son_espace(lv: MondeLV) -> None:
    annonce = lv.annonce()
    menage = lv.menage("famille")
    candidature = candidature_deposer(annonce=annonce, demande=lv.d["famille"], auteur=menage)
    assert candidature.statut == StatutCandidature.DEPOSEE and len(candidature.jeton) == 12
    assert candidature.compte is not None and candidature.compte.utilisateur == menage.utilisateur
    (avis,) = Evenement.objects.filter(action="candidature_deposee", cible_id=str(lv.d["famille"].pk))
    assert avis.visible_demandeur and avis.auteur == menage.utilisateur
    assert f"Candidature à l'annonce {annonce.reference} (T3 à Narbonne) déposée le " in avis.resume
    assert "Vous êtes à la 1re place : aucune autre candidature reçue à ce jour." in avis.resume
    # The change journal follows the application under the household's demand.
    assert EntreeJournal.objects.filter(
        table_objet="annonces.candidature",
        objet_id=str(candidature.pk),
        racine_table="demandes.demande",
        racine_id=str(lv.d["famille"].pk),
    ).exists()


def test_le_guichet_candidate_pour_le_menage_mais_ni_un_proche_ni_le_bailleur(lv: MondeLV) -> None:
    annonce = lv.annonce()
    guichet = acteur_de(membre(Organisation.objects.get(code_guichet="NAR01"), username="guichet"))
    candidature = candidature_deposer(annonce=annonce, demande=lv.d["couple"], auteur=guichet)
    assert candidature.compte is None
    titulaire = Liaison.objects.create(compte=CompteDemandeurFactory(), demande=lv.d["recent"], qualite="titulaire")
    proche = CompteDemandeurFactory()
    Liaison.objects.create(compte=proche, demande=lv.d["recent"], qualite="travailleur_social", accordee_par=titulaire)
    oublier(proche.utilisateur)
    for acteur in (acteur_de(proche.utilisateur), lv.bailleur, lv.menage("famille")):
        with pytest.raises(Refus, match="Seuls le ménage lui-même, depuis son espace, ou son guichet enregistreur"):
            candidature_deposer(annonce=annonce, demande=lv.d["recent"], auteur=acteur)
    assert Candidature.objects.count() == 1


def test_le_menage_ineligible_sait_pourquoi_avant_de_candidater(lv: MondeLV) -> None:
    annonce = lv.annonce()
    plafond = (
        "Plafond de ressources : Revenu fiscal de référence 90\u00a0000\u00a0€ > plafond PLUS 2026 de "
        "31\u00a0254\u00a0€ (autres régions, catégorie 2)."
    )
    avant = precontrole(annonce=annonce, demande=lv.d["aise"])
    assert not avant.peut_candidater and avant.motifs == [plafond]
    ligne = next(ligne for ligne in avant.eligibilite if ligne.regle == "Plafond de ressources")
    assert ligne.respectee is False and ligne.bloquante and ligne.statut == "non respectée"
    assert [ligne.regle for ligne in avant.eligibilite if ligne.respectee] == [
        "Sous-occupation",
        "Sur-occupation",
        "Typologie adaptée à la taille du ménage",
        "Accessibilité",
        "Taux d'effort",
        "Reste à vivre",
    ]
    with pytest.raises(ValidationError) as exc:
        candidature_deposer(annonce=annonce, demande=lv.d["aise"], auteur=lv.menage("aise"))
    assert exc.value.message_dict == {"__all__": [plafond]}
    seul = precontrole(annonce=annonce, demande=lv.d["seul"])
    assert seul.motifs == [
        "Sous-occupation : T3 pour 1 personne : plus de 2 pièces, logement sous-occupé (L621-2 CCH).",
        "Typologie adaptée à la taille du ménage : T3 hors de la typologie adaptée à 1 personne (T1 à T2, règle "
        "locale).",
    ]
    assert not Candidature.objects.exists()


def test_le_precontrole_dit_le_taux_d_effort_et_la_position_parmi_les_candidatures(lv: MondeLV) -> None:
    annonce = lv.annonce()
    seule = precontrole(annonce=annonce, demande=lv.d["famille"])
    assert seule.peut_candidater and seule.motifs == []
    assert seule.taux_effort == (
        "Taux d'effort 16,7\u00a0% ≤ 35\u00a0% (loyer 430,00\u00a0€ + charges 70,00\u00a0€ − aide au logement "
        "0,00\u00a0€ = 500,00\u00a0€ pour 3\u00a0000,00\u00a0€ de ressources mensuelles)."
    )
    assert seule.position is not None and (seule.position.meilleure, seule.position.total) == (1, 1)
    assert (seule.restantes, seule.maximum) == (3, 3)
    assert seule.suspension.texte().startswith("Aucun refus compté.")
    candidature_deposer(annonce=annonce, demande=lv.d["dalo"], auteur=lv.menage("dalo"))
    candidature_deposer(annonce=annonce, demande=lv.d["famille"], auteur=lv.menage("famille"))
    troisieme = precontrole(annonce=annonce, demande=lv.d["couple"])
    assert troisieme.position is not None
    assert troisieme.position.texte() == (
        "Vous seriez à la 3e place sur 3 candidatures reçues à ce jour, la vôtre comprise. Le classement définitif "
        "sera établi à la clôture de l'annonce, avec les scores à cette date."
    )
    deja = precontrole(annonce=annonce, demande=lv.d["famille"])
    assert deja.candidature is not None and deja.restantes == 2
    assert deja.motifs[-1].startswith("Vous avez déjà candidaté à cette annonce (candidature du ")


def test_a_score_et_anciennete_egaux_la_position_est_une_fourchette(lv: MondeLV) -> None:
    a, b = lv.demande("Garnier", mois=18), lv.demande("Lefebvre", mois=18)
    assert a.cotation.score == b.cotation.score
    annonce = lv.annonce()
    candidature_deposer(annonce=annonce, demande=a, auteur=lv.menage("Garnier"))
    position = precontrole(annonce=annonce, demande=b).position
    assert position is not None and (position.meilleure, position.pire, position.total) == (1, 2, 2)
    assert "entre la 1re et la 2e place" in position.texte()


def test_trois_candidatures_ouvertes_au_plus_et_un_retrait_libere_une_place(lv: MondeLV) -> None:
    annonces = [lv.annonce(), lv.annonce(ll=lv.monde.ll_propre)]
    annonces += [lv.annonce(ll=lv.liberer(f"PINS-{i}")) for i in (3, 4)]
    menage = lv.menage("famille")
    candidatures = [candidature_deposer(annonce=a, demande=lv.d["famille"], auteur=menage) for a in annonces[:3]]
    quatrieme = precontrole(annonce=annonces[3], demande=lv.d["famille"])
    limite = (
        "Vous avez déjà 3 candidatures ouvertes : c'est le maximum (3). Retirez une candidature, ou attendez la "
        "clôture d'une annonce, pour candidater à celle-ci."
    )
    assert quatrieme.motifs == [limite] and quatrieme.restantes == 0
    with pytest.raises(ValidationError) as exc:
        candidature_deposer(annonce=annonces[3], demande=lv.d["famille"], auteur=menage)
    assert exc.value.messages == [limite]
    candidature_retirer(candidature=candidatures[0], auteur=menage)
    assert precontrole(annonce=annonces[3], demande=lv.d["famille"]).restantes == 1
    candidature_deposer(annonce=annonces[3], demande=lv.d["famille"], auteur=menage)
    assert Candidature.objects.filter(demande=lv.d["famille"]).ouvertes().count() == 3


def test_une_annonce_reservee_au_premier_quartile(lv: MondeLV) -> None:
    annonce = annonce_creer(
        orientation=lv.monde.ll_etat.orientations.get(actuelle=True),
        public=PublicAnnonce.Q1,
        motif_public="Objectif de la CIA : 25 % des attributions hors QPV aux ménages du premier quartile.",
        auteur=lv.bailleur,
    )
    annonce = annonce_publier(annonce=annonce, auteur=lv.bailleur)
    assert precontrole(annonce=annonce, demande=lv.d["modeste"]).peut_candidater
    # 3 000 € a month for 1.8 consumption units: 20 000 € a year per unit, above the 12 000 € threshold.
    assert precontrole(annonce=annonce, demande=lv.d["famille"]).motifs == [
        "Cette annonce est réservée aux ménages du premier quartile de ressources : vos ressources "
        f"({euros(20000)} par an et par unité de consommation) dépassent le seuil de {euros(12000)}."
    ]


def test_une_annonce_reservee_aux_menages_prioritaires(lv: MondeLV) -> None:
    annonce = lv.annonce(
        public=PublicAnnonce.PRIORITAIRES, motif_public="Objectif de la CIA : 25 % d'attributions aux prioritaires."
    )
    candidature_deposer(annonce=annonce, demande=lv.d["dalo"], auteur=lv.menage("dalo"))
    with pytest.raises(ValidationError) as exc:
        candidature_deposer(annonce=annonce, demande=lv.d["couple"], auteur=lv.menage("couple"))
    assert exc.value.messages == [
        "Cette annonce est réservée aux ménages reconnus prioritaires (DALO ou article L441-1 du code de la "
        "construction) : votre demande n'a pas de priorité reconnue."
    ]


def test_une_candidature_se_retire_avant_la_cloture_pas_apres(lv: MondeLV) -> None:
    annonce = lv.annonce()
    menage = lv.menage("couple")
    premiere = candidature_deposer(annonce=annonce, demande=lv.d["couple"], auteur=menage)
    premiere = candidature_retirer(candidature=premiere, auteur=menage)
    assert premiere.statut == StatutCandidature.RETIREE and premiere.retiree_le is not None
    assert Evenement.objects.filter(action="candidature_retiree", visible_demandeur=True).count() == 1
    seconde = candidature_deposer(annonce=annonce, demande=lv.d["couple"], auteur=menage)
    assert seconde.jeton != premiere.jeton
    lv.apres_cloture(annonce)
    with pytest.raises(ValidationError) as exc:
        candidature_retirer(candidature=seconde, auteur=menage)
    assert exc.value.messages == ["Les candidatures à cette annonce sont closes : la candidature ne se retire plus."]
    assert annonce.cloture_le is not None
    with pytest.raises(ValidationError) as exc:
        candidature_deposer(annonce=annonce, demande=lv.d["famille"], auteur=lv.menage("famille"))
    assert exc.value.messages == [
        f"Les candidatures à cette annonce sont closes depuis le {annonce.cloture_le:%d/%m/%Y} à 10 h 00."
    ]


def test_une_annonce_en_preparation_ne_recoit_pas_de_candidature(lv: MondeLV) -> None:
    annonce = lv.annonce(publier=False)
    assert precontrole(annonce=annonce, demande=lv.d["famille"]).motifs == ["Cette annonce n'est pas encore publiée."]
    assert annonces_ouvertes_pour(lv.d["famille"]) == []


def test_les_annonces_ouvertes_suivent_les_souhaits_du_menage(lv: MondeLV) -> None:
    annonce = lv.annonce()
    t5 = lv.annonce(ll=lv.liberer("PINS-5", nb_pieces=5, surface_habitable=90))
    assert annonces_ouvertes_pour(lv.d["famille"]) == [annonce]  # T2 à T4
    assert annonces_ouvertes_pour(lv.d["famille"], seulement_souhaits=False) == [annonce, t5]
    ailleurs = lv.demande("Leroy")
    ailleurs.communes_souhaitees.update(commune_id=GRUISSAN)
    assert annonces_ouvertes_pour(ailleurs) == []
    assert precontrole(annonce=annonce, demande=ailleurs).motifs[0] == (
        "Ce logement est à Narbonne, qui ne fait pas partie des communes souhaitées de votre demande : ajoutez "
        "cette commune à votre demande pour candidater."
    )
    assert precontrole(annonce=t5, demande=lv.d["famille"]).motifs[0] == (
        "Ce logement est un T5 ; votre demande recherche T2 à T4 : modifiez les typologies de votre demande pour "
        "candidater."
    )


def test_une_demande_radiee_ne_candidate_plus(lv: MondeLV) -> None:
    annonce = lv.annonce()
    demande_radier(demande=lv.d["recent"], motif=MotifRadiation.RENONCIATION, auteur=SYSTEME)
    assert precontrole(annonce=annonce, demande=lv.d["recent"]).motifs == [
        f"Votre demande n'est plus active (radiée le {lv.jour:%d/%m/%Y}) : elle ne peut pas candidater."
    ]
