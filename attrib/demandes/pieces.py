"""Supporting documents (pièces justificatives) of a demand.

Which documents a demand needs comes from the dated file ``data/parametres/pieces_justificatives.yaml``:
each criterion (identité, ressources, logement actuel, DALO, each L441-1 priority…) lists its
documents and the condition under which the demand needs them. A document goes
``manquante`` → ``fournie`` (deposit) → ``validee``; a refusal sends it back to ``manquante`` with
a reason. When every document of a priority criterion is validated, the declared
``SituationPrioritaire`` is validated too.

A file is checked before it is stored (:func:`verifier_fichier`): its type is read from its content (the
``filetype`` library: PDF, JPEG or PNG; a name ending in ``.pdf`` is not enough), its size is bounded by
``settings.ATTRIB_PIECE_TAILLE_MAX_MO``; it is stored under ``MEDIA_ROOT``, which no URL serves: only the views
that check who sees the demand hand it out (decision 0027).

Each service checks its actor's right first (the staff's in ``attrib.organisations.permissions``, the
applicant's in ``attrib.demandes.permissions``), refuses invalid transitions with French ``ValidationError``
messages and records every change in the audit trail.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from attrib.common.services import evenement_enregistrer
from attrib.demandes import enums, suites
from attrib.demandes.models import Demande, Personne, PieceJustificative, PrioriteLegale, SituationPrioritaire
from attrib.demandes.permissions import REFUS_DEMANDEUR, ActeDemandeur, peut_agir_en_demandeur
from attrib.engine.parametres.arbre import DOSSIER_PAR_DEFAUT, Valeur, charger_arbre
from attrib.organisations import permissions
from attrib.organisations.acteurs import Acteur, Refus

FICHIER = DOSSIER_PAR_DEFAUT / "pieces_justificatives.yaml"
FEUILLE = "pieces_justificatives.versions"

#: File names accepted for a document (a scan or a photo).
EXTENSIONS_ACCEPTEES = (".pdf", ".jpg", ".jpeg", ".png")
#: Types accepted, read from the content (``filetype``'s extension → the extension the file is stored under).
TYPES_ACCEPTES = {"pdf": ".pdf", "jpg": ".jpg", "png": ".png"}
#: The photos of recent iPhones: refused with a message that says how to send them (the desks' computers do not
#: all open them; Safari converts them to JPEG when the page asks for an image, the usual case).
TYPES_HEIC = frozenset({"heic", "heif", "avif"})
#: Bytes read from the start of a file to recognise its type.
_ENTETE = 8192
MESSAGE_FORMATS = "déposez un PDF, une photo JPEG ou une image PNG"
MESSAGE_HEIC = (
    "Les photos au format HEIC (iPhone) ne sont pas acceptées : dans les réglages de l'appareil photo, "
    "choisissez « Le plus compatible », ou déposez une capture d'écran ou un PDF."
)


def taille_max_octets() -> int:
    """The largest file accepted, in bytes (``settings.ATTRIB_PIECE_TAILLE_MAX_MO``, technical knob)."""
    return int(settings.ATTRIB_PIECE_TAILLE_MAX_MO) * 1024 * 1024


def _mo(octets: int) -> str:
    return f"{octets / (1024 * 1024):.1f}".replace(".", ",").removesuffix(",0") + " Mo"


def verifier_fichier(fichier: File[Any] | None) -> str:
    """Check a file given for a document and return the extension it is stored under (the one of its content);
    a French ``ValidationError`` on ``fichier`` otherwise: empty, too large, a name or a content that is not a
    PDF, a JPEG or a PNG."""
    taille = int(getattr(fichier, "size", 0) or 0) if fichier is not None else 0
    if fichier is None or not taille:
        raise ValidationError({"fichier": ["Le fichier est vide : joignez un document lisible."]})
    maximum = taille_max_octets()
    if taille > maximum:
        raise ValidationError(
            {
                "fichier": [
                    f"Le fichier est trop lourd ({_mo(taille)}) : la taille maximale est de {_mo(maximum)}. "
                    "Réduisez la qualité de la photo ou enregistrez le document en PDF, puis déposez-le à nouveau."
                ]
            }
        )
    extension = Path(Path(fichier.name or "").name).suffix.lower()
    if extension in (".heic", ".heif"):
        raise ValidationError({"fichier": [MESSAGE_HEIC]})
    if extension not in EXTENSIONS_ACCEPTEES:
        raise ValidationError(
            {"fichier": [f"Format non accepté ({extension or 'sans extension'}) : {MESSAGE_FORMATS}."]}
        )
    fichier.seek(0)
    entete = fichier.read(_ENTETE)
    fichier.seek(0)
    genre = filetype.guess(bytes(entete or b""))
    if genre is not None and genre.extension in TYPES_HEIC:
        raise ValidationError({"fichier": [MESSAGE_HEIC]})
    if genre is None or genre.extension not in TYPES_ACCEPTES:
        raise ValidationError(
            {
                "fichier": [
                    f"Le contenu du fichier n'est ni un PDF, ni une photo JPEG, ni une image PNG, même si son nom "
                    f"se termine par {extension} : {MESSAGE_FORMATS}."
                ]
            }
        )
    return TYPES_ACCEPTES[genre.extension]


@dataclass(frozen=True)
class PieceAttendue:
    critere: str
    libelle: str
    sensible: bool


@dataclass(frozen=True)
class _Situation:
    """What the conditions look at, read once per demand."""

    demande: Demande
    personnes: Sequence[Personne]
    priorites: frozenset[str]
    motifs: frozenset[str]


def _handicap(s: _Situation) -> bool:
    d = s.demande
    return d.besoin_fauteuil or d.besoin_logement_adapte or any(p.handicap for p in s.personnes)


CONDITIONS: dict[str, Callable[[_Situation, Sequence[str]], bool]] = {
    "toujours": lambda s, v: True,
    "codemandeur": lambda s, v: any(p.role == enums.RolePersonne.CODEMANDEUR for p in s.personnes),
    "nationalite_hors_ue": lambda s, v: any(
        p.nationalite == enums.Nationalite.HORS_UE and p.role != enums.RolePersonne.PERSONNE_A_LOGER
        for p in s.personnes
    ),
    "baisse_revenus": lambda s, v: s.demande.revenu_n1_si_baisse is not None,
    "enfants": lambda s, v: any(p.lien == enums.LienParente.ENFANT for p in s.personnes),
    "motif": lambda s, v: bool(s.motifs & set(v)),
    "logement_actuel": lambda s, v: s.demande.statut_logement_actuel in v,
    "expulsion": lambda s, v: s.demande.procedure_expulsion != enums.ProcedureExpulsion.AUCUNE,
    "non_decent": lambda s, v: s.demande.logement_non_decent or s.demande.arrete_insalubrite,
    "handicap": lambda s, v: _handicap(s),
    "dalo": lambda s, v: s.demande.dalo_reconnu or "dalo" in s.priorites,
}
#: Condition of the priority criteria: the priority whose code is the criterion's code is declared.
SITUATION = "situation"


class ReferentielInvalide(ValueError):
    """The data file is malformed; the message says where."""


def _verifier_condition(bloc: dict[str, Any], ou: str) -> None:
    condition = bloc.get("condition", "toujours")
    if condition not in CONDITIONS and condition != SITUATION:
        raise ReferentielInvalide(f"{FICHIER.name}, {ou} : condition inconnue « {condition} ».")
    if condition in ("motif", "logement_actuel") and not bloc.get("valeurs"):
        raise ReferentielInvalide(f"{FICHIER.name}, {ou} : la condition « {condition} » demande des valeurs.")
    connues = {"motif": enums.Motif.values, "logement_actuel": enums.StatutLogementActuel.values}.get(condition)
    for valeur in bloc.get("valeurs") or []:
        if connues is not None and valeur not in connues:
            raise ReferentielInvalide(f"{FICHIER.name}, {ou} : valeur inconnue « {valeur} ».")


def _verifier(critere_s: list[dict[str, Any]], i: int) -> None:
    codes: set[str] = set()
    for j, critere in enumerate(critere_s):
        ou = f"versions[{i}].criteres[{j}]"
        code = critere.get("code") or ""
        if not code or len(code) > 40 or code in codes:
            raise ReferentielInvalide(f"{FICHIER.name}, {ou} : code absent, trop long ou en double.")
        codes.add(code)
        _verifier_condition(critere, ou)
        for k, piece in enumerate(critere.get("pieces") or []):
            libelle = piece.get("libelle") or ""
            if not libelle or len(libelle) > 200:
                raise ReferentielInvalide(f"{FICHIER.name}, {ou}.pieces[{k}] : libellé absent ou trop long.")
            _verifier_condition(piece, f"{ou}.pieces[{k}]")


@cache
def _versions() -> tuple[Valeur, ...]:
    """The dated versions of the list (parameter tree, ``pieces_justificatives.versions``), checked once."""
    versions = charger_arbre().serie(FEUILLE)
    for i, version in enumerate(versions):
        _verifier(list(version.valeur.get("criteres") or []), i)
    return versions


def referentiel(jour: date) -> list[dict[str, Any]]:
    """The criteria of the version in force on ``jour``."""
    version = next((v for v in _versions() if v.en_vigueur(jour)), None)
    if version is None:
        raise ReferentielInvalide(f"Aucune liste de pièces justificatives en vigueur au {jour:%d/%m/%Y}.")
    return list(version.valeur["criteres"])


def _condition_remplie(bloc: dict[str, Any], code: str, situation: _Situation) -> bool:
    condition = bloc.get("condition", "toujours")
    if condition == SITUATION:
        return code in situation.priorites
    return CONDITIONS[condition](situation, bloc.get("valeurs") or ())


def pieces_attendues(demande: Demande, *, jour: date | None = None) -> list[PieceAttendue]:
    """The documents the demand's declared situation calls for, in the order of the data file."""
    jour = jour or timezone.localdate()
    priorites = frozenset(demande.situations_prioritaires.values_list("priorite_id", flat=True))
    motifs = frozenset([demande.motif_principal, *demande.motifs_secondaires.values_list("motif", flat=True)])
    situation = _Situation(demande, list(demande.personnes.all()), priorites, motifs)
    sensibles = set(PrioriteLegale.objects.filter(sensible=True).values_list("code", flat=True))
    attendues: list[PieceAttendue] = []
    for critere in referentiel(jour):
        code = critere["code"]
        if not _condition_remplie(critere, code, situation):
            continue
        sensible = bool(critere.get("sensible")) or code in sensibles
        for piece in critere.get("pieces") or []:
            if "condition" not in piece or _condition_remplie(piece, code, situation):
                attendues.append(PieceAttendue(code, piece["libelle"], sensible))
    return attendues


