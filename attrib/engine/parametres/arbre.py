"""One dated parameter tree over every file of ``data/parametres/`` (as OpenFisca does it).

Each file is a branch named after it (``caleol.yaml`` → ``caleol``); inside it, a key is a branch and a
**leaf** is a list of dated entries::

    delai_reponse_offre_jours:
      - date_effet: 2011-04-01      # first day in force (``date_debut`` in the CSV tables)
        date_fin: 2030-12-31        # optional last day; without it, in force until the next entry
        valeur: 10
        source: "R441-10 CCH : … dix jours …"
        fiabilite: V                # V, S, K (legal values); parametrage, choix_local, H, D (settings)

The leaf's value is ``valeur``; an entry without ``valeur`` has for value the mapping of its other keys
(older files whose entries spell their value out field by field). An entry dated by ``annee`` holds for that
calendar year only. A list of dated entries carrying a ``code`` (or an ``epci``) is a branch with one leaf
per code. A mapping carrying ``fiabilite`` but no date is a leaf in force at every date (statistical
estimates, labels). ``source`` and ``fiabilite`` are inherited from the enclosing mapping when an entry does
not repeat them; ``sources: [id, …]`` cites the file's ``sources`` list. A value that is not known yet is
written ``valeur: null`` with ``manque`` saying what is missing.

CSV tables are leaves too: the key columns make the path (``plafonds_ressources.PLUS.autres_regions.1``), one
row is one dated entry.

:func:`valeur` gives the entry in force on a day (:class:`Valeur`: value, period, source, reliability); the
parsed tree is cached per folder. :data:`SCHEMAS` declares every file: a file that is not declared, a missing
key, an entry without source or with an unknown reliability, two entries in force on the same day, or a value
of the wrong type is refused at load with a French message naming the file and the key.
"""

from __future__ import annotations

import csv
import fnmatch
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from attrib.engine.erreurs import ParametreNonRenseigne, ParametresInvalides
from attrib.engine.sources import texte_source

#: libyaml's safe loader when the C extension is there (ten times faster), else the pure Python one.
_CHARGEUR: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

DOSSIER_PAR_DEFAUT = Path(__file__).resolve().parents[3] / "data" / "parametres"

#: Reliability tags: legal values (V verified in a primary text, S secondary source, K to check) and the
#: tags of settings (parametrage: Attrib's own; choix_local: set by the CIL, the PPGD or the CALEOL; H working
#: hypothesis; D computed by us from a referential file).
FIABILITES: tuple[str, ...] = ("V", "S", "K", "V/K", "S/K", "parametrage", "choix_local", "H", "D")
FIABILITES_LEGALES: tuple[str, ...] = ("V", "S", "K", "V/K", "S/K")

#: Keys of a dated entry that describe it rather than hold its value.
METADONNEES: frozenset[str] = frozenset(
    {
        "date_effet",
        "date_debut",
        "date_fin",
        "annee",
        "source",
        "sources",
        "fiabilite",
        "article",
        "base_legale",
        "acte",
        "note",
        "manque",
        "unite",
    }
)
#: Keys that name the children of a list of dated entries (one leaf per code).
CLES_DE_LISTE: tuple[str, ...] = ("code", "epci")
#: Units a leaf may declare (``unite``), or that its name ends with (``…_jours``).
UNITES: tuple[str, ...] = ("jours", "mois", "ans")


@dataclass(frozen=True, slots=True)
class Valeur:
    """One value of the tree with the period it is in force, its source and its reliability."""

    chemin: str
    valeur: Any
    debut: date
    #: Last day in force, None while no later value is known.
    fin: date | None
    source: str
    fiabilite: str
    fichier: str
    article: str = ""
    note: str = ""
    manque: str = ""
    unite: str = ""

    @property
    def etiquette(self) -> str:
        """``[V]``, ``[S]``, ``[K]``… for the maintainers (never shown to users: see :attr:`source_lisible`)."""
        return f"[{self.fiabilite}]"

    @property
    def source_lisible(self) -> str:
        """The citation a reader needs (no reliability tag, no file name: :func:`texte_source`)."""
        return texte_source(self.source)

    @property
    def renseignee(self) -> bool:
        return self.valeur is not None

    def en_vigueur(self, jour: date) -> bool:
        return self.debut <= jour and (self.fin is None or jour <= self.fin)


