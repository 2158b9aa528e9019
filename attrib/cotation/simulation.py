"""Simulation before adoption: a grid version run on the current demand file beside the published one.

:func:`simuler` scores the demands the version would score if it were published (same population
rules as the publication, ``attrib.cotation.calcul.populations``) with the version and with the
published version of the same grid, and compares:

* the **score distributions** (a histogram with common classes);
* the **rank shifts** within each typology on the territory (largest moves, and a summary);
* the **shares** of DALO households, of each declared L441-1 priority and of first-quartile households
  among all demands, in the top 10 % (all typologies) and in the top N of each typology;
* the **criteria that drive the differences** (mean points per demand with each grid, and among the
  demands entering the top 10 %).

First quartile: the engine's rule (:mod:`attrib.engine.q1`): the official threshold of the grid's EPCI for
the year when the dated data holds it; otherwise the first quartile, by the arrêté's rank rule (the
⌈n/4⌉-th smallest), of the annual resources per consumption unit of the demands simulated, said as such.
A household is Q1 when its resources per UC are at most the threshold.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl

from attrib.cotation import calcul
from attrib.cotation.colonnes import DEMANDE_ID, colonnes_cotation_isolees
from attrib.cotation.controle import Controle, controler_cadre
from attrib.cotation.models import VersionGrille
from attrib.demandes import quartile
from attrib.demandes.models import PrioriteLegale
from attrib.engine import deriver, q1
from attrib.engine.cotation import Grille, classer, colonnes_detail
from attrib.engine.derivations import lignes_invalides
from attrib.engine.erreurs import ErreurMoteur, PlafondNonRenseigne

PART_TETE = 0.10
NB_CLASSES = 12
NB_DEPLACEMENTS = 20
TYPOLOGIE = calcul.TYPOLOGIE


@dataclass(frozen=True)
class Classe:
    debut: int
    fin: int
    reference: int | None
    projet: int


@dataclass(frozen=True)
class Barre:
    x: float
    y: float
    largeur: float
    hauteur: float
    titre: str
    serie: str


@dataclass(frozen=True)
class Graduation:
    position: float
    texte: str


@dataclass(frozen=True)
class Histogramme:
    """Geometry of the SVG chart (drawn by ``cotation/_histogramme.html``) and its data."""

    classes: tuple[Classe, ...]
    barres: tuple[Barre, ...]
    graduations_x: tuple[Graduation, ...]
    graduations_y: tuple[Graduation, ...]
    largeur: int = 720
    hauteur: int = 300
    gauche: int = 60
    bas: int = 250
    haut: int = 20
    droite: int = 700


@dataclass(frozen=True)
class Deplacement:
    demande_id: int
    numero_unique: str
    typologie: int
    rang_reference: int
    rang_projet: int
    score_reference: int
    score_projet: int

    @property
    def ecart(self) -> int:
        """Places gained (positive) or lost with the version simulated."""
        return self.rang_reference - self.rang_projet


@dataclass(frozen=True)
class Part:
    libelle: str
    effectif: int
    population: float
    tete_reference: float | None
    tete_projet: float
    top_n_reference: float | None
    top_n_projet: float


@dataclass(frozen=True)
class PartTypologie:
    typologie: int
    effectif: int
    dalo_reference: int | None
    dalo_projet: int
    priorites_reference: int | None
    priorites_projet: int
    q1_reference: int | None
    q1_projet: int


@dataclass(frozen=True)
class Moteur:
    id: str
    libelle: str
    moyenne_reference: float | None
    moyenne_projet: float
    part_reference: float | None
    part_projet: float
    ecart_entrants: float | None

    @property
    def ecart(self) -> float:
        return self.moyenne_projet - (self.moyenne_reference or 0.0)


@dataclass(frozen=True)
class Resume:
    moyenne_reference: float | None
    moyenne_projet: float
    mediane_reference: float | None
    mediane_projet: float
    ecart_moyen: float | None
    part_inchanges: float | None
    part_plus_10: float | None
    entrants_tete: int | None
    taille_tete: int


@dataclass(frozen=True)
class Simulation:
    version: VersionGrille
    reference: VersionGrille | None
    date_reference: date
    effectif: int
    top_n: int
    resume: Resume
    histogramme: Histogramme
    deplacements: tuple[Deplacement, ...]
    parts: tuple[Part, ...]
    par_typologie: tuple[PartTypologie, ...]
    seuil_q1: float | None
    moteurs: tuple[Moteur, ...]
    #: Where the threshold comes from: ``officiel`` (the arrêté, ``seuil_q1_source``) or ``calcule``.
    seuil_q1_origine: str = q1.CALCULE
    seuil_q1_source: str = ""
    #: Demands of the population left out because their data cannot be scored (named, with the reason).
    ecartees: tuple[calcul.DemandeEcartee, ...] = ()
    #: Grid lint on the simulated demands (values unknown for every demand, criteria no demand meets).
    controle: Controle | None = None


# --- scoring both grids ----------------------------------------------------------------------------


def _scores(frame: pl.DataFrame, grille: Grille, jour: date) -> pl.DataFrame:
    """``score``, the rank within typology, the overall rank and the provisional detail of each demand."""
    prepare, scores, rangs = calcul.coter_frame(frame, grille, jour=jour)
    cles = list(dict.fromkeys([c.champ for c in grille.departage]))
    base = pl.concat([prepare.select(cles), scores.select("score")], how="horizontal")
    general = classer(base, grille)["rang"]
    detail = [c for c in colonnes_detail(grille) if not c.startswith(calcul.PREFIXE_VALIDE)]
    return pl.concat(
        [
            scores.select("score"),
            rangs.select("rang_territoire"),
            general.alias("rang_general").to_frame(),
            scores.select(detail),
        ],
        how="horizontal",
    )


def _revenu_par_uc(frame: pl.DataFrame, jour: date) -> pl.Series | None:
    if "revenu_annuel_par_uc" in frame.columns:
        return frame["revenu_annuel_par_uc"]
    # Resources per consumption unit do not depend on the ceilings the engine derives with them: the
    # previous year's ceilings do when the year's are not published yet. A row the engine refuses has
    # no value (it does not stop the others).
    try:
        refusees = [i for i, _ in lignes_invalides(frame, date_reference=jour)]
    except ErreurMoteur:
        return None
    valides = frame.with_row_index("\u00a7i").filter(~pl.col("\u00a7i").is_in(refusees))
    for annee in (jour.year, jour.year - 1):
        try:
            derivees = deriver(valides, date_reference=jour, annee_plafonds=annee, financements=("PLUS",))
        except PlafondNonRenseigne:
            continue
        except ErreurMoteur:
            return None
        par_ligne = (
            frame.with_row_index("\u00a7i")
            .select("\u00a7i")
            .join(derivees.select("\u00a7i", "revenu_annuel_par_uc"), on="\u00a7i", how="left", maintain_order="left")
        )
        return par_ligne["revenu_annuel_par_uc"]
    return None


# --- figures -----------------------------------------------------------------------------------------


def _pas(etendue: float) -> int:
    brut = max(etendue / NB_CLASSES, 1.0)
    puissance = 10 ** math.floor(math.log10(brut))
    for facteur in (1, 2, 2.5, 5, 10):
        if facteur * puissance >= brut:
            return max(1, int(facteur * puissance))
    return int(10 * puissance)


def _classes(projet: list[int], reference: list[int] | None) -> list[Classe]:
    valeurs = projet + (reference or [])
    if not valeurs:
        return []
    bas, haut = min(valeurs), max(valeurs)
    pas = _pas(haut - bas)
    debut = math.floor(bas / pas) * pas
    nombre = max(1, math.floor((haut - debut) / pas) + 1)

    def compter(scores: list[int]) -> list[int]:
        comptes = [0] * nombre
        for s in scores:
            comptes[min(nombre - 1, (s - debut) // pas)] += 1
        return comptes

    p = compter(projet)
    r = compter(reference) if reference is not None else None
    return [
        Classe(debut + i * pas, debut + (i + 1) * pas - 1, None if r is None else r[i], p[i]) for i in range(nombre)
    ]


def _maximum_rond(n: int) -> int:
    if n <= 5:
        return 5
    puissance = 10 ** math.floor(math.log10(n))
    for facteur in (1, 2, 2.5, 5, 10):
        if facteur * puissance >= n:
            return int(facteur * puissance)
    return n


def histogramme(classes: list[Classe]) -> Histogramme:
    h = Histogramme((), (), (), ())
    largeur_utile = h.droite - h.gauche
    hauteur_utile = h.bas - h.haut
    maximum = _maximum_rond(max([c.projet for c in classes] + [c.reference or 0 for c in classes] + [1]))
    bande = largeur_utile / max(len(classes), 1)
    deux = any(c.reference is not None for c in classes)
    barres = []
    for i, c in enumerate(classes):
        x0 = h.gauche + i * bande
        series = [("reference", c.reference), ("projet", c.projet)] if deux else [("projet", c.projet)]
        largeur = bande * (0.4 if deux else 0.7)
        for k, (serie, n) in enumerate(series):
            if n is None:
                continue
            hauteur = hauteur_utile * n / maximum
            nom = "grille publiée" if serie == "reference" else "version simulée"
            barres.append(
                Barre(
                    x=round(x0 + bande * 0.1 + k * largeur, 2),
                    y=round(h.bas - hauteur, 2),
                    largeur=round(largeur, 2),
                    hauteur=round(hauteur, 2),
                    titre=f"De {c.debut} à {c.fin} points : {n} demande{'s' if n > 1 else ''} ({nom})",
                    serie=serie,
                )
            )
    pas_etiquette = max(1, math.ceil(len(classes) / 8))
    graduations_x = tuple(
        Graduation(round(h.gauche + i * bande, 2), str(c.debut))
        for i, c in enumerate(classes)
        if i % pas_etiquette == 0
    )
    graduations_y = tuple(
        Graduation(round(h.bas - hauteur_utile * k / 4, 2), str(round(maximum * k / 4))) for k in range(5)
    )
    return Histogramme(tuple(classes), tuple(barres), graduations_x, graduations_y)


def _moyenne(serie: pl.Series) -> float:
    valeur: Any = serie.mean()
    return float(valeur) if valeur is not None else 0.0


def _mediane(serie: pl.Series) -> float:
    valeur: Any = serie.median()
    return float(valeur) if valeur is not None else 0.0


def _part(masque: pl.Series, selection: pl.Series) -> float:
    n = int(selection.sum())
    return float((masque & selection).sum()) / n if n else 0.0


def _priorites_en_vigueur(jour: date) -> list[PrioriteLegale]:
    return list(
        PrioriteLegale.objects.filter(date_debut__lte=jour)
        .exclude(date_fin__lt=jour)
        .exclude(code="dalo")
        .order_by("ordre", "code")
    )


def simuler(version: VersionGrille, *, jour: date, top_n: int = 10) -> Simulation:
    """Compare ``version`` with the published version of its grid on the current demands (no write)."""
    organisation = version.grille.organisation
    versions = calcul.versions_publiees(organisation)
    publiee = versions.get(version.grille.type)
    reference = publiee if publiee is not None and publiee.pk != version.pk else None
    versions[version.grille.type] = version
    qs = next(q for v, q in calcul.populations(organisation, versions) if v.pk == version.pk)
    # A demand that cannot be read or scored by either grid is left out of both, and named.
    frame, illisibles = colonnes_cotation_isolees(list(qs.values_list("pk", flat=True)), jour=jour)
    numeros = calcul.numeros_uniques([pk for pk, _ in illisibles])
    ecartees = [calcul.DemandeEcartee(pk, numeros.get(pk, str(pk)), motif) for pk, motif in illisibles]
    grilles = [g.charger() for g in (version, reference) if g is not None]
    frame, refusees = calcul.ecarter_refusees(frame, grilles, jour=jour)
    ecartees = sorted(ecartees + refusees, key=lambda e: e.numero_unique)
    projet = _scores(frame, version.charger(), jour)
    ref = _scores(frame, reference.charger(), jour) if reference is not None else None
    n = frame.height
    taille_tete = max(1, math.ceil(n * PART_TETE)) if n else 0

    tete_p = projet["rang_general"] <= taille_tete
    top_p = projet["rang_territoire"] <= top_n
    tete_r = ref["rang_general"] <= taille_tete if ref is not None else None
    top_r = ref["rang_territoire"] <= top_n if ref is not None else None

    revenus = _revenu_par_uc(frame, jour)
    officiel = (
        quartile.seuil_officiel(epci_siren=organisation.epci_id, annee=jour.year)
        if organisation.epci_id is not None
        else None
    )
    retenu = q1.seuil_retenu(
        officiel=officiel.valeur if officiel is not None else None,
        revenus_par_uc=lambda: revenus.to_list() if revenus is not None else [],
    )
    seuil_q1 = retenu.valeur
    groupes: list[tuple[str, pl.Series]] = [("Ménages reconnus DALO", frame["dalo_reconnu"].fill_null(False))]
    priorites = frame["priorites"]
    for p in _priorites_en_vigueur(jour):
        libelle = f"Priorité {p.lettre}) L441-1" if p.lettre else p.libelle
        groupes.append((f"{libelle} — {p.libelle[:80]}", priorites.list.contains(p.code).fill_null(False)))
    une_priorite = priorites.list.len().fill_null(0) > 0
    masque_q1 = (
        q1.appartient_colonne(revenus, seuil_q1).fill_null(False)
        if revenus is not None and seuil_q1 is not None
        else None
    )
    if masque_q1 is not None:
        sous = "le seuil officiel" if retenu.officiel else "le seuil calculé"
        groupes.append((f"Ménages du premier quartile (revenu par UC inférieur ou égal à {sous})", masque_q1))

    parts = tuple(
        Part(
            libelle=libelle,
            effectif=int(masque.sum()),
            population=float(masque.sum()) / n if n else 0.0,
            tete_reference=_part(masque, tete_r) if tete_r is not None else None,
            tete_projet=_part(masque, tete_p),
            top_n_reference=_part(masque, top_r) if top_r is not None else None,
            top_n_projet=_part(masque, top_p),
        )
        for libelle, masque in groupes
    )

    typologies = frame[TYPOLOGIE]
    par_typologie = []
    for t in sorted(set(typologies.to_list())):
        dans = typologies == t

        def compte(masque: pl.Series | None, top: pl.Series | None, dans: pl.Series = dans) -> int | None:
            if masque is None or top is None:
                return None
            return int((masque & top & dans).sum())

        dalo = groupes[0][1]
        par_typologie.append(
            PartTypologie(
                typologie=int(t),
                effectif=int(dans.sum()),
                dalo_reference=compte(dalo, top_r),
                dalo_projet=compte(dalo, top_p) or 0,
                priorites_reference=compte(une_priorite, top_r),
                priorites_projet=compte(une_priorite, top_p) or 0,
                q1_reference=compte(masque_q1, top_r) if masque_q1 is not None else None,
                q1_projet=compte(masque_q1, top_p) or 0 if masque_q1 is not None else 0,
            )
        )

    scores_p = projet["score"].to_list()
    scores_r = ref["score"].to_list() if ref is not None else None
    deplacements: list[Deplacement] = []
    resume_ref: dict[str, float | int | None] = {
        "moyenne_reference": None,
        "mediane_reference": None,
        "ecart_moyen": None,
        "part_inchanges": None,
        "part_plus_10": None,
        "entrants_tete": None,
    }
    entrants = None
    if ref is not None and tete_r is not None:
        ecarts = (ref["rang_territoire"] - projet["rang_territoire"]).abs()
        resume_ref = {
            "moyenne_reference": _moyenne(ref["score"]),
            "mediane_reference": _mediane(ref["score"]),
            "ecart_moyen": _moyenne(ecarts),
            "part_inchanges": float((ecarts == 0).sum()) / n,
            "part_plus_10": float((ecarts > 10).sum()) / n,
            "entrants_tete": int((tete_p & ~tete_r).sum()),
        }
        entrants = tete_p & ~tete_r
        tableau = pl.DataFrame(
            {
                "demande_id": frame[DEMANDE_ID],
                "numero_unique": frame["numero_unique"],
                "typologie": typologies,
                "rang_reference": ref["rang_territoire"],
                "rang_projet": projet["rang_territoire"],
                "score_reference": ref["score"],
                "score_projet": projet["score"],
                "ecart": ecarts,
            }
        ).sort(["ecart", "numero_unique"], descending=[True, False])
        deplacements = [
            Deplacement(
                demande_id=d["demande_id"],
                numero_unique=d["numero_unique"],
                typologie=d["typologie"],
                rang_reference=d["rang_reference"],
                rang_projet=d["rang_projet"],
                score_reference=d["score_reference"],
                score_projet=d["score_projet"],
            )
            for d in tableau.head(NB_DEPLACEMENTS).iter_rows(named=True)
            if d["ecart"] > 0
        ]
    resume = Resume(
        moyenne_reference=resume_ref["moyenne_reference"],
        moyenne_projet=_moyenne(projet["score"]) if n else 0.0,
        mediane_reference=resume_ref["mediane_reference"],
        mediane_projet=_mediane(projet["score"]) if n else 0.0,
        ecart_moyen=resume_ref["ecart_moyen"],
        part_inchanges=resume_ref["part_inchanges"],
        part_plus_10=resume_ref["part_plus_10"],
        entrants_tete=resume_ref["entrants_tete"],  # type: ignore[arg-type]
        taille_tete=taille_tete,
    )
    return Simulation(
        version=version,
        reference=reference,
        date_reference=jour,
        effectif=n,
        top_n=top_n,
        resume=resume,
        histogramme=histogramme(_classes(scores_p, scores_r)),
        deplacements=tuple(deplacements),
        parts=parts,
        par_typologie=tuple(par_typologie),
        seuil_q1=seuil_q1,
        seuil_q1_origine=retenu.origine,
        seuil_q1_source=officiel.reference() if officiel is not None and retenu.officiel else "",
        moteurs=tuple(_moteurs(version, reference, projet, ref, entrants)),
        ecartees=tuple(ecartees),
        controle=Controle(
            jour=jour,
            effectif=n,
            avertissements=tuple(
                {"ligne": m.ligne, "chemin": m.chemin, "message": m.message}
                for m in controler_cadre(version.charger(), frame, jour=jour)
            ),
        ),
    )


def _moteurs(
    version: VersionGrille,
    reference: VersionGrille | None,
    projet: pl.DataFrame,
    ref: pl.DataFrame | None,
    entrants: pl.Series | None,
) -> list[Moteur]:
    """Criteria of either grid, largest change of mean points first (criteria unchanged left out when
    both grids are compared)."""
    libelles: dict[str, str] = {}
    for grille in [g.charger() for g in (version, reference) if g is not None]:
        for _, critere in grille.criteres():
            libelles.setdefault(critere.id, critere.libelle)
    n = projet.height
    moteurs = []
    for cid, libelle in libelles.items():
        colonne_p = projet[cid] if cid in projet.columns else None
        colonne_r = ref[cid] if ref is not None and cid in ref.columns else None
        moyenne_p = _moyenne(colonne_p) if colonne_p is not None and n else 0.0
        part_p = float((colonne_p != 0).sum()) / n if colonne_p is not None and n else 0.0
        if ref is None:
            moyenne_r = part_r = ecart_entrants = None
        else:
            moyenne_r = _moyenne(colonne_r) if colonne_r is not None and n else 0.0
            part_r = float((colonne_r != 0).sum()) / n if colonne_r is not None and n else 0.0
            ecart_entrants = None
            if entrants is not None and int(entrants.sum()):
                p = colonne_p.filter(entrants) if colonne_p is not None else pl.Series([0] * int(entrants.sum()))
                r = colonne_r.filter(entrants) if colonne_r is not None else pl.Series([0] * int(entrants.sum()))
                ecart_entrants = _moyenne(p) - _moyenne(r)
        moteur = Moteur(cid, libelle, moyenne_r, moyenne_p, part_r, part_p, ecart_entrants)
        if ref is None or abs(moteur.ecart) > 1e-9 or (ecart_entrants or 0.0) != 0.0 or part_r != part_p:
            moteurs.append(moteur)
    return sorted(moteurs, key=lambda m: (-abs(m.ecart), m.id))
