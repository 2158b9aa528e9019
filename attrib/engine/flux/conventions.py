"""Reservation agreements of one bailleur (gestion en flux, DOMAIN.md §1.5) and their validation.

One :class:`Convention` per bailleur × réservataire contingent gives a share of the yearly flux (a
percentage, or a number of dwellings converted with the forecast flux), optional mix requirements
(typology, QPV / non-QPV, commune), the proposal deadline, whether a lapsed proposal still counts
against the share, and validity dates. The remainder of the flux is the bailleur's own unreserved share:
an implicit réservataire keyed :data:`RESERVATAIRE_BAILLEUR`.

The State's two contingents are two conventions: :attr:`Categorie.ETAT` (priority households) and
:attr:`Categorie.ETAT_AGENTS` (civil and military State agents); together they stay within the State's
ceiling (30 % of the flux, R441-5 CCH), the agents' one within its own ceiling (``flux.yaml``).

:func:`valider_conventions` checks a whole set and returns French, located errors
(``conventions[2].part``). :func:`periode` freezes the set in force on a day into the shares the
orientation engine uses.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

from attrib.engine.erreurs import EntreeInvalide, ParametresInvalides
from attrib.engine.flux import texte
from attrib.engine.flux.parametres import GroupeTypologie, ParametresFlux, charger_parametres_flux, verifier_groupes
from attrib.engine.flux.sequenceur import delta_optimal

#: Key of the implicit réservataire holding the bailleur's unreserved share.
RESERVATAIRE_BAILLEUR = "bailleur"


class Categorie(StrEnum):
    ETAT = "etat"
    ETAT_AGENTS = "etat_agents"
    ACTION_LOGEMENT = "action_logement"
    COMMUNE = "commune"
    EPCI = "epci"
    AUTRE = "autre"
    BAILLEUR = "bailleur"


CATEGORIES_ETAT: frozenset[Categorie] = frozenset({Categorie.ETAT, Categorie.ETAT_AGENTS})


class Critere(StrEnum):
    """A mix requirement: the dwellings oriented to each réservataire follow the flux in each stratum."""

    TYPOLOGIE = "typologie"
    QPV = "qpv"
    COMMUNE = "commune"


ORDRE_CRITERES: tuple[Critere, ...] = (Critere.TYPOLOGIE, Critere.QPV, Critere.COMMUNE)


class Arbitrage(StrEnum):
    """What the engine guarantees when a mix is requested (both at once is impossible, see the docs).

    - ``STRATES``: each réservataire within one dwelling of its share **in every stratum**; the global
      deviation is then only bounded by the number of strata (and steered towards 0);
    - ``PART_GLOBALE``: within one dwelling of its share of the whole flux; strata are balanced as far as
      that guarantee allows, without a bound.
    """

    STRATES = "strates"
    PART_GLOBALE = "part_globale"


@dataclass(frozen=True)
class Convention:
    """One reservation agreement (one contingent of one réservataire with one bailleur).

    ``part`` (a :class:`~fractions.Fraction` or :class:`~decimal.Decimal` between 0 and 1, e.g.
    ``Fraction(32, 100)``) or ``nombre_logements`` (dwellings per year): exactly one of the two.
    ``delai_proposition_jours`` None: the default of ``flux.yaml``. ``echec_compte``: a proposal that
    lapses still counts against the share. ``fin`` None: open-ended (both dates inclusive).
    """

    reservataire: str
    libelle: str
    categorie: Categorie
    debut: date
    fin: date | None = None
    part: Fraction | Decimal | None = None
    nombre_logements: int | None = None
    mixite: frozenset[Critere] = field(default_factory=frozenset)
    delai_proposition_jours: int | None = None
    echec_compte: bool = True
    territoire: str = ""

    def __post_init__(self) -> None:
        if isinstance(self.part, float):
            raise EntreeInvalide(
                f"Convention {self.libelle} : part {self.part!r} en virgule flottante ; donnez une valeur exacte "
                '(Fraction(32, 100) ou Decimal("0.32")).'
            )
        if isinstance(self.part, Decimal | int) and not isinstance(self.part, bool):
            object.__setattr__(self, "part", Fraction(self.part))
        try:
            object.__setattr__(self, "categorie", Categorie(self.categorie))
            object.__setattr__(self, "mixite", frozenset(Critere(c) for c in self.mixite))
        except ValueError as exc:
            raise EntreeInvalide(f"Convention {self.libelle} : {exc}.") from None

    @property
    def part_exacte(self) -> Fraction | None:
        """The share as an exact fraction (None when the agreement is in number of dwellings)."""
        return None if self.part is None else Fraction(self.part)

    def en_vigueur(self, jour: date) -> bool:
        return self.debut <= jour and (self.fin is None or jour <= self.fin)


@dataclass(frozen=True)
class JeuConventions:
    """All the agreements of one bailleur (``bailleur`` is its display name)."""

    bailleur: str
    conventions: tuple[Convention, ...]
    arbitrage: Arbitrage = Arbitrage.STRATES
    groupes_typologie: tuple[GroupeTypologie, ...] | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "conventions", tuple(self.conventions))
        object.__setattr__(self, "arbitrage", Arbitrage(self.arbitrage))
        if self.groupes_typologie is not None:
            object.__setattr__(self, "groupes_typologie", tuple(self.groupes_typologie))
            try:
                verifier_groupes(self.groupes_typologie, f"Conventions de {self.bailleur}, groupes de typologie")
            except ParametresInvalides as exc:
                raise EntreeInvalide(str(exc)) from None


@dataclass(frozen=True, slots=True)
class ErreurConvention:
    """A located French error: ``champ`` is e.g. ``"conventions[2].part"`` (0-based) or ``"conventions"``."""

    champ: str
    message: str


class ConventionsInvalides(EntreeInvalide):
    """The agreements in force cannot be used; ``erreurs`` lists every problem."""

    def __init__(self, erreurs: Sequence[ErreurConvention]) -> None:
        self.erreurs = tuple(erreurs)
        super().__init__(" ; ".join(f"{e.champ} : {e.message}" for e in self.erreurs))


# --- validation -----------------------------------------------------------------------------------


def valider_conventions(
    jeu: JeuConventions, parametres: ParametresFlux | None = None, *, flux_prevu: int | None = None
) -> list[ErreurConvention]:
    """Every problem of the set, in French, located. Empty list: the set is valid.

    Checked: each agreement (réservataire named and not the reserved word « bailleur », exactly one of
    share / number of dwellings, share between 0 and 100 %, number ≥ 0, dates in order, deadline ≥ 1 day);
    two agreements of the same réservataire key never overlap; and, over every period where the set in
    force is constant, the reserved shares add up to at most 100 %, the State's (both contingents) to at
    most its ceiling and the State agents' to at most theirs (``flux.yaml``, dated). Agreements in number
    of dwellings enter the sums only when ``flux_prevu`` (the forecast yearly flux) is given.
    """
    params = parametres or charger_parametres_flux()
    erreurs: list[ErreurConvention] = []
    for i, c in enumerate(jeu.conventions):
        erreurs.extend(_erreurs_convention(i, c))
    erreurs.extend(_chevauchements(jeu.conventions))
    if flux_prevu is not None and flux_prevu <= 0:
        erreurs.append(
            ErreurConvention("flux_prevu", f"flux prévisionnel {flux_prevu} : un nombre positif est attendu.")
        )
        flux_prevu = None
    for debut, fin in _segments(jeu.conventions):
        en_vigueur = [(i, c) for i, c in enumerate(jeu.conventions) if c.en_vigueur(debut)]
        erreurs.extend(_erreurs_sommes(en_vigueur, debut, fin, params, flux_prevu))
    return erreurs


def _nom(i: int, c: Convention) -> str:
    return f"convention n° {i + 1} ({c.libelle or c.reservataire or 'sans nom'})"


def _nom_capitalise(i: int, c: Convention) -> str:
    return "C" + _nom(i, c)[1:]


def _erreurs_convention(i: int, c: Convention) -> list[ErreurConvention]:
    ici = f"conventions[{i}]"
    nom = _nom_capitalise(i, c)
    erreurs: list[ErreurConvention] = []
    if not c.reservataire.strip():
        erreurs.append(ErreurConvention(f"{ici}.reservataire", f"{nom} : réservataire non renseigné."))
    if c.reservataire == RESERVATAIRE_BAILLEUR or c.categorie is Categorie.BAILLEUR:
        erreurs.append(
            ErreurConvention(
                f"{ici}.reservataire",
                f"{nom} : la part non réservée du bailleur est calculée d'office (le reste du flux) ; "
                "elle ne fait pas l'objet d'une convention.",
            )
        )
    part = c.part_exacte
    if part is None and c.nombre_logements is None:
        erreurs.append(
            ErreurConvention(
                f"{ici}.part", f"{nom} : indiquez la part du flux (en %) ou le nombre de logements par an."
            )
        )
    if part is not None and c.nombre_logements is not None:
        erreurs.append(
            ErreurConvention(
                f"{ici}.part",
                f"{nom} : indiquez soit une part du flux ({texte.pourcentage(part)}), soit un nombre de "
                f"logements ({c.nombre_logements}), pas les deux.",
            )
        )
    if part is not None and part < 0:
        erreurs.append(
            ErreurConvention(
                f"{ici}.part",
                f"{nom} : part négative ({texte.pourcentage(part)}) ; une part du flux est comprise entre 0 et 100 %.",
            )
        )
    if part is not None and part > 1:
        erreurs.append(
            ErreurConvention(
                f"{ici}.part",
                f"{nom} : part de {texte.pourcentage(part)} ; une part du flux ne peut dépasser 100 %.",
            )
        )
    if c.nombre_logements is not None and c.nombre_logements < 0:
        erreurs.append(
            ErreurConvention(
                f"{ici}.nombre_logements",
                f"{nom} : nombre de logements négatif ({c.nombre_logements}).",
            )
        )
    if c.fin is not None and c.fin < c.debut:
        erreurs.append(
            ErreurConvention(
                f"{ici}.fin",
                f"{nom} : la fin ({texte.jour(c.fin)}) précède le début ({texte.jour(c.debut)}).",
            )
        )
    if c.delai_proposition_jours is not None and c.delai_proposition_jours < 1:
        erreurs.append(
            ErreurConvention(
                f"{ici}.delai_proposition_jours",
                f"{nom} : délai de proposition de {c.delai_proposition_jours} jour(s) ; au moins 1 jour est attendu.",
            )
        )
    return erreurs


def _chevauchements(conventions: Sequence[Convention]) -> list[ErreurConvention]:
    erreurs: list[ErreurConvention] = []
    for j, b in enumerate(conventions):
        for i, a in enumerate(conventions[:j]):
            if a.reservataire != b.reservataire or not a.reservataire:
                continue
            debut = max(a.debut, b.debut)
            fins = [f for f in (a.fin, b.fin) if f is not None]
            fin = min(fins) if fins else None
            if fin is None or debut <= fin:
                erreurs.append(
                    ErreurConvention(
                        f"conventions[{j}].debut",
                        f"{_nom_capitalise(j, b)} : chevauche la {_nom(i, a)} {texte.periode(debut, fin)} ; "
                        "un réservataire n'a qu'une convention en vigueur à la fois avec un bailleur.",
                    )
                )
    return erreurs


def _segments(conventions: Sequence[Convention]) -> list[tuple[date, date | None]]:
    """Maximal periods over which the set of agreements in force does not change (and is not empty)."""
    bornes = sorted(
        {c.debut for c in conventions}
        | {c.fin + timedelta(days=1) for c in conventions if c.fin is not None and c.fin < date.max}
    )
    segments: list[tuple[date, date | None]] = []
    for k, debut in enumerate(bornes):
        fin = bornes[k + 1] - timedelta(days=1) if k + 1 < len(bornes) else None
        if any(c.en_vigueur(debut) for c in conventions):
            segments.append((debut, fin))
    return segments


def _erreurs_sommes(
    en_vigueur: Sequence[tuple[int, Convention]],
    debut: date,
    fin: date | None,
    params: ParametresFlux,
    flux_prevu: int | None,
) -> list[ErreurConvention]:
    quand = texte.periode(debut, fin)
    parts: list[tuple[int, Convention, Fraction]] = []
    for i, c in en_vigueur:
        part = _part(c, flux_prevu)
        if part is not None and part >= 0:
            parts.append((i, c, part))
    erreurs: list[ErreurConvention] = []
    total = sum((p for _, _, p in parts), Fraction(0))
    if total > 1:
        erreurs.append(
            ErreurConvention(
                "conventions",
                f"La somme des parts réservées atteint {texte.pourcentage(total)} du flux annuel pour les conventions "
                f"en vigueur {quand} : elle ne peut dépasser 100 % (le reste du flux est la part non réservée du "
                "bailleur).",
            )
        )
    etat = [(i, p) for i, c, p in parts if c.categorie in CATEGORIES_ETAT]
    plafond = params.plafond_part_etat(debut)
    part_etat = sum((p for _, p in etat), Fraction(0))
    if part_etat > plafond.valeur:
        erreurs.append(
            ErreurConvention(
                f"conventions[{etat[0][0]}].part",
                f"La part de l'État ({texte.pourcentage(part_etat)}) dépasse le plafond de "
                f"{texte.pourcentage(plafond.valeur)} du flux annuel ({plafond.article}), pour les conventions en "
                f"vigueur {quand}.",
            )
        )
    agents = [(i, p) for i, c, p in parts if c.categorie is Categorie.ETAT_AGENTS]
    plafond_agents = params.plafond_part_agents_etat(debut)
    part_agents = sum((p for _, p in agents), Fraction(0))
    if part_agents > plafond_agents.valeur:
        erreurs.append(
            ErreurConvention(
                f"conventions[{agents[0][0]}].part",
                f"La part des agents de l'État ({texte.pourcentage(part_agents)}) dépasse le plafond de "
                f"{texte.pourcentage(plafond_agents.valeur)} du flux annuel ({plafond_agents.article}), compris dans "
                f"la part de l'État, pour les conventions en vigueur {quand}.",
            )
        )
    return erreurs


def _part(c: Convention, flux_prevu: int | None) -> Fraction | None:
    if c.part_exacte is not None:
        return c.part_exacte
    if c.nombre_logements is not None and flux_prevu:
        return Fraction(c.nombre_logements, flux_prevu)
    return None


# --- the period of orientation ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Part:
    """One réservataire's exact share of the flux during a period (the implicit bailleur included)."""

    reservataire: str
    libelle: str
    categorie: Categorie
    part: Fraction
    delai_proposition_jours: int | None
    echec_compte: bool