@dataclass(frozen=True)
class Arbre:
    """Every leaf of every file, by path. Build it with :func:`charger_arbre`."""

    dossier: Path
    feuilles: Mapping[str, tuple[Valeur, ...]]
    #: The raw content of each file (``caleol`` → parsed YAML, CSV rows as dicts), for the typed readers.
    fichiers: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))

    def serie(self, chemin: str) -> tuple[Valeur, ...]:
        """Every dated entry of a leaf, oldest first."""
        try:
            return self.feuilles[chemin]
        except KeyError:
            raise ParametreNonRenseigne(f"Paramètre « {chemin} » inconnu de l'arbre des paramètres.") from None

    def entree(self, chemin: str, jour: date) -> Valeur | None:
        """The entry in force on ``jour`` (``valeur`` may be None when it is known to be missing), else None."""
        for v in self.serie(chemin):
            if v.en_vigueur(jour):
                return v
        return None

    def valeur(self, chemin: str, jour: date) -> Valeur:
        """The value in force on ``jour``; :class:`ParametreNonRenseigne` when none is (or it is missing)."""
        v = self.entree(chemin, jour)
        if v is None:
            raise ParametreNonRenseigne(f"Paramètre « {chemin} » non renseigné au {jour:%d/%m/%Y}.")
        if v.valeur is None:
            detail = f" : {v.manque}" if v.manque else ""
            raise ParametreNonRenseigne(f"Paramètre « {chemin} » non publié au {jour:%d/%m/%Y}{detail}")
        return v

    def enfants(self, chemin: str) -> tuple[str, ...]:
        """Paths of the leaves directly or indirectly under ``chemin``."""
        prefixe = chemin + "."
        return tuple(c for c in self.feuilles if c.startswith(prefixe))

    def en_vigueur(self, chemin: str, jour: date) -> dict[str, Valeur]:
        """``{code: value}`` of the leaves under ``chemin`` in force on ``jour`` (one level below it)."""
        prefixe = chemin + "."
        resultat: dict[str, Valeur] = {}
        for c in self.enfants(chemin):
            v = self.entree(c, jour)
            if v is not None:
                resultat[c[len(prefixe) :]] = v
        return resultat

    def brut(self, fichier: str) -> Any:
        """The parsed content of a file (``"caleol.yaml"``), as the typed readers validate it."""
        try:
            return self.fichiers[fichier]
        except KeyError:
            raise ParametresInvalides(f"{fichier} : fichier absent de {self.dossier}.") from None


# --- schemas -----------------------------------------------------------------------------------------

Verificateur = Callable[[Any, str], None]


def entier(minimum: int = 0) -> Verificateur:
    def verifier(valeur: Any, ou: str) -> None:
        if not isinstance(valeur, int) or isinstance(valeur, bool) or valeur < minimum:
            raise ParametresInvalides(f"{ou} : entier supérieur ou égal à {minimum} attendu, reçu {valeur!r}.")

    return verifier


def decimal_texte(*, part: bool = False) -> Verificateur:
    def verifier(valeur: Any, ou: str) -> None:
        if not isinstance(valeur, str):
            attendu = "part décimale attendue" if part else "nombre décimal attendu"
            raise ParametresInvalides(f'{ou} : {attendu} entre guillemets (ex. "0.30"), reçu {valeur!r}.')
        try:
            nombre = Decimal(valeur)
        except InvalidOperation:
            raise ParametresInvalides(f"{ou} : nombre décimal invalide « {valeur} ».") from None
        if not nombre.is_finite() or nombre < 0 or (part and nombre > 1):
            attendu = "part entre 0 et 1 attendue" if part else "nombre décimal positif attendu"
            raise ParametresInvalides(f"{ou} : {attendu}, reçu « {valeur} ».")

    return verifier


def texte(valeur: Any, ou: str) -> None:
    if not isinstance(valeur, str) or not valeur.strip():
        raise ParametresInvalides(f"{ou} : texte non vide attendu, reçu {valeur!r}.")


def booleen(valeur: Any, ou: str) -> None:
    if not isinstance(valeur, bool):
        raise ParametresInvalides(f"{ou} : vrai ou faux attendu, reçu {valeur!r}.")


def une_date(valeur: Any, ou: str) -> None:
    if not isinstance(valeur, date):
        raise ParametresInvalides(f"{ou} : date AAAA-MM-JJ attendue, reçu {valeur!r}.")


def liste(element: Verificateur | None = None) -> Verificateur:
    def verifier(valeur: Any, ou: str) -> None:
        if not isinstance(valeur, list) or not valeur:
            raise ParametresInvalides(f"{ou} : liste non vide attendue, reçu {valeur!r}.")
        if element is not None:
            for i, e in enumerate(valeur, start=1):
                element(e, f"{ou}[{i}]")

    return verifier


