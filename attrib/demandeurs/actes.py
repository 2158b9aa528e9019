"""Reads of the household's own acts on its demand (issue 13 point 2, decision 0027): the documents awaited per
criterion with their status, the online renewal window, and the explanation of a score that changed.

The writes are the demand file's own services (``attrib.demandes.services``, ``attrib.demandes.pieces``), called
with the applicant's actor: the same validation as at the desk. This module only reads.

Nothing internal reaches the household: no criterion code, no file name, no note of an agent. A confidential
document or criterion (violence, health) is named to the household itself only (« Pièce confidentielle » to the
people it gave access to), and never in the explanation of a score change, which anyone at home may read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.utils import timezone

from attrib.cotation import calcul
from attrib.cotation.colonnes import correspondances_pieces
from attrib.cotation.enums import StatutVersion
from attrib.cotation.models import Cotation
from attrib.demandes import enums, pieces, regles
from attrib.demandes.models import Demande, PieceJustificative
from attrib.demandes.permissions import ACTES_PAR_QUALITE, ActeDemandeur
from attrib.engine.cotation import LIBELLE_CONFIDENTIEL
from attrib.information import selectors as information

PIECE_CONFIDENTIELLE = "Pièce confidentielle"
SITUATION_CONFIDENTIELLE = "Situation confidentielle"

# --- the documents awaited, per criterion ----------------------------------------------------------------------


class EtatPiece:
    ATTENDUE = "attendue"
    FOURNIE = "fournie"
    VALIDEE = "validee"
    REFUSEE = "refusee"


LIBELLES_ETATS = {
    EtatPiece.ATTENDUE: "À fournir",
    EtatPiece.FOURNIE: "Reçue, en cours de vérification",
    EtatPiece.VALIDEE: "Validée",
    EtatPiece.REFUSEE: "Refusée : à fournir de nouveau",
}


@dataclass(frozen=True)
class PieceAffichee:
    piece: PieceJustificative
    libelle: str
    etat: str
    #: The reason of the last refusal, as the agent wrote it for the household (empty for a hidden document).
    motif_refus: str
    confidentielle: bool
    #: The reader may see, provide and download it (a confidential one: the household itself only).
    accessible: bool

    @property
    def libelle_etat(self) -> str:
        return LIBELLES_ETATS[self.etat]

    @property
    def depot_possible(self) -> bool:
        return self.accessible and self.etat != EtatPiece.VALIDEE


@dataclass(frozen=True)
class CriterePrecise:
    """A criterion of the score that the documents of a group prove, with the points it gives."""

    libelle: str
    points: int


@dataclass(frozen=True)
class GroupePieces:
    """The documents that prove one criterion of the demand (identity, resources, a priority situation…)."""

    libelle: str
    pieces: tuple[PieceAffichee, ...]
    criteres_score: tuple[CriterePrecise, ...] = ()


def _etat(piece: PieceJustificative) -> str:
    if piece.statut == enums.StatutPiece.VALIDEE:
        return EtatPiece.VALIDEE
    if piece.statut == enums.StatutPiece.FOURNIE:
        return EtatPiece.FOURNIE
    return EtatPiece.REFUSEE if piece.motif_refus else EtatPiece.ATTENDUE


def _criteres_prouves(demande: Demande, *, masquer: bool) -> dict[str, list[CriterePrecise]]:
    """Document criterion code → the score criteria its documents validate and that count for this demand."""
    cotation = _cotation(demande)
    if cotation is None:
        return {}
    grille = cotation.version.charger()
    points: Mapping[str, int] = cotation.detail.get("provisoire", {})
    sensibles = calcul.criteres_sensibles(grille, calcul.codes_sensibles()) if masquer else frozenset()
    par_piece = correspondances_pieces()
    resultat: dict[str, list[CriterePrecise]] = {}
    for _, critere in grille.criteres():
        if not critere.a_valider or not points.get(critere.id):
            continue
        libelle = LIBELLE_CONFIDENTIEL if critere.id in sensibles else critere.libelle
        for code in {*par_piece.get(critere.id, ()), *critere.priorites_legales}:
            resultat.setdefault(code, []).append(CriterePrecise(libelle, int(points[critere.id])))
    return resultat


def pieces_par_critere(*, demande: Demande, titulaire: bool, jour: date | None = None) -> list[GroupePieces]:
    """The documents the demand awaits, grouped by the criterion they prove (in the order of the data file), each
    with its status; with the criteria of the score they validate. ``titulaire``: the reader is the household
    itself (the only one to whom a confidential document is named)."""
    jour = jour or timezone.localdate()
    libelles = {c["code"]: str(c.get("libelle") or "") for c in pieces.referentiel(jour)}
    ordre = {code: i for i, code in enumerate(libelles)}
    prouves = _criteres_prouves(demande, masquer=not titulaire)
    groupes: dict[str, list[PieceAffichee]] = {}
    for piece in PieceJustificative.objects.filter(demande=demande).order_by("id"):
        cache = piece.sensible and not titulaire
        groupes.setdefault(piece.critere, []).append(
            PieceAffichee(
                piece=piece,
                libelle=PIECE_CONFIDENTIELLE if cache else piece.libelle,
                etat=_etat(piece),
                motif_refus="" if cache else piece.motif_refus,
                confidentielle=piece.sensible,
                accessible=not cache,
            )
        )
    resultat = []
    for code in sorted(groupes, key=lambda c: (ordre.get(c, len(ordre)), c)):
        liste = groupes[code]
        cache = any(p.confidentielle for p in liste) and not titulaire
        resultat.append(
            GroupePieces(
                libelle=SITUATION_CONFIDENTIELLE if cache else (libelles.get(code) or "Autres pièces"),
                pieces=tuple(liste),
                criteres_score=tuple(prouves.get(code, ())),
            )
        )
    return resultat


# --- the online renewal --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FenetreRenouvellement:
    ouverture: date
    echeance: date
    ouverte: bool


def fenetre_renouvellement(demande: Demande, *, jour: date | None = None) -> FenetreRenouvellement | None:
    """When the household may renew its active demand online (``None``: the demand is not active)."""
    if demande.statut != enums.StatutDemande.ACTIVE:
        return None
    jour = jour or timezone.localdate()
    ouverture = regles.ouverture_renouvellement_en_ligne(demande.date_echeance)
    return FenetreRenouvellement(
        ouverture=ouverture, echeance=demande.date_echeance, ouverte=ouverture <= jour <= demande.date_echeance
    )


# --- a score that changed, explained ---------------------------------------------------------------------------


def _cotation(demande: Demande) -> Cotation | None:
    return (
        Cotation.objects.select_related("version__grille")
        .filter(demande_id=demande.pk, version__statut=StatutVersion.PUBLIEE)
        .first()
    )


def releve(demande: Demande, *, jour: date | None = None) -> dict[str, Any]:
    """What the household reads of its score and position now, kept (JSON, in its session) to explain what an
    update changes: the score, each criterion's points under a name it may read, the position and the waiting
    range as shown."""
    cotation = _cotation(demande)
    if cotation is None:
        return {"score": None}
    grille = cotation.version.charger()
    detail: Mapping[str, int] = cotation.detail.get("valide" if grille.score_classement == "valide" else "provisoire")
    detail = detail or cotation.detail.get("provisoire", {})
    sensibles = calcul.criteres_sensibles(grille, calcul.codes_sensibles())
    criteres: dict[str, list[Any]] = {}
    for _, critere in grille.criteres():
        if detail.get(critere.id):
            libelle = LIBELLE_CONFIDENTIEL if critere.id in sensibles else critere.libelle
            criteres[critere.id] = [libelle, int(detail[critere.id])]
    for cle, valeur in detail.items():
        if cle.startswith("plafond:") and valeur:
            partie = next((s.libelle for s in grille.sections if f"plafond:{s.id}" == cle), "")
            nom = f"Plafond de la partie « {partie} » de la grille" if partie else "Plafond du score total"
            criteres[cle] = [nom, int(valeur)]
    situation = information.situation_de(demande=demande, jour=jour)
    position = situation.position.texte if situation is not None and situation.position is not None else None
    fourchette = situation.situation.fourchette if situation is not None else None
    return {
        "score": cotation.score,
        "version": cotation.version_id,
        "criteres": criteres,
        "position": position,
        "attente": (
            f"entre {fourchette.premier_quartile} et {fourchette.troisieme_quartile} mois"
            if fourchette is not None
            else None
        ),
    }


@dataclass(frozen=True)
class LigneChangement:
    libelle: str
    avant: int
    apres: int

    @property
    def ecart(self) -> int:
        return self.apres - self.avant

    @property
    def phrase(self) -> str:
        if not self.avant:
            return f"{self.libelle} : critère gagné, {_points(self.apres)}."
        if not self.apres:
            return f"{self.libelle} : critère perdu, {_points(self.avant)} en moins."
        sens = "en plus" if self.ecart > 0 else "en moins"
        return f"{self.libelle} : {_points(abs(self.ecart))} {sens} ({_points(self.avant)} avant, {_points(self.apres)} après)."


def _points(n: int) -> str:
    """« 0 point », « 1 point », « 1 500 points » (French: the plural from two)."""
    return f"{n:,} point{'s' if abs(n) >= 2 else ''}".replace(",", "\u00a0")


@dataclass(frozen=True)
class ChangementScore:
    avant: int | None
    apres: int | None
    lignes: tuple[LigneChangement, ...] = ()
    grille_changee: bool = False
    position_avant: str | None = None
    position_apres: str | None = None
    attente_avant: str | None = None
    attente_apres: str | None = None
    #: What the update was (« Ressources », « Renouvellement »…), said back to the household.
    objet: str = ""

    @property
    def avant_texte(self) -> str:
        return _points(self.avant or 0)

    @property
    def apres_texte(self) -> str:
        return _points(self.apres or 0)

    @property
    def ecart(self) -> str:
        """« 150 points en plus », « 20 points en moins » (empty without two scores)."""
        if self.avant is None or self.apres is None or self.avant == self.apres:
            return ""
        return f"{_points(abs(self.apres - self.avant))} {'en plus' if self.apres > self.avant else 'en moins'}"

    @property
    def position_changee(self) -> bool:
        return self.position_avant != self.position_apres

    @property
    def attente_changee(self) -> bool:
        return self.attente_avant != self.attente_apres


def changement(avant: Mapping[str, Any], apres: Mapping[str, Any], *, objet: str = "") -> ChangementScore:
    """What changed between two :func:`releve` of the same demand, criterion by criterion, in plain French."""
    anciens: Mapping[str, list[Any]] = avant.get("criteres") or {}
    nouveaux: Mapping[str, list[Any]] = apres.get("criteres") or {}
    lignes = []
    for cle in [*anciens, *(c for c in nouveaux if c not in anciens)]:
        a = int(anciens[cle][1]) if cle in anciens else 0
        b = int(nouveaux[cle][1]) if cle in nouveaux else 0
        if a != b:
            libelle = str((nouveaux.get(cle) or anciens.get(cle) or ["", 0])[0])
            lignes.append(LigneChangement(libelle, a, b))
    lignes.sort(key=lambda ligne: -abs(ligne.ecart))
    return ChangementScore(
        avant=avant.get("score"),
        apres=apres.get("score"),
        lignes=tuple(lignes),
        grille_changee=avant.get("version") is not None
        and apres.get("version") is not None
        and avant.get("version") != apres.get("version"),
        position_avant=avant.get("position"),
        position_apres=apres.get("position"),
        attente_avant=avant.get("attente"),
        attente_apres=apres.get("attente"),
        objet=objet,
    )


# --- the parts of the CERFA the household updates ------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    titre: str
    objet: str
    description: str


#: The parts of the CERFA the household updates, each on its page with the desk's own forms.
SECTIONS: dict[str, Section] = {
    "menage": Section(
        "Les personnes du ménage",
        "composition du ménage",
        "Ajoutez ou retirez une personne, corrigez l'identité, la nationalité, la situation ou les ressources de "
        "chacun.",
    ),
    "ressources": Section(
        "Les ressources",
        "ressources du ménage",
        "Le revenu fiscal de référence du ménage et les ressources de chaque mois de chaque personne.",
    ),
    "logement": Section(
        "Le logement actuel et les motifs",
        "logement actuel et motifs",
        "Où vous vivez aujourd'hui, ce qu'il vous coûte, les difficultés que vous y rencontrez et pourquoi vous "
        "demandez un logement.",
    ),
    "recherche": Section(
        "Le logement recherché",
        "logement recherché et communes souhaitées",
        "La taille et le type de logement, le loyer maximal, vos besoins d'adaptation et les communes souhaitées.",
    ),
    "coordonnees": Section(
        "Les coordonnées et l'emploi",
        "coordonnées et emploi",
        "L'adresse, le téléphone et le courriel du demandeur ; la situation professionnelle du demandeur et du "
        "co-demandeur.",
    ),
}


# --- what « Ma demande » shows of the acts -------------------------------------------------------------------------


def cle_changement(demande_id: int) -> str:
    """The session key under which an act leaves the score before and after it, shown once by « Ma demande »."""
    return f"demandeurs:changement:{demande_id}"


def contexte_demande(
    *, demande: Demande, qualite: str | None, changement_brut: Mapping[str, Any] | None
) -> dict[str, Any]:
    """What « Ma demande » needs of the acts: which ones the reader's link allows, the documents per criterion,
    the renewal window, the explanation of the last update (popped from the session by the view)."""
    permis = ACTES_PAR_QUALITE.get(qualite or "", frozenset())
    active = demande.statut == enums.StatutDemande.ACTIVE
    explication = None
    if changement_brut:
        explication = changement(
            changement_brut.get("avant") or {},
            changement_brut.get("apres") or {},
            objet=str(changement_brut.get("objet") or ""),
        )
    return {
        "actes": {
            "modifier": active and ActeDemandeur.MODIFIER in permis,
            "deposer": active and ActeDemandeur.DEPOSER_PIECE in permis,
            "renouveler": active and ActeDemandeur.RENOUVELER in permis,
            "retirer": active and ActeDemandeur.RETIRER in permis,
        },
        "sections": SECTIONS,
        "taille_max_mo": settings.ATTRIB_PIECE_TAILLE_MAX_MO,
        "groupes_pieces": pieces_par_critere(demande=demande, titulaire=ActeDemandeur.CONFIDENTIEL in permis),
        "fenetre_renouvellement": fenetre_renouvellement(demande),
        "changement_score": explication,
    }
