"""Reads: due vs delivered (in all, by typology and QPV), the priority households indicator, the assiette
and the forecast."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from django.utils import timezone

from attrib.demandes.models import Demande
from attrib.flux.models import Orientation
from attrib.flux.selectors import (
    NON_DISPONIBLE,
    du_livre,
    du_livre_bailleur,
    indicateur_publics_prioritaires,
    prevision_bailleur,
)
from attrib.flux.services import orientation_forcer
from attrib.organisations.acteurs import acteur_systeme
from tests.factories import creer_demande, guichet
from tests.flux.conftest import Monde


def test_du_et_livre_par_typologie_et_qpv(monde: Monde) -> None:
    c = monde.conventions_standard()
    logements = monde.logements("ouest")[:10] + monde.logements("centre")[:10]
    for logement in logements:
        monde.declarer(logement)
    annee = timezone.localdate().year
    resultat = du_livre(c["al"], annee)
    # 20 dwellings at 25 %: 5 due; the engine keeps Action Logement within one dwelling.
    assert resultat.total.logements == 20 and resultat.total.du == 5
    assert abs(resultat.total.livre - 5) < 1
    assert [ligne.libelle for ligne in resultat.par_typologie] == ["T1-T2", "T3", "T4 et plus"]
    assert sum(ligne.logements for ligne in resultat.par_typologie) == 20
    assert sum(ligne.du for ligne in resultat.par_typologie) == 5
    qpv = {ligne.libelle: ligne for ligne in resultat.par_qpv}
    assert qpv["En QPV"].logements == 10 and qpv["En QPV"].du == Fraction(5, 2)
    orientes = Orientation.objects.filter(reservataire_cle=c["al"].cle, logement_libere__en_qpv=True).count()
    assert qpv["En QPV"].livre == orientes
    # Every contingent of the bailleur, its own share included, adds up to the flux.
    lignes = du_livre_bailleur(monde.alogea, annee)
    assert sum(ligne.du for ligne in lignes) == 20 and sum(ligne.livre for ligne in lignes) == 20
    assert lignes[0].libelle == "Alogea (part non réservée)"


def test_une_derogation_se_voit_dans_le_du_et_le_livre(monde: Monde) -> None:
    c = monde.conventions_standard()
    o = monde.declarer(monde.logement("centre", 1)).orientation
    assert o is not None
    annee = timezone.localdate().year
    avant = du_livre(c["etat"], annee).total
    assert (avant.du, avant.livre) == (Fraction(1, 5), 0)
    orientation_forcer(
        orientation=o, reservataire=c["etat"], motif="Ménage DALO en urgence", auteur=acteur_systeme("test")
    )
    apres = du_livre(c["etat"], annee).total
    assert (apres.du, apres.livre, apres.ecart) == (Fraction(1, 5), 1, Fraction(4, 5))


def test_l_indicateur_des_publics_prioritaires_sans_attribution(monde: Monde) -> None:
    monde.conventions_standard()
    for logement in monde.logements("centre")[:4]:
        monde.declarer(logement)
    indicateur = indicateur_publics_prioritaires(annee=timezone.localdate().year, reservataire=monde.action_logement)
    assert not indicateur.disponible and indicateur.part is None
    assert indicateur.message == NON_DISPONIBLE == "non disponible : aucune attribution enregistrée"
    assert indicateur.objectif == Fraction(1, 4)


def test_l_indicateur_lit_les_attributions_enregistrees(monde: Monde) -> None:
    """As the attribution (issue 6) will record them on the orientation: the household housed and the day."""
    monde.conventions_standard()
    orientations = [monde.declarer(lg).orientation for lg in monde.logements("centre")[:12]]
    vers_al = [o for o in orientations if o is not None and o.reservataire_id == monde.action_logement.pk]
    assert len(vers_al) == 3
    g = guichet()
    dalo = creer_demande(guichet_org=g, dalo_reconnu=True, dalo_date_decision=date(2025, 3, 1))
    autres = [creer_demande(guichet_org=g) for _ in range(2)]
    jour = timezone.localdate()
    for o, demande in zip(vers_al, [dalo, *autres], strict=True):
        Orientation.objects.filter(pk=o.pk).update(statut="attribuee", demande_attribuee=demande, attribuee_le=jour)
    indicateur = indicateur_publics_prioritaires(annee=jour.year, reservataire=monde.action_logement)
    assert (indicateur.attributions, indicateur.dalo, indicateur.l441_1) == (3, 1, 0)
    assert indicateur.part == Fraction(1, 3) and indicateur.atteint
    assert indicateur.message.startswith("33,3 % des 3 attributions (1 DALO")
    assert Demande.objects.count() == 3


def test_la_prevision_sans_historique_applique_le_taux_de_mobilite_rpls(monde: Monde) -> None:
    monde.conventions_standard()
    annee = timezone.localdate().year + 1
    p = prevision_bailleur(monde.alogea, annee)
    assert p.taux.valeur == Decimal("0.1072") and "CA Le Grand Narbonne" in p.taux.explication
    parc = {t.typologie: t for t in p.typologies}
    # Alogea's stock: 9 T2 in Ouest + 10 T2 in Centre + 4 T2 in Plage = 23 T2.
    assert parc[2].methode == "taux_mobilite_rpls" and parc[2].logements == 23 * Fraction(1072, 10000)
    etat = next(ligne for ligne in p.lignes if ligne.libelle.startswith("Préfecture de l'Aude — publics"))
    assert etat.total == Fraction(20, 100) * p.total


def test_la_prevision_reprend_la_moyenne_des_annees_passees(monde: Monde) -> None:
    annee = timezone.localdate().year
    passee = date(annee - 1, 6, 1)
    for k, logement in enumerate(monde.logements("centre")[:6]):
        monde.declarer(logement, passee + timedelta(days=k))
    monde.declarer(
        monde.logement("centre", 7),
        passee,
        motif_exclusion="mutation_interne",
        motif_exclusion_detail="Mutation interne (test).",
    )
    p = prevision_bailleur(monde.alogea, annee)
    assert p.assiette.total == 6 and p.assiette.par_motif() == {"mutation_interne": 1}
    parc = {t.typologie: t for t in p.typologies}
    # Centre's first six dwellings: T2, T3, T3, T4, T1, T2.
    assert parc[3].methode == "historique" and parc[3].logements == 2
    assert parc[5].methode == "taux_mobilite_rpls"  # no T5 freed: stock × rate
