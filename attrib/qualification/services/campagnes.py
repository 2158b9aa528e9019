"""Opening and closing a rating campaign: an EPCI opens the campaign of a year over its communes; at the
close, the engine classifies every residence of the perimeter from the two parties' notes (concordant,
divergent with its gap, rated by one side only, not rated) and the result is stored with the
harmonisation agenda order."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import polars as pl
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from attrib.common.services import evenement_enregistrer
from attrib.engine.qualification import agenda_harmonisation, classer_residences
from attrib.organisations.acteurs import Acteur, Refus
from attrib.organisations.models import Organisation, TypeOrganisation
from attrib.qualification import permissions
from attrib.qualification.enums import Partie, StatutCampagne, StatutResidence
from attrib.qualification.models import ANNEE_MIN, Campagne, Notation, ResultatResidence
from attrib.qualification.selectors import residences_du_perimetre
from attrib.qualification.services._commun import _campagne_verrouillee
from attrib.territoires.models import Commune

#: Rows per bulk insert of the close's results.
PAQUET = 500


# --- opening ------------------------------------------------------------------------------------


@transaction.atomic
def campagne_ouvrir(
    *,
    organisation: Organisation,
    annee: int,
    date_limite: date,
    communes: Sequence[str] | None = None,
    auteur: Acteur,
    aujourd_hui: date | None = None,
) -> Campagne:
    """Open the rating campaign of ``annee`` for an EPCI organisation, over ``communes`` (codes INSEE;
    by default every commune of its territory). One campaign per EPCI and year."""
    jour = aujourd_hui or timezone.localdate()
    if organisation.type != TypeOrganisation.EPCI:
        raise ValidationError(
            {
                "organisation": [
                    f"« {organisation} » n'est pas un EPCI : seul un EPCI ouvre une campagne de qualification."
                ]
            }
        )
    if not (auteur.voit_tout or permissions.est_membre(auteur, organisation, ecriture=True)):
        raise Refus("Seuls les gestionnaires de l'EPCI ouvrent une campagne.")
    erreurs: dict[str, list[str]] = {}
    if isinstance(annee, bool) or not isinstance(annee, int) or not ANNEE_MIN <= annee <= jour.year + 1:
        erreurs["annee"] = [f"L'année doit être comprise entre {ANNEE_MIN} et {jour.year + 1} (reçu : « {annee} »)."]
    elif Campagne.objects.filter(organisation=organisation, annee=annee).exists():
        erreurs["annee"] = [f"Une campagne {annee} existe déjà pour {organisation}."]
    if date_limite < jour:
        erreurs["date_limite"] = [f"La date limite ({date_limite:%d/%m/%Y}) est déjà passée."]
    territoire = permissions.communes_du_territoire_epci(organisation)
    if communes is None:
        choisies = list(territoire)
    else:
        connues = {c.code_insee: c for c in territoire.filter(code_insee__in=list(communes))}
        hors = [code for code in communes if code not in connues]
        if hors:
            noms = dict(Commune.objects.filter(code_insee__in=hors).values_list("code_insee", "nom"))
            libelles = ", ".join(f"{noms[c]} ({c})" if c in noms else c for c in hors)
            erreurs["communes"] = [f"Hors du territoire de {organisation} : {libelles}."]
        choisies = list(connues.values())
    if not erreurs.get("communes") and not choisies:
        erreurs["communes"] = ["Choisissez au moins une commune."]
    if erreurs:
        raise ValidationError(erreurs)
    campagne = Campagne.objects.create(
        organisation=organisation,
        annee=annee,
        date_limite=date_limite,
        ouverte_par=auteur.utilisateur,
        ouverte_le=timezone.now(),
    )
    campagne.communes.set(choisies)
    evenement_enregistrer(
        objet=campagne,
        action="campagne_ouverte",
        resume=f"Campagne de qualification {annee} ouverte ({len(choisies)} communes, date limite {date_limite:%d/%m/%Y}).",
        auteur=auteur.utilisateur,
        organisation=organisation,
        details={"communes": sorted(c.code_insee for c in choisies), "date_limite": date_limite.isoformat()},
    )
    return campagne


# --- closing ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResumeCloture:
    residences: int
    par_statut: dict[str, int]

    def __str__(self) -> str:
        morceaux = []
        for statut, (un, plusieurs) in _LIBELLES_CLOTURE.items():
            n = self.par_statut.get(statut, 0)
            morceaux.append(f"{n} {plusieurs if n > 1 else un}")
        pluriel = "s" if self.residences > 1 else ""
        return f"{self.residences} résidence{pluriel} classée{pluriel} : " + ", ".join(morceaux) + "."


_LIBELLES_CLOTURE = {
    StatutResidence.CONCORDANT.value: ("concordante", "concordantes"),
    StatutResidence.DIVERGENT.value: ("divergente", "divergentes"),
    StatutResidence.UNE_SEULE_PARTIE.value: ("notée par une seule partie", "notées par une seule partie"),
    StatutResidence.NON_NOTEE.value: ("non notée", "non notées"),
}


def _cadre_cloture(campagne: Campagne) -> tuple[pl.DataFrame, dict[int, tuple[str, int | None, bool]]]:
    residences = list(
        residences_du_perimetre(campagne)
        .annotate(nb_logements=Count("logements"))
        .values_list("pk", "commune_id", "bailleur_id", "bailleur_estime", "nb_logements")
    )
    notes: dict[tuple[int, str], int] = {
        (r, p): n
        for r, p, n in Notation.objects.filter(campagne=campagne).values_list("residence_id", "partie", "note")
    }
    cadre = pl.DataFrame(
        {
            "residence": pl.Series([r[0] for r in residences], dtype=pl.Int64),
            "commune": pl.Series([r[1] for r in residences], dtype=pl.String),
            "bailleur": pl.Series([None if r[2] is None else str(r[2]) for r in residences], dtype=pl.String),
            "nb_logements": pl.Series([r[4] for r in residences], dtype=pl.Int64),
            "note_commune": pl.Series([notes.get((r[0], Partie.COMMUNE)) for r in residences], dtype=pl.Int64),
            "note_bailleur": pl.Series([notes.get((r[0], Partie.BAILLEUR)) for r in residences], dtype=pl.Int64),
        }
    )
    return cadre, {r[0]: (r[1], r[2], r[3]) for r in residences}


@transaction.atomic
def campagne_cloturer(*, campagne: Campagne, auteur: Acteur) -> ResumeCloture:
    """Close the campaign: the engine classifies every residence of the perimeter from the two
    parties' notes (concordant, divergent with its gap, rated by one side only, not rated) and the
    result is stored per residence with the harmonisation agenda order. From then on, both sides'
    notes are visible to the territory and no note changes."""
    appelant, campagne = campagne, _campagne_verrouillee(campagne)
    if not (auteur.voit_tout or permissions.peut_piloter(auteur, campagne)):
        raise Refus("Seuls les gestionnaires de l'EPCI clôturent la campagne.")
    if campagne.est_close:
        raise ValidationError(f"La campagne {campagne.annee} est déjà close.")
    cadre, proprietes = _cadre_cloture(campagne)
    classees = classer_residences(cadre)
    rangs = {pk: rang for rang, pk in enumerate(agenda_harmonisation(classees)["residence"].to_list(), start=1)}
    resultats = []
    for ligne in classees.iter_rows(named=True):
        pk = ligne["residence"]
        commune, bailleur, estime = proprietes[pk]
        resultats.append(
            ResultatResidence(
                campagne=campagne,
                residence_id=pk,
                commune_id=commune,
                bailleur_id=bailleur,
                bailleur_estime=estime,
                nb_logements=ligne["nb_logements"],
                note_commune=ligne["note_commune"],
                note_bailleur=ligne["note_bailleur"],
                statut=ligne["statut"],
                ecart=ligne["ecart"],
                rang_agenda=rangs.get(pk),
            )
        )
    ResultatResidence.objects.bulk_create(resultats, batch_size=PAQUET)
    campagne.statut = StatutCampagne.CLOSE
    campagne.close_par = auteur.utilisateur
    campagne.close_le = timezone.now()
    campagne.save(update_fields=["statut", "close_par", "close_le"])
    appelant.statut, appelant.close_par, appelant.close_le = campagne.statut, campagne.close_par, campagne.close_le
    par_statut = {s.value: 0 for s in StatutResidence}
    for resultat in resultats:
        par_statut[resultat.statut] += 1
    resume = ResumeCloture(residences=len(resultats), par_statut=par_statut)
    evenement_enregistrer(
        objet=campagne,
        action="campagne_close",
        resume=f"Campagne {campagne.annee} close : {resume}",
        auteur=auteur.utilisateur,
        organisation=campagne.organisation,
        details={"par_statut": par_statut},
    )
    return resume
