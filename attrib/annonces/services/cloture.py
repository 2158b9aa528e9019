"""After the applications: the closing and its ranking, the batch closing of the adverts past their closing time,
the presentation of the first applicants to the committee, and the outcome published when the lease is signed.

**Closing.** Each application still standing is checked again (demand active, household still in the advert's
public and eligible, a score): one that is no longer is set aside with its reason. The others are ranked by the
engine (``attrib.engine.annonces.classer``: score at closing, then seniority, then the draw committed at opening);
the ranking must verify (``verify()``, with the commitment published at opening) or nothing is written. The seed
was stored from the start; the closing makes the ranking and the seed public (``selectors.classement_publie``).

**Outcome.** The lease's transaction sends ``attrib.commissions.signaux.bail_signe``; the receiver
(:func:`annonce_resultat_publier`, connected by ``AnnoncesConfig.ready``) publishes the advert's outcome — number
of applications, the housed household's score band and seniority, nothing that identifies it — and closes the
housed household's other open applications, in the same transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from attrib.annonces import parametres, permissions
from attrib.annonces.enums import StatutAnnonce, StatutCandidature
from attrib.annonces.models import Annonce, Candidature
from attrib.annonces.selectors import motifs_a_la_cloture
from attrib.annonces.services._commun import (
    _annonce_verrouillee,
    _jour,
    _le,
    _maintenant,
    _utilisateur,
    _verrouiller,
    annonce_en_clair,
    rang_texte,
)
from attrib.commissions.models import Bail, Examen, Seance
from attrib.common.lots import Bilan, traiter
from attrib.common.services import evenement_enregistrer
from attrib.cotation.models import Cotation
from attrib.engine.annonces import CandidatureAClasser, Classement, classer
from attrib.engine.erreurs import EntreeInvalide
from attrib.engine.rapprochement.texte import pluriel
from attrib.organisations.acteurs import Acteur
from attrib.rapprochement.services import candidats_designer

# --- closing ---------------------------------------------------------------------------------------------------


def _score_actuel(candidature: Candidature) -> int:
    return int(Cotation.objects.values_list("score", flat=True).get(demande_id=candidature.demande_id))


@transaction.atomic
def annonce_clore(*, annonce: Annonce, auteur: Acteur, maintenant: datetime | None = None) -> Classement:
    """Close an advert past its closing time: set aside the applications that no longer qualify (with their
    reason), rank the others (score at closing, seniority, the committed draw), write each rank with what
    separated it from the previous one, and tell each household its rank, and the réservataire and the bailleur
    the outcome. An advert without a ranked application closes « sans suite ». Returns the ranking (its seed,
    now public, gives the commitment published at opening)."""
    maintenant = _maintenant(maintenant)
    jour = _jour(maintenant)
    annonce = _annonce_verrouillee(annonce)
    auteur.exiger(permissions.peut_gerer_annonce(auteur, annonce), permissions.REFUS_GERER)
    if annonce.statut != StatutAnnonce.PUBLIEE or annonce.cloture_le is None:
        raise ValidationError(
            {
                "__all__": [
                    f"L'annonce {annonce.reference} est {annonce.get_statut_display().lower()} : elle ne se clôt pas."
                ]
            }
        )
    if maintenant < annonce.cloture_le:
        raise ValidationError(
            {
                "__all__": [
                    f"Les candidatures restent ouvertes jusqu'au {_le(annonce.cloture_le)} : l'annonce se clôt après."
                ]
            }
        )
    candidatures = list(
        Candidature.objects.select_for_update(of=("self",))
        .filter(annonce=annonce, statut=StatutCandidature.DEPOSEE)
        .select_related("demande")
        .order_by("deposee_le", "pk")
    )
    ecartees: list[tuple[Candidature, str]] = []
    retenues: list[Candidature] = []
    for c in candidatures:
        motifs = motifs_a_la_cloture(annonce, c.demande, jour)
        if motifs:
            ecartees.append((c, " ".join(motifs)))
        else:
            retenues.append(c)
    a_classer = [
        CandidatureAClasser(jeton=c.jeton, score=_score_actuel(c), depot=c.demande.date_depot_initiale)
        for c in retenues
    ]
    try:
        calcule = classer(a_classer, graine=annonce.graine)
    except EntreeInvalide as exc:
        raise ValidationError({"__all__": [f"Le classement n'a pas pu être établi : {exc}"]}) from None
    # The ranking is verified against the commitment published at opening, not the one it recomputes.
    classement = Classement(rangs=calcule.rangs, graine=annonce.graine, empreinte=annonce.empreinte)
    if violations := classement.verify():
        raise ValidationError({"__all__": ["Le classement ne se vérifie pas : rien n'est enregistré.", *violations]})
    par_jeton = {c.jeton: c for c in retenues}
    for c, motif in ecartees:
        c.statut = StatutCandidature.ECARTEE
        c.motif_ecart = motif
        c.save(update_fields=["statut", "motif_ecart"])
    for r in classement.rangs:
        c = par_jeton[r.jeton]
        c.score, c.depot, c.tirage, c.rang, c.departage = int(r.score), r.depot, r.tirage, r.rang, r.departage
        c.statut = StatutCandidature.CLASSEE
        c.save(update_fields=["score", "depot", "tirage", "rang", "departage", "statut"])
    annonce.statut = StatutAnnonce.CLOSE if classement.rangs else StatutAnnonce.SANS_SUITE
    annonce.close_le = maintenant
    annonce.save(update_fields=["statut", "close_le"])
    _informer_de_la_cloture(annonce, classement, par_jeton, ecartees, jour, auteur)
    return classement


def _informer_de_la_cloture(
    annonce: Annonce,
    classement: Classement,
    par_jeton: dict[str, Candidature],
    ecartees: Sequence[tuple[Candidature, str]],
    jour: date,
    auteur: Acteur,
) -> None:
    total = len(classement.rangs)
    n = parametres.candidats_presentes(jour)
    for r in classement.rangs:
        c = par_jeton[r.jeton]
        suite = (
            "Votre candidature fait partie de celles présentées à la commission d'attribution."
            if r.rang <= n
            else f"Les {pluriel(n, 'première candidature', 'premières candidatures')} sont présentées à la "
            "commission d'attribution ; la vôtre peut l'être si des candidats classés avant vous renoncent."
        )
        evenement_enregistrer(
            objet=c.demande,
            action="candidature_classee",
            resume=f"Candidatures closes pour {annonce_en_clair(annonce)} : la vôtre est classée "
            f"{rang_texte(r.rang)} sur {total}. {r.raison()} {suite}",
            auteur=_utilisateur(auteur),
            organisation=annonce.bailleur,
            visible_demandeur=True,
            details={"annonce": annonce.pk, "candidature": c.pk, "rang": r.rang, "total": total},
        )
    for c, motif in ecartees:
        evenement_enregistrer(
            objet=c.demande,
            action="candidature_ecartee",
            resume=f"Candidatures closes pour {annonce_en_clair(annonce)} : votre candidature n'a pas pu être "
            f"classée. {motif}",
            auteur=_utilisateur(auteur),
            organisation=annonce.bailleur,
            visible_demandeur=True,
            details={"annonce": annonce.pk, "candidature": c.pk},
        )
    bilan = (
        f"{pluriel(total, 'candidature classée', 'candidatures classées')}"
        + (f", {pluriel(len(ecartees), 'écartée', 'écartées')}" if ecartees else "")
        + (
            f" ; les {min(n, total)} premières sont à présenter à la commission."
            if total
            else " ; l'annonce est close sans suite."
        )
    )
    assert annonce.close_le is not None
    resume = f"Annonce {annonce.reference} close le {_le(annonce.close_le)} : {bilan}"
    details: dict[str, Any] = {"annonce": annonce.pk, "classees": total, "ecartees": len(ecartees)}
    evenement_enregistrer(
        objet=annonce.logement_libere,
        action="annonce_close",
        resume=resume,
        auteur=_utilisateur(auteur),
        organisation=annonce.bailleur,
        details=details,
    )
    if annonce.reservataire_id is not None:
        evenement_enregistrer(
            objet=annonce.orientation,
            action="annonce_close",
            resume=resume,
            auteur=_utilisateur(auteur),
            organisation=annonce.reservataire,
            details=details,
        )


@dataclass
class RapportCloture(Bilan):
    """The batch closing: the adverts closed (references) and those that could not be, each with its reason."""

    closes: list[str] = field(default_factory=list)


def annonces_clore_echues(*, auteur: Acteur, maintenant: datetime | None = None) -> RapportCloture:
    """Close every open advert past its closing time, each in its own transaction; one that cannot be closed is
    named in the report with its reason, and the others are closed. Every bailleur's adverts: the system (command
    ``clore_annonces``) or a superuser."""
    auteur.exiger(auteur.voit_tout, permissions.REFUS_CLORE_TOUT)
    maintenant = _maintenant(maintenant)
    rapport = RapportCloture()
    echues = Annonce.objects.filter(statut=StatutAnnonce.PUBLIEE, cloture_le__lte=maintenant).order_by(
        "cloture_le", "pk"
    )
    for annonce in echues:
        objet = f"annonce {annonce.reference}"
        if traiter(rapport, objet, partial(annonce_clore, annonce=annonce, auteur=auteur, maintenant=maintenant)):
            rapport.closes.append(annonce.reference)
    return rapport


# --- the committee ---------------------------------------------------------------------------------------------


@transaction.atomic
def annonce_presenter(
    *,
    annonce: Annonce,
    seance: Seance,
    auteur: Acteur,
    aujourd_hui: date | None = None,
    exception: str = "",
    derogation_offre: str = "",
) -> list[Examen]:
    """Present the first ranked applications (``candidats_presentes``, fewer if fewer) to a planned session of the
    bailleur's commission, in rank order, through the rapprochement's designation (the same eligibility check,
    reasons and agenda; ``exception`` and ``derogation_offre`` as there). The households presented are told by the
    committee's agenda; the others learn that they are not presented."""
    annonce = _annonce_verrouillee(annonce)
    auteur.exiger(permissions.peut_presenter(auteur, annonce), permissions.REFUS_PRESENTER)
    if annonce.statut != StatutAnnonce.CLOSE:
        raise ValidationError(
            {
                "__all__": [
                    f"L'annonce {annonce.reference} est {annonce.get_statut_display().lower()} : seules les "
                    "candidatures d'une annonce close se présentent à la commission."
                ]
            }
        )
    jour = aujourd_hui or _jour(_maintenant(None))
    n = parametres.candidats_presentes(jour)
    classees = list(
        Candidature.objects.select_for_update(of=("self",))
        .filter(annonce=annonce, statut=StatutCandidature.CLASSEE)
        .select_related("demande")
        .order_by("rang")
    )
    presentees = classees[:n]
    examens = candidats_designer(
        logement_libere=annonce.logement_libere,
        seance=seance,
        demandes=[c.demande for c in presentees],
        exception=exception,
        garder_ordre=True,
        derogation_offre=derogation_offre,
        auteur=auteur,
        aujourd_hui=aujourd_hui,
    )
    Candidature.objects.filter(pk__in=[c.pk for c in presentees]).update(presentee=True)
    annonce.seance = seance
    annonce.statut = StatutAnnonce.EN_COMMISSION
    annonce.save(update_fields=["seance", "statut"])
    for c in classees[n:]:
        evenement_enregistrer(
            objet=c.demande,
            action="candidature_non_presentee",
            resume=f"Les {pluriel(len(presentees), 'première candidature', 'premières candidatures')} à "
            f"{annonce_en_clair(annonce)} sont présentées à la commission d'attribution du "
            f"{seance.date:%d/%m/%Y} ; la vôtre, classée {rang_texte(c.rang or 0)}, ne l'est pas.",
            auteur=_utilisateur(auteur),
            organisation=annonce.bailleur,
            visible_demandeur=True,
            details={"annonce": annonce.pk, "candidature": c.pk, "seance": seance.pk},
        )
    return examens


