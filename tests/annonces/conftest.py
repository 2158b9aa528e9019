"""Location voulue on the rapprochement's small territory (``tests/rapprochement/conftest.py``): the Grand Narbonne
with its published test grid, Alogea with the State (30 %) and Action Logement (20 %), PINS-1 freed for Alogea's
own share and PINS-2 (T3 PLUS, 62 m², 430 € + 70 €, ground floor, outside QPV) freed and oriented to the State, a
planned session, and the hand-made demands wishing Narbonne (scored). On top: the pair rules (State, 30 % of its
flux; Alogea's share, 50 %), and helpers to publish an advert, to act as a household through its own account, and
to move the clock past the closing."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from attrib.annonces.models import Annonce, RegleLocationVoulue
from attrib.annonces.services import annonce_creer, annonce_publier, regle_enregistrer
from attrib.commissions.enums import ModePresence, SensVote, Voix
from attrib.commissions.models import Seance
from attrib.commissions.services import presences_enregistrer, seance_creer
from attrib.demandes.models import Demande
from attrib.demandeurs.models import Liaison
from attrib.flux.models import LogementLibere
from attrib.flux.services import logement_declarer_libere
from attrib.organisations.acteurs import Acteur, acteur_de, acteur_systeme, oublier
from attrib.organisations.models import Organisation
from attrib.patrimoine.enums import Financement
from attrib.patrimoine.models import Logement
from attrib.rapprochement.moteur import vider_cache
from tests.cotation.outils import mois_avant
from tests.factories import CompteDemandeurFactory, creer_demande
from tests.rapprochement.conftest import Monde, adulte, enfant, monde_rapprochement, seuil_connu

SYSTEME = acteur_systeme("test")


@pytest.fixture(autouse=True)
def _cache_vide(settings: Any, tmp_path: Any) -> Iterator[None]:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    vider_cache()
    yield
    vider_cache()


@dataclass
class MondeLV:
    """The rapprochement's world with the pair rules of location voulue."""

    monde: Monde
    regle_etat: RegleLocationVoulue
    regle_bailleur: RegleLocationVoulue
    horloge: time_machine.Coordinates

    @property
    def d(self) -> dict[str, Demande]:
        return self.monde.demandes

    @property
    def jour(self) -> date:
        return self.monde.jour

    @property
    def bailleur(self) -> Acteur:
        return acteur_de(self.monde.gestionnaire_bailleur)

    @property
    def etat(self) -> Acteur:
        return acteur_de(self.monde.gestionnaire_etat)

    def annonce(self, *, publier: bool = True, ll: Any = None, **kw: Any) -> Annonce:
        """An advert of PINS-2 (oriented to the State) made by the bailleur, published now by default."""
        ll = ll or self.monde.ll_etat
        annonce = annonce_creer(orientation=ll.orientations.get(actuelle=True), auteur=self.bailleur, **kw)
        return annonce_publier(annonce=annonce, auteur=self.bailleur) if publier else annonce

    def menage(self, nom: str) -> Acteur:
        """The household of demand ``nom`` acting through its own account (linked as « titulaire »)."""
        compte = CompteDemandeurFactory()
        Liaison.objects.create(compte=compte, demande=self.d[nom], qualite="titulaire")
        oublier(compte.utilisateur)
        return acteur_de(compte.utilisateur)

    def liberer(self, identifiant: str, **kw: Any) -> LogementLibere:
        """One more T3 of Les Pins (PLUS, 62 m², 430 € + 70 €) freed today and oriented by the flux (to the State,
        Action Logement or Alogea's own share: each pair has a rule)."""
        valeurs: dict[str, Any] = {
            "nb_pieces": 3,
            "surface_habitable": Decimal("62"),
            "financement": Financement.PLUS,
            "loyer_principal": Decimal("430"),
            "charges": Decimal("70"),
            "etage": 0,
        }
        valeurs.update(kw)
        logement = Logement.objects.create(residence=self.monde.residence, identifiant=identifiant, **valeurs)
        return logement_declarer_libere(
            auteur=SYSTEME, logement=logement, date_liberation=self.jour, nature="relocation", aujourd_hui=self.jour
        )

    def demande(self, nom: str, *, mois: int = 12, **kw: Any) -> Demande:
        """One more household of two (a parent earning 1 800 €, a child) wishing Narbonne, filed ``mois`` months
        ago (scored at its registration)."""
        kw.setdefault("revenu_fiscal_reference", 20000)
        d = creer_demande(
            guichet_org=Organisation.objects.get(code_guichet="NAR01"),
            personnes=[adulte(1800, nom=nom), enfant()],
            date_depot=mois_avant(self.jour, mois),
            aujourd_hui=self.jour,
            typologie_min=2,
            typologie_max=4,
            **kw,
        )
        self.d[nom] = d
        return d

    def seance_du_jour(self) -> Seance:
        """A session of Alogea's commission today, every member present."""
        seance = seance_creer(auteur=SYSTEME, commission=self.monde.commission, date_seance=timezone.localdate())
        presences_enregistrer(
            auteur=SYSTEME,
            seance=seance,
            presences={m.pk: ModePresence.SEANCE for m in self.monde.commission.membres.all()},
        )
        return seance

    @property
    def pour(self) -> dict[int, str]:
        return {m.pk: SensVote.POUR for m in self.monde.commission.membres.filter(voix=Voix.DELIBERATIVE)}

    def apres_cloture(self, annonce: Annonce) -> datetime:
        """Move the frozen clock one minute past the advert's closing; returns that time."""
        assert annonce.cloture_le is not None
        cible = annonce.cloture_le + timedelta(minutes=1)
        self.horloge.move_to(cible)
        return timezone.now()


def regles_du_monde(monde: Monde) -> tuple[RegleLocationVoulue, RegleLocationVoulue]:
    """The State puts 30 % of its flux in location voulue, Action Logement 10 %, Alogea 50 % of its own share."""
    debut = monde.jour.replace(month=1, day=1)
    etat = regle_enregistrer(bailleur=monde.bailleur, reservataire=monde.etat, debut=debut, part=30, auteur=SYSTEME)
    al = Organisation.objects.get(nom="Action Logement")
    regle_enregistrer(bailleur=monde.bailleur, reservataire=al, debut=debut, part=10, auteur=SYSTEME)
    propre = regle_enregistrer(bailleur=monde.bailleur, debut=debut, part=50, auteur=SYSTEME)
    return etat, propre


@pytest.fixture
def lv(db: None, monkeypatch: pytest.MonkeyPatch, horloge: time_machine.Coordinates) -> MondeLV:
    """Eligibility reads the ceilings of the current year: the world runs on the frozen day (``horloge``)."""
    seuil_connu(monkeypatch)
    monde = monde_rapprochement()
    etat, propre = regles_du_monde(monde)
    return MondeLV(monde=monde, regle_etat=etat, regle_bailleur=propre, horloge=horloge)
