"""Demonstration data of the réservataire's choice (decision 0037): Action Logement's list of contributing companies
and demo households employed by them.

- **Companies**: eight establishments, all **fictitious** (names invented for the demo, SIRETs starting with 999 —
  no INSEE establishment uses that prefix today — completed with a right Luhn key), imported through the real
  import service (journalled, line by line), one of them having stopped contributing last year.
- **Households**: among the demo demands whose applicant is in work, one in ``PART_SALARIES`` ([hypothèse] of the
  demonstration) is given one of these employers (name and SIRET, as the CERFA asks), so that Action Logement's
  shortlist shows « salarié d'une entreprise cotisante » and its filter finds them."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet

from attrib.demandes.enums import SITUATIONS_EN_EMPLOI, RolePersonne
from attrib.demandes.models import Demande, Personne
from attrib.engine.siret import completer_cle
from attrib.organisations.acteurs import acteur_systeme
from attrib.organisations.models import Organisation
from attrib.rapprochement.cotisantes import cotisantes_importer

DEMO = acteur_systeme("démonstration (charger_demo)")
#: [hypothèse] Share of the demo applicants in work employed by a contributing company.
PART_SALARIES = 0.25
#: Fictitious companies: (13 first digits of the SIRET, name). The key digit is computed.
ENTREPRISES_FICTIVES = (
    ("9990010000001", "Conserverie fictive du Golfe (démonstration)"),
    ("9990020000001", "Transports fictifs de la Clape (démonstration)"),
    ("9990030000001", "Clinique fictive des Étangs (démonstration)"),
    ("9990040000001", "Coopérative viticole fictive (démonstration)"),
    ("9990050000001", "Logistique fictive de l'Aude (démonstration)"),
    ("9990060000001", "Boulangeries fictives du Narbonnais (démonstration)"),
    ("9990070000001", "Hôtellerie fictive du littoral (démonstration)"),
)
ANCIENNE = ("9990080000001", "Menuiserie fictive des Corbières (démonstration, a cessé de cotiser)")


@dataclass(frozen=True)
class ResultatChoixDemo:
    entreprises: int
    salaries: int

    def texte(self) -> str:
        return (
            f"Action Logement : {self.entreprises} entreprises cotisantes fictives importées ; "
            f"{self.salaries} ménages de démonstration salariés de l'une d'elles."
        )


def choix_demo_creer(
    *, action_logement: Organisation, demandes: QuerySet[Demande], jour: date, graine: int
) -> ResultatChoixDemo:
    debut = date(jour.year - 3, 1, 1)
    lignes = ["SIRET;Raison sociale;Cotisante depuis le;Cotisante jusqu'au"]
    for debut_siret, nom in ENTREPRISES_FICTIVES:
        lignes.append(f"{completer_cle(debut_siret)};{nom};{debut:%d/%m/%Y};")
    lignes.append(f"{completer_cle(ANCIENNE[0])};{ANCIENNE[1]};{debut:%d/%m/%Y};31/12/{jour.year - 1}")
    rapport = cotisantes_importer(
        reservataire=action_logement,
        fichier=("\n".join(lignes) + "\n").encode(),
        nom_fichier="entreprises-cotisantes-demo.csv",
        auteur=DEMO,
    )
    hasard = random.Random(graine + 15)
    personnes = list(
        Personne.objects.filter(
            demande__in=demandes,
            role=RolePersonne.DEMANDEUR,
            situation_professionnelle__in=sorted(SITUATIONS_EN_EMPLOI),
        )
        .order_by("pk")
        .only("pk")
    )
    choisies = [p for p in personnes if hasard.random() < PART_SALARIES]
    toutes = [*ENTREPRISES_FICTIVES, ANCIENNE]
    for p in choisies:
        debut_siret, nom = toutes[hasard.randrange(len(toutes))]
        p.employeur_siret = completer_cle(debut_siret)
        p.employeur_nom = nom
    Personne.objects.bulk_update(choisies, ["employeur_siret", "employeur_nom"], batch_size=2000)
    return ResultatChoixDemo(entreprises=rapport.creees + rapport.mises_a_jour, salaries=len(choisies))
