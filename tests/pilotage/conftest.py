"""A small hand-built world of attributions for the objectives dashboard.

Grand Narbonne, one bailleur (Alogea) with dwellings in Narbonne (3 in QPV, 3 outside) and Gruissan (4,
outside QPV), two réservataires (the State, Action Logement) through real flux orientations, and the
bailleur's own share. The first-quartile threshold comes from a test data file: 9 000 € per year and per
UC for 2026 (official, [V] in the test file), none for 2025. Every household is one adult (1 UC), so
resources per UC = monthly salary × 12: 700 € → 8 400 € (Q1), 750 € → 9 000 € (Q1, on the threshold),
1 200 € → 14 400 € (not Q1).

2026 leases (``GOLDEN``), by dwelling:

====  =========  =====  ======  =====  ===========  ================  ==========
 n°   commune    QPV    salary  Q1     DALO         L441-1 validated  réservataire
====  =========  =====  ======  =====  ===========  ================  ==========
 1    Narbonne   no     700     yes    yes          —                 État
 2    Narbonne   no     1 200   no     —            yes (c)           État
 3    Narbonne   no     1 200   no     —            —                 État
 4    Gruissan   no     750     yes    —            —                 Action Logement
 5    Gruissan   no     1 200   no     —            —                 Action Logement
 6    Gruissan   no     1 200   no     —            yes (c)           Action Logement
 7    Narbonne   yes    700     yes    —            —                 Action Logement
 8    Narbonne   yes    1 200   no     —            —                 État
 9    Narbonne   yes    700     yes    yes          —                 État
 10   Gruissan   no     1 200   no     —            —                 Alogea (non réservé)
====  =========  =====  ======  =====  ===========  ================  ==========

plus lease 11 (Narbonne, outside QPV, Q1 by salary, 2025-11-15) outside the 2026 period.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from pytest_django.fixtures import Settings

from attrib.commissions.enums import MotifRefus, QualiteMembre, TypeDecision, Voix
from attrib.commissions.models import Bail, Examen, Seance
from attrib.commissions.services import (
    bail_signer,
    commission_creer,
    decision_enregistrer,
    examen_inscrire,
    offre_emettre,
    offre_repondre,
    presences_enregistrer,
    seance_creer,
    seance_ouvrir,
)
from attrib.demandes import quartile
from attrib.demandes.models import Demande, PieceJustificative
from attrib.demandes.pieces import piece_deposer, piece_valider
from attrib.flux.models import ConventionReservation
from attrib.flux.services import convention_enregistrer, logement_declarer_libere, orientation_forcer
from attrib.organisations.acteurs import Acteur, acteur_de, acteur_systeme
from attrib.organisations.models import CategorieReservataire, Organisation, TypeOrganisation
from attrib.patrimoine.enums import Financement, SourceResidence, TypeConstruction
from attrib.patrimoine.models import Logement, Residence
from tests.factories import GRUISSAN, NARBONNE, a_l_heure, creer_demande, guichet, membre, personne, territoire_minimal

FICHIER_SEUILS = """
arretes:
  - annee: 2026
    intitule: "Arrêté d'essai du 2 mai 2026 fixant le seuil du premier quartile"
    date_arrete: 2026-05-02
    journal_officiel: "JORF d'essai du 5 mai 2026"
    date_effet: 2026-01-01
    source: "fichier de test"
    fiabilite: V
    manque: ""
seuils:
  - epci: "241100593"
    nom: CA Le Grand Narbonne
    annee: 2026
    valeur: 9000
    source: "fichier de test"
    fiabilite: V
    manque: ""
  - epci: "241100593"
    nom: CA Le Grand Narbonne
    annee: 2025
    valeur: null
    fiabilite: K
    manque: "montant d'essai absent"