def champs(**attendus: Verificateur) -> Verificateur:
    """A mapping with exactly these keys (a key whose checker accepts None may be left out)."""

    def verifier(valeur: Any, ou: str) -> None:
        if not isinstance(valeur, dict):
            raise ParametresInvalides(f"{ou} : dictionnaire attendu, reçu {valeur!r}.")
        inconnues = sorted(str(k) for k in valeur if k not in attendus)
        if inconnues:
            raise ParametresInvalides(f"{ou} : clé inconnue « {inconnues[0]} » (attendu : {', '.join(attendus)}).")
        for cle, verif in attendus.items():
            if cle not in valeur:
                raise ParametresInvalides(f"{ou} : clé « {cle} » manquante.")
            verif(valeur[cle], f"{ou}, {cle}")

    return verifier


def chaine(valeur: Any, ou: str) -> None:
    """A text, possibly empty (the letter of the DALO priority)."""
    if not isinstance(valeur, str):
        raise ParametresInvalides(f"{ou} : texte attendu, reçu {valeur!r}.")


def libelles(valeur: Any, ou: str) -> None:
    """A list of ``{code, libelle}``."""
    liste(champs(code=texte, libelle=texte))(valeur, ou)


def ou_rien(verif: Verificateur) -> Verificateur:
    def verifier(valeur: Any, ou: str) -> None:
        if valeur is not None:
            verif(valeur, ou)

    return verifier


@dataclass(frozen=True)
class SchemaYaml:
    """The top-level keys a YAML file must hold, and the type of the values of its leaves (glob → checker,
    the glob relative to the file: ``"delai_reponse_offre_jours"``, ``"*"``)."""

    cles: frozenset[str]
    types: Mapping[str, Verificateur] = field(default_factory=dict)
    #: A reference table without dated leaves (served by :meth:`Arbre.brut` only).
    non_date: bool = False


@dataclass(frozen=True)
class SchemaCsv:
    colonnes: tuple[str, ...]
    #: Columns whose values make the path of a leaf (an empty cell reads ``plus``: « T4 et plus »).
    cles: tuple[str, ...]
    debut: str
    #: Column of the last day in force; None: until the next row of the leaf, or the year's end if ``annuel``.
    fin: str | None
    #: Columns of the value: one column gives a scalar, several a mapping.
    valeur: tuple[str, ...]
    types: Mapping[str, Verificateur] = field(default_factory=dict)
    #: A row holds for the calendar year of its ``debut`` only (never carried to another year).
    annuel: bool = False


def _cles(*noms: str) -> frozenset[str]:
    return frozenset(noms)


