"""Import and export of demands in the interchange format: one CSV row per demand (``;``, UTF-8).

The format itself — the column specification, the documentation tables, the cell conversions, the
located errors and the readers (``lire_demandes``, ``lire_demandes_polars``) — belongs to the engine
(``attrib.engine.formats.demandes_csv``, pure: no Django, no database), so that the offline cotation
command reads exactly the files the application imports and exports. This module re-exports it and adds
what needs the database: the import through the demand services and the CSV / Excel exports. Imports of
models, services and permissions sit inside the functions so that importing this module needs no
``django.setup()``.

The documentation ``docs/formats/demandes_csv.md`` embeds ``documentation_colonnes()`` and
``documentation_codes()``; a test checks that it is up to date, another that the engine's closed lists
are the choices of ``attrib.demandes.enums``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import IO, TYPE_CHECKING, Any

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from attrib.common import tableurs
from attrib.common.imports import bornes_import
from attrib.demandes import enums
from attrib.engine.formats.cellules import neutraliser
from attrib.engine.formats.demandes_csv import (
    COLONNES,
    COLONNES_OBLIGATOIRES,
    COLONNES_PAR_NOM,
    DRAPEAUX_PERSONNE,
    FORMAT_DATE,
    PROTEGES,
    SCHEMA_MENAGES,
    SEPARATEUR,
    SEPARATEUR_DRAPEAUX,
    SEPARATEUR_LISTE,
    SEPARATEUR_PERSONNE,
    ZERO,
    Cible,
    Colonne,
    ErreurImport,
    FichierInvalide,
    Lecture,
    LigneLue,
    Source,
    T,
    TypeColonne,
    ValeurInvalide,
    convertir,
    departement_de_commune,
    documentation_codes,
    documentation_colonnes,
    formater,
    lire_demandes,
    lire_demandes_polars,
)
from attrib.journal.contexte import journal_origine
from attrib.taches.progression import Progression

logger = logging.getLogger(__name__)

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from attrib.demandes.models import Demande, Personne
    from attrib.organisations.acteurs import Acteur
    from attrib.organisations.models import Organisation

__all__ = [
    "COLONNES",
    "COLONNES_OBLIGATOIRES",
    "COLONNES_PAR_NOM",
    "DRAPEAUX_PERSONNE",
    "FORMAT_DATE",
    "PROTEGES",
    "SCHEMA_MENAGES",
    "SEPARATEUR",
    "SEPARATEUR_DRAPEAUX",
    "SEPARATEUR_LISTE",
    "SEPARATEUR_PERSONNE",
    "ZERO",
    "Cible",
    "Colonne",
    "ErreurImport",
    "FichierInvalide",
    "Lecture",
    "LigneLue",
    "RapportImport",
    "Source",
    "T",
    "TypeColonne",
    "ValeurInvalide",
    "convertir",
    "departement_de_commune",
    "documentation_codes",
    "documentation_colonnes",
    "effectifs_demandes",
    "exporter_demandes_csv",
    "exporter_demandes_xlsx",
    "formater",
    "importer_demandes",
    "iterer_demandes_csv",
    "lire_demandes",
    "lire_demandes_polars",
    "valeurs_demandes",
]


# --------------------------------------------------------------------------------------------------
# Import (database, services)
# --------------------------------------------------------------------------------------------------


@dataclass
class RapportImport:
    """What an import did. When ``annule`` is true nothing was written (``lignes_valides`` were not imported)."""

    tout_ou_rien: bool
    creees: list[str] = field(default_factory=list)
    mises_a_jour: list[str] = field(default_factory=list)
    inchangees: list[str] = field(default_factory=list)
    #: Updates refused because the demand changed since the export of their line (column ``version``).
    perimees: list[str] = field(default_factory=list)
    erreurs: list[ErreurImport] = field(default_factory=list)
    lignes_lues: int = 0
    lignes_valides: int = 0
    annule: bool = False

    @property
    def nb_creees(self) -> int:
        return len(self.creees)

    @property
    def nb_mises_a_jour(self) -> int:
        return len(self.mises_a_jour)

    @property
    def nb_erreurs(self) -> int:
        return len(self.erreurs)

    @property
    def lignes_en_erreur(self) -> list[int]:
        return sorted({e.ligne for e in self.erreurs if e.ligne})

    def resume(self) -> str:
        return f"importé : {self.nb_creees} créées, {self.nb_mises_a_jour} mises à jour, {self.nb_erreurs} erreurs"

    def ecrire_csv(self, flux: Any) -> None:
        """The errors as CSV (``ligne;colonne;message``, UTF-8 BOM first), for the user to fix the file."""
        tableurs.ecrire_csv(
            flux, ["ligne", "colonne", "message"], ([e.ligne, e.colonne, e.message] for e in self.erreurs)
        )


def _refus_import(guichet: Organisation, auteur: Acteur) -> str | None:
    """Why ``auteur`` may not import on behalf of ``guichet`` (``None``: it may)."""
    from attrib.organisations.permissions import peut_enregistrer_pour, peut_voir_situations_sensibles

    if auteur.voit_tout:
        return None
    if not peut_enregistrer_pour(auteur, guichet.pk):
        return f"Vous n'êtes pas gestionnaire du guichet « {guichet} » : import impossible."
    if not peut_voir_situations_sensibles(auteur):
        return (
            "Un import remplace toutes les informations des demandes, y compris les situations sensibles "
            "(violences, santé) : il est réservé aux agents habilités à les voir."
        )
    return None


def _demandes_modifiables(guichet: Organisation, auteur: Acteur) -> QuerySet[Demande]:
    """Demands an import may update: those visible to the author, or to the desk for a system import."""
    from django.db.models import Exists, OuterRef, Q

    from attrib.demandes.models import CommuneSouhaitee, Demande

    if not auteur.est_systeme:
        return Demande.objects.visible_to(auteur)
    perimetre = guichet.perimetre.values("code_insee")
    souhaite = Exists(CommuneSouhaitee.objects.filter(demande=OuterRef("pk"), commune_id__in=perimetre))
    return Demande.objects.filter(Q(guichet=guichet) | souhaite)


def _dict_personne(personne: Personne | None) -> dict[str, Any]:
    if personne is None:
        return {}
    return {
        f.name: getattr(personne, f.attname)
        for f in personne._meta.concrete_fields
        if f.editable and f.name not in ("id", "demande")
    }


def _menage(ligne: LigneLue, presentes: frozenset[str], existante: Demande | None) -> list[dict[str, Any]]:
    """Persons for the service. On update, what the file does not carry is kept from the database."""
    from attrib.demandes.normalisation import normaliser_nom

    role = enums.RolePersonne
    anciennes = list(existante.personnes.all()) if existante else []
    par_role = {p.role: p for p in anciennes if p.role != role.PERSONNE_A_LOGER}
    v = ligne.valeurs

    def a_plat(cible: Cible, ancienne: Personne | None) -> dict[str, Any]:
        donnees = _dict_personne(ancienne)
        donnees.update({c.champ: v[c.nom] for c in COLONNES if c.cible == cible and c.nom in presentes})
        donnees["role"] = role.DEMANDEUR if cible == Cible.DEMANDEUR else role.CODEMANDEUR
        return donnees

    menage = [a_plat(Cible.DEMANDEUR, par_role.get(role.DEMANDEUR))]
    if any(COLONNES_PAR_NOM[nom].cible == Cible.CODEMANDEUR for nom in presentes):
        if ligne.codemandeur:
            menage.append(a_plat(Cible.CODEMANDEUR, par_role.get(role.CODEMANDEUR)))
    elif role.CODEMANDEUR in par_role:
        menage.append(_dict_personne(par_role[role.CODEMANDEUR]))
    autres = [p for p in anciennes if p.role == role.PERSONNE_A_LOGER]
    if "personnes" not in presentes:
        return menage + [_dict_personne(p) for p in autres]
    index = {(normaliser_nom(f"{p.nom} {p.prenoms}"), p.date_naissance): p for p in autres}
    for p in v["personnes"]:
        ancienne = index.get((normaliser_nom(f"{p['nom']} {p['prenoms']}"), p["date_naissance"]))
        menage.append(_dict_personne(ancienne) | p | {"role": role.PERSONNE_A_LOGER})
    return menage


def _arguments_service(ligne: LigneLue, presentes: frozenset[str], existante: Demande | None) -> dict[str, Any]:
    v = ligne.valeurs
    arguments: dict[str, Any] = {
        "donnees": {c.champ: v[c.nom] for c in COLONNES if c.cible == Cible.DEMANDE and c.nom in presentes},
        "personnes": _menage(ligne, presentes, existante),
    }
    for c in COLONNES:
        if c.cible == Cible.LISTE and c.type == T.LISTE and c.nom in presentes:
            arguments[c.champ] = v[c.nom]
    return arguments


_CLE_INDEXEE = re.compile(r"(\w+)\[(\d+)\](?:\.(\w+))?")
_COLONNE_DE_CLE = {"communes": "communes_souhaitees", "guichet": "code_guichet", "personnes": "personnes"}


def _erreurs_service(numero: int, exc: Any, menage: list[dict[str, Any]]) -> list[ErreurImport]:
    """Map the located keys of a service ``ValidationError`` back to the columns of the file."""
    messages: dict[str, list[str]] = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    nb_plats = sum(p.get("role") != enums.RolePersonne.PERSONNE_A_LOGER for p in menage)
    erreurs = []
    for cle, textes in messages.items():
        colonne: str | None
        prefixe = ""
        m = _CLE_INDEXEE.fullmatch(cle)
        if m and m.group(1) == "personnes" and m.group(3):
            i, champ = int(m.group(2)), m.group(3)
            role = menage[i].get("role") if i < len(menage) else None
            if role in (enums.RolePersonne.DEMANDEUR, enums.RolePersonne.CODEMANDEUR):
                colonne = f"{champ}_{role}"
                if colonne not in COLONNES_PAR_NOM:
                    colonne, prefixe = None, f"{role}, champ {champ} : "
            else:
                colonne, prefixe = "personnes", f"personne n° {i - nb_plats + 1} ({champ}) : "
        else:
            base = m.group(1) if m else cle
            colonne = _COLONNE_DE_CLE.get(base, base if base in COLONNES_PAR_NOM else None)
            if colonne is None and cle != "__all__":
                prefixe = f"{cle} : "
        erreurs += [ErreurImport(numero, colonne, f"{prefixe}{t}") for t in textes]
    return erreurs


def _egal(colonne: Colonne, a: Any, b: Any) -> bool:
    if colonne.type == T.LISTE and not colonne.ordonnee:
        return sorted(a) == sorted(b)
    return bool(a == b)


def _libelle_champ(nom: str) -> str:
    from attrib.demandes.models import Demande

    try:
        champ = Demande._meta.get_field(nom)
    except FieldDoesNotExist:
        return nom.replace("_", " ")
    return str(getattr(champ, "verbose_name", nom.replace("_", " ")))


def _message_perimee(demande: Demande, exportee: datetime) -> str:
    """What changed on ``demande`` since the export of version ``exportee``: when, by whom, which fields (never
    their values: the file's author may not see them)."""
    from attrib.common.models import Evenement

    depuis = list(
        Evenement.objects.pour(demande)
        .filter(horodatage__gt=exportee)
        .select_related("auteur")
        .order_by("horodatage", "id")[:20]
    )
    champs: dict[str, None] = {}
    for e in depuis:
        for nom in (e.details or {}).get("changements") or {}:
            champs.setdefault(_libelle_champ(str(nom)))
    quand = f"{timezone.localtime(demande.modifie_le):%d/%m/%Y à %H:%M}"
    message = (
        f"la demande {demande.numero_unique} a été modifiée depuis l'export de cette ligne "
        f"(export du {timezone.localtime(exportee):%d/%m/%Y à %H:%M}, dernière modification le {quand}"
    )
    auteurs = sorted({str(e.auteur) for e in depuis if e.auteur is not None})
    if auteurs:
        message += f" par {', '.join(auteurs)}"
    message += ")"
    if champs:
        message += f" ; champs modifiés depuis : {', '.join(champs)}"
    elif depuis:
        message += f" ; depuis : {' ; '.join(e.resume for e in depuis[:3])}"
    return (
        message + ". Ligne non appliquée pour ne pas écraser ces modifications : exportez de nouveau la demande "
        "et reportez-y vos changements"
    )


class _Import:
    """State of one import run: the report, the numbers already seen, the demands one may update."""

    def __init__(
        self, *, guichet: Organisation, auteur: Acteur, colonnes: tuple[str, ...], rapport: RapportImport
    ) -> None:
        self.guichet = guichet
        self.auteur = auteur
        self.presentes = frozenset(colonnes)
        self.rapport = rapport
        self.vus: dict[str, int] = {}
        self.modifiables = (
            _demandes_modifiables(guichet, auteur).select_related("guichet").prefetch_related("personnes")
        )

    def erreur(self, ligne: LigneLue, colonne: str | None, message: str) -> None:
        self.rapport.erreurs.append(ErreurImport(ligne.numero, colonne, message))

    def inchangee(self, ligne: LigneLue, demande: Demande) -> bool:
        """Whether the line says exactly what the database holds (compared as the export would write it)."""
        from attrib.demandes.models import Demande

        meme = Demande.objects.filter(pk=demande.pk)
        [actuelles] = _valeurs(meme, voir_sensibles=True, priorites_sensibles=frozenset())
        for nom in self.presentes:
            c = COLONNES_PAR_NOM[nom]
            if c.lecture_seule or c.cible == Cible.IDENTIFICATION:
                continue
            try:
                relue = convertir(c, neutraliser(formater(c, actuelles[nom])))
            except ValeurInvalide:
                return False
            if not _egal(c, ligne.valeurs[nom], relue):
                return False
        return True

    def perimee(self, ligne: LigneLue, demande: Demande) -> bool:
        """Whether the line was exported from an older version of the demand (column ``version``): then it is
        reported as stale, with what changed since, instead of overwriting those changes (decision 0016)."""
        texte = (ligne.valeurs.get("version") or "").strip() if "version" in self.presentes else ""
        if not texte:
            return False
        try:
            exportee = datetime.fromisoformat(texte)
        except ValueError:
            self.erreur(
                ligne, "version", f"version illisible « {texte[:40]} » : recopiez-la telle que l'export l'a écrite"
            )
            return True
        if timezone.is_naive(exportee):
            exportee = timezone.make_aware(exportee)
        if exportee == demande.modifie_le:
            return False
        self.erreur(ligne, "version", _message_perimee(demande, exportee))
        self.rapport.perimees.append(demande.numero_unique)
        return True

    def cible_mise_a_jour(self, ligne: LigneLue, numero: str) -> Demande | None:
        v = ligne.valeurs
        if numero in self.vus:
            self.erreur(ligne, "numero_unique", f"la demande {numero} figure déjà ligne {self.vus[numero]} du fichier")
            return None
        self.vus[numero] = ligne.numero
        demande = self.modifiables.filter(numero_unique=numero).first()
        if demande is None:
            self.erreur(ligne, "numero_unique", f"aucune demande accessible ne porte le numéro « {numero} »")
            return None
        code = v["code_guichet"]
        if code and code.upper() != demande.guichet.code_guichet.upper():
            self.erreur(
                ligne,
                "code_guichet",
                f"le guichet enregistreur ({demande.guichet.code_guichet}) ne peut pas être modifié",
            )
            return None
        depot = v["date_depot_initiale"]
        if depot and depot != demande.date_depot_initiale:
            self.erreur(
                ligne,
                "date_depot_initiale",
                f"la date de dépôt initiale ({demande.date_depot_initiale:{FORMAT_DATE}}) ne peut pas être modifiée",
            )
            return None
        return demande

    def importer(self, ligne: LigneLue) -> None:
        from attrib.demandes.services import demande_enregistrer, demande_modifier

        v = ligne.valeurs
        numero = v["numero_unique"].upper()
        existante = None
        if numero:
            existante = self.cible_mise_a_jour(ligne, numero)
            if existante is None:
                return
            if self.inchangee(ligne, existante):
                self.rapport.inchangees.append(numero)
                return
            if self.perimee(ligne, existante):
                return
        elif v["code_guichet"] and v["code_guichet"].upper() != self.guichet.code_guichet.upper():
            self.erreur(
                ligne,
                "code_guichet",
                f"ce fichier est importé pour le guichet {self.guichet.code_guichet}, pas {v['code_guichet']}",
            )
            return
        arguments = _arguments_service(ligne, self.presentes, existante)
        # Each service call is atomic: inside the all-or-nothing transaction it is a savepoint, so a
        # refused line leaves no trace and the following lines are still checked.
        try:
            if existante is not None:
                demande_modifier(demande=existante, auteur=self.auteur, organisation=self.guichet, **arguments)
                self.rapport.mises_a_jour.append(numero)
            else:
                demande = demande_enregistrer(
                    guichet=self.guichet, auteur=self.auteur, date_depot=v["date_depot_initiale"], **arguments
                )
                self.rapport.creees.append(demande.numero_unique)
        except ValidationError as exc:
            self.rapport.erreurs += _erreurs_service(ligne.numero, exc, arguments["personnes"])
        except IntegrityError:
            self.erreur(ligne, None, "enregistrement refusé par la base de données (données incohérentes)")


MESSAGE_LIGNE_NON_IMPORTEE = (
    "ligne non importée : son enregistrement a échoué de façon inattendue (incident journalisé) ; "
    "les autres lignes sont traitées normalement"
)


@journal_origine("import CSV de demandes")
def importer_demandes(
    *,
    fichier: Source,
    guichet: Organisation,
    auteur: Acteur,
    tout_ou_rien: bool,
    progression: Progression | None = None,
) -> RapportImport:
    """Import a file of the format on behalf of ``guichet``.

    ``fichier``: path, bytes or file object (e.g. an uploaded file). ``auteur``: the agent, or the system
    (``acteur_systeme``: the desk's perimeter then bounds the updates); an agent who is not a manager of the
    desk, or may not see sensitive situations, gets :class:`Refus`. An empty ``numero_unique`` registers
    a new demand, a filled one updates that demand. ``tout_ou_rien``: any error and nothing is written;
    otherwise every valid line is written on its own and every invalid one is reported. ``progression``
    (a job's) is told each line handled: step 1 « Import des lignes », lines done out of the file's lines.
    """
    rapport = RapportImport(tout_ou_rien=tout_ou_rien)
    refus = _refus_import(guichet, auteur)
    if refus:
        from attrib.organisations.acteurs import Refus

        raise Refus(refus)
    if not guichet.code_guichet:
        rapport.erreurs.append(
            ErreurImport(
                None, None, f"« {guichet} » n'est pas un guichet enregistreur : il ne peut pas importer de demandes."
            )
        )
        rapport.annule = True
        return rapport
    lecture = lire_demandes(fichier, bornes=bornes_import())
    rapport.erreurs += lecture.erreurs
    if rapport.erreurs:
        rapport.annule = True
        return rapport
    etat = _Import(guichet=guichet, auteur=auteur, colonnes=lecture.colonnes, rapport=rapport)

    # The lines are parsed first (the file is in memory already), so that the progress has a total.
    lignes = list(lecture.lignes)
    total = len(lignes)

    def tout_lire() -> None:
        for ligne in lignes:
            rapport.lignes_lues += 1
            if ligne.erreurs:
                rapport.erreurs += ligne.erreurs
            else:
                try:
                    # A savepoint per line: whatever happens to one line, the others are kept or checked.
                    with transaction.atomic():
                        etat.importer(ligne)
                except Exception:
                    logger.exception("Import de demandes : ligne %s non importée", ligne.numero)
                    etat.erreur(ligne, None, MESSAGE_LIGNE_NON_IMPORTEE)
            if progression is not None:
                progression(1, "Import des lignes", rapport.lignes_lues, total)

    from attrib.demandes.suites import groupees

    with groupees(auteur=auteur):  # the demands written are scored together at the end
        if not tout_ou_rien:
            tout_lire()
        else:
            with transaction.atomic():
                tout_lire()
                if rapport.erreurs:
                    transaction.set_rollback(True)
    rapport.lignes_valides = rapport.nb_creees + rapport.nb_mises_a_jour + len(rapport.inchangees)
    if tout_ou_rien and rapport.erreurs:
        rapport.annule = True
        rapport.creees, rapport.mises_a_jour, rapport.inchangees = [], [], []
    return rapport


# --------------------------------------------------------------------------------------------------
# Export
# --------------------------------------------------------------------------------------------------


_CHAMPS_DEMANDE = tuple(c.champ for c in COLONNES if c.cible in (Cible.DEMANDE, Cible.IDENTIFICATION) and c.champ)
_CHAMPS_PERSONNE_EXPORT = tuple(
    dict.fromkeys(
        ["demande_id", "role", "lien", "prenoms", "nom", "date_naissance", *DRAPEAUX_PERSONNE]
        + [c.champ for c in COLONNES if c.cible in (Cible.DEMANDEUR, Cible.CODEMANDEUR)]
    )
)


@dataclass
class _Liens:
    personnes: list[dict[str, Any]] = field(default_factory=list)
    communes: list[str] = field(default_factory=list)
    motifs: list[str] = field(default_factory=list)
    priorites: list[str] = field(default_factory=list)


def _liens(ids: list[int]) -> dict[int, _Liens]:
    """The related rows of a chunk of demands: four queries, plain values (no model instances)."""
    from attrib.demandes.models import CommuneSouhaitee, MotifSecondaire, Personne, SituationPrioritaire

    liens = {pk: _Liens() for pk in ids}
    for personne in Personne.objects.filter(demande_id__in=ids).order_by("id").values(*_CHAMPS_PERSONNE_EXPORT):
        liens[personne["demande_id"]].personnes.append(personne)
    for pk, commune in (
        CommuneSouhaitee.objects.filter(demande_id__in=ids).order_by("rang").values_list("demande_id", "commune_id")
    ):
        liens[pk].communes.append(commune)
    for pk, motif in (
        MotifSecondaire.objects.filter(demande_id__in=ids).order_by("motif").values_list("demande_id", "motif")
    ):
        liens[pk].motifs.append(motif)
    situations = SituationPrioritaire.objects.filter(demande_id__in=ids).order_by("priorite_id")
    for pk, code in situations.values_list("demande_id", "priorite_id"):
        liens[pk].priorites.append(code)
    return liens


def _valeurs_ligne(
    demande: dict[str, Any], liens: _Liens, *, voir_sensibles: bool, priorites_sensibles: frozenset[str]
) -> dict[str, Any]:
    """Typed values of one row (``None`` = empty cell) from the demand's values and its related rows."""
    role = enums.RolePersonne
    plats = {p["role"]: p for p in liens.personnes if p["role"] != role.PERSONNE_A_LOGER}
    demandeur, codemandeur = plats.get(role.DEMANDEUR), plats.get(role.CODEMANDEUR)
    valeurs: dict[str, Any] = {}
    for c in COLONNES:
        if c.cible == Cible.DEMANDEUR:
            valeurs[c.nom] = demandeur[c.champ] if demandeur else None
        elif c.cible == Cible.CODEMANDEUR:
            valeurs[c.nom] = codemandeur[c.champ] if codemandeur else None
        elif c.champ in demande:
            valeurs[c.nom] = demande[c.champ]
    motif, motifs, priorites = demande["motif_principal"], liens.motifs, liens.priorites
    if not voir_sensibles:
        motif = "" if motif in enums.MOTIFS_SENSIBLES else motif
        motifs = [m for m in motifs if m not in enums.MOTIFS_SENSIBLES]
        priorites = [p for p in priorites if p not in priorites_sensibles]
    modifie_le = demande.get("modifie_le")
    valeurs |= {
        "version": modifie_le.isoformat() if modifie_le is not None else None,
        "sensibles_masques": not voir_sensibles,
        "motif_principal": motif,
        "motifs_secondaires": motifs,
        "priorites": priorites,
        "communes_souhaitees": liens.communes,
        "personnes": [
            {k: p[k] for k in ("lien", "date_naissance", "prenoms", "nom", *DRAPEAUX_PERSONNE)}
            for p in liens.personnes
            if p["role"] == role.PERSONNE_A_LOGER
        ],
    }
    return valeurs


def _valeurs(
    demandes: QuerySet[Demande], *, voir_sensibles: bool, priorites_sensibles: frozenset[str], taille_bloc: int = 2000
) -> Iterator[dict[str, Any]]:
    """Rows of ``demandes`` in the queryset's order, read by chunks: five queries per chunk, whatever its size."""
    bloc: list[dict[str, Any]] = []

    def vider() -> Iterator[dict[str, Any]]:
        liens = _liens([d["pk"] for d in bloc])
        for d in bloc:
            yield _valeurs_ligne(
                d, liens[d["pk"]], voir_sensibles=voir_sensibles, priorites_sensibles=priorites_sensibles
            )

    for demande in demandes.values("pk", *_CHAMPS_DEMANDE).iterator(chunk_size=taille_bloc):
        bloc.append(demande)
        if len(bloc) == taille_bloc:
            yield from vider()
            bloc = []
    yield from vider()


def valeurs_demandes(demandes: QuerySet[Demande], *, taille_bloc: int = 2000) -> Iterator[dict[str, Any]]:
    """Typed values of every column of the format for each demand, in the queryset's order, sensitive
    situations included: for the application's own computations (cotation), never for an export."""
    return _valeurs(demandes, voir_sensibles=True, priorites_sensibles=frozenset(), taille_bloc=taille_bloc)


def _refus_export(auteur: Acteur) -> None:
    """An actor whose role does not allow exporting personal data gets the French refusal (403)."""
    from attrib.organisations.permissions import REFUS_DONNEES_PERSONNELLES, peut_exporter_donnees_personnelles

    auteur.exiger(peut_exporter_donnees_personnelles(auteur), REFUS_DONNEES_PERSONNELLES)


def _visibles(demandes: QuerySet[Demande], auteur: Acteur) -> QuerySet[Demande]:
    from attrib.demandes.models import Demande

    return demandes & Demande.objects.visible_to(auteur)


def _voit_sensibles(auteur: Acteur) -> bool:
    """Sensitive situations are exported to those who may see them; never by the system (a command exports
    for nobody in particular)."""
    from attrib.organisations.permissions import peut_voir_situations_sensibles

    return not auteur.est_systeme and peut_voir_situations_sensibles(auteur)


def _lignes_export(demandes: QuerySet[Demande], auteur: Acteur) -> Iterator[dict[str, Any]]:
    """Rows of the demands ``auteur`` may see (all of them for the system). Sensitive situations are masked
    unless ``auteur`` may see them (never for the system)."""
    from attrib.demandes.models import PrioriteLegale

    sensibles = frozenset(PrioriteLegale.objects.filter(sensible=True).values_list("code", flat=True))
    return _valeurs(_visibles(demandes, auteur), voir_sensibles=_voit_sensibles(auteur), priorites_sensibles=sensibles)


def _journaliser(*, auteur: Acteur, format_fichier: str, lignes: int, perimetre: str, filtres: dict[str, Any]) -> None:
    from attrib.common.services import export_journaliser
    from attrib.demandes.models import Demande

    export_journaliser(
        objet=Demande,
        export="des demandes (format d'échange)",
        format_fichier=format_fichier,
        lignes=lignes,
        auteur=auteur.utilisateur,
        perimetre=perimetre or ("toutes les demandes" if auteur.voit_tout else "demandes visibles de l'agent"),
        donnees_personnelles=True,
        details={"filtres": filtres} if filtres else None,
    )


def iterer_demandes_csv(
    *, demandes: QuerySet[Demande], auteur: Acteur, perimetre: str = "", filtres: dict[str, Any] | None = None
) -> Iterator[str]:
    """CSV text of the export, piece by piece (for ``StreamingHttpResponse``): BOM and header first.

    The right to export is checked and the export journalled (with its row count) before the first piece.
    """
    _refus_export(auteur)
    _journaliser(
        auteur=auteur,
        format_fichier="csv",
        lignes=_visibles(demandes, auteur).count(),
        perimetre=perimetre,
        filtres=filtres or {},
    )
    lignes = ([formater(c, valeurs[c.nom]) for c in COLONNES] for valeurs in _lignes_export(demandes, auteur))
    return tableurs.morceaux_csv([c.nom for c in COLONNES], lignes)


def exporter_demandes_csv(
    *,
    demandes: QuerySet[Demande],
    flux: Any,
    auteur: Acteur,
    perimetre: str = "",
    filtres: dict[str, Any] | None = None,
) -> int:
    """Write the demands to ``flux`` (any object with ``write(str)``) in the import format; returns the row count."""
    morceaux = iterer_demandes_csv(demandes=demandes, auteur=auteur, perimetre=perimetre, filtres=filtres)
    flux.write(next(morceaux))
    n = 0
    for morceau in morceaux:
        flux.write(morceau)
        n += 1
    return n


_LARGEURS = {T.DATE: 12, T.BOOLEEN: 8, T.DECIMAL: 11, T.ENTIER: 8, T.PERSONNES: 50, T.LISTE: 22}


def exporter_demandes_xlsx(
    *,
    demandes: QuerySet[Demande],
    flux: IO[bytes],
    auteur: Acteur,
    perimetre: str = "",
    filtres: dict[str, Any] | None = None,
) -> int:
    """Write the demands as an Excel workbook to ``flux`` (binary); returns the row count.

    Same columns as the CSV; styled and frozen header row, column widths, dates as dates,
    amounts as numbers. Written in streaming mode by the products' writer (``attrib.common.tableurs``).
    """
    from openpyxl.styles import Alignment, Font, PatternFill

    _refus_export(auteur)
    classeur = tableurs.Classeur(flux_continu=True)
    feuille = classeur.feuille("Demandes")
    feuille.figer("A2")
    feuille.largeurs(min(max(len(c.nom) + 2, _LARGEURS.get(c.type, 14)), 60) for c in COLONNES)
    entete = []
    for c in COLONNES:
        titre = feuille.cellule(
            c.nom, police=Font(bold=True, color="FFFFFF"), fond=PatternFill("solid", fgColor="000091")
        )
        titre.alignment = Alignment(vertical="center")
        entete.append(titre)
    feuille.ws.append(entete)
    formats = [{T.DECIMAL: "#,##0.00"}.get(c.type) for c in COLONNES]

    def valeur_excel(c: Colonne, valeur: Any) -> Any:
        if valeur is None or c.type in (T.DATE, T.DECIMAL, T.ENTIER):
            return valeur
        return formater(c, valeur)

    for valeurs in _lignes_export(demandes, auteur):
        feuille.ajouter([valeur_excel(c, valeurs[c.nom]) for c in COLONNES], formats=formats)
    _journaliser(
        auteur=auteur, format_fichier="xlsx", lignes=feuille.lignes, perimetre=perimetre, filtres=filtres or {}
    )
    classeur.enregistrer(flux)
    return feuille.lignes


# --------------------------------------------------------------------------------------------------
# Counts (no personal data)
# --------------------------------------------------------------------------------------------------

ENTETE_EFFECTIFS = ("Commune souhaitée en premier", "Typologie minimale", "Statut", "Demandes")


def effectifs_demandes(*, demandes: QuerySet[Demande], acteur: Acteur) -> list[list[Any]]:
    """The number of visible demands by first wished commune, minimal typology and status (French labels):
    what a role without the right to export personal data may take away."""
    from django.db.models import Count, OuterRef, Subquery

    from attrib.demandes.models import CommuneSouhaitee

    premiere = CommuneSouhaitee.objects.filter(demande=OuterRef("pk")).order_by("rang").values("commune__nom")[:1]
    groupes = (
        _visibles(demandes, acteur)
        .order_by()
        .annotate(commune_premiere=Subquery(premiere))
        .values("commune_premiere", "typologie_min", "statut")
        .annotate(nombre=Count("pk"))
    )
    statuts = dict(enums.StatutDemande.choices)
    lignes = [
        [
            g["commune_premiere"] or "non renseignée",
            f"T{g['typologie_min']}",
            statuts.get(g["statut"], g["statut"]),
            g["nombre"],
        ]
        for g in groupes
    ]
    return sorted(lignes, key=lambda ligne: (ligne[0], ligne[1], ligne[2]))
