"""Exports of the dashboard for the CIL's yearly evaluation (DOMAIN.md §5): an .xlsx workbook (one sheet per
objective, the attributions counted, waiting times and refusals, the parameters and sources used) and a
CSV of the attributions with why each one counts. Shares are written as numbers (fractions of 1, shown as
percentages) beside the counts they come from. Both are written by the products' writer
(``attrib.common.tableurs``). The list of the attributions (demand numbers, resources per consumption unit)
is personal data: it goes only to roles allowed to export it (``peut_exporter_donnees_personnelles``); the
others get the counts."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from attrib.common.tableurs import Classeur, csv_octets
from attrib.engine.sources import texte_source
from attrib.engine.travailleurs_essentiels import liste_en_vigueur
from attrib.pilotage.selectors import Indicateur, LigneAttribution, LocationVoulue, Refus, Repartition, Tableau

ENTETE_ATTRIBUTIONS = (
    "Date du bail",
    "Demande",
    "Logement",
    "Typologie",
    "Commune",
    "Bailleur",
    "Réservataire",
    "Contingent",
    "En QPV",
    "Ressources annuelles par UC (€)",
    "Seuil du 1er quartile (€)",
    "Origine du seuil",
    "1er quartile",
    "DALO",
    "Prioritaire L441-1",
    "Travailleur essentiel",
    "Secteur essentiel",
    "Note de la résidence au jour du bail",
    "Origine de la note",
    "Délai d'attente (jours)",
    "Pourquoi elle compte",
)


def _oui_non(valeur: bool | None) -> str:
    return "non évalué" if valeur is None else ("oui" if valeur else "non")


def ligne_attribution(ligne: LigneAttribution) -> list[Any]:
    seuil = ligne.seuil
    return [
        ligne.date_signature,
        ligne.numero_demande,
        ligne.logement,
        f"T{ligne.typologie}",
        ligne.commune_nom,
        ligne.bailleur,
        ligne.reservataire,
        ligne.contingent,
        _oui_non(ligne.en_qpv),
        round(ligne.ressources_uc, 2) if ligne.ressources_uc is not None else None,
        seuil.valeur if seuil is not None else None,
        ("officiel" if seuil.officiel else "calculé par Attrib") if seuil is not None else "",
        _oui_non(ligne.q1),
        _oui_non(ligne.dalo),
        _oui_non(ligne.prioritaire),
        _oui_non(ligne.travailleur_essentiel),
        ligne.secteur_essentiel,
        ligne.note_residence,
        ligne.origine_note,
        ligne.delai_jours,
        " ; ".join(ligne.raisons()),
    ]


def _ligne_indicateur(i: Indicateur) -> list[Any]:
    compte = i.compte
    return [
        i.libelle,
        compte.attributions if compte is not None else "non renseigné",
        compte.cibles if compte is not None else "non renseigné",
        float(i.part) if i.part is not None else None,
        i.cible,
        i.statut,
        i.non_evaluees,
        i.note,
        texte_source(i.source),
    ]


def _repartitions(titre: str, repartitions: Iterable[Repartition]) -> list[list[Any]]:
    lignes: list[list[Any]] = [
        [titre, "Attributions", "1er quartile (jours)", "Médiane (jours)", "3e quartile (jours)"]
    ]
    lignes += [[r.groupe, r.nombre, r.premier_quartile, r.mediane, r.troisieme_quartile] for r in repartitions]
    return lignes


MENTION_SANS_LISTE = (
    "Liste des attributions non incluse : elle contient des données personnelles (numéros de demande, "
    "ressources), que votre rôle ne permet pas d'exporter."
)


def _ligne_refus(voie: str, r: Refus) -> list[Any]:
    return [
        voie,
        r.offres_repondues,
        r.acceptees,
        r.refusees,
        r.sans_reponse,
        float(r.taux) if r.taux is not None else None,
    ]


def _part(cibles: int, attributions: int) -> float | None:
    return cibles / attributions if attributions else None


def lignes_location_voulue(lv: LocationVoulue) -> list[list[Any]]:
    """The sheet « Location voulue »: attributions by route, refusals by route, the adverts, and each objective
    counted over the attributions of each route."""
    a = lv.annonces
    moyenne = a.candidatures_par_annonce
    return [
        ["Attributions", "Nombre", "Part"],
        [
            "Par la location voulue",
            lv.attributions_location_voulue,
            _part(lv.attributions_location_voulue, lv.attributions),
        ],
        ["Par la voie classique", lv.attributions_classiques, _part(lv.attributions_classiques, lv.attributions)],
        ["Ensemble", lv.attributions, None],
        [],
        ["Propositions répondues", "Répondues", "Acceptées", "Refusées", "Sans réponse dans le délai", "Taux de refus"],
        _ligne_refus("Location voulue", lv.refus_location_voulue),
        _ligne_refus("Voie classique", lv.refus_classique),
        [],
        ["Annonces de la période", "Nombre"],
        ["Publiées", a.publiees],
        ["Closes (classement établi)", a.closes],
        ["Attribuées (bail signé, résultat publié)", a.attribuees],
        ["Closes sans suite", a.sans_suite],
        ["Retirées par le bailleur", a.retirees],
        ["Candidatures reçues par annonce close (moyenne)", float(moyenne) if moyenne is not None else None],
        [],
        [
            "Objectif",
            "Location voulue : dans le champ",
            "Location voulue : à la cible",
            "Location voulue : part",
            "Voie classique : dans le champ",
            "Voie classique : à la cible",
            "Voie classique : part",
            "Cible",
        ],
        *(
            [
                e.libelle,
                e.location_voulue.attributions,
                e.location_voulue.cibles,
                _part(e.location_voulue.cibles, e.location_voulue.attributions),
                e.classique.attributions,
                e.classique.cibles,
                _part(e.classique.cibles, e.classique.attributions),
                e.cible,
            ]
            for e in lv.objectifs
        ),
    ]


def classeur(
    t: Tableau, *, perimetre: str, liste_attributions: bool = True, location_voulue: LocationVoulue | None = None
) -> bytes:
    """The workbook for the CIL; ``liste_attributions``: with the sheet listing each attribution;
    ``location_voulue``: with the sheet comparing location voulue and the classic route."""
    wb = Classeur()
    entete_objectif = [
        "Objectif",
        "Attributions dans le champ",
        "Attributions à la cible",
        "Part",
        "Cible",
        "État",
        "Non évaluées",
        "Note",
        "Source",
    ]

    def feuille(titre: str, lignes: list[list[Any]], *, format_part: int | None = None) -> None:
        ws = wb.feuille(titre)
        formats = [None] * (format_part - 1) + ["0.0%"] if format_part is not None else []
        for i, ligne in enumerate(lignes):
            ws.ajouter(ligne, gras=i == 0, formats=formats if i else ())
        ws.figer("A2")
        for colonne in ws.ws.columns:
            lettre = colonne[0].column_letter
            ws.ws.column_dimensions[lettre].width = min(60, max(12, *(len(str(c.value or "")) for c in colonne)))

    synthese: list[list[Any]] = [["Indicateur", "Valeur"]]
    synthese += [
        ["Période", t.periode.libelle()],
        ["Périmètre", perimetre],
        ["Attributions (baux signés)", t.attributions],
    ]
    if not liste_attributions:
        synthese.append(["Liste des attributions", MENTION_SANS_LISTE])
    feuille("Synthèse", synthese)
    for i in t.indicateurs:
        feuille(
            {
                "q1_hors_qpv": "Q1 hors QPV",
                "non_q1_en_qpv": "Non-Q1 en QPV",
                "residences_fragiles": "Résidences fragiles",
            }.get(i.code, i.code),
            [entete_objectif, _ligne_indicateur(i)],
            format_part=4,
        )
    feuille(
        "Prioritaires par réservataire",
        [entete_objectif, *(_ligne_indicateur(i) for i in t.par_reservataire)],
        format_part=4,
    )
    feuille(
        "Travailleurs essentiels",
        [
            entete_objectif,
            _ligne_indicateur(t.travailleurs_essentiels),
            *(_ligne_indicateur(i) for i in t.travailleurs_essentiels_par_epci),
        ],
        format_part=4,
    )
    if liste_attributions:
        feuille("Attributions", [list(ENTETE_ATTRIBUTIONS), *(ligne_attribution(ligne) for ligne in t.lignes)])
    delais = _repartitions("Typologie", t.delais_typologie) + [[]] + _repartitions("Commune", t.delais_commune)
    feuille("Délais d'attente", delais)
    refus: list[list[Any]] = [
        ["Offres", "Nombre"],
        ["Offres répondues dans la période", t.refus.offres_repondues],
        ["Acceptées", t.refus.acceptees],
        ["Refusées", t.refus.refusees],
        ["Sans réponse dans le délai (vaut refus)", t.refus.sans_reponse],
        ["Taux de refus", float(t.refus.taux) if t.refus.taux is not None else None],
        [],
        ["Motif de refus", "Nombre"],
        *([m, n] for m, n in t.refus.motifs),
    ]
    feuille("Refus", refus)
    wb.feuilles[-1].ws["B6"].number_format = "0.0%"  # « Taux de refus »
    if location_voulue is not None:
        feuille("Location voulue", lignes_location_voulue(location_voulue))
        ws = wb.feuilles[-1].ws
        for cellule in ("C2", "C3", "F7", "F8", *(f"{c}{n}" for c in "DG" for n in range(19, ws.max_row + 1))):
            ws[cellule].number_format = "0.0%"
    p = t.parametres
    parametres: list[list[Any]] = [
        ["Paramètre", "Valeur", "Source"],
        *(
            [
                nom,
                float(taux.taux),
                f"{taux.article} ; {texte_source(taux.provenance.source)}",
            ]
            for nom, taux in (
                ("Taux Q1 hors QPV", p.q1_hors_qpv),
                ("Taux non-Q1 en QPV", p.non_q1_en_qpv),
                ("Taux DALO et prioritaires par réservataire", p.prioritaires),
            )
        ),
        *(
            [
                f"Seuil du 1er quartile appliqué {s.annee} (EPCI {s.epci})",
                s.valeur,
                f"{s.libelle}. {texte_source(s.source)}",
            ]
            for s in t.seuils
        ),
        *(
            [
                f"Seuil officiel {annee} (EPCI {epci})",
                texte,
                "Arrêté annuel fixant le seuil du premier quartile (L441-1 CCH)",
            ]
            for epci, annee, texte in t.seuils_officiels
        ),
        *(
            [f"Objectif travailleurs essentiels ({i.libelle.split(' — ', 1)[-1]})", i.cible, texte_source(i.source)]
            for i in t.travailleurs_essentiels_par_epci
        ),
        [
            "Liste des secteurs essentiels",
            ", ".join(s.code for s in liste_en_vigueur(t.periode.fin).secteurs),
            f"Liste de la CIL en vigueur depuis le {liste_en_vigueur(t.periode.fin).date_effet:%d/%m/%Y} ; "
            f"{texte_source(liste_en_vigueur(t.periode.fin).source)}",
        ],
        [
            "Règle des résidences les plus fragiles",
            float(p.residences_fragiles.part_maximale),
            f"notes {', '.join(str(n) for n in sorted(p.residences_fragiles.notes))}, ménages "
            f"{', '.join(p.residences_fragiles.menages)} ; {texte_source(p.residences_fragiles.provenance.source)}",
        ],
    ]
    feuille("Paramètres et sources", parametres)
    return wb.octets()


def csv_attributions(t: Tableau) -> bytes:
    """The attributions with why each one counts (personal data: see the module's docstring)."""
    return csv_octets(ENTETE_ATTRIBUTIONS, (ligne_attribution(ligne) for ligne in t.lignes))