_BORNE = entier(0)
SCHEMAS: Mapping[str, SchemaYaml | SchemaCsv] = MappingProxyType(
    {
        "adequation_typologie.yaml": SchemaYaml(_cles("sous_occupation", "sur_occupation", "typologie_par_taille")),
        "bornes_saisie.yaml": SchemaYaml(
            _cles(
                "naissance_age_max_annees",
                "naissance_prevue_mois_max",
                "date_future_annees_max",
                "dalo_premiere_decision",
                "annee_revenu_fiscal_min",
                "montant_mensuel_max_eur",
                "revenu_annuel_max_eur",
                "surface_max_m2",
                "pieces_max",
                "personnes_max",
                "texte_long_max",
            ),
            {"dalo_premiere_decision": une_date, "*": entier(1)},
        ),
        "caleol.yaml": SchemaYaml(
            _cles(
                "candidats_minimum",
                "exceptions_candidats_minimum",
                "delai_reponse_offre_jours",
                "types_decision",
                "voix_par_qualite",
                "quorum_defaut",
                "majorite",
                "voix_preponderante",
                "seance_a_distance",
                "suppleants_par_logement",
            ),
            {
                "candidats_minimum": entier(1),
                "exceptions_candidats_minimum": libelles,
                "delai_reponse_offre_jours": entier(1),
                "types_decision": libelles,
                "quorum_defaut": champs(numerateur=entier(1), denominateur=entier(1)),
                "majorite": texte,
                "voix_preponderante": champs(qualites=liste(texte), a_defaut_president=booleen),
                "seance_a_distance": champs(presence_a_distance_compte_quorum=booleen),
                "suppleants_par_logement": entier(0),
            },
        ),
        "categories_menage.yaml": SchemaYaml(
            _cles(
                "jeune_menage_somme_ages_max",
                "majoration_handicap_categories",
                "categorie_max",
                "baisse_revenus_minimum",
            ),
            {"baisse_revenus_minimum": decimal_texte(part=True), "*": entier(0)},
        ),
        "cia.yaml": SchemaYaml(_cles("travailleurs_essentiels")),
        "conservation.yaml": SchemaYaml(
            _cles(
                "demandes_radiees_mois",
                "pieces_justificatives_apres_radiation_mois",
                "journal_mois",
                "comptes_inactifs_mois",
            ),
            {"*": entier(1)},
        ),
        "cycle_demande.yaml": SchemaYaml(
            _cles(
                "validite",
                "preavis_renouvellement",
                "delai_enregistrement",
                "doublons_seuil_similarite",
                "renouvellement_en_ligne",
            ),
            {
                "validite": entier(1),
                "preavis_renouvellement": entier(1),
                "delai_enregistrement": entier(1),
                "renouvellement_en_ligne": entier(1),
            },
        ),
        "estimations_patrimoine.yaml": SchemaYaml(
            _cles("loyer_m2", "surfaces_par_pieces", "regroupement", "communes_fichier_adresses", "graine")
        ),
        "flux.yaml": SchemaYaml(
            _cles(
                "plafond_part_etat",
                "plafond_part_agents_etat",
                "exclusions_assiette",
                "reserves_stock",
                "delai_proposition_defaut",
                "groupes_typologie",
                "bilan_annuel_date_limite",
            ),
            {
                "plafond_part_etat": decimal_texte(part=True),
                "plafond_part_agents_etat": decimal_texte(part=True),
                "exclusions_assiette.*": champs(code=texte, libelle=texte),
                "reserves_stock.*": champs(code=texte, libelle=texte),
                "delai_proposition_defaut": entier(1),
                "bilan_annuel_date_limite": champs(mois=entier(1), jour=entier(1)),
            },
        ),
        "siad.yaml": SchemaYaml(
            _cles("rendez_vous_conservation_jours", "publier_parts_reservataires"),
            {"rendez_vous_conservation_jours": entier(1), "publier_parts_reservataires": booleen},
        ),
        "information_demandeur.yaml": SchemaYaml(
            _cles(
                "similarite",
                "fenetre_attente",
                "effectif_minimal_attente",
                "effectif_minimal_position",
                "pas_position",
                "alerte_position",
            ),
            {
                "similarite": champs(dimensions=liste(texte), libelle=texte, libelle_attente=texte),
                "fenetre_attente": entier(1),
                "effectif_minimal_attente": entier(1),
                "effectif_minimal_position": entier(1),
                "pas_position": entier(1),
                "alerte_position": champs(tranches_minimum=entier(1), intervalle_minimal_jours=entier(0)),
            },
        ),
        "labellisation.yaml": SchemaYaml(
            _cles("types_label"),
            {
                "types_label.*": champs(
                    code=texte,
                    libelle=texte,
                    priorite_legale=ou_rien(texte),
                    duree_mois=ou_rien(entier(1)),
                    renouvellement_jours=entier(0),
                    proposants=liste(texte),
                    validateur=texte,
                    sensible=booleen,
                )
            },
        ),
        "location_voulue.yaml": SchemaYaml(
            _cles(
                "duree_publication_jours",
                "candidatures_ouvertes_maximum",
                "candidats_presentes",
                "suspension_apres_refus",
                "resultat_tranche_points",
            ),
            {
                "duree_publication_jours": entier(1),
                "candidatures_ouvertes_maximum": entier(1),
                "candidats_presentes": entier(1),
                "suspension_apres_refus": champs(seuil=entier(1), fenetre_mois=entier(1), duree_mois=entier(1)),
                "resultat_tranche_points": entier(1),
            },
        ),
        "majoration_pls.yaml": SchemaYaml(_cles("coefficient_pls"), {"coefficient_pls": decimal_texte()}),
        "objectifs_attribution.yaml": SchemaYaml(
            _cles(
                "q1_hors_qpv",
                "non_q1_en_qpv",
                "prioritaires_par_reservataire",
                "residences_fragiles",
                "valeur_candidature",
            )
        ),
        "pieces_justificatives.yaml": SchemaYaml(_cles("versions")),
        "priorites_l441_1.yaml": SchemaYaml(
            _cles("version", "source", "priorites"),
            {"priorites.*": champs(code=texte, lettre=chaine, libelle=texte, sensible=booleen, ordre=entier(0))},
        ),
        "qualification_parc.yaml": SchemaYaml(_cles("libelles_notes", "demo")),
        "rpls_financements.yaml": SchemaYaml(
            _cles("texte", "date_texte", "fiabilite_libelles", "fiabilite_regroupement", "codes"), non_date=True
        ),
        "seuils_q1.yaml": SchemaYaml(_cles("arretes", "seuils")),
        "taux_effort.yaml": SchemaYaml(
            _cles(
                "formule_taux_effort",
                "taux_effort_maximum",
                "reste_a_vivre_minimum_mensuel_par_uc",
                "forfait_charges_aide_logement",
            ),
            {"taux_effort_maximum": decimal_texte(part=True), "reste_a_vivre_minimum_mensuel_par_uc": decimal_texte()},
        ),
        "travailleurs_essentiels.yaml": SchemaYaml(_cles("versions")),
        "unites_consommation.yaml": SchemaYaml(_cles("echelle")),
        "zones_plafonds.yaml": SchemaYaml(
            _cles("sources", "paris_communes_limitrophes", "ile_de_france", "autres_regions")
        ),
        "plafonds_ressources.csv": SchemaCsv(
            colonnes=("financement", "zone", "categorie", "date_effet", "plafond_annuel_eur", "source", "fiabilite"),
            cles=("financement", "zone", "categorie"),
            debut="date_effet",
            fin=None,
            valeur=("plafond_annuel_eur",),
            types={"plafond_annuel_eur": entier(1)},
            annuel=True,
        ),
        "delai_anormalement_long.csv": SchemaCsv(
            colonnes=(
                "departement",
                "typologie_min",
                "typologie_max",
                "mois",
                "date_debut",
                "date_fin",
                "source",
                "fiabilite",
            ),
            cles=("departement", "typologie_min", "typologie_max"),
            debut="date_debut",
            fin="date_fin",
            valeur=("mois",),
            types={"mois": entier(1)},
        ),
        "delai_anormalement_long_departements.csv": SchemaCsv(
            colonnes=("departement", "nom", "etat", "etat_au", "source", "fiabilite"),
            cles=("departement",),
            debut="etat_au",
            fin=None,
            valeur=("nom", "etat"),
        ),
    }
)