@dataclass(frozen=True)
class Periode:
    """The agreements in force, frozen: the days ``debut..fin`` (within one calendar year) over which the
    set of agreements does not change, the positive shares in the engine's stable order (decreasing share,
    then réservataire key: this order breaks ties), and the strata requested.
    """

    bailleur: str
    debut: date
    fin: date
    parts: tuple[Part, ...]
    sans_part: tuple[str, ...]
    criteres: tuple[Critere, ...]
    groupes_typologie: tuple[GroupeTypologie, ...]
    arbitrage: Arbitrage

    @property
    def delta(self) -> Fraction:
        """δ = 1 / (2(n − 1)), n = number of positive shares (Tijdeman): every deviation stays ≤ 1 − δ (docs)."""
        return delta_optimal(len(self.parts))

    @property
    def par_strate(self) -> bool:
        """True when each stratum runs its own sequence (mix requested, arbitrage ``STRATES``)."""
        return bool(self.criteres) and self.arbitrage is Arbitrage.STRATES

    def index(self, reservataire: str) -> int:
        for k, p in enumerate(self.parts):
            if p.reservataire == reservataire:
                return k
        connus = ", ".join(p.reservataire for p in self.parts)
        if reservataire in self.sans_part:
            raise EntreeInvalide(
                f"Le réservataire « {reservataire} » n'a pas de part du flux du {texte.jour(self.debut)} au "
                f"{texte.jour(self.fin)} : aucun logement ne peut lui être orienté."
            )
        raise EntreeInvalide(
            f"Réservataire « {reservataire} » inconnu pour la période du {texte.jour(self.debut)} au "
            f"{texte.jour(self.fin)} (réservataires ayant une part : {connus})."
        )

    def parts_par_reservataire(self) -> dict[str, Fraction]:
        return {p.reservataire: p.part for p in self.parts}


