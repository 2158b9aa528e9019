"""Writes on the housing stock: RPLS import, reconstruction of the RPLS 2019 counts, estimated
bailleurs, and the bailleur's own changes to its residences and dwellings.

Imports are idempotent: every residence and dwelling has a stable natural key (``identifiant``); a run
compares what the file describes with the database and writes only what is new or different.
Fields that the source does not give are never overwritten: a real rent entered by the bailleur is
not replaced by an estimate, a bailleur is not erased by an import without ``bailleur``.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from attrib.common.services import diff_champs, evenement_enregistrer
from attrib.organisations.acteurs import Acteur
from attrib.organisations.models import Organisation, TypeOrganisation
from attrib.patrimoine.desagregation import lire_comptages, reconstituer
from attrib.patrimoine.enums import SourceResidence, TypeConstruction
from attrib.patrimoine.models import Logement, Residence
from attrib.patrimoine.parametres import Estimations, codes_financement, estimations, loyer_estime
from attrib.patrimoine.permissions import REFUS_REFERENTIEL, peut_charger_referentiel, peut_modifier_residence
from attrib.patrimoine.rpls import ErreurLigne, ErreursImport, LigneRpls, identifiant_residence, lire_fichier
from attrib.territoires.models import Commune
from attrib.territoires.services import ResumeImport, territoires_importer

PAQUET = 500

M = TypeVar("M", bound=models.Model)


class ErreursImportPatrimoine(ErreursImport):
    """The RPLS file cannot be imported (or, all or nothing, one of its lines is wrong); nothing was written."""


@dataclass(frozen=True)
class Ecritures:
    residences_creees: int = 0
    residences_modifiees: int = 0
    logements_crees: int = 0
    logements_modifies: int = 0
    logements_supprimes: int = 0

    def __str__(self) -> str:
        texte = (
            f"créés : {self.residences_creees} résidences, {self.logements_crees} logements ; "
            f"modifiés : {self.residences_modifiees} résidences, {self.logements_modifies} logements"
        )
        if self.logements_supprimes:
            texte += f" ; supprimés : {self.logements_supprimes} logements"
        return texte


@dataclass(frozen=True)
class ResumeImportRpls:
    """What the valid lines of the file describe (``logements``, ``residences``, ``logements_en_qpv``),
    the lines in error, and what the run wrote."""

    logements: int
    residences: int
    logements_en_qpv: int
    erreurs: list[ErreurLigne]
    ecritures: Ecritures
    territoires: ResumeImport | None = None

    def __str__(self) -> str:
        return (
            f"importé: {self.logements} logements, {self.residences} résidences, "
            f"{self.logements_en_qpv} en QPV, {len(self.erreurs)} erreurs"
        )


@dataclass(frozen=True)
class ResumeReconstitution:
    logements: int
    residences: int
    communes: int
    logements_en_qpv: int
    ecritures: Ecritures
    bailleurs_attribues: int = 0
    par_commune: dict[str, int] = field(default_factory=dict)
    territoires: ResumeImport | None = None

    def __str__(self) -> str:
        return (
            f"reconstitué: {self.logements} logements, {self.residences} résidences, "
            f"{self.communes} communes, {self.logements_en_qpv} en QPV"
        )


# --- shared helpers ---------------------------------------------------------------------------


def _departement(code_insee: str) -> str:
    return code_insee[:3] if code_insee.startswith("97") else code_insee[:2]


def _assurer_communes(codes: Iterable[str], auteur: Acteur) -> ResumeImport | None:
    """Load the territorial referential (COG 2026) of the départements of the communes that are not
    in the database yet; a département unknown to the referential is skipped (its lines will be
    reported)."""
    codes = set(codes)
    connues = set(Commune.objects.filter(code_insee__in=codes).values_list("code_insee", flat=True))
    departements = sorted({_departement(c) for c in codes - connues})
    if not departements:
        return None
    resume: ResumeImport | None = None
    for departement in departements:
        try:
            resume = territoires_importer(departements=[departement], auteur=auteur)
        except ValidationError:
            continue
    return resume


def _par_paquets(elements: Sequence[str], taille: int = PAQUET) -> Iterator[Sequence[str]]:
    for debut in range(0, len(elements), taille):
        yield elements[debut : debut + taille]


def _existants(modele: type[M], identifiants: Sequence[str]) -> dict[str, M]:
    trouves: dict[str, M] = {}
    for paquet in _par_paquets(sorted(identifiants)):
        trouves.update({o.identifiant: o for o in modele._default_manager.filter(identifiant__in=paquet)})  # type: ignore[attr-defined]
    return trouves


def _synchroniser(
    modele: type[M],
    voulus: Mapping[str, dict[str, Any]],
    *,
    garder: Callable[[M], Iterable[str]] = lambda _o: (),
) -> tuple[int, int]:
    """Create the rows missing from the database, update the rows whose values differ; ``garder``
    names, for an existing row, fields the source must not overwrite. Returns (created, updated)."""
    existants = _existants(modele, list(voulus))
    a_creer: list[M] = []
    a_modifier: list[M] = []
    champs_modifies: set[str] = set()
    for cle in sorted(voulus):
        valeurs = voulus[cle]
        objet = existants.get(cle)
        if objet is None:
            a_creer.append(modele(identifiant=cle, **valeurs))
            continue
        gardes = set(garder(objet))
        differents = {c: v for c, v in valeurs.items() if c not in gardes and getattr(objet, c) != v}
        if differents:
            for champ, valeur in differents.items():
                setattr(objet, champ, valeur)
            champs_modifies.update(differents)
            a_modifier.append(objet)
    modele._default_manager.bulk_create(a_creer, batch_size=PAQUET)
    if a_modifier:
        modele._default_manager.bulk_update(a_modifier, sorted(champs_modifies), batch_size=PAQUET)
    return len(a_creer), len(a_modifier)


def _garder_loyer_reel(logement: Logement) -> set[str]:
    """A rent entered by the bailleur (not estimated) is never replaced by an estimate."""
    if logement.loyer_principal is not None and not logement.loyer_estime:
        return {"loyer_principal", "loyer_estime"}
    return set()


def _loyer(commune: Commune, parametres: Estimations) -> Decimal:
    valeur, _zone = parametres.loyer_m2(epci=commune.epci_id, departement=commune.departement, region=commune.region)
    return valeur


def _ids_residences(identifiants: Iterable[str]) -> dict[str, int]:
    ids: dict[str, int] = {}
    for paquet in _par_paquets(sorted(set(identifiants))):
        ids.update(Residence.objects.filter(identifiant__in=paquet).values_list("identifiant", "pk"))
    return ids


def _ecrire(
    residences: dict[str, dict[str, Any]], logements: dict[str, dict[str, Any]], *, residence_de: dict[str, str]
) -> Ecritures:
    r_crees, r_modifies = _synchroniser(Residence, residences)
    ids = _ids_residences(residences)
    for identifiant, valeurs in logements.items():
        valeurs["residence_id"] = ids[residence_de[identifiant]]
    l_crees, l_modifies = _synchroniser(Logement, logements, garder=_garder_loyer_reel)
    return Ecritures(
        residences_creees=r_crees,
        residences_modifiees=r_modifies,
        logements_crees=l_crees,
        logements_modifies=l_modifies,
    )


def _verifier_bailleur(bailleur: Organisation) -> None:
    if bailleur.type != TypeOrganisation.BAILLEUR:
        raise ValidationError(
            {"bailleur": [f"« {bailleur} » n'est pas un bailleur social (type : {bailleur.get_type_display()})."]}
        )


# --- RPLS import ------------------------------------------------------------------------------


def _grouper(
    lignes: list[LigneRpls], erreurs: list[ErreurLigne]
) -> dict[tuple[str, str, str, str, str], list[LigneRpls]]:
    """Rows of the same normalised address and building form one residence; a row whose QPV flag contradicts an
    earlier row of the same address is an error."""
    groupes: dict[tuple[str, str, str, str, str], list[LigneRpls]] = {}
    for ligne in lignes:
        groupe = groupes.setdefault(ligne.cle_adresse, [])
        if groupe and groupe[0].en_qpv != ligne.en_qpv:
            dit = "en QPV" if groupe[0].en_qpv else "hors QPV"
            erreurs.append(
                ErreurLigne(
                    ligne.ligne, f"QPV contradictoire : la ligne {groupe[0].ligne}, même adresse, dit « {dit} »."
                )
            )
            continue
        groupe.append(ligne)
    return groupes


@transaction.atomic
def rpls_importer(
    *,
    chemin: Path,
    auteur: Acteur,
    bailleur: Organisation | None = None,
    tout_ou_rien: bool = False,
    aujourd_hui: date | None = None,
) -> ResumeImportRpls:
    """Import an RPLS file (SDES column names): one residence per normalised address, ``nb`` dwellings
    per row.

    Lines in error are reported (line and reason) and skipped; with ``tout_ou_rien`` a single error
    cancels the whole import (``ErreursImportPatrimoine``). A file that cannot be read at all (missing,
    wrong separator, missing columns) always raises ``ErreursImportPatrimoine``. Communes missing from
    the database are loaded from the COG 2026 referential of their département. ``bailleur``, when
    given, owns every residence of the file (a fact given by the user, not an estimate).
    """
    auteur.exiger(peut_charger_referentiel(auteur), REFUS_REFERENTIEL)
    chemin = Path(chemin)
    if bailleur is not None:
        _verifier_bailleur(bailleur)
    parametres = estimations()
    annee_max = (aujourd_hui or timezone.localdate()).year
    lecture = lire_fichier(chemin, codes=codes_financement(), annee_max=annee_max)
    if lecture.lignes_lues == 0 and lecture.erreurs:
        raise ErreursImportPatrimoine(lecture.erreurs, fichier=chemin.name)
    erreurs = list(lecture.erreurs)

    territoires = _assurer_communes({ligne.depcom for ligne in lecture.lignes}, auteur)
    communes = {c.code_insee: c for c in Commune.objects.filter(code_insee__in={li.depcom for li in lecture.lignes})}
    connues = []
    for ligne in lecture.lignes:
        if ligne.depcom in communes:
            connues.append(ligne)
        else:
            erreurs.append(
                ErreurLigne(ligne.ligne, f"commune {ligne.depcom} absente du référentiel des communes (COG 2026).")
            )
    groupes = _grouper(connues, erreurs)
    erreurs.sort(key=lambda e: e.ligne or 0)
    if tout_ou_rien and erreurs:
        raise ErreursImportPatrimoine(erreurs, fichier=chemin.name)

    residences: dict[str, dict[str, Any]] = {}
    logements: dict[str, dict[str, Any]] = {}
    residence_de: dict[str, str] = {}
    total = en_qpv = 0
    for cle, lignes in groupes.items():
        identifiant = identifiant_residence(cle)
        premiere = lignes[0]
        commune = communes[premiere.depcom]
        valeurs: dict[str, Any] = {
            "nom": premiere.programme,
            "commune_id": commune.code_insee,
            "numero_voie": premiere.numero_voie,
            "indice_repetition": premiere.indice_repetition,
            "type_voie": premiere.type_voie,
            "nom_voie": premiere.nom_voie,
            "code_postal": premiere.code_postal,
            "batiment": premiere.batiment,
            "programme": premiere.programme,
            "en_qpv": premiere.en_qpv,
            "annee_construction": min(li.annee_construction for li in lignes),
            "type_construction": premiere.type_construction,
            "source": SourceResidence.RPLS_ADRESSES,
            "estimee": False,
        }
        if not premiere.en_qpv:
            valeurs["qpv_id"] = None
        if bailleur is not None:
            valeurs |= {"bailleur_id": bailleur.pk, "bailleur_estime": False}
        residences[identifiant] = valeurs
        loyer_m2 = _loyer(commune, parametres)
        rang = 0
        for ligne in lignes:
            groupe = ligne.nb > 1
            for surface in ligne.surfaces():
                rang += 1
                cle_logement = f"{identifiant}-{rang:03d}"
                residence_de[cle_logement] = identifiant
                logement: dict[str, Any] = {
                    "nb_pieces": ligne.nb_pieces,
                    "surface_habitable": surface,
                    "annee_construction": ligne.annee_construction,
                    "annee_premiere_location": ligne.annee_premiere_location,
                    "financement": ligne.financement,
                    "code_finan": ligne.code_finan,
                    "date_conventionnement": ligne.date_conventionnement,
                    "dpe_energie": ligne.dpe_energie,
                    "dpe_ges": ligne.dpe_ges,
                    "surface_estimee": groupe,
                    "typologie_estimee": groupe,
                    "loyer_principal": loyer_estime(loyer_m2, surface),
                    "loyer_estime": True,
                }
                if not groupe:
                    logement["etage"] = ligne.etage
                logements[cle_logement] = logement
            total += ligne.nb
            en_qpv += ligne.nb if ligne.en_qpv else 0
    ecritures = _ecrire(residences, logements, residence_de=residence_de)
    return ResumeImportRpls(
        logements=total,
        residences=len(residences),
        logements_en_qpv=en_qpv,
        erreurs=erreurs,
        ecritures=ecritures,
        territoires=territoires,
    )


# --- reconstruction of the RPLS 2019 counts ---------------------------------------------------


def _supprimer_reconstitues_obsoletes(residences: Iterable[str], logements: Iterable[str]) -> int:
    """Dwellings and residences reconstructed by an earlier run with other parameters (other size of
    residences) that this run does not describe any more."""
    logements_voulus, residences_voulues = set(logements), set(residences)
    source = SourceResidence.RPLS2019_COMPTAGES
    obsoletes = [
        pk
        for pk, identifiant in Logement.objects.filter(residence__source=source).values_list("pk", "identifiant")
        if identifiant not in logements_voulus
    ]
    for debut in range(0, len(obsoletes), PAQUET):
        Logement.objects.filter(pk__in=obsoletes[debut : debut + PAQUET]).delete()
    residences_obsoletes = [
        pk
        for pk, identifiant in Residence.objects.filter(source=source).values_list("pk", "identifiant")
        if identifiant not in residences_voulues
    ]
    for debut in range(0, len(residences_obsoletes), PAQUET):
        Residence.objects.filter(pk__in=residences_obsoletes[debut : debut + PAQUET]).delete()
    return len(obsoletes)


@transaction.atomic
def patrimoine_reconstituer(
    *,
    chemin: Path,
    auteur: Acteur,
    graine: int | None = None,
    bailleurs: Sequence[Organisation] = (),
    aujourd_hui: date | None = None,
) -> ResumeReconstitution:
    """Residences and dwellings of the communes described only by the RPLS 2019 counts of ``chemin`` (every
    commune of the file except those of ``communes_fichier_adresses``), by the seeded rule of
    ``desagregation.py`` (seed: ``graine``, else the one of ``estimations_patrimoine.yaml``).

    Surfaces come from the number of rooms and rents from the rent per m² of the zone, both flagged as
    estimated; financing is unknown (empty). With ``bailleurs``, each reconstructed residence gets one
    of them (``bailleurs_estimer``). All or nothing: an error in the counts file writes nothing.
    """
    auteur.exiger(peut_charger_referentiel(auteur), REFUS_REFERENTIEL)
    parametres = estimations()
    graine = parametres.graine if graine is None else graine
    chemin = Path(chemin)
    annee_max = (aujourd_hui or timezone.localdate()).year
    comptages, erreurs = lire_comptages(chemin, annee_max=annee_max)
    if erreurs:
        raise ErreursImportPatrimoine(erreurs, fichier=chemin.name)
    for bailleur in bailleurs:
        _verifier_bailleur(bailleur)
    reconstituees = reconstituer(
        comptages,
        exclure=parametres.communes_fichier_adresses,
        taille_max=parametres.taille_max_residence,
        graine=graine,
    )
    codes = {r.depcom for r in reconstituees}
    territoires = _assurer_communes(codes, auteur)
    communes = {c.code_insee: c for c in Commune.objects.filter(code_insee__in=codes)}
    if inconnues := sorted(codes - set(communes)):
        raise ErreursImportPatrimoine(
            [ErreurLigne(None, f"communes absentes du référentiel (COG 2026) : {', '.join(inconnues)}.")],
            fichier=chemin.name,
        )

    residences: dict[str, dict[str, Any]] = {}
    logements: dict[str, dict[str, Any]] = {}
    residence_de: dict[str, str] = {}
    par_commune: dict[str, int] = {}
    en_qpv = 0
    for r in reconstituees:
        commune = communes[r.depcom]
        genre = "collectif" if r.type_construction == TypeConstruction.COLLECTIF else "de maisons individuelles"
        suffixe = f" ({r.rang}/{r.nombre})" if r.nombre > 1 else ""
        residences[r.identifiant] = {
            "nom": f"Ensemble {genre} achevé en {r.annee_construction}{suffixe}",
            "commune_id": commune.code_insee,
            "en_qpv": r.en_qpv,
            "annee_construction": r.annee_construction,
            "type_construction": r.type_construction,
            "source": SourceResidence.RPLS2019_COMPTAGES,
            "estimee": True,
        }
        loyer_m2 = _loyer(commune, parametres)
        for rang, lo in enumerate(r.logements, start=1):
            surface = parametres.surface(lo.nb_pieces)
            cle = f"{r.identifiant}-{rang:03d}"
            residence_de[cle] = r.identifiant
            logements[cle] = {
                "nb_pieces": lo.nb_pieces,
                "surface_habitable": surface,
                "annee_construction": r.annee_construction,
                "dpe_energie": lo.dpe_energie,
                "dpe_ges": lo.dpe_ges,
                "surface_estimee": True,
                "typologie_estimee": lo.typologie_estimee,
                "loyer_principal": loyer_estime(loyer_m2, surface),
                "loyer_estime": True,
            }
        par_commune[r.depcom] = par_commune.get(r.depcom, 0) + len(r.logements)
        en_qpv += len(r.logements) if r.en_qpv else 0

    supprimes = _supprimer_reconstitues_obsoletes(residences, logements)
    ecritures = _ecrire(residences, logements, residence_de=residence_de)
    ecritures = replace(ecritures, logements_supprimes=supprimes)
    attribues = 0
    if bailleurs:
        attribues = bailleurs_estimer(
            auteur=auteur,
            bailleurs=bailleurs,
            graine=graine,
            residences=Residence.objects.filter(source=SourceResidence.RPLS2019_COMPTAGES),
        )
    return ResumeReconstitution(
        logements=len(logements),
        residences=len(residences),
        communes=len(par_commune),
        logements_en_qpv=en_qpv,
        ecritures=ecritures,
        bailleurs_attribues=attribues,
        par_commune=dict(sorted(par_commune.items())),
        territoires=territoires,
    )


@transaction.atomic
def bailleurs_estimer(
    *,
    bailleurs: Sequence[Organisation],
    graine: int,
    auteur: Acteur,
    residences: models.QuerySet[Residence] | None = None,
) -> int:
    """Give each residence of ``residences`` (all by default) that has no bailleur, or an estimated
    one, a bailleur drawn uniformly among ``bailleurs`` with ``random.Random(graine)`` (residences in
    the order of their identifiant, bailleurs in the order of their id), flagged as estimated. A
    bailleur given by a source is never replaced. Returns the number of residences changed; the same
    call twice changes nothing the second time."""
    auteur.exiger(peut_charger_referentiel(auteur), REFUS_REFERENTIEL)
    if not bailleurs:
        raise ValidationError({"bailleurs": ["Au moins un bailleur est nécessaire pour estimer les bailleurs."]})
    for bailleur in bailleurs:
        _verifier_bailleur(bailleur)
    ordonnes = sorted({b.pk: b for b in bailleurs}.values(), key=lambda b: b.pk)
    tirage = random.Random(graine)
    base = residences if residences is not None else Residence.objects.all()
    a_modifier = []
    for residence in base.filter(Q(bailleur=None) | Q(bailleur_estime=True)).order_by("identifiant"):
        choisi = ordonnes[tirage.randrange(len(ordonnes))]
        if residence.bailleur_id != choisi.pk or not residence.bailleur_estime:
            residence.bailleur_id = choisi.pk
            residence.bailleur_estime = True
            a_modifier.append(residence)
    Residence.objects.bulk_update(a_modifier, ["bailleur", "bailleur_estime"], batch_size=PAQUET)
    return len(a_modifier)


# --- changes by the bailleur ------------------------------------------------------------------

CHAMPS_RESIDENCE_MODIFIABLES = ("nom", "programme", "batiment", "type_construction", "annee_construction", "qpv")
CHAMPS_LOGEMENT_MODIFIABLES = (
    "nb_pieces",
    "surface_habitable",
    "financement",
    "dpe_energie",
    "dpe_ges",
    "loyer_principal",
    "charges",
    "etage",
    "ascenseur",
    "adapte_pmr",
    "reserve_stock",
    "date_mise_en_service",
)


def _appliquer(objet: M, donnees: Mapping[str, Any], autorises: Sequence[str]) -> dict[str, Any]:
    if inconnus := sorted(set(donnees) - set(autorises)):
        raise ValidationError({champ: ["Ce champ ne peut pas être modifié ici."] for champ in inconnus})
    avant = {c: getattr(objet, c) for c in donnees}
    for champ, valeur in donnees.items():
        setattr(objet, champ, valeur)
    return avant


@transaction.atomic
def residence_modifier(*, auteur: Acteur, residence: Residence, donnees: Mapping[str, Any]) -> Residence:
    """The bailleur corrects its residence (name, programme, building, type, year, QPV). Setting a QPV
    marks the residence "en QPV"."""
    auteur.exiger(peut_modifier_residence(auteur, residence), "Seul le bailleur de la résidence peut la modifier.")
    avant = _appliquer(residence, donnees, CHAMPS_RESIDENCE_MODIFIABLES)
    if residence.qpv_id is not None:
        residence.en_qpv = True
    residence.full_clean()
    residence.save()
    changements = diff_champs(avant, {c: getattr(residence, c) for c in donnees})
    if changements:
        evenement_enregistrer(
            objet=residence,
            action="residence_modifiee",
            resume=f"Résidence modifiée : {', '.join(changements)}",
            auteur=auteur.utilisateur,
            organisation=residence.bailleur,
            details=changements,
        )
    return residence


@transaction.atomic
def logement_modifier(*, auteur: Acteur, logement: Logement, donnees: Mapping[str, Any]) -> Logement:
    """The bailleur enters what it knows of a dwelling. A value entered replaces the estimate: the
    rent is no longer "estimated", nor the surface or the number of rooms."""
    residence = logement.residence
    auteur.exiger(
        peut_modifier_residence(auteur, residence), "Seul le bailleur de la résidence peut modifier ses logements."
    )
    avant = _appliquer(logement, donnees, CHAMPS_LOGEMENT_MODIFIABLES)
    if "loyer_principal" in donnees:
        logement.loyer_estime = False
    if "surface_habitable" in donnees:
        logement.surface_estimee = False
    if "nb_pieces" in donnees:
        logement.typologie_estimee = False
    logement.full_clean()
    logement.save()
    changements = diff_champs(avant, {c: getattr(logement, c) for c in donnees})
    if changements:
        evenement_enregistrer(
            objet=logement,
            action="logement_modifie",
            resume=f"Logement modifié : {', '.join(changements)}",
            auteur=auteur.utilisateur,
            organisation=residence.bailleur,
            details=changements,
        )
    return logement