# --- loading -----------------------------------------------------------------------------------------


def charger_arbre(dossier: Path | str | None = None) -> Arbre:
    """The tree of every parameter file of ``dossier`` (default ``<repo>/data/parametres``), read once."""
    chemin = Path(dossier).resolve() if dossier is not None else DOSSIER_PAR_DEFAUT
    return _charger(chemin)


def valeur(chemin: str, jour: date, *, dossier: Path | str | None = None) -> Valeur:
    """The value of ``chemin`` (``"caleol.delai_reponse_offre_jours"``) in force on ``jour``, with its period,
    source and reliability. Raises :class:`ParametreNonRenseigne` (French message) when none is in force."""
    return charger_arbre(dossier).valeur(chemin, jour)


def vider_cache() -> None:
    """Forget the parsed files (tests that write a folder of their own under the same path)."""
    _charger.cache_clear()


@lru_cache(maxsize=8)
def _charger(dossier: Path) -> Arbre:
    if not dossier.is_dir():
        raise ParametresInvalides(f"Dossier de paramètres absent : {dossier}.")
    presents = sorted(p.name for p in dossier.iterdir() if p.suffix in (".yaml", ".yml", ".csv"))
    inconnus = [n for n in presents if n not in SCHEMAS]
    if inconnus:
        raise ParametresInvalides(
            f"{inconnus[0]} : fichier sans schéma ; déclarez-le dans attrib/engine/parametres/arbre.py (SCHEMAS)."
        )
    feuilles: dict[str, tuple[Valeur, ...]] = {}
    fichiers: dict[str, Any] = {}
    for nom in presents:
        schema = SCHEMAS[nom]
        racine = nom.rsplit(".", 1)[0]
        if isinstance(schema, SchemaCsv):
            fichiers[nom], lues = _lire_csv(dossier / nom, racine, schema)
        else:
            fichiers[nom], lues = _lire_yaml(dossier / nom, racine, schema)
        feuilles.update(lues)
    return Arbre(dossier=dossier, feuilles=MappingProxyType(feuilles), fichiers=MappingProxyType(fichiers))


def _lire_yaml(chemin: Path, racine: str, schema: SchemaYaml) -> tuple[Any, dict[str, tuple[Valeur, ...]]]:
    try:
        with chemin.open(encoding="utf-8") as f:
            contenu = yaml.load(f, Loader=_CHARGEUR)  # noqa: S506 (a safe loader: C or pure Python)
    except (yaml.YAMLError, ValueError) as exc:  # ValueError: a date such as 2015-13-01
        raise ParametresInvalides(f"{chemin.name} : YAML illisible ({exc}).") from None
    if not isinstance(contenu, dict):
        raise ParametresInvalides(f"{chemin.name} : un dictionnaire de paramètres est attendu.")
    manquantes = sorted(schema.cles - set(contenu))
    if manquantes:
        raise ParametresInvalides(f"{chemin.name} : clé « {manquantes[0]} » manquante.")
    inconnues = sorted(str(c) for c in set(contenu) - schema.cles)
    if inconnues:
        raise ParametresInvalides(f"{chemin.name} : clé « {inconnues[0]} » inconnue du schéma.")
    lecteur = _LecteurYaml(chemin.name, racine, contenu, schema.types)
    lecteur.parcourir(contenu, (), _Heritage())
    if not lecteur.feuilles and not schema.non_date:
        raise ParametresInvalides(f"{chemin.name} : aucune valeur datée.")
    for motif in schema.types:
        if "*" not in motif and f"{racine}.{motif}" not in lecteur.feuilles:
            raise ParametresInvalides(f"{chemin.name}, {motif} : liste de valeurs datées attendue.")
    return contenu, lecteur.feuilles


