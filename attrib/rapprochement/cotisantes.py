"""The contributing companies of a réservataire (Action Logement's PEEC): the import of its own list (CSV or
Excel, line by line: a bad line is named and skipped, the others are recorded), the reads that say whether a
household's applicant or co-applicant works for one of them, and the job that imports a big file in the worker.

Only the members of the réservataire that holds a list read it, or the signal drawn from it
(``permissions.reservataires_avec_cotisantes``): another organisation never learns whose employer contributes."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django_tasks import task

from attrib.common.imports import bornes_import
from attrib.common.services import evenement_enregistrer
from attrib.demandes.enums import RolePersonne
from attrib.demandes.models import Personne
from attrib.engine import siret as regles_siret
from attrib.engine.formats import lecture
from attrib.engine.validation import erreur_texte
from attrib.organisations.acteurs import Acteur
from attrib.organisations.models import Organisation
from attrib.rapprochement import permissions
from attrib.rapprochement.models import EntrepriseCotisante
from attrib.taches.depots import depot_enregistrer, depot_lire, suffixe_de
from attrib.taches.execution import Contexte, EchecTravail, Resultat, executer, travail_lancer
from attrib.taches.models import Travail

#: Columns of the file: key → heading (accents and case ignored when read).
COLONNES = {
    "siret": "SIRET",
    "raison_sociale": "Raison sociale",
    "debut": "Cotisante depuis le",
    "fin": "Cotisante jusqu'au",
}
OBLIGATOIRES = ("siret", "raison_sociale", "debut")
#: A file of more lines than this is imported by the worker (the page shows its progress, then the report).
LIGNES_EN_DIRECT = 500
GABARIT_RAPPORT = "rapprochement/_rapport_cotisantes.html"
CONSERVE = "Les lignes lues avant l'arrêt sont enregistrées ; les autres ne le sont pas."


def _sans_accents(texte: str) -> str:
    nfkd = unicodedata.normalize("NFKD", texte)
    return "".join(c for c in nfkd if not unicodedata.combining(c)).casefold().strip().replace("’", "'")


def _texte(valeur: Any) -> str:
    if valeur is None:
        return ""
    if isinstance(valeur, float) and valeur.is_integer():
        return str(int(valeur))
    return str(valeur).strip()


def _date(valeur: Any, libelle: str) -> tuple[date | None, str | None]:
    if valeur is None or _texte(valeur) == "":
        return None, None
    if isinstance(valeur, datetime):
        return valeur.date(), None
    if isinstance(valeur, date):
        return valeur, None
    texte = _texte(valeur)
    for format_ in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(texte, format_).date(), None
        except ValueError:
            continue
    return None, f"{libelle} : date attendue au format JJ/MM/AAAA (reçu « {texte[:40]} »)."


@dataclass
class LigneRapport:
    numero: int
    libelle: str
    resultat: str  # « créée », « mise à jour », « ignorée »
    messages: list[str] = field(default_factory=list)


@dataclass
class RapportCotisantes:
    reservataire: str
    lignes: list[LigneRapport] = field(default_factory=list)

    @property
    def creees(self) -> int:
        return sum(1 for li in self.lignes if li.resultat == "créée")

    @property
    def mises_a_jour(self) -> int:
        return sum(1 for li in self.lignes if li.resultat == "mise à jour")

    @property
    def ignorees(self) -> list[LigneRapport]:
        return [li for li in self.lignes if li.resultat == "ignorée"]

    def resume(self) -> str:
        ignorees = len(self.ignorees)
        texte = (
            f"{self.creees} entreprise{'s' if self.creees > 1 else ''} ajoutée{'s' if self.creees > 1 else ''}, "
            f"{self.mises_a_jour} mise{'s' if self.mises_a_jour > 1 else ''} à jour"
        )
        if ignorees:
            texte += (
                f", {ignorees} ligne{'s' if ignorees > 1 else ''} ignorée{'s' if ignorees > 1 else ''} (voir le détail)"
            )
        return texte + "."

    def details(self) -> dict[str, Any]:
        return {
            "resume": self.resume(),
            "lignes": [
                {"numero": li.numero, "libelle": li.libelle, "resultat": li.resultat, "messages": li.messages}
                for li in self.lignes
                if li.messages
            ],
        }


def lire_lignes(contenu: bytes, nom_fichier: str) -> list[tuple[int, dict[str, Any]]]:
    """The file's data lines as ``(line number, {column key: cell})``. A file that cannot be read, or without
    a required column, raises ``ValidationError`` on ``fichier`` (nothing can be imported from it)."""
    try:
        tableau = lecture.lire_tableau(contenu, nom=nom_fichier, bornes=bornes_import())
        lues = [(r.numero, list(r.cellules)) for r in tableau.lignes]
    except lecture.ErreurLecture as exc:
        message = str(exc)
        raise ValidationError({"fichier": [f"{message[0].upper()}{message[1:]}."]}) from None
    if not lues:
        raise ValidationError({"fichier": ["Le fichier est vide."]})
    entetes = {_sans_accents(libelle): cle for cle, libelle in COLONNES.items()}
    entetes.update({cle: cle for cle in COLONNES})
    colonnes: dict[int, str] = {}
    for i, entete in enumerate(lues[0][1]):
        cle = entetes.get(_sans_accents(_texte(entete)))
        if cle is not None and cle not in colonnes.values():
            colonnes[i] = cle
    manquantes = [COLONNES[c] for c in OBLIGATOIRES if c not in colonnes.values()]
    if manquantes:
        raise ValidationError(
            {
                "fichier": [
                    f"Colonne(s) manquante(s) en ligne 1 : {', '.join(manquantes)} (en-têtes attendus : "
                    f"{' ; '.join(COLONNES.values())})."
                ]
            }
        )
    resultat = []
    for numero, cellules in lues[1:]:
        valeurs = {cle: cellules[i] if i < len(cellules) else None for i, cle in colonnes.items()}
        if all(_texte(v) == "" for v in valeurs.values()):
            continue
        resultat.append((numero, valeurs))
    return resultat


def _ligne(
    reservataire: Organisation, numero: int, valeurs: dict[str, Any], vus: dict[tuple[str, date], int]
) -> tuple[LigneRapport, dict[str, Any] | None]:
    siret = regles_siret.normaliser(_texte(valeurs.get("siret")))
    raison = _texte(valeurs.get("raison_sociale"))
    rapport = LigneRapport(
        numero=numero, libelle=f"{raison or 'sans raison sociale'} ({siret or 'sans SIRET'})", resultat="ignorée"
    )
    messages = rapport.messages
    if not siret:
        messages.append("SIRET : valeur manquante.")
    elif (erreur := regles_siret.erreur_siret(siret, libelle="SIRET")) is not None:
        messages.append(erreur)
    if not raison:
        messages.append("Raison sociale : valeur manquante.")
    elif (erreur := erreur_texte(raison, libelle="Raison sociale", longueur_max=200)) is not None:
        messages.append(erreur)
    debut, erreur = _date(valeurs.get("debut"), "Cotisante depuis le")
    if erreur:
        messages.append(erreur)
    elif debut is None:
        messages.append("Cotisante depuis le : valeur manquante.")
    fin, erreur = _date(valeurs.get("fin"), "Cotisante jusqu'au")
    if erreur:
        messages.append(erreur)
    if debut is not None and fin is not None and fin < debut:
        messages.append(f"Cotisante jusqu'au : le {fin:%d/%m/%Y} précède le début de la cotisation ({debut:%d/%m/%Y}).")
    if not messages and debut is not None:
        cle = (siret, debut)
        if cle in vus:
            messages.append(f"Même SIRET et même date de début qu'en ligne {vus[cle]} : ligne ignorée.")
        else:
            vus[cle] = numero
    if messages:
        return rapport, None
    return rapport, {"siret": siret, "raison_sociale": raison, "debut": debut, "fin": fin}


@transaction.atomic
def cotisantes_importer(
    *,
    reservataire: Organisation,
    fichier: bytes | IO[bytes],
    nom_fichier: str,
    auteur: Acteur,
    progression: Any = None,
) -> RapportCotisantes:
    """Import the réservataire's list of contributing companies. A line whose SIRET and start date match a
    stored company updates it (name, end); any other valid line adds one. A bad line (SIRET with a wrong key,
    missing name, unreadable date, end before start, duplicate) is named in the report and skipped: the
    others are recorded. Companies absent from the file are kept (their period says when they stopped)."""
    auteur.exiger(permissions.peut_gerer_cotisantes(auteur, reservataire), permissions.REFUS_COTISANTES)
    contenu = fichier if isinstance(fichier, bytes) else fichier.read()
    lignes = lire_lignes(contenu, nom_fichier)
    rapport = RapportCotisantes(reservataire=str(reservataire))
    existantes = {(e.siret, e.debut): e for e in EntrepriseCotisante.objects.filter(reservataire=reservataire)}
    vus: dict[tuple[str, date], int] = {}
    nouvelles: list[EntrepriseCotisante] = []
    for i, (numero, valeurs) in enumerate(lignes, start=1):
        ligne, donnees = _ligne(reservataire, numero, valeurs, vus)
        rapport.lignes.append(ligne)
        if donnees is not None:
            stockee = existantes.get((donnees["siret"], donnees["debut"]))
            if stockee is None:
                nouvelles.append(EntrepriseCotisante(reservataire=reservataire, **donnees))
                ligne.resultat = "créée"
            else:
                if (stockee.raison_sociale, stockee.fin) != (donnees["raison_sociale"], donnees["fin"]):
                    stockee.raison_sociale, stockee.fin = donnees["raison_sociale"], donnees["fin"]
                    stockee.save(update_fields=["raison_sociale", "fin", "importee_le"])
                ligne.resultat = "mise à jour"
        if progression is not None and (i % 200 == 0 or i == len(lignes)):
            progression(1, "Lecture des entreprises", i, len(lignes))
    # One row at a time: the journal's triggers record each company (a bulk insert would too, row by row).
    for entreprise in nouvelles:
        entreprise.save()
    evenement_enregistrer(
        objet=reservataire,
        action="entreprises_cotisantes_importees",
        resume=f"Import des entreprises cotisantes ({nom_fichier[:80]}) : {rapport.resume()}",
        auteur=auteur.utilisateur,
        organisation=reservataire,
        details={
            "fichier": nom_fichier[:200],
            "creees": rapport.creees,
            "mises_a_jour": rapport.mises_a_jour,
            "ignorees": [li.numero for li in rapport.ignorees],
        },
    )
    return rapport


# --- reads -------------------------------------------------------------------------------------------------------


def salaries_cotisants(reservataire_ids: Iterable[int], demande_ids: Iterable[int], jour: date) -> dict[int, list[str]]:
    """For the demands whose applicant or co-applicant's employer (its SIRET) contributes today to one of the
    réservataires: demand id → the companies' names. Two queries."""
    reservataire_ids, demande_ids = list(reservataire_ids), list(demande_ids)
    if not reservataire_ids or not demande_ids:
        return {}
    noms = dict(
        EntrepriseCotisante.objects.filter(reservataire_id__in=reservataire_ids)
        .en_vigueur(jour)
        .values_list("siret", "raison_sociale")
    )
    if not noms:
        return {}
    resultat: dict[int, list[str]] = {}
    for demande_id, siret in (
        Personne.objects.filter(
            demande_id__in=demande_ids,
            role__in=[RolePersonne.DEMANDEUR, RolePersonne.CODEMANDEUR],
            employeur_siret__in=list(noms),
        )
        .order_by("demande_id", "role")
        .values_list("demande_id", "employeur_siret")
    ):
        resultat.setdefault(demande_id, [])
        if noms[siret] not in resultat[demande_id]:
            resultat[demande_id].append(noms[siret])
    return resultat