"""

#: (commune, QPV, monthly salary, DALO, validated priority, réservataire, lease date)
GOLDEN: list[tuple[str, bool, int, bool, bool, str, date]] = [
    (NARBONNE, False, 700, True, False, "etat", date(2026, 1, 20)),
    (NARBONNE, False, 1200, False, True, "etat", date(2026, 2, 10)),
    (NARBONNE, False, 1200, False, False, "etat", date(2026, 2, 24)),
    (GRUISSAN, False, 750, False, False, "action_logement", date(2026, 3, 5)),
    (GRUISSAN, False, 1200, False, False, "action_logement", date(2026, 3, 18)),
    (GRUISSAN, False, 1200, False, True, "action_logement", date(2026, 4, 2)),
    (NARBONNE, True, 700, False, False, "action_logement", date(2026, 4, 20)),
    (NARBONNE, True, 1200, False, False, "etat", date(2026, 5, 12)),
    (NARBONNE, True, 700, True, False, "etat", date(2026, 6, 3)),
    (GRUISSAN, False, 1200, False, False, "bailleur", date(2026, 6, 30)),
]
HORS_PERIODE = (NARBONNE, False, 700, False, False, "etat", date(2025, 11, 15))
DEPOT = date(2024, 3, 1)


@pytest.fixture(autouse=True)
def _hachage_rapide(settings: Settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def seuils_essai(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    chemin = tmp_path / "seuils_q1.yaml"
    chemin.write_text(FICHIER_SEUILS, encoding="utf-8")
    monkeypatch.setattr(quartile, "FICHIER", chemin)
    return chemin


@dataclass
class Monde:
    bailleur: Organisation
    etat: Organisation
    action_logement: Organisation
    gestionnaire: Any
    desk: Organisation
    baux: list[Bail] = field(default_factory=list)
    hors_periode: Bail | None = None
    figurants: list[Demande] = field(default_factory=list)


def _residence(bailleur: Organisation, identifiant: str, commune: str, en_qpv: bool) -> Residence:
    return Residence.objects.create(
        identifiant=identifiant,
        nom=f"Résidence {identifiant}",
        commune_id=commune,
        bailleur=bailleur,
        en_qpv=en_qpv,
        numero_voie="1",
        type_voie="rue",
        nom_voie=identifiant.lower(),
        code_postal="11100",
        type_construction=TypeConstruction.COLLECTIF,
        source=SourceResidence.RPLS_ADRESSES,
    )


def _valider_priorite(demande: Demande, code: str, auteur: Any) -> None:
    pieces = list(PieceJustificative.objects.filter(demande=demande, critere=code))
    assert pieces, f"la priorité {code} attend des pièces"
    for piece in pieces:
        piece_deposer(piece=piece, fichier=ContentFile(b"%PDF-1.4 essai", name="piece.pdf"), auteur=acteur_de(auteur))
        piece_valider(piece=piece, auteur=acteur_de(auteur))


def _acteur(user: Any) -> Acteur:
    """The actor of a test's user, or the system when the test names none."""
    return acteur_systeme("test") if user is None else acteur_de(user)


def statuer(seance: Seance, examens: list[Examen], type_decision: str, auteur: Any = None) -> None:
    """Every member present in the room, the session opened, each candidate attributed by a unanimous vote
    (rank = rank proposed)."""
    membres = list(seance.commission.membres.all())
    presences_enregistrer(seance=seance, presences={m.pk: "seance" for m in membres}, auteur=_acteur(auteur))
    seance_ouvrir(seance=seance, ouverte_le=a_l_heure(seance.date), auteur=_acteur(auteur))
    votes = {m.pk: "pour" for m in membres if m.voix == Voix.DELIBERATIVE}
    for e in examens:
        rang = 1 if type_decision == TypeDecision.ATTRIBUTION else e.rang_propose
        decision_enregistrer(examen=e, type_decision=type_decision, rang=rang, votes=votes, auteur=_acteur(auteur))


