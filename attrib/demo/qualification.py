"""A closed demonstration campaign, with notes drawn from a seed so that the two published figures of
the Métropole Européenne de Lille come out (``data/parametres/qualification_parc.yaml``, ``demo``):
about 70 % of the dwellings rated by both parties, about 20 % of the residences rated by both
divergent; the first residences of the harmonisation agenda get an agreed note. The notes are
fictitious and every decision says so."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, datetime, time
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from attrib.common.services import evenement_enregistrer
from attrib.organisations.acteurs import acteur_systeme
from attrib.organisations.models import Organisation, TypeOrganisation
from attrib.qualification.enums import Partie
from attrib.qualification.models import NOTE_MAX, NOTE_MIN, Campagne, Notation, NoteHarmonisee
from attrib.qualification.parametres import ParametresDemo, parametres
from attrib.qualification.permissions import communes_notees_par
from attrib.qualification.selectors import agenda, residences_du_perimetre
from attrib.qualification.services import PAQUET, campagne_cloturer, campagne_ouvrir, note_harmonisee_enregistrer

MOTIF_DEMO = "Données de démonstration : note convenue en réunion d'harmonisation fictive."


def _tirer(rng: random.Random, loi: dict[int, float]) -> int:
    valeurs = sorted(loi)
    return rng.choices(valeurs, weights=[loi[v] for v in valeurs])[0]


def _notes_divergentes(rng: random.Random, p: ParametresDemo) -> tuple[int, int]:
    """Two notes whose gap follows ``loi_ecarts`` (reduced when the base note leaves no room)."""
    base, ecart = _tirer(rng, p.loi_notes), _tirer(rng, p.loi_ecarts)
    while ecart > 0:
        possibles = [n for n in (base - ecart, base + ecart) if NOTE_MIN <= n <= NOTE_MAX]
        if possibles:
            autre = rng.choice(possibles)
            return (base, autre) if rng.random() < 0.5 else (autre, base)
        ecart -= 1
    raise AssertionError("échelle de notes réduite à une seule valeur")


def _moment(annee: int, mois: int, jour: int) -> datetime:
    """A date of the campaign year, never in the future."""
    moment = timezone.make_aware(datetime.combine(date(annee, mois, jour), time(10, 0)))
    return min(moment, timezone.now())


def _verifier_types(organisations: Sequence[Organisation], attendu: str, nom: str) -> None:
    for org in organisations:
        if org.type != attendu:
            raise ValidationError({nom: [f"« {org} » n'est pas de type {TypeOrganisation(attendu).label.lower()}."]})


@transaction.atomic
def campagne_demo_creer(
    *,
    epci_org: Organisation,
    communes_orgs: Sequence[Organisation],
    bailleurs_orgs: Sequence[Organisation],
    annee: int,
    graine: int,
) -> Campagne:
    """Create the CLOSED demonstration campaign of ``annee`` for ``epci_org`` over every commune of its
    territory: ``communes_orgs`` rate the residences of their communes, ``bailleurs_orgs`` their own
    residences (``Residence.bailleur``); notes drawn with ``random.Random(graine)``. If the campaign of
    that year is already closed, it is returned unchanged (a second call writes nothing)."""
    existante = Campagne.objects.filter(organisation=epci_org, annee=annee).first()
    if existante is not None:
        if existante.est_close:
            return existante
        raise ValidationError(
            {"annee": [f"Une campagne {annee} est ouverte pour {epci_org} : elle n'est pas remplacée."]}
        )
    _verifier_types(communes_orgs, TypeOrganisation.COMMUNE, "communes_orgs")
    _verifier_types(bailleurs_orgs, TypeOrganisation.BAILLEUR, "bailleurs_orgs")
    p = parametres().demo
    rng = random.Random(graine)
    campagne = campagne_ouvrir(
        organisation=epci_org,
        annee=annee,
        date_limite=date(annee, 6, 30),
        auteur=acteur_systeme("démonstration (charger_demo)"),
        aujourd_hui=date(annee, 3, 1),
    )

    rateur_commune: dict[str, Organisation] = {}
    for org in sorted(communes_orgs, key=lambda o: o.pk):
        for code in sorted(communes_notees_par(org)):
            rateur_commune.setdefault(code, org)
    bailleurs = {o.pk: o for o in bailleurs_orgs}
    residences = list(
        residences_du_perimetre(campagne).annotate(nb_logements=Count("logements")).order_by("identifiant")
    )
    total = sum(r.nb_logements for r in residences)

    eligibles = [r for r in residences if r.commune_id in rateur_commune and r.bailleur_id in bailleurs]
    rng.shuffle(eligibles)
    cible, cumul = p.part_logements_notes_deux_parties * total, 0
    deux_parties = []
    for r in eligibles:
        if cumul >= cible:
            break
        deux_parties.append(r)
        cumul += r.nb_logements
    choisies = {r.pk for r in deux_parties}
    divergentes = {r.pk for r in rng.sample(deux_parties, round(p.part_residences_divergentes * len(deux_parties)))}

    notations: list[Notation] = []
    moment = _moment(annee, 5, 15)

    def noter(residence: Any, partie: Partie, org: Organisation, note: int) -> None:
        notations.append(
            Notation(
                campagne=campagne,
                residence=residence,
                organisation=org,
                partie=partie,
                note=note,
                notee_le=moment,
            )
        )

    categories = ["commune_seule", "bailleur_seul", "non_notee"]
    for r in residences:
        commune = rateur_commune.get(r.commune_id)
        bailleur = bailleurs.get(r.bailleur_id) if r.bailleur_id is not None else None
        if r.pk in choisies:
            assert commune is not None and bailleur is not None
            if r.pk in divergentes:
                note_c, note_b = _notes_divergentes(rng, p)
            else:
                note_c = note_b = _tirer(rng, p.loi_notes)
            noter(r, Partie.COMMUNE, commune, note_c)
            noter(r, Partie.BAILLEUR, bailleur, note_b)
            continue
        categorie = rng.choices(categories, weights=[p.reste[c] for c in categories])[0]
        note = _tirer(rng, p.loi_notes)
        if categorie == "commune_seule" and commune is not None:
            noter(r, Partie.COMMUNE, commune, note)
        elif categorie == "bailleur_seul" and bailleur is not None:
            noter(r, Partie.BAILLEUR, bailleur, note)
    Notation.objects.bulk_create(notations, batch_size=PAQUET)
    evenement_enregistrer(
        objet=campagne,
        action="notations_demo",
        resume=f"{len(notations)} notes de démonstration tirées (graine {graine}).",
        organisation=epci_org,
        details={"graine": graine, "notes": len(notations)},
    )

    campagne_cloturer(campagne=campagne, auteur=acteur_systeme("démonstration (charger_demo)"))
    for resultat in list(agenda(campagne)[: p.residences_harmonisees]):
        c, b = resultat.note_commune, resultat.note_bailleur
        assert c is not None and b is not None
        presentes = [
            o for o in (rateur_commune.get(resultat.commune_id), bailleurs.get(resultat.bailleur_id or 0)) if o
        ]
        note_harmonisee_enregistrer(
            campagne=campagne,
            residence=resultat.residence,
            note=(c + b + 1) // 2,
            participants=", ".join([*(str(o) for o in presentes), str(epci_org)]),
            motif=MOTIF_DEMO,
            organisations=presentes,
            auteur=acteur_systeme("démonstration (charger_demo)"),
        )
    Campagne.objects.filter(pk=campagne.pk).update(ouverte_le=_moment(annee, 3, 1), close_le=_moment(annee, 7, 1))
    NoteHarmonisee.objects.filter(campagne=campagne).update(enregistree_le=_moment(annee, 9, 15))
    campagne.refresh_from_db()
    return campagne
