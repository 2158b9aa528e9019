"""Reception places of the demo territory (issue 13 point 6), their hours, slots for the coming weeks and a few
bookings, then the territory's key figures. Called by ``charger_demo`` at the end of the load.

DEMO DATA: no address of a real reception place of the Grand Narbonne is in the open data we hold
(``/work/shared/data``, ``data/SOURCES.md``): the addresses, telephone numbers and e-mail addresses below are
fictitious, and every place says so on its public page (« informations pratiques »). The households who booked
are fictitious too (``example.org`` addresses).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from attrib.organisations.acteurs import Acteur
from attrib.organisations.models import Organisation
from attrib.siad.chiffres import chiffres_cles_calculer
from attrib.siad.enums import Accessibilite, Service, StatutRendezVous
from attrib.siad.horaires import ExceptionSaisie
from attrib.siad.models import Creneau, LieuAccueil, RendezVous
from attrib.siad.services import creneaux_creer_serie, horaires_enregistrer, lieu_enregistrer, rendez_vous_reserver
from attrib.territoires.models import EPCI, Commune

NARBONNE, COURSAN = "11262", "11106"
FICTIF = "Adresse et coordonnées fictives : lieu d'accueil de démonstration."
MATIN, APRES_MIDI = (time(9), time(12)), (time(13, 30), time(17))


@dataclass(frozen=True)
class LieuDemo:
    organisation: str  # key of ORGANISATIONS_DEMO
    nom: str
    adresse: str
    commune: str
    code_postal: str
    telephone: str
    services: tuple[str, ...]
    accessibilite: tuple[str, ...]
    #: Weekday → ranges.
    semaine: dict[int, tuple[tuple[time, time], ...]]
    en_ligne: bool = True
    #: Slot series: (weekdays, start, end, minutes, capacity).
    series: tuple[tuple[tuple[int, ...], time, time, int, int], ...] = ()


LIEUX_DEMO = (
    LieuDemo(
        organisation="guichet",
        nom="Maison de l'habitat (démonstration)",
        adresse="10 avenue de la Démonstration",
        commune=NARBONNE,
        code_postal="11100",
        telephone="04 00 00 00 01",
        services=tuple(Service.values),
        accessibilite=(Accessibilite.FAUTEUIL, Accessibilite.BOUCLE, Accessibilite.FALC, Accessibilite.TRANSPORTS),
        semaine={j: (MATIN, APRES_MIDI) for j in range(5)},
        series=(((1, 3), time(9), time(12), 20, 1), ((1, 3), time(14), time(16, 30), 30, 2)),
    ),
    LieuDemo(
        organisation="narbonne",
        nom="Accueil logement de la mairie (démonstration)",
        adresse="2 place de l'Exemple",
        commune=NARBONNE,
        code_postal="11100",
        telephone="04 00 00 00 02",
        services=(Service.ENREGISTREMENT, Service.INFORMATION, Service.SUIVI),
        accessibilite=(Accessibilite.FAUTEUIL, Accessibilite.STATIONNEMENT),
        semaine={0: (MATIN,), 2: (MATIN, APRES_MIDI), 4: (MATIN,)},
        series=(((2,), time(14), time(17), 30, 1),),
    ),
    LieuDemo(
        organisation="domitia",
        nom="Agence de Domitia Habitat (démonstration)",
        adresse="5 rue Fictive",
        commune=NARBONNE,
        code_postal="11100",
        telephone="04 00 00 00 03",
        services=(Service.ENREGISTREMENT, Service.PIECES, Service.SUIVI),
        accessibilite=(Accessibilite.TRANSPORTS,),
        semaine={j: (MATIN,) for j in range(5)},
        en_ligne=False,
    ),
    LieuDemo(
        organisation="epci",
        nom="Permanence logement de Coursan (démonstration)",
        adresse="1 rue de l'Essai",
        commune=COURSAN,
        code_postal="11110",
        telephone="04 00 00 00 04",
        services=(Service.INFORMATION, Service.ACCOMPAGNEMENT, Service.NUMERIQUE),
        accessibilite=(Accessibilite.FAUTEUIL, Accessibilite.LSF),
        semaine={3: (APRES_MIDI,)},
        series=(((3,), time(13, 30), time(17), 30, 1),),
    ),
)

#: Fictitious households of the demo's bookings (first place, first slots).
RESERVATIONS_DEMO = (
    ("Camille Exemple", "camille.exemple@example.org", "", Service.ENREGISTREMENT),
    ("Dominique Essai", "", "06 00 00 00 01", Service.ACCOMPAGNEMENT),
)


@dataclass
class ResultatSiadDemo:
    lieux: int
    creneaux: int

    def texte(self) -> str:
        return (
            f"Accueil des demandeurs : {self.lieux} lieux d'accueil, {self.creneaux} créneaux de rendez-vous à venir."
        )


@transaction.atomic
def siad_demo_creer(
    *, epci: EPCI, organisations: dict[str, Organisation], jour: date, auteur: Acteur
) -> ResultatSiadDemo:
    """Create (or update) the demo's places, hours and slots of the next four weeks, two bookings, and compute the
    territory's key figures. Slots start tomorrow (the real day: a slot is never in the past)."""
    communes = {c.pk: c for c in Commune.objects.filter(code_insee__in=[NARBONNE, COURSAN])}
    aujourd_hui = timezone.localdate()
    premier = aujourd_hui + timedelta(days=1)
    lieux: list[LieuAccueil] = []
    for spec in LIEUX_DEMO:
        organisation, commune = organisations.get(spec.organisation), communes.get(spec.commune)
        if organisation is None or commune is None:
            continue
        donnees: dict[str, Any] = {
            "organisation": organisation,
            "nom": spec.nom,
            "adresse": spec.adresse,
            "complement": "",
            "code_postal": spec.code_postal,
            "commune": commune,
            "telephone": spec.telephone,
            "courriel": "",
            "services": list(spec.services),
            "accessibilite": list(spec.accessibilite),
            "informations": FICTIF,
            "rendez_vous_en_ligne": spec.en_ligne,
            "actif": True,
        }
        existant = LieuAccueil.objects.filter(organisation=organisation, nom=spec.nom).first()
        lieu = lieu_enregistrer(lieu=existant, donnees=donnees, auteur=auteur)
        horaires_enregistrer(
            lieu=lieu,
            plages={j: list(p) for j, p in spec.semaine.items()},
            exceptions=[ExceptionSaisie(aujourd_hui + timedelta(days=15), (), "formation de l'équipe")],
            auteur=auteur,
            aujourd_hui=aujourd_hui,
        )
        for jours, debut, fin, minutes, capacite in spec.series:
            creneaux_creer_serie(
                lieu=lieu,
                premier_jour=premier,
                dernier_jour=premier + timedelta(days=27),
                jours=list(jours),
                heure_debut=debut,
                heure_fin=fin,
                duree_minutes=minutes,
                capacite=capacite,
                auteur=auteur,
            )
        lieux.append(lieu)
    if lieux and not RendezVous.objects.filter(creneau__lieu=lieux[0], statut=StatutRendezVous.RESERVE).exists():
        libres = (
            Creneau.objects.ouverts(timezone.now()).filter(lieu=lieux[0]).order_by("debut")[: len(RESERVATIONS_DEMO)]
        )
        for creneau, (nom, email, telephone, motif) in zip(libres, RESERVATIONS_DEMO, strict=False):
            rendez_vous_reserver(creneau=creneau, nom=nom, email=email, telephone=telephone, motif=motif, auteur=auteur)
    chiffres_cles_calculer(epci=epci, auteur=auteur, jour=jour)
    return ResultatSiadDemo(
        lieux=len(lieux), creneaux=Creneau.objects.filter(lieu__in=lieux, debut__gt=timezone.now()).count()
    )