def nom_telechargement(piece: PieceJustificative) -> str:
    """The name a document is downloaded under: its label, never its storage name nor the name the file had;
    « piece-confidentielle » for a confidential one (a download folder may be shared)."""
    extension = Path(piece.fichier.name or "").suffix.lower()
    libelle = "piece-confidentielle" if piece.sensible else (slugify(piece.libelle)[:60].strip("-") or "piece")
    return f"{libelle}-{piece.demande.numero_unique}{extension}"


def _evenement(
    piece: PieceJustificative, *, action: str, resume: str, auteur: Acteur, organisation: Any, **details: Any
) -> None:
    evenement_enregistrer(
        objet=piece.demande,
        action=action,
        auteur=auteur.utilisateur,
        organisation=organisation,
        visible_demandeur=True,
        resume=resume,
        details={"piece": piece.pk, "critere": piece.critere, "sensible": piece.sensible, **details},
    )


@transaction.atomic
def pieces_attendues_synchroniser(
    *, demande: Demande, auteur: Acteur, organisation: Any = None, aujourd_hui: date | None = None
) -> tuple[int, int]:
    """Create the missing-document rows the demand now needs and drop the missing ones it no
    longer needs (a document already provided is kept). Returns ``(ajoutees, retirees)``. It follows a write
    on the demand, by whoever made it."""
    auteur.exiger(permissions.peut_ecrire(auteur), permissions.REFUS_ECRIRE)
    attendues = pieces_attendues(demande, jour=aujourd_hui)
    cles = {(a.critere, a.libelle) for a in attendues}
    existantes = {(p.critere, p.libelle): p for p in PieceJustificative.objects.filter(demande=demande)}
    nouvelles = [
        PieceJustificative(demande=demande, critere=a.critere, libelle=a.libelle, sensible=a.sensible)
        for a in attendues
        if (a.critere, a.libelle) not in existantes
    ]
    inutiles = [p.pk for cle, p in existantes.items() if cle not in cles and p.statut == enums.StatutPiece.MANQUANTE]
    PieceJustificative.objects.bulk_create(nouvelles)
    PieceJustificative.objects.filter(pk__in=inutiles).delete()
    if nouvelles or inutiles:
        evenement_enregistrer(
            objet=demande,
            action="pieces_attendues",
            auteur=auteur.utilisateur,
            organisation=organisation,
            visible_demandeur=True,
            resume=f"Pièces justificatives attendues : {len(nouvelles)} ajoutée(s), {len(inutiles)} retirée(s).",
            details={
                "ajoutees": [f"{p.critere} : {p.libelle}" for p in nouvelles],
                "retirees": len(inutiles),
                "sensible": any(p.sensible for p in nouvelles),
            },
        )
    return len(nouvelles), len(inutiles)