def construire_monde(*, avec_refus: bool = True) -> Monde:
    territoire_minimal()
    bailleur = Organisation.objects.create(nom="Alogea", type=TypeOrganisation.BAILLEUR, siren="272500022")
    etat = Organisation.objects.create(
        nom="Préfecture de l'Aude",
        type=TypeOrganisation.RESERVATAIRE,
        categorie_reservataire=CategorieReservataire.ETAT,
    )
    etat.perimetre.set([NARBONNE, GRUISSAN])
    action = Organisation.objects.create(
        nom="Action Logement Services",
        type=TypeOrganisation.RESERVATAIRE,
        categorie_reservataire=CategorieReservataire.ACTION_LOGEMENT,
    )
    gestionnaire = membre(bailleur, username="alogea")
    desk = guichet(communes=(NARBONNE, GRUISSAN))
    monde = Monde(bailleur, etat, action, gestionnaire, desk)
    conventions: dict[str, ConventionReservation] = {
        "etat": convention_enregistrer(
            auteur=acteur_systeme("test"),
            bailleur=bailleur,
            reservataire=etat,
            categorie="etat",
            part=Decimal("30"),
            debut=date(2025, 1, 1),
        ),
        "action_logement": convention_enregistrer(
            auteur=acteur_systeme("test"),
            bailleur=bailleur,
            reservataire=action,
            categorie="action_logement",
            part=Decimal("30"),
            debut=date(2025, 1, 1),
        ),
    }
    residences = {
        (NARBONNE, True): _residence(bailleur, "NARBONNE-QPV", NARBONNE, True),
        (NARBONNE, False): _residence(bailleur, "NARBONNE-CENTRE", NARBONNE, False),
        (GRUISSAN, False): _residence(bailleur, "GRUISSAN-PORT", GRUISSAN, False),
    }
    commission = commission_creer(
        auteur=acteur_systeme("test"),
        bailleur=bailleur,
        nom="CALEOL Narbonne",
        membres=[
            {
                "nom": "Mme Durand",
                "qualite": QualiteMembre.ADMINISTRATEUR,
                "voix": Voix.DELIBERATIVE,
                "president": True,
            },
            {"nom": "M. Roux", "qualite": QualiteMembre.REPRESENTANT_LOCATAIRES, "voix": Voix.DELIBERATIVE},
            {"nom": "Maire de Narbonne", "qualite": QualiteMembre.MAIRE, "voix": Voix.DELIBERATIVE},
        ],
    )
    # Two candidates who are examined for every dwelling but never chosen (three candidates per dwelling).
    monde.figurants = [
        creer_demande(guichet_org=desk, personnes=[personne(nom=n)], aujourd_hui=DEPOT) for n in ("Figue", "Prune")
    ]
    lignes = [*GOLDEN, HORS_PERIODE]
    for n, (commune, en_qpv, salaire, dalo, prioritaire, reservataire, jour) in enumerate(lignes, start=1):
        logement = Logement.objects.create(
            residence=residences[(commune, en_qpv)],
            identifiant=f"LGT-{n:02d}",
            identifiant_rpls=f"{n:010d}",
            nb_pieces=2 + n % 3,
            surface_habitable=Decimal("50"),
            financement=Financement.PLUS,
            loyer_principal=Decimal("400"),
        )
        demande = creer_demande(
            guichet_org=desk,
            communes=(commune,),
            personnes=[personne(nom=f"Menage{n}", salaires=salaire)],
            priorites=("l441_c",) if prioritaire else (),
            aujourd_hui=DEPOT + timedelta(days=30 * n),
            **({"dalo_reconnu": True, "dalo_date_decision": date(2024, 1, 10)} if dalo else {}),
        )
        if prioritaire:
            _valider_priorite(demande, "l441_c", acteur_systeme("test"))  # the desk validated it
        liberation = jour - timedelta(days=40)
        if reservataire != "bailleur":
            ll = logement_declarer_libere(
                auteur=acteur_systeme("test"),
                logement=logement,
                date_liberation=liberation,
                nature="relocation",
                aujourd_hui=liberation,
            )
            assert ll.orientation is not None
            cible = conventions[reservataire]
            if ll.orientation.reservataire_id != cible.reservataire_id or ll.orientation.convention_id != cible.pk:
                orientation_forcer(
                    orientation=ll.orientation,
                    reservataire=cible,
                    motif="Répartition de l'essai.",
                    auteur=acteur_de(gestionnaire),
                    aujourd_hui=liberation,
                )
        seance = seance_creer(
            auteur=acteur_systeme("test"), commission=commission, date_seance=jour - timedelta(days=20)
        )
        examens = examen_inscrire(
            auteur=acteur_systeme("test"), seance=seance, logement=logement, candidats=[demande, *monde.figurants]
        )
        statuer(seance, examens[:1], TypeDecision.ATTRIBUTION)
        envoi = jour - timedelta(days=15)
        offre = offre_emettre(auteur=acteur_systeme("test"), logement=logement, envoyee_le=envoi)
        offre = offre_repondre(
            auteur=acteur_systeme("test"), offre=offre, accepte=True, repondue_le=envoi + timedelta(days=3)
        )
        bail = bail_signer(
            auteur=acteur_systeme("test"),
            offre=offre,
            date_signature=jour,
            accord_collectif=False,
            deja_locataire=False,
        )
        if jour.year == 2026:
            monde.baux.append(bail)
        else:
            monde.hors_periode = bail
    if avec_refus:
        _refus(monde, commission, residences[(NARBONNE, False)])
    return monde


def _refus(monde: Monde, commission: Any, residence: Residence) -> None:
    """Offers of one more dwelling in 2026: refused by Figue (loyer), unanswered by Prune (R441-10)."""
    logement = Logement.objects.create(
        residence=residence,
        identifiant="LGT-REFUS",
        identifiant_rpls="9999999999",
        nb_pieces=3,
        surface_habitable=Decimal("60"),
        financement=Financement.PLUS,
    )
    tiers = creer_demande(guichet_org=monde.desk, personnes=[personne(nom="Tiers")], aujourd_hui=DEPOT)
    seance = seance_creer(auteur=acteur_systeme("test"), commission=commission, date_seance=date(2026, 7, 1))
    examens = examen_inscrire(
        auteur=acteur_systeme("test"), seance=seance, logement=logement, candidats=[*monde.figurants, tiers]
    )
    statuer(seance, examens, TypeDecision.ATTRIBUTION_CLASSEMENT)
    offre = offre_emettre(auteur=acteur_systeme("test"), logement=logement, envoyee_le=date(2026, 7, 2))
    offre_repondre(
        auteur=acteur_systeme("test"),
        offre=offre,
        accepte=False,
        motif_refus=MotifRefus.LOYER,
        logement_adapte=True,
        repondue_le=date(2026, 7, 6),
    )
    from attrib.commissions.services import offre_suivante, offres_expirer

    offre_suivante(auteur=acteur_systeme("test"), offre=offre, envoyee_le=date(2026, 7, 7))
    offres_expirer(auteur=acteur_systeme("test"), aujourd_hui=date(2026, 7, 30))


@pytest.fixture
def monde(db: None, seuils_essai: Path) -> Monde:
    return construire_monde()