@dataclass(frozen=True)
class _Heritage:
    source: str = ""
    fiabilite: str = ""


class _LecteurYaml:
    def __init__(self, fichier: str, racine: str, contenu: dict[str, Any], types: Mapping[str, Verificateur]) -> None:
        self.fichier = fichier
        self.types = types
        self.racine = racine
        self.feuilles: dict[str, tuple[Valeur, ...]] = {}
        self.references: dict[str, str] = {}
        # A file may list its sources once (``sources: [{id, titre, url}]``) and cite them by id.
        references = contenu.get("sources")
        for ref in references if isinstance(references, list) else []:
            if isinstance(ref, dict) and isinstance(ref.get("id"), str):
                titre = " ".join(str(ref.get("titre") or "").split())
                url = str(ref.get("url") or "")
                self.references[ref["id"]] = f"{titre} {url}".strip()

    def ou(self, cles: Sequence[str]) -> str:
        return f"{self.fichier}, {'.'.join(cles)}" if cles else self.fichier

    def chemin(self, cles: Sequence[str]) -> str:
        return ".".join((self.racine, *cles))

    def parcourir(self, noeud: Any, cles: tuple[str, ...], heritage: _Heritage) -> None:
        if isinstance(noeud, dict):
            if cles and "fiabilite" in noeud and not _date_de(noeud):
                # A leaf in force at every date (estimation, labels): its value is the mapping itself.
                self.ajouter(cles, [(noeud, self.ou(cles))], heritage, toujours=True)
                return
            source = noeud.get("source")
            heritage = _Heritage(
                source=" ".join(source.split()) if isinstance(source, str) and source.strip() else heritage.source,
                fiabilite=str(noeud.get("fiabilite") or heritage.fiabilite),
            )
            for cle, enfant in noeud.items():
                if cle in ("source", "sources", "fiabilite"):
                    continue
                self.parcourir(enfant, (*cles, str(cle)), heritage)
        elif isinstance(noeud, list) and noeud and all(isinstance(e, dict) for e in noeud):
            datees = [any(k in e for k in ("date_effet", "date_debut", "annee")) for e in noeud]
            if not any(datees):
                return  # a reference list (codes, sources): raw data, served by Arbre.brut
            if not all(datees):
                i = datees.index(False) + 1
                raise ParametresInvalides(f"{self.ou(cles)}[{i}] : « date_effet » manquante ou invalide (AAAA-MM-JJ).")
            cle_liste = next((k for k in CLES_DE_LISTE if all(k in e for e in noeud)), None)
            if cle_liste is None:
                self.ajouter(cles, [(e, f"{self.ou(cles)}[{i}]") for i, e in enumerate(noeud, start=1)], heritage)
                return
            groupes: dict[str, list[tuple[dict[str, Any], str]]] = {}
            for i, e in enumerate(noeud, start=1):
                code = str(e[cle_liste])
                if not code or "." in code:
                    raise ParametresInvalides(f"{self.ou(cles)}[{i}] : {cle_liste} « {code} » invalide.")
                groupes.setdefault(code, []).append((e, f"{self.ou(cles)}[{i}]"))
            for code, entrees in groupes.items():
                dates = [_date_de(e) and _periode(e, ou)[0] for e, ou in entrees]
                if len(set(dates)) != len(dates):
                    raise ParametresInvalides(f"{entrees[-1][1]} : {cle_liste} « {code} » en double à la même date.")
                self.ajouter((*cles, code), entrees, heritage)

    def ajouter(
        self,
        cles: tuple[str, ...],
        entrees: list[tuple[dict[str, Any], str]],
        heritage: _Heritage,
        *,
        toujours: bool = False,
    ) -> None:
        chemin = self.chemin(cles)
        valeurs = [self.valeur(chemin, cles, e, ou, heritage, toujours=toujours) for e, ou in entrees]
        self.feuilles[chemin] = _serie(valeurs, self.ou(cles))

    def valeur(
        self,
        chemin: str,
        cles: tuple[str, ...],
        entree: dict[str, Any],
        ou: str,
        heritage: _Heritage,
        *,
        toujours: bool,
    ) -> Valeur:
        debut, fin = (date.min, None) if toujours else _periode(entree, ou)
        fiabilite = str(entree.get("fiabilite") or heritage.fiabilite)
        if fiabilite not in FIABILITES:
            raise ParametresInvalides(f"{ou} : fiabilité « {fiabilite} » inconnue (attendu : {', '.join(FIABILITES)}).")
        # An entry dated by ``annee`` keeps its own ``date_effet`` (that of an arrêté) in its value.
        meta = METADONNEES - {"date_effet", "date_fin"} if "annee" in entree else METADONNEES
        brute = entree["valeur"] if "valeur" in entree else {k: v for k, v in entree.items() if k not in meta}
        manque = " ".join(str(entree.get("manque") or "").split())
        source = self.source(entree, ou, heritage)
        if not source and not (brute is None and manque):
            raise ParametresInvalides(f"{ou} : « source » vide ; toute valeur doit citer sa source.")
        if brute is None and not manque:
            raise ParametresInvalides(f"{ou} : valeur absente sans « manque » qui dise ce qui manque.")
        relatif = ".".join(cles)
        verif = next((v for motif, v in self.types.items() if fnmatch.fnmatchcase(relatif, motif)), None)
        if verif is not None and brute is not None:
            verif(brute, f"{ou}, valeur")
        unite = str(entree.get("unite") or next((u for u in UNITES if cles[-1].endswith("_" + u)), ""))
        if unite and unite not in UNITES:
            raise ParametresInvalides(f"{ou} : unité « {unite} » inconnue (attendu : {', '.join(UNITES)}).")
        return Valeur(
            chemin=chemin,
            valeur=brute,
            debut=debut,
            fin=fin,
            source=source or manque,
            fiabilite=fiabilite,
            fichier=self.fichier,
            article=str(entree.get("article") or entree.get("base_legale") or ""),
            note=" ".join(str(entree.get("note") or "").split()),
            manque=manque,
            unite=unite,
        )

    def source(self, entree: dict[str, Any], ou: str, heritage: _Heritage) -> str:
        if isinstance(entree.get("source"), str) and entree["source"].strip():
            return " ".join(entree["source"].split())
        if isinstance(entree.get("sources"), list):
            textes = []
            for ref in entree["sources"]:
                if ref not in self.references:
                    raise ParametresInvalides(f"{ou} : source « {ref} » absente de la liste « sources » du fichier.")
                textes.append(self.references[ref])
            return " ; ".join(t for t in textes if t)
        for cle in ("base_legale", "article", "justification", "selection"):
            if isinstance(entree.get(cle), str) and entree[cle].strip():
                return " ".join(entree[cle].split())
        return heritage.source