def _verrouiller(piece: PieceJustificative) -> PieceJustificative:
    piece = PieceJustificative.objects.select_for_update().select_related("demande").get(pk=piece.pk)
    if piece.demande.statut != enums.StatutDemande.ACTIVE:
        raise ValidationError(
            {"statut": [f"La demande {piece.demande.numero_unique} est radiée : ses pièces ne changent plus."]}
        )
    return piece


def _coter(demande_id: int, auteur: Acteur) -> None:
    """A validated or refused document changes the validated points: the score follows at once
    (``attrib.demandes.suites``)."""
    suites.demandes_modifiees([demande_id], auteur=auteur)


def _exiger(auteur: Acteur, piece: PieceJustificative, permis: bool, message: str) -> None:
    """Refuse an actor without the right, or who does not see the piece's demand."""
    auteur.exiger(permis, message)
    if not auteur.voit_tout and not Demande.objects.visible_to(auteur).filter(pk=piece.demande_id).exists():
        raise Refus(message)


def _exiger_demandeur(auteur: Acteur, piece: PieceJustificative) -> None:
    """An applicant provides a document of its own demand; a confidential one only as the household itself."""
    acte = ActeDemandeur.CONFIDENTIEL if piece.sensible else ActeDemandeur.DEPOSER_PIECE
    if not peut_agir_en_demandeur(auteur, piece.demande_id, ActeDemandeur.DEPOSER_PIECE):
        raise Refus(REFUS_DEMANDEUR[ActeDemandeur.DEPOSER_PIECE])
    if not peut_agir_en_demandeur(auteur, piece.demande_id, acte):
        raise Refus(REFUS_DEMANDEUR[acte])


