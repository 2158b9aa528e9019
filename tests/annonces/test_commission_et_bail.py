"""After the closing: the first ranked go to the committee through the rapprochement's designation, the lease
publishes the advert's outcome (nothing that identifies the household housed) and closes the household's other
applications; the dwelling counted in the réservataire's flux before and after. A household that refuses twice in
twelve months the dwellings its applications obtained is suspended, told before the second refusal."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from attrib.annonces.enums import StatutAnnonce, StatutCandidature
from attrib.annonces.models import Annonce, Candidature
from attrib.annonces.selectors import precontrole, suspension_de
from attrib.annonces.services import annonce_clore, annonce_presenter, candidature_deposer
from attrib.commissions.enums import MotifRefus, TypeDecision
from attrib.commissions.models import Offre
from attrib.commissions.services import (
    bail_signer,
    decision_enregistrer,
    offre_emettre,
    offre_repondre,
    seance_ouvrir,
)
from attrib.common.models import Evenement
from attrib.engine.validation import decaler_mois
from attrib.flux.enums import StatutOrientation
from attrib.flux.models import ConventionReservation, Orientation
from attrib.flux.selectors import bilan, du_livre
from attrib.organisations.acteurs import Acteur, Refus
from tests.annonces.conftest import SYSTEME, MondeLV

pytestmark = pytest.mark.django_db


def _candidater(lv: MondeLV, annonce: Annonce, *noms: str) -> None:
    for nom in noms:
        candidature_deposer(annonce=annonce, demande=lv.d[nom], auteur=lv.menage(nom))


def _commission(lv: MondeLV, annonce: Annonce, presentateur: Acteur) -> Offre:
    """Close the advert, present its first three to a session today, attribute by rank, offer to the first."""
    lv.apres_cloture(annonce)
    annonce_clore(annonce=annonce, auteur=SYSTEME)
    seance = lv.seance_du_jour()
    examens = annonce_presenter(annonce=annonce, seance=seance, auteur=presentateur)
    seance_ouvrir(seance=seance, auteur=SYSTEME)
    for e in examens:
        decision_enregistrer(
            examen=e,
            type_decision=TypeDecision.ATTRIBUTION_CLASSEMENT,
            rang=e.rang_propose,
            votes=lv.pour,
            auteur=SYSTEME,
        )
    return offre_emettre(logement=annonce.logement, auteur=SYSTEME)


def test_les_premiers_classes_vont_a_la_commission_et_le_bail_publie_le_resultat(lv: MondeLV) -> None:
    m = lv.monde
    annee = lv.jour.year
    convention = ConventionReservation.objects.get(bailleur=m.bailleur, reservataire=m.etat)
    avant = bilan(m.bailleur, m.etat, annee)
    livre_avant = du_livre(convention, annee).total
    annonce = lv.annonce()
    autre = lv.annonce(ll=m.ll_propre)
    _candidater(lv, annonce, "recent", "couple", "dalo", "famille")
    _candidater(lv, autre, "dalo")
    # The advertised dwelling still counts in the State's flux, waiting for its candidates.
    pendant = bilan(m.bailleur, m.etat, annee)
    assert [o.pk for o in pendant.orientations] == [o.pk for o in avant.orientations]
    assert m.ll_etat.orientations.get(actuelle=True).statut == StatutOrientation.A_PROPOSER

    lv.apres_cloture(annonce)
    annonce_clore(annonce=annonce, auteur=SYSTEME)
    seance = lv.seance_du_jour()
    with pytest.raises(Refus, match="Seuls ceux qui désignent les candidats du logement"):
        annonce_presenter(annonce=annonce, seance=seance, auteur=lv.bailleur)
    examens = annonce_presenter(annonce=annonce, seance=seance, auteur=lv.etat)
    assert [e.demande_id for e in examens] == [lv.d["dalo"].pk, lv.d["famille"].pk, lv.d["couple"].pk]
    assert [e.rang_propose for e in examens] == [1, 2, 3]
    annonce.refresh_from_db()
    assert annonce.statut == StatutAnnonce.EN_COMMISSION and annonce.seance == seance
    presentees = Candidature.objects.filter(annonce=annonce, presentee=True).order_by("rang")
    assert [c.demande_id for c in presentees] == [e.demande_id for e in examens]
    (non_presentee,) = Evenement.objects.filter(action="candidature_non_presentee")
    assert non_presentee.cible_id == str(lv.d["recent"].pk) and "classée 4e, ne l'est pas" in non_presentee.resume
    orientation = Orientation.objects.get(logement_libere=m.ll_etat, actuelle=True)
    assert orientation.statut == StatutOrientation.CANDIDATS_PROPOSES and orientation.nombre_candidats == 3

    seance_ouvrir(seance=seance, auteur=SYSTEME)
    for e in examens:
        decision_enregistrer(
            examen=e,
            type_decision=TypeDecision.ATTRIBUTION_CLASSEMENT,
            rang=e.rang_propose,
            votes=lv.pour,
            auteur=SYSTEME,
        )
    offre = offre_emettre(logement=annonce.logement, auteur=SYSTEME)
    assert offre.demande == lv.d["dalo"]
    offre = offre_repondre(offre=offre, accepte=True, auteur=SYSTEME)
    bail = bail_signer(
        offre=offre,
        date_signature=timezone.localdate(),
        accord_collectif=False,
        deja_locataire=False,
        auteur=lv.bailleur,
    )

    annonce.refresh_from_db()
    assert annonce.statut == StatutAnnonce.ATTRIBUEE and annonce.bail == bail
    assert annonce.resultat_publie_le == timezone.now()
    assert annonce.resultat_candidatures == 4
    assert annonce.resultat_tranche_score == "entre 1020 et 1029 points"
    assert annonce.resultat_anciennete == "moins d'un an"
    publie = " ".join([annonce.resultat_tranche_score, annonce.resultat_anciennete])
    assert lv.d["dalo"].numero_unique not in publie and "Martin" not in publie
    # The household housed no longer applies elsewhere.
    ailleurs = Candidature.objects.get(annonce=autre, demande=lv.d["dalo"])
    assert ailleurs.statut == StatutCandidature.RETIREE and ailleurs.retiree_le is not None
    assert Evenement.objects.filter(
        action="candidature_retiree", cible_id=str(lv.d["dalo"].pk), visible_demandeur=True
    ).exists()
    # The dwelling counted in the State's flux before and after the lease, attributed to the household housed.
    orientation.refresh_from_db()
    assert orientation.statut == StatutOrientation.ATTRIBUEE and orientation.demande_attribuee == lv.d["dalo"]
    apres = bilan(m.bailleur, m.etat, annee)
    assert [o.pk for o in apres.orientations] == [o.pk for o in avant.orientations]
    assert du_livre(convention, annee).total == livre_avant
    assert bail.orientation == orientation and bail.contingent == "etat_prioritaires"


def test_une_annonce_se_presente_une_fois_close(lv: MondeLV) -> None:
    annonce = lv.annonce()
    with pytest.raises(ValidationError) as exc:
        annonce_presenter(annonce=annonce, seance=lv.monde.seance, auteur=lv.etat)
    assert exc.value.messages == [
        f"L'annonce {annonce.reference} est publiée, candidatures ouvertes : seules les candidatures d'une annonce "
        "close se présentent à la commission."
    ]


def test_deux_refus_en_douze_mois_suspendent_les_candidatures_le_menage_prevenu(lv: MondeLV) -> None:
    premiere = lv.annonce()
    _candidater(lv, premiere, "dalo", "famille", "couple")
    offre = _commission(lv, premiere, lv.etat)
    assert offre.demande == lv.d["dalo"]
    offre_repondre(
        offre=offre, accepte=False, motif_refus=MotifRefus.LOCALISATION, logement_adapte=True, auteur=SYSTEME
    )
    seconde = lv.annonce(ll=lv.monde.ll_propre)
    averti = precontrole(annonce=seconde, demande=lv.d["dalo"])
    # Told before the second refusal: one more would suspend its applications.
    assert averti.peut_candidater
    assert (averti.suspension.refus_comptes, averti.suspension.refus_avant_suspension) == (1, 1)
    assert "Un refus de plus suspendrait vos candidatures pendant 6 mois." in averti.suspension.texte()
    _candidater(lv, seconde, "dalo", "couple", "recent")
    offre = _commission(lv, seconde, lv.bailleur)
    assert offre.demande == lv.d["dalo"]
    offre = offre_repondre(
        offre=offre, accepte=False, motif_refus=MotifRefus.LOYER, logement_adapte=True, auteur=SYSTEME
    )
    assert offre.repondue_le is not None
    jusqu_au = decaler_mois(offre.repondue_le, 6)
    etat = suspension_de(lv.d["dalo"])
    assert etat.suspendu and etat.jusqu_au == jusqu_au
    troisieme = lv.annonce(ll=lv.liberer("PINS-3"))
    with pytest.raises(ValidationError) as exc:
        candidature_deposer(annonce=troisieme, demande=lv.d["dalo"], auteur=lv.menage("dalo"))
    (message,) = exc.value.messages
    assert message == etat.texte() == precontrole(annonce=troisieme, demande=lv.d["dalo"]).motifs[-1]
    assert message.startswith(f"Vous ne pouvez pas candidater aux annonces jusqu'au {jusqu_au:%d/%m/%Y}")
    # The suspension ends on its day; the other households have nothing counted.
    assert suspension_de(lv.d["dalo"], jusqu_au).suspendu is False
    assert suspension_de(lv.d["famille"]).refus_comptes == 0