def _date_de(entree: dict[str, Any]) -> bool:
    return any(isinstance(entree.get(k), date) for k in ("date_effet", "date_debut")) or (
        isinstance(entree.get("annee"), int) and not isinstance(entree.get("annee"), bool)
    )


def _periode(entree: dict[str, Any], ou: str) -> tuple[date, date | None]:
    annee = entree.get("annee")
    if isinstance(annee, int) and not isinstance(annee, bool):
        return date(annee, 1, 1), date(annee, 12, 31)
    debut = entree.get("date_effet", entree.get("date_debut"))
    if not isinstance(debut, date):
        raise ParametresInvalides(f"{ou} : « date_effet » manquante ou invalide (AAAA-MM-JJ).")
    fin = entree.get("date_fin")
    if fin is not None and not isinstance(fin, date):
        raise ParametresInvalides(f"{ou} : « date_fin » invalide (AAAA-MM-JJ).")
    if fin is not None and fin < debut:
        raise ParametresInvalides(f"{ou} : date_fin {fin} antérieure à la date d'effet {debut}.")
    return debut, fin


def _serie(valeurs: list[Valeur], ou: str) -> tuple[Valeur, ...]:
    """Sort by first day; an entry without end runs until the day before the next one; no two overlap."""
    ordonnees = sorted(valeurs, key=lambda v: v.debut)
    resultat: list[Valeur] = []
    for i, v in enumerate(ordonnees):
        suivante = ordonnees[i + 1] if i + 1 < len(ordonnees) else None
        if suivante is not None and suivante.debut == v.debut:
            raise ParametresInvalides(f"{ou} : deux valeurs à la même date d'effet ({v.debut:%d/%m/%Y}).")
        if suivante is not None and v.fin is None:
            v = _avec_fin(v, suivante.debut - timedelta(days=1))
        if suivante is not None and v.fin is not None and v.fin >= suivante.debut:
            raise ParametresInvalides(
                f"{ou} : la valeur du {v.debut:%d/%m/%Y} court jusqu'au {v.fin:%d/%m/%Y}, après le début de la "
                f"suivante ({suivante.debut:%d/%m/%Y})."
            )
        resultat.append(v)
    return tuple(resultat)