def _supprimer_apres_commit(nom: str | None) -> None:
    if nom:
        stockage = PieceJustificative.fichier.field.storage
        transaction.on_commit(lambda: stockage.delete(nom))


@transaction.atomic
def piece_deposer(
    *, piece: PieceJustificative, fichier: File[Any], auteur: Acteur, organisation: Any = None
) -> PieceJustificative:
    """Attach a file to an expected document: it becomes ``fournie`` (a previous file is replaced). The staff
    who update the demand or validate documents attach one; so does the household from its space, and those it
    gave access to (a confidential document: the household only)."""
    if auteur.est_demandeur:
        _exiger_demandeur(auteur, piece)
    else:
        _exiger(auteur, piece, permissions.peut_deposer_piece(auteur, piece.demande), permissions.REFUS_DEPOSER_PIECE)
    piece = _verrouiller(piece)
    if piece.statut == enums.StatutPiece.VALIDEE:
        raise ValidationError(
            {"fichier": [f"La pièce « {piece.libelle} » est déjà validée : elle ne peut être remplacée."]}
        )
    nom_origine = Path((fichier.name if fichier is not None else "") or "").name
    extension = verifier_fichier(fichier)
    ancien = piece.fichier.name
    piece.fichier.save(f"{uuid.uuid4().hex}{extension}", fichier, save=False)
    piece.statut = enums.StatutPiece.FOURNIE
    piece.fournie_le = timezone.now()
    piece.motif_refus = ""
    piece.save(update_fields=["fichier", "statut", "fournie_le", "motif_refus"])
    _supprimer_apres_commit(ancien)
    _evenement(
        piece,
        action="piece_deposee",
        resume=f"Pièce fournie : {piece.libelle}.",
        auteur=auteur,
        organisation=organisation,
        fichier_origine=nom_origine,
    )
    return piece


