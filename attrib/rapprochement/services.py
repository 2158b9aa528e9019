"""Writes of the rapprochement: designating the candidates of a freed dwelling (and putting them on the
agenda of a planned session of the bailleur's commission), running batch proposals for a period, and putting
a batch's proposals on the agenda. Errors are ``ValidationError`` with French messages keyed by field.

Every write takes its actor (``auteur: Acteur``) and checks it with the predicates of
``attrib.rapprochement.permissions`` before it writes: a refusal raises ``Refus`` saying who may act."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import numpy as np
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from attrib.commissions import parametres as parametres_caleol
from attrib.commissions.models import Examen, Seance
from attrib.commissions.services import examen_inscrire
from attrib.common.services import evenement_enregistrer
from attrib.demandes.models import Demande
from attrib.engine.appariement import contraintes_objectifs, instance_depuis_index, proposer
from attrib.engine.erreurs import ErreurMoteur
from attrib.engine.rapprochement import Compte, Logement, Objectif, Sens
from attrib.engine.rapprochement.texte import pluriel, pourcentage
from attrib.flux.enums import StatutOrientation
from attrib.flux.models import LogementLibere
from attrib.flux.services import orientation_candidats_proposer
from attrib.organisations.acteurs import Acteur
from attrib.organisations.models import Organisation
from attrib.rapprochement import moteur, permissions, selectors
from attrib.rapprochement.enums import StatutLot
from attrib.rapprochement.models import LotPropositions
from attrib.rapprochement.permissions import designateur, peut_designer
from attrib.taches.progression import Progression
from attrib.territoires.models import EPCI

ETAPE_LECTURE, ETAPE_CALCUL, ETAPE_EXPLICATION = 1, 2, 3
LIBELLES_ETAPES = {
    ETAPE_LECTURE: "Lecture des demandes et des logements",
    ETAPE_CALCUL: "Calcul des propositions",
    ETAPE_EXPLICATION: "Explication des propositions",
}
SANS_SEUIL = "1er quartile non établi (seuil non renseigné)"


# --- designation ---------------------------------------------------------------------------------------------


@transaction.atomic
def candidats_designer(
    *,
    logement_libere: LogementLibere,
    seance: Seance,
    demandes: Sequence[Demande],
    exception: str = "",
    garder_ordre: bool = False,
    derogation_offre: str = "",
    auteur: Acteur,
    aujourd_hui: date | None = None,
    commentaires: Sequence[str] | None = None,
    commentaire_orientation: str | None = None,
) -> list[Examen]:
    """Designate ``demandes`` for the freed dwelling and put them on the agenda of ``seance`` (a planned
        session of the bailleur's commission), in the order of the shortlist (score, then tie-break), or in the
    given order with ``garder_ordre`` (a batch proposal: first candidate, then its alternates). Every
        candidate must be eligible to the dwelling today. When the dwelling is oriented to a réservataire, the
        proposal is recorded on its orientation (``orientation_candidats_proposer``), with
        ``commentaire_orientation`` when given. ``commentaires`` (with ``garder_ordre``): one per candidate,
        copied on its agenda line."""
    ll = (
        LogementLibere.objects.select_related("logement__residence", "commune__epci", "bailleur")
        .prefetch_related("orientations")
        .get(pk=logement_libere.pk)
    )
    auteur.exiger(peut_designer(auteur, ll), permissions.REFUS_DESIGNER)
    if ll.exclu or designateur(ll.orientation) == "":
        raise ValidationError({"candidats": ["Ce logement n'attend pas de désignation de candidats."]})
    if seance.commission.bailleur_id != ll.bailleur_id:
        raise ValidationError({"seance": ["Choisissez une séance de la commission du bailleur du logement."]})
    if not demandes:
        raise ValidationError({"candidats": ["Cochez au moins un candidat."]})
    epci = ll.commune.epci
    if epci is None:
        raise ValidationError({"candidats": [f"La commune {ll.commune.nom} n'appartient à aucun EPCI."]})
    try:
        lg = moteur.logement_moteur(ll)
    except moteur.LogementNonEvaluable as exc:
        raise ValidationError({"candidats": [str(exc)]}) from None
    it = moteur.index_territoire(epci, jour=aujourd_hui)
    ev, _ = it.index.evaluer(lg)
    position = {str(it.index.demandes[int(ligne)]): p for p, ligne in enumerate(ev.lignes.tolist())}
    erreurs: list[str] = []
    for i, d in enumerate(demandes, start=1):
        p = position.get(d.numero_unique)
        if p is None:
            erreurs.append(
                f"Candidat {i} : la demande {d.numero_unique} ne souhaite pas ce logement (commune et typologie) "
                "ou n'est pas cotée."
            )
        elif not ev.eligible[p]:
            motifs = " ; ".join(ev.detail(p).motifs)
            erreurs.append(f"Candidat {i} : la demande {d.numero_unique} n'est pas éligible à ce logement ({motifs}).")
    if erreurs:
        raise ValidationError({"candidats": erreurs})
    ordonnees = list(demandes) if garder_ordre else sorted(demandes, key=lambda d: position[d.numero_unique])
    orientation = ll.orientation
    assert orientation is not None
    if orientation.reservataire_id is not None and orientation.statut == StatutOrientation.A_PROPOSER:
        orientation_candidats_proposer(
            orientation=orientation,
            nombre_candidats=len(ordonnees),
            commentaire=commentaire_orientation
            if commentaire_orientation is not None
            else f"Désignés pour la séance du {seance.date:%d/%m/%Y} : "
            + ", ".join(d.numero_unique for d in ordonnees),
            auteur=auteur,
            aujourd_hui=aujourd_hui,
        )
    # The commission's service checks the right again (bailleur's or oriented réservataire's managers) and
    # signs the agenda entry with the author.
    examens = examen_inscrire(
        seance=seance,
        logement=ll.logement,
        candidats=ordonnees,
        exception=exception,
        derogation_offre=derogation_offre,
        auteur=auteur,
        commentaires=list(commentaires) if commentaires is not None and garder_ordre else None,
    )
    evenement_enregistrer(
        objet=ll,
        action="candidats_designes",
        resume=f"{pluriel(len(ordonnees), 'candidat désigné', 'candidats désignés')} pour le logement "
        f"{ll.logement.identifiant}, inscrits à la séance du {seance.date:%d/%m/%Y}.",
        auteur=auteur.utilisateur,
        organisation=orientation.reservataire if orientation.reservataire_id else ll.bailleur,
        details={
            "seance": seance.pk,
            "candidats": [d.numero_unique for d in ordonnees],
            "exception": exception,
            "orientation": orientation.pk,
        },
    )
    return examens


# --- batch proposals -----------------------------------------------------------------------------------------------


def _suivi(lot: LotPropositions, progression: Progression | None) -> Progression:
    def suivre(etape: int, libelle: str, faites: int, total: int) -> None:
        LotPropositions.objects.filter(pk=lot.pk).update(
            etape=etape, libelle_etape=libelle[:200], faites=faites, total=total
        )
        if progression is not None:
            progression(etape, libelle, faites, total)

    return suivre


def _part(compte: Compte) -> str:
    part = compte.part()
    if part is None:
        return "aucune attribution"
    return f"{pourcentage(part)} ({compte.cibles} sur {compte.attributions})"


def _cible(o: Objectif) -> str:
    return f"{'≥' if o.sens == Sens.MINIMUM else '≤'} {pourcentage(o.taux)}"


def _sans_q1(texte: str, seuil: moteur.Seuil) -> str:
    """Without a Q1 threshold, the engine's profile wording (« ménage hors 1er quartile ») is not established."""
    if seuil.connu:
        return texte
    return texte.replace("ménage hors 1er quartile", SANS_SEUIL)


def calculer_lot(
    *,
    organisation: Organisation,
    epci: EPCI,
    debut: date,
    fin: date,
    jour: date,
    suivre: Progression,
    nb_suppleants: int | None = None,
) -> dict[str, Any]:
    """The batch proposals of the period, as a JSON-ready result (see ``docs/rapprochement.md`` §4)."""
    suivre(ETAPE_LECTURE, LIBELLES_ETAPES[ETAPE_LECTURE], 0, 2)
    it = moteur.index_territoire(epci, jour=jour)
    suivre(ETAPE_LECTURE, LIBELLES_ETAPES[ETAPE_LECTURE], 1, 2)
    a_proposer = selectors.logements_du_lot(organisation, epci, debut, fin)
    logements: list[Logement] = []
    retenus: list[tuple[LogementLibere, Seance]] = []
    non_evaluables: list[dict[str, str]] = []
    for ll, seance in a_proposer:
        try:
            logements.append(moteur.logement_moteur(ll))
            retenus.append((ll, seance))
        except moteur.LogementNonEvaluable as exc:
            non_evaluables.append({"identifiant": ll.logement.identifiant, "message": str(exc)})
    suivre(ETAPE_LECTURE, LIBELLES_ETAPES[ETAPE_LECTURE], 2, 2)
    reservataires = {lg.reservataire for lg in logements}
    objectifs = moteur.objectifs(jour, reservataires, it.seuil)
    attributions = moteur.attributions_de_l_annee(epci, jour.year, it.seuil)
    etat = moteur.etat_objectifs(objectifs, attributions)
    suivre(ETAPE_CALCUL, LIBELLES_ETAPES[ETAPE_CALCUL], 0, len(logements))
    commun: dict[str, Any] = {
        "jour": jour.isoformat(),
        "seuil": {
            "valeur": it.seuil.valeur,
            "origine": it.seuil.origine,
            "libelle": it.seuil.libelle,
            "source": it.seuil.source,
        },
        "demandes": {"indexees": it.nb_indexees, "sans_cotation": it.nb_sans_cotation, "departage": it.departage},
        "objectifs_non_calcules": []
        if it.seuil.connu
        else [o.libelle for o in moteur.objectifs_sans_seuil(jour, reservataires)],
        "non_evaluables": non_evaluables,
    }
    if not logements:
        return {
            **commun,
            "certificat": None,
            "verification": [],
            "resume": [],
            "bilans": [],
            "logements": [],
            "pourvus": 0,
        }
    # One household, one attribution at a time: households holding an offer are left out of the batch.
    instance = instance_depuis_index(it.index, logements)
    commun["offres_en_cours"] = int(np.count_nonzero(it.index.offre_en_cours))
    contraintes = contraintes_objectifs(instance, objectifs, etat)
    if nb_suppleants is None:
        nb_suppleants = parametres_caleol.suppleants_par_logement(jour)
    ecart_cible = float(settings.ATTRIB_PROPOSITIONS_ECART_CIBLE)
    duree_max_s = float(settings.ATTRIB_PROPOSITIONS_DUREE_MAX_S)
    solution = proposer(
        instance, contraintes, nb_suppleants=nb_suppleants, ecart_cible=ecart_cible, duree_max_s=duree_max_s
    )
    violations = solution.verify()
    suivre(ETAPE_CALCUL, LIBELLES_ETAPES[ETAPE_CALCUL], len(logements), len(logements))
    suivre(ETAPE_EXPLICATION, LIBELLES_ETAPES[ETAPE_EXPLICATION], 0, len(logements))
    c = solution.certificat
    bilans = []
    for contrainte, bilan in zip(contraintes, solution.bilans(), strict=True):
        bilans.append(
            {
                "code": contrainte.code,
                "libelle": contrainte.objectif.libelle,
                "cible": _cible(contrainte.objectif),
                "avant": _part(etat.get(contrainte.code, Compte())),
                "apres": _part(bilan.compte),
                "respecte": bilan.respecte,
                "phrase": bilan.phrase(),
            }
        )
    propositions = solution.propositions()
    lignes = []
    for i, ((ll, seance), lg, prop) in enumerate(zip(retenus, logements, propositions, strict=True), start=1):
        candidats = [prop.premier, *prop.suppleants] if prop.premier else list(prop.suppleants)
        lignes.append(
            {
                "logement_libere": ll.pk,
                "identifiant": lg.identifiant,
                "commune": ll.commune.nom,
                "typologie": lg.typologie,
                "en_qpv": lg.en_qpv,
                "note": lg.note_residence,
                "reservataire": lg.reservataire,
                "seance": seance.pk,
                "seance_libelle": f"{seance.commission.nom}, séance du {seance.date:%d/%m/%Y}",
                "premier": prop.premier,
                "suppleants": list(prop.suppleants),
                "candidats_pk": [it.demande_pk[n] for n in candidats if n],
                "explication": _sans_q1(prop.explication, it.seuil),
                "explications_suppleants": [_sans_q1(t, it.seuil) for t in prop.explications_suppleants],
            }
        )
        suivre(ETAPE_EXPLICATION, LIBELLES_ETAPES[ETAPE_EXPLICATION], i, len(logements))
    return {
        **commun,
        "certificat": {
            "valeur": c.valeur,
            "borne": c.borne,
            "ecart": c.ecart,
            "ecart_texte": pourcentage(c.ecart, 4),
            "ecart_cible": ecart_cible,
            "ecart_cible_texte": pourcentage(ecart_cible, 4),
            "cible_atteinte": c.ecart <= ecart_cible,
            "duree_max_s": duree_max_s,
            "iterations": c.iterations,
            "duree_s": c.duree_s,
            "optimum_dual_prouve": c.optimum_dual_prouve,
            "inatteignables": list(c.objectifs_inatteignables),
            "phrase": c.phrase(),
            "multiplicateurs": {k: float(v) for k, v in c.multiplicateurs.items()},
        },
        "verification": violations,
        "resume": [_sans_q1(t, it.seuil) for t in solution.resume()],
        "bilans": bilans,
        "logements": lignes,
        "pourvus": int(np.count_nonzero(solution.premier >= 0)),
    }


def lot_proposer(
    *,
    organisation: Organisation,
    epci: EPCI,
    debut: date,
    fin: date,
    auteur: Acteur,
    aujourd_hui: date | None = None,
    progression: Progression | None = None,
    travail_id: int | None = None,
) -> LotPropositions:
    """Run the batch proposals of ``organisation`` on the territory for the sessions of [debut, fin]. The
    run's progress is written to its row as it goes (the screen polls it); the result is stored at the end.
    Nothing else is written: the proposals go to an agenda only through :func:`lot_inscrire`.
    ``travail_id``: the long job that runs it (the batch is closed with the job if the worker dies)."""
    auteur.exiger(permissions.peut_lancer_lot(auteur, organisation), permissions.REFUS_LOT)
    if fin < debut:
        raise ValidationError({"fin": ["La fin de la période précède son début."]})
    jour = aujourd_hui or timezone.localdate()
    lot = LotPropositions.objects.create(
        organisation=organisation,
        epci=epci,
        debut=debut,
        fin=fin,
        lance_par=auteur.utilisateur,
        travail_id=travail_id,
    )
    suivre = _suivi(lot, progression)
    try:
        resultat = calculer_lot(organisation=organisation, epci=epci, debut=debut, fin=fin, jour=jour, suivre=suivre)
    except ErreurMoteur as exc:
        lot.statut = StatutLot.ECHEC
        lot.message = f"Calcul impossible : {exc}"
    except BaseException:
        lot.statut = StatutLot.ECHEC
        lot.message = "Erreur inattendue pendant le calcul des propositions. L'équipe technique est prévenue."
        lot.termine_le = timezone.now()
        lot.save(update_fields=["statut", "message", "termine_le"])
        raise
    else:
        lot.statut = StatutLot.TERMINE
        lot.resultat = resultat
        n = len(resultat["logements"])
        lot.message = (
            f"{pluriel(n, 'logement', 'logements')} du {debut:%d/%m/%Y} au {fin:%d/%m/%Y} ; "
            f"{pluriel(resultat['pourvus'], 'premier candidat proposé', 'premiers candidats proposés')} ; "
            + (
                "vérification sans anomalie."
                if not resultat["verification"]
                else "la vérification signale des anomalies."
            )
        )
    lot.refresh_from_db(fields=["etape", "libelle_etape", "faites", "total"])
    lot.termine_le = timezone.now()
    lot.save(update_fields=["statut", "message", "resultat", "termine_le"])
    evenement_enregistrer(
        objet=lot,
        action="propositions_calculees",
        resume=f"Propositions par lot : {lot.message}"[:300],
        auteur=auteur.utilisateur,
        organisation=organisation,
        details={"epci": epci.pk, "debut": debut.isoformat(), "fin": fin.isoformat(), "statut": lot.statut},
    )
    return lot


def lot_inscrire(
    *, lot: LotPropositions, logements: Sequence[int], auteur: Acteur
) -> tuple[list[str], dict[str, list[str]]]:
    """Put the proposals of the chosen dwellings (freed-dwelling ids) on the agenda of their session: first
    candidate then alternates, through :func:`candidats_designer`. Each dwelling is written whole or not at
    all; returns the identifiers put on the agenda and, by identifier, why the others were not."""
    auteur.exiger(permissions.voit_lot(auteur, lot.organisation_id), permissions.REFUS_INSCRIRE_LOT)
    if lot.statut != StatutLot.TERMINE:
        raise ValidationError({"logements": ["Ce lot n'a pas de propositions à inscrire."]})
    if not logements:
        raise ValidationError({"logements": ["Cochez au moins un logement."]})
    par_pk = {ligne["logement_libere"]: ligne for ligne in lot.resultat.get("logements", [])}
    inscrits: list[str] = []
    erreurs: dict[str, list[str]] = {}
    for pk in logements:
        ligne = par_pk.get(pk)
        if ligne is None:
            erreurs[str(pk)] = ["Ce logement ne fait pas partie du lot."]
            continue
        nom = ligne["identifiant"]
        if not ligne["candidats_pk"]:
            erreurs[nom] = ["Aucun candidat proposé pour ce logement."]
            continue
        demandes = {d.pk: d for d in Demande.objects.filter(pk__in=ligne["candidats_pk"])}
        try:
            candidats_designer(
                logement_libere=LogementLibere.objects.get(pk=pk),
                seance=Seance.objects.select_related("commission").get(pk=ligne["seance"]),
                demandes=[demandes[p] for p in ligne["candidats_pk"] if p in demandes],
                garder_ordre=True,
                auteur=auteur,
            )
        except ValidationError as exc:
            erreurs[nom] = list(exc.messages)
        except PermissionDenied:
            erreurs[nom] = ["Vous ne désignez pas les candidats de ce logement."]
        else:
            inscrits.append(nom)
    return inscrits, erreurs


__all__ = ["calculer_lot", "candidats_designer", "lot_inscrire", "lot_proposer"]