# --- the outcome, at the lease ---------------------------------------------------------------------------------


def _tranche(score: int, largeur: int) -> str:
    bas = (score // largeur) * largeur
    if largeur == 1:
        return pluriel(bas, "point")
    return f"entre {bas} et {bas + largeur - 1} points"


def _anciennete(depot: date, signature: date) -> str:
    annees = signature.year - depot.year - ((signature.month, signature.day) < (depot.month, depot.day))
    return "moins d'un an" if annees < 1 else pluriel(annees, "an")


def _score_du_menage_loge(annonce: Annonce, bail: Bail) -> int | None:
    """The housed household's score as the advert ranked it, or as the committee decided on it."""
    classee = Candidature.objects.filter(
        annonce=annonce, demande_id=bail.demande_id, statut=StatutCandidature.CLASSEE
    ).first()
    if classee is not None and classee.score is not None:
        return int(classee.score)
    decision_score = bail.offre.decision.score
    if decision_score is not None:
        return int(decision_score)
    cotation = Cotation.objects.filter(demande_id=bail.demande_id).values_list("score", flat=True).first()
    return None if cotation is None else int(cotation)


@transaction.atomic
def annonce_resultat_publier(*, bail: Bail, auteur: Acteur, maintenant: datetime | None = None) -> Annonce | None:
    """Once the lease is signed (inside its transaction): the advert of its dwelling presented to the committee
    (or closed) publishes its outcome — applications received, the housed household's score band and seniority
    in whole years, nothing that identifies it — and the housed household's other open applications are closed
    (it is housed). Returns the advert, ``None`` when the dwelling had none."""
    maintenant = _maintenant(maintenant)
    bail = Bail.objects.select_related("demande", "offre__decision").get(pk=bail.pk)
    ouvertes = Candidature.objects.filter(demande_id=bail.demande_id, statut=StatutCandidature.DEPOSEE)
    # The adverts first, then the applications: the order the closing locks them in.
    _verrouiller(Annonce.objects.filter(pk__in=ouvertes.values("annonce_id")).order_by("pk"))
    autres = list(
        ouvertes.select_for_update(of=("self",)).select_related("annonce__commune").order_by("annonce_id", "pk")
    )
    for c in autres:
        c.statut = StatutCandidature.RETIREE
        c.retiree_le = maintenant
        c.save(update_fields=["statut", "retiree_le"])
        evenement_enregistrer(
            objet=bail.demande,
            action="candidature_retiree",
            resume=f"Votre candidature à {annonce_en_clair(c.annonce)} est close : vous avez signé le bail d'un "
            "logement.",
            auteur=_utilisateur(auteur),
            visible_demandeur=True,
            details={"annonce": c.annonce_id, "candidature": c.pk, "bail": bail.pk},
        )
    trouvee = (
        Annonce.objects.filter(
            logement_id=bail.logement_id, statut__in=[StatutAnnonce.EN_COMMISSION, StatutAnnonce.CLOSE]
        )
        .order_by("-cree_le", "-pk")
        .first()
    )
    if trouvee is None:
        return None
    annonce = _annonce_verrouillee(trouvee)
    auteur.exiger(permissions.peut_gerer_annonce(auteur, annonce), permissions.REFUS_GERER)
    jour = bail.date_signature
    score = _score_du_menage_loge(annonce, bail)
    annonce.statut = StatutAnnonce.ATTRIBUEE
    annonce.bail = bail
    annonce.resultat_publie_le = maintenant
    annonce.resultat_candidatures = (
        Candidature.objects.filter(annonce=annonce).exclude(statut=StatutCandidature.RETIREE).count()
    )
    annonce.resultat_tranche_score = "" if score is None else _tranche(score, parametres.resultat_tranche_points(jour))
    annonce.resultat_anciennete = _anciennete(bail.demande.date_depot_initiale, bail.date_signature)
    annonce.save(
        update_fields=[
            "statut",
            "bail",
            "resultat_publie_le",
            "resultat_candidatures",
            "resultat_tranche_score",
            "resultat_anciennete",
        ]
    )
    evenement_enregistrer(
        objet=annonce.logement_libere,
        action="annonce_attribuee",
        resume=f"Annonce {annonce.reference} : bail signé le {bail.date_signature:%d/%m/%Y}, résultat publié "
        f"({pluriel(annonce.resultat_candidatures or 0, 'candidature reçue', 'candidatures reçues')}).",
        auteur=_utilisateur(auteur),
        organisation=annonce.reservataire or annonce.bailleur,
        details={"annonce": annonce.pk, "bail": bail.pk},
    )
    return annonce


def recepteur_bail_signe(sender: Any, *, bail: Bail, auteur: Acteur, **kwargs: Any) -> None:
    """Receiver of ``bail_signe`` (connected by ``AnnoncesConfig.ready``)."""
    annonce_resultat_publier(bail=bail, auteur=auteur)