# --- the worker ----------------------------------------------------------------------------------------------------


def _importer(contexte: Contexte, reservataire_id: int, nom_fichier: str, chemin: str) -> Resultat:
    contexte.progression(1, f"Lecture de {nom_fichier}", 0, 0)
    octets = depot_lire(chemin, conserve="Aucune entreprise n'a été enregistrée.")
    try:
        rapport = cotisantes_importer(
            reservataire=Organisation.objects.get(pk=reservataire_id),
            fichier=octets,
            nom_fichier=nom_fichier,
            auteur=contexte.acteur,
            progression=contexte.progression,
        )
    except PermissionDenied as exc:
        raise EchecTravail(
            str(exc) or "Import non autorisé.", conserve="Aucune entreprise n'a été enregistrée."
        ) from None
    except ValidationError as exc:
        raise EchecTravail(" ".join(exc.messages), conserve="Aucune entreprise n'a été enregistrée.") from None
    return Resultat(
        resume=f"{nom_fichier} : {rapport.resume()}",
        details=rapport.details(),
        gabarit=GABARIT_RAPPORT,
        lien_vue="rapprochement:cotisantes",
        lien_libelle="Voir les entreprises cotisantes",
    )


@task()
def importer_cotisantes(*, travail_id: int, reservataire_id: int, nom_fichier: str, chemin: str) -> str:
    return executer(travail_id, lambda contexte: _importer(contexte, reservataire_id, nom_fichier, chemin))


def import_lancer(*, user: Any, reservataire: Organisation, nom_fichier: str, contenu: bytes | IO[bytes]) -> Travail:
    """Launch the import of a big file in the worker (stored under ``imports/`` until the worker reads it)."""
    chemin = depot_enregistrer(contenu, suffixe=suffixe_de(nom_fichier, permis=(".csv", ".xlsx")))
    return travail_lancer(
        lance_par_id=user.pk,
        nature="rapprochement.import_cotisantes",
        libelle=f"Import des entreprises cotisantes ({nom_fichier[:120]}) — {reservataire}",
        tache=importer_cotisantes,
        conserve="Aucune entreprise n'a été enregistrée.",
        arguments={"reservataire_id": reservataire.pk, "nom_fichier": nom_fichier[:200], "chemin": chemin},
    )