def _avec_fin(v: Valeur, fin: date) -> Valeur:
    return Valeur(
        chemin=v.chemin,
        valeur=v.valeur,
        debut=v.debut,
        fin=fin,
        source=v.source,
        fiabilite=v.fiabilite,
        fichier=v.fichier,
        article=v.article,
        note=v.note,
        manque=v.manque,
        unite=v.unite,
    )


def _lire_csv(chemin: Path, racine: str, schema: SchemaCsv) -> tuple[Any, dict[str, tuple[Valeur, ...]]]:
    with chemin.open(encoding="utf-8", newline="") as f:
        lecteur = csv.DictReader(f)
        entete = tuple(lecteur.fieldnames or ())
        if entete != schema.colonnes:
            raise ParametresInvalides(
                f"{chemin.name}, ligne 1 : colonnes {', '.join(entete) or '(aucune)'} ; "
                f"attendu : {', '.join(schema.colonnes)}."
            )
        lignes = list(enumerate(lecteur, start=2))
    groupes: dict[str, list[Valeur]] = {}
    brutes: list[dict[str, str]] = []
    vues: dict[tuple[str, date], int] = {}
    for numero, ligne in lignes:
        ou = f"{chemin.name}, ligne {numero}"
        if None in ligne or any(v is None for v in ligne.values()):
            raise ParametresInvalides(f"{ou} : nombre de colonnes incorrect.")
        propre = {k: v.strip() for k, v in ligne.items()}
        brutes.append(propre)
        debut = _date_csv(propre[schema.debut], f"{ou}, {schema.debut}")
        fin: date | None
        if schema.annuel:
            fin = date(debut.year, 12, 31)
        elif schema.fin and propre[schema.fin]:
            fin = _date_csv(propre[schema.fin], f"{ou}, {schema.fin}")
        else:
            fin = None
        if fin is not None and fin < debut:
            raise ParametresInvalides(f"{ou} : fin {fin} antérieure au début {debut}.")
        if not propre["source"]:
            raise ParametresInvalides(f"{ou} : colonne « source » vide ; toute valeur légale doit citer sa source.")
        if propre["fiabilite"] not in FIABILITES_LEGALES:
            raise ParametresInvalides(
                f"{ou} : fiabilité « {propre['fiabilite']} » inconnue (attendu : {', '.join(FIABILITES_LEGALES)})."
            )
        valeurs: dict[str, Any] = {}
        for colonne in schema.valeur:
            brut: Any = propre[colonne]
            verif = schema.types.get(colonne)
            if verif is not None:
                brut = _entier_csv(brut, ou)
                verif(brut, f"{ou}, {colonne}")
            valeurs[colonne] = brut
        chemin_feuille = ".".join((racine, *(propre[c] or "plus" for c in schema.cles)))
        cle_ligne = (chemin_feuille, debut)
        if cle_ligne in vues:
            raise ParametresInvalides(
                f"{ou} : en double avec la ligne {vues[cle_ligne]} "
                f"({', '.join(propre[c] for c in schema.cles)}, {debut.year if schema.annuel else debut})."
            )
        vues[cle_ligne] = numero
        groupes.setdefault(chemin_feuille, []).append(
            Valeur(
                chemin=chemin_feuille,
                valeur=valeurs[schema.valeur[0]] if len(schema.valeur) == 1 else valeurs,
                debut=debut,
                fin=fin,
                source=propre["source"],
                fiabilite=propre["fiabilite"],
                fichier=chemin.name,
                unite="mois" if schema.valeur == ("mois",) else "",
            )
        )
    return brutes, {c: _serie(v, f"{chemin.name}, {c}") for c, v in groupes.items()}


def _date_csv(texte_: str, ou: str) -> date:
    try:
        return date.fromisoformat(texte_)
    except ValueError:
        raise ParametresInvalides(f"{ou} : date « {texte_} » invalide (format AAAA-MM-JJ attendu).") from None


def _entier_csv(texte_: str, ou: str) -> int:
    try:
        return int(texte_)
    except ValueError:
        raise ParametresInvalides(f"{ou} : nombre entier attendu, reçu « {texte_} ».") from None


def parcourir(arbre: Arbre) -> Iterator[Valeur]:
    """Every entry of every leaf (the tests check each one's source and reliability)."""
    for serie in arbre.feuilles.values():
        yield from serie


__all__ = [
    "DOSSIER_PAR_DEFAUT",
    "FIABILITES",
    "SCHEMAS",
    "Arbre",
    "SchemaCsv",
    "SchemaYaml",
    "Valeur",
    "charger_arbre",
    "parcourir",
    "valeur",
    "vider_cache",
]
