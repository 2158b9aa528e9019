"""The offers of a demand, as the household reads and answers them (issue 13, point 2; decision 0028).

- :func:`offres_de`, :func:`offre_de`: the offers of a demand the applicant may read (the caller checked that
  the demand is one of the account's);
- :func:`peut_repondre`: the household itself (its own link), an offer still waiting, before its deadline;
- :func:`consequences`: what accepting, refusing or not answering does, in plain French, from the rules in
  force: the answer delay (``caleol.yaml``, R441-10) and the criterion of the demand's grid that counts the
  refusals of adapted dwellings (R441-2-10 11°), never a figure written here.

The answer itself is recorded by the commission's service (``attrib.commissions.services.offre_repondre``),
the same one the bailleur's staff use: same rules, same trail, the household's account as author.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from attrib.commissions import parametres
from attrib.commissions.enums import StatutOffre
from attrib.commissions.models import Offre
from attrib.commissions.permissions import repond_a_l_offre
from attrib.cotation.colonnes import REFUS
from attrib.cotation.enums import StatutVersion
from attrib.cotation.models import Cotation
from attrib.demandes.models import Demande
from attrib.engine.cotation.conditions import Comparaison, Constante, Evenements, colonnes_condition, colonnes_operande
from attrib.engine.cotation.grille.modele import Critere
from attrib.organisations.acteurs import Acteur


def offres_de(demande: Demande) -> list[Offre]:
    """Every offer made to the demand, the newest first."""
    return list(
        Offre.objects.filter(demande=demande)
        .select_related("logement__residence__commune", "logement__residence__bailleur", "decision__seance")
        .order_by("-envoyee_le", "-pk")
    )


def offre_de(demande: Demande, pk: int) -> Offre | None:
    """The offer ``pk`` if it was made to ``demande`` (``None`` otherwise: the page answers 404)."""
    return (
        Offre.objects.filter(demande=demande, pk=pk)
        .select_related(
            "logement__residence__commune",
            "logement__residence__bailleur",
            "decision__seance__commission",
            "demande",
        )
        .first()
    )


def en_attente(offre: Offre, jour: date | None = None) -> bool:
    """Still waiting for its answer, and the deadline not passed (the nightly run records it as lapsed after)."""
    return offre.statut == StatutOffre.EN_ATTENTE and (jour or timezone.localdate()) <= offre.date_limite


def peut_repondre(acteur: Acteur, offre: Offre) -> bool:
    """The household itself answers online (not a co-applicant nor a social worker it gave access to), while
    the offer waits."""
    return acteur.est_demandeur and repond_a_l_offre(acteur, offre) and en_attente(offre)


# --- what the answer does -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Consequences:
    """The sentences the answer page shows, each a plain French paragraph."""

    acceptation: tuple[str, ...]
    refus: tuple[str, ...]
    sans_reponse: str
    #: How the grid of the demand counts a refusal of an adapted dwelling (empty: it does not).
    regle_refus: str
    delai: str


def _lit_les_refus(critere: Critere) -> bool:
    lues = set(colonnes_condition(critere.condition)) if critere.condition is not None else set()
    if critere.points.valeur is not None:
        lues |= set(colonnes_operande(critere.points.valeur))
    return REFUS in lues


def _points(n: int | float) -> str:
    n = abs(int(n))
    return f"{n} point{'s' if n > 1 else ''}"


def _phrase_critere(critere: Critere) -> str:
    """« à partir de 2 refus en 12 mois, 150 points de moins par refus (au plus 450 points) », from the criterion's
    condition and points; the criterion's own label when its shape is not one of those."""
    seuil: int | None = None
    mois: int | None = None
    condition = critere.condition
    if (
        isinstance(condition, Comparaison)
        and isinstance(condition.sujet, Evenements)
        and isinstance(condition.valeur, Constante)
        and condition.operateur in ("sup_egal", "sup")
        and isinstance(condition.valeur.valeur, int | float)
    ):
        seuil = int(condition.valeur.valeur) + (1 if condition.operateur == "sup" else 0)
        mois = condition.sujet.mois
    points = critere.points
    if points.proportionnel and isinstance(points.valeur, Evenements) and (points.par_unite or 0) < 0:
        mois = mois or points.valeur.mois
        montant = f"{_points(points.par_unite or 0)} de moins par refus"
        if points.plafond:
            montant += f" (au plus {_points(points.plafond)})"
    elif not points.proportionnel and points.fixe < 0:
        montant = f"{_points(points.fixe)} de moins"
    else:
        return f"la grille prévoit une baisse du score (« {critere.libelle} »)"
    if seuil is not None and mois is not None:
        quand = f"à partir de {seuil} refus en {mois} mois"
    elif mois is not None:
        quand = f"pour les refus des {mois} derniers mois"
    else:
        quand = "en cas de refus"
    return f"{quand}, {montant}"


def regle_refus(demande: Demande, jour: date | None = None) -> str:
    """How the grid that scores the demand counts the refusals of adapted dwellings, in a sentence (empty when
    the demand has no score); the criteria in force on ``jour`` that read the refusals."""
    jour = jour or timezone.localdate()
    cotation = (
        Cotation.objects.select_related("version")
        .filter(demande=demande, version__statut=StatutVersion.PUBLIEE)
        .first()
    )
    if cotation is None:
        return ""
    criteres = [c for _, c in cotation.version.charger().criteres() if c.en_vigueur(jour) and _lit_les_refus(c)]
    if not criteres:
        return "Sur votre territoire, la grille de cotation ne retire pas de points en cas de refus."
    regles = " ; ".join(_phrase_critere(c) for c in criteres)
    return (
        "Sur votre territoire, la grille de cotation retire des points en cas de refus de logements adaptés : "
        f"{regles}. Votre score est recalculé au plus tard la nuit suivante."
    )


def consequences(offre: Offre, *, jour: date | None = None) -> Consequences:
    """What accepting, refusing or leaving the offer unanswered does, in plain French (from the rules in force)."""
    delai = parametres.delai_reponse_en_lettres(offre.envoyee_le)
    regle = regle_refus(offre.demande, jour)
    refus = [
        "Votre demande reste en cours : vous pourrez recevoir d'autres propositions. Le motif de votre refus est "
        "enregistré dans votre dossier et transmis au bailleur.",
        "Si ce logement correspondait aux besoins et aux moyens de votre ménage, votre refus compte comme le refus "
        "d'un logement adapté.",
    ]
    if regle:
        refus.append(regle)
    if offre.demande.dalo_reconnu:
        refus.append(
            "Votre ménage est reconnu prioritaire au titre du droit au logement opposable (DALO) : refuser un "
            "logement adapté peut mettre fin à l'obligation de l'État de vous reloger."
        )
    return Consequences(
        acceptation=(
            "Le bailleur vous contactera pour convenir de la signature du bail.",
            "À la signature du bail, votre demande est satisfaite : elle prend fin.",
        ),
        refus=tuple(refus),
        sans_reponse=(
            f"Sans réponse de votre part le {offre.date_limite:%d/%m/%Y} au plus tard (vous disposez de {delai}), "
            "la proposition est considérée comme refusée, et ce refus compte comme celui d'un logement adapté."
        ),
        regle_refus=regle,
        delai=delai,
    )