@transaction.atomic
def piece_valider(*, piece: PieceJustificative, auteur: Acteur, organisation: Any = None) -> PieceJustificative:
    """Validate a provided document. When every document of a declared priority is validated,
    the ``SituationPrioritaire`` is validated too."""
    _exiger(auteur, piece, permissions.peut_valider_pieces(auteur), permissions.REFUS_VALIDER_PIECES)
    piece = _verrouiller(piece)
    if piece.statut != enums.StatutPiece.FOURNIE:
        etat = "déjà validée" if piece.statut == enums.StatutPiece.VALIDEE else "pas encore fournie"
        raise ValidationError({"statut": [f"La pièce « {piece.libelle} » est {etat} : elle ne peut être validée."]})
    maintenant = timezone.now()
    piece.statut = enums.StatutPiece.VALIDEE
    piece.validee_par = auteur.utilisateur
    piece.validee_le = maintenant
    piece.save(update_fields=["statut", "validee_par", "validee_le"])
    _evenement(
        piece,
        action="piece_validee",
        resume=f"Pièce validée : {piece.libelle}.",
        auteur=auteur,
        organisation=organisation,
    )
    situation = (
        SituationPrioritaire.objects.select_for_update()
        .select_related("priorite")
        .filter(demande_id=piece.demande_id, priorite_id=piece.critere, statut=enums.StatutValidation.DECLAREE)
        .first()
    )
    reste = (
        PieceJustificative.objects.filter(demande_id=piece.demande_id, critere=piece.critere)
        .exclude(statut=enums.StatutPiece.VALIDEE)
        .exists()
    )
    if situation is not None and not reste:
        situation.statut = enums.StatutValidation.VALIDEE
        situation.validee_par = auteur.utilisateur
        situation.validee_le = maintenant
        situation.save(update_fields=["statut", "validee_par", "validee_le"])
        evenement_enregistrer(
            objet=piece.demande,
            action="situation_validee",
            auteur=auteur.utilisateur,
            organisation=organisation,
            visible_demandeur=True,
            resume=f"Situation prioritaire validée : {situation.priorite}."[:300],
            details={"priorite": situation.priorite_id, "sensible": situation.priorite.sensible},
        )
    _coter(piece.demande_id, auteur)
    return piece


@transaction.atomic
def piece_refuser(
    *, piece: PieceJustificative, auteur: Acteur, motif: str, organisation: Any = None
) -> PieceJustificative:
    """Refuse a provided (or validated) document: back to ``manquante`` with the reason, the file
    is deleted, and a priority validated through it returns to ``déclarée``."""
    _exiger(auteur, piece, permissions.peut_valider_pieces(auteur), permissions.REFUS_VALIDER_PIECES)
    motif = (motif or "").strip()
    if not motif:
        raise ValidationError({"motif": ["Indiquez le motif du refus : il sera communiqué au demandeur."]})
    if len(motif) > 300:
        raise ValidationError({"motif": ["Le motif du refus ne doit pas dépasser 300 caractères."]})
    piece = _verrouiller(piece)
    if piece.statut == enums.StatutPiece.MANQUANTE:
        raise ValidationError({"statut": [f"La pièce « {piece.libelle} » n'a pas été fournie : rien à refuser."]})
    etait_validee = piece.statut == enums.StatutPiece.VALIDEE
    ancien = piece.fichier.name
    piece.statut = enums.StatutPiece.MANQUANTE
    piece.fichier = ""
    piece.fournie_le = None
    piece.validee_par = None
    piece.validee_le = None
    piece.motif_refus = motif
    piece.save(update_fields=["statut", "fichier", "fournie_le", "validee_par", "validee_le", "motif_refus"])
    _supprimer_apres_commit(ancien)
    _evenement(
        piece,
        action="piece_refusee",
        resume=f"Pièce refusée : {piece.libelle} — {motif}",
        auteur=auteur,
        organisation=organisation,
        motif=motif,
    )
    if etait_validee:
        situation = (
            SituationPrioritaire.objects.select_for_update()
            .select_related("priorite")
            .filter(demande_id=piece.demande_id, priorite_id=piece.critere, statut=enums.StatutValidation.VALIDEE)
            .first()
        )
        if situation is not None:
            situation.statut = enums.StatutValidation.DECLAREE
            situation.validee_par = None
            situation.validee_le = None
            situation.save(update_fields=["statut", "validee_par", "validee_le"])
            evenement_enregistrer(
                objet=piece.demande,
                action="situation_invalidee",
                auteur=auteur.utilisateur,
                organisation=organisation,
                visible_demandeur=True,
                resume=f"Situation prioritaire à nouveau à justifier : {situation.priorite}."[:300],
                details={"priorite": situation.priorite_id, "sensible": situation.priorite.sensible},
            )
    _coter(piece.demande_id, auteur)
    return piece