def periode(
    jeu: JeuConventions,
    *,
    jour: date,
    parametres: ParametresFlux | None = None,
    flux_prevu: int | None = None,
) -> Periode:
    """The period of orientation containing ``jour``; raises :class:`ConventionsInvalides` when the
    agreements in force that day are invalid (or in number of dwellings without ``flux_prevu``)."""
    params = parametres or charger_parametres_flux()
    en_vigueur = tuple(c for c in jeu.conventions if c.en_vigueur(jour))
    sous_jeu = JeuConventions(jeu.bailleur, en_vigueur, jeu.arbitrage, jeu.groupes_typologie)
    erreurs = valider_conventions(sous_jeu, params, flux_prevu=flux_prevu)
    for i, c in enumerate(en_vigueur):
        if c.part_exacte is None and c.nombre_logements is not None and not flux_prevu:
            erreurs.append(
                ErreurConvention(
                    f"conventions[{i}].nombre_logements",
                    f"{_nom_capitalise(i, c)} : part exprimée en nombre de logements ({c.nombre_logements}) ; "
                    "indiquez le flux prévisionnel de l'année pour la convertir en part du flux.",
                )
            )
    if erreurs:
        raise ConventionsInvalides(erreurs)

    debut, fin = _bornes(jeu.conventions, jour)
    brutes: list[Part] = []
    for c in en_vigueur:
        part = _part(c, flux_prevu)
        if part is None:  # excluded by the validation above; kept for the type checker
            raise ConventionsInvalides([ErreurConvention("conventions", f"{c.libelle} : part non calculable.")])
        brutes.append(
            Part(
                reservataire=c.reservataire,
                libelle=c.libelle or c.reservataire,
                categorie=c.categorie,
                part=part,
                delai_proposition_jours=c.delai_proposition_jours or params.delai_proposition_defaut(jour).jours,
                echec_compte=c.echec_compte,
            )
        )
    reste = 1 - sum((p.part for p in brutes), Fraction(0))
    if reste > 0:
        brutes.append(
            Part(
                reservataire=RESERVATAIRE_BAILLEUR,
                libelle=f"{jeu.bailleur} (part non réservée)",
                categorie=Categorie.BAILLEUR,
                part=reste,
                delai_proposition_jours=None,
                echec_compte=True,
            )
        )
    positives = tuple(sorted((p for p in brutes if p.part > 0), key=lambda p: (-p.part, p.reservataire)))
    criteres = tuple(c for c in ORDRE_CRITERES if any(c in conv.mixite for conv in en_vigueur))
    return Periode(
        bailleur=jeu.bailleur,
        debut=debut,
        fin=fin,
        parts=positives,
        sans_part=tuple(sorted(p.reservataire for p in brutes if p.part == 0)),
        criteres=criteres,
        groupes_typologie=jeu.groupes_typologie or params.groupes_typologie(jour),
        arbitrage=jeu.arbitrage,
    )


def _bornes(conventions: Iterable[Convention], jour: date) -> tuple[date, date]:
    """Largest interval around ``jour``, within its calendar year, where the set in force is constant."""
    debut, fin = date(jour.year, 1, 1), date(jour.year, 12, 31)
    for c in conventions:
        for changement in (c.debut, None if c.fin is None or c.fin == date.max else c.fin + timedelta(days=1)):
            if changement is None:
                continue
            if changement <= jour:
                debut = max(debut, changement)
            else:
                fin = min(fin, changement - timedelta(days=1))
    return debut, fin
