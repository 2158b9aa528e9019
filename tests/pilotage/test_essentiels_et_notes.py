"""Golden tests of the essential-workers share and the rating rule, on the world of ``conftest.py``.

Essential workers: the applicants of leases 1, 4 and 7 declare a job that cannot be done remotely in a
sector of the list (lease 7's applicant in « santé », the others in « alimentation »); lease 5's applicant
declares a non-remote job outside the list (not counted).

* whole EPCI: 3 of 10 = 30 %; Grand Narbonne's CIA target unknown → « objectif de la CIA non renseigné »;
  with a test cia.yaml at 25 % → 30 % ≥ 25 % → met; at 35 % → not met;
* réservataire Action Logement (leases 4, 5, 6, 7) → 2 of 4 = 50 %; commune Gruissan (4, 5, 6, 10) → 1 of 4;
  bailleur Alogea = every lease → 3 of 10.

Rating rule (objectifs_attribution.yaml: notes {1}, households q1, at most 40 %), two closed campaigns:

* 2025, closed 15/12/2025: NARBONNE-QPV concordant 1; NARBONNE-CENTRE divergent, agreed note 1 recorded
  on 15/02/2026; GRUISSAN-PORT concordant 3;
* 2026, closed 01/05/2026: NARBONNE-QPV concordant 2.

Note on each lease's date (last campaign closed *before* it that settled one):
leases 1 (20/01) and 2 (10/02), centre: agreed note recorded after the lease → no note;
lease 3 (24/02), centre: 1; lease 7 (20/04), QPV: 1 (2025); leases 8 (12/05) and 9 (03/06), QPV: 2 (2026);
Gruissan: 3. In scope (note 1): leases 3 (not Q1) and 7 (Q1) → 1 of 2 = 50 % > 40 % → not met.
"""

from __future__ import annotations

from datetime import date, datetime
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from attrib.commissions.models import Bail
from attrib.demandes.models import Personne
from attrib.engine.erreurs import ParametresInvalides
from attrib.engine.rapprochement.objectifs import RESIDENCES_FRAGILES
from attrib.organisations.acteurs import acteur_de
from attrib.organisations.models import Organisation, TypeOrganisation
from attrib.patrimoine.models import Residence
from attrib.pilotage import cia
from attrib.pilotage.selectors import TRAVAILLEURS_ESSENTIELS, Perimetre, Periode, tableau
from attrib.qualification.enums import StatutCampagne, StatutResidence
from attrib.qualification.models import Campagne, NoteHarmonisee, ResultatResidence
from tests.factories import GRUISSAN, NARBONNE, UserFactory
from tests.pilotage.conftest import Monde
from tests.taches.outils import fichier_du_travail

pytestmark = pytest.mark.django_db

ANNEE = Periode.annee(2026)


def _moment(jour: date) -> datetime:
    return timezone.make_aware(datetime(jour.year, jour.month, jour.day, 12))


def _bail(monde: Monde, n: int) -> Bail:
    return next(b for b in monde.baux if b.logement.identifiant == f"LGT-{n:02d}")


def _declarer(monde: Monde, n: int, secteur: str) -> None:
    Personne.objects.filter(demande=_bail(monde, n).demande, role="demandeur").update(
        situation_professionnelle="cdi", emploi_non_teletravaillable=True, secteur_essentiel=secteur
    )


@pytest.fixture
def admin() -> Any:
    return UserFactory(username="admin", is_superuser=True)


@pytest.fixture
def essentiels(monde: Monde) -> Monde:
    _declarer(monde, 1, "alimentation")
    _declarer(monde, 4, "alimentation")
    _declarer(monde, 7, "sante_medico_social")
    _declarer(monde, 5, "")  # non-remote job, sector outside the list: not an essential worker
    return monde


def _cia(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, taux: str) -> None:
    (tmp_path / "cia.yaml").write_text(
        f"""
travailleurs_essentiels:
  - epci: "241100593"
    nom: "CA Le Grand Narbonne"
    date_effet: 2024-01-01
    taux: "{taux}"
    fiabilite: V
    source: "CIA d'essai signée le 01/01/2024, article 4"
""",
        encoding="utf-8",
    )
    # The CIA's file is read where the essential-workers indicator is computed.
    monkeypatch.setattr(
        "attrib.pilotage.selectors.essentiels.objectif_travailleurs_essentiels",
        lambda *, epci, jour: cia.objectif_travailleurs_essentiels(epci=epci, jour=jour, dossier=tmp_path),
    )


def test_part_des_travailleurs_essentiels_calculee_a_la_main(essentiels: Monde, admin: Any) -> None:
    t = tableau(acteur_de(admin), ANNEE, Perimetre())
    te = t.travailleurs_essentiels
    assert (te.compte.attributions, te.compte.cibles) == (10, 3)
    assert te.part == Fraction(3, 10)
    assert (te.atteint, te.statut, te.etat) == (
        None,
        "objectif de la CIA non renseigné",
        "30\u00a0% (objectif de la CIA non renseigné)",
    )
    assert "non publié à ce jour" in te.source and "Grand Narbonne" in te.source and "[K]" not in te.source
    [epci] = t.travailleurs_essentiels_par_epci
    assert (epci.code, epci.compte.cibles, epci.cible) == (
        f"{TRAVAILLEURS_ESSENTIELS}:241100593",
        3,
        "objectif de la CIA non renseigné",
    )
    sept = next(ligne for ligne in t.lignes if ligne.logement == "LGT-07")
    assert sept.explication_travailleur_essentiel().startswith(
        "travailleur essentiel (emploi non télétravaillable, secteur : Santé"
    )
    cinq = next(ligne for ligne in t.lignes if ligne.logement == "LGT-05")
    assert cinq.travailleur_essentiel is False


@pytest.mark.parametrize(
    ("perimetre", "attendu"),
    [
        ("reservataire", (4, 2)),
        ("commune", (4, 1)),
        ("bailleur", (10, 3)),
    ],
)
def test_part_des_travailleurs_essentiels_par_perimetre(
    essentiels: Monde, admin: Any, perimetre: str, attendu: tuple[int, int]
) -> None:
    p = {
        "reservataire": Perimetre(reservataire=essentiels.action_logement.pk),
        "commune": Perimetre(commune=GRUISSAN),
        "bailleur": Perimetre(bailleur=essentiels.bailleur.pk),
    }[perimetre]
    te = tableau(acteur_de(admin), ANNEE, p).travailleurs_essentiels
    assert (te.compte.attributions, te.compte.cibles) == attendu


@pytest.mark.parametrize(
    ("taux", "atteint", "etat"), [("0.25", True, "30\u00a0% ≥ 25\u00a0%"), ("0.35", False, "30\u00a0% < 35\u00a0%")]
)
def test_objectif_de_la_cia_quand_le_fichier_le_donne(
    essentiels: Monde, admin: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, taux: str, atteint: bool, etat: str
) -> None:
    _cia(tmp_path, monkeypatch, taux)
    te = tableau(acteur_de(admin), ANNEE, Perimetre()).travailleurs_essentiels
    assert (te.atteint, te.etat) == (atteint, etat)
    assert "CIA d'essai signée" in te.source and "[V]" not in te.source


def test_un_taux_de_cia_sans_source_fiable_est_refuse(tmp_path: Path) -> None:
    (tmp_path / "cia.yaml").write_text(
        'travailleurs_essentiels:\n  - epci: "241100593"\n    date_effet: 2024-01-01\n    taux: "0.2"\n'
        "    fiabilite: K\n    source: deviné\n",
        encoding="utf-8",
    )
    with pytest.raises(ParametresInvalides, match="ligne n° 1 : un taux renseigné doit porter sa source"):
        cia.charger(tmp_path)


def test_le_fichier_livre_laisse_l_objectif_du_grand_narbonne_vide() -> None:
    o = cia.objectif_travailleurs_essentiels(epci="241100593", jour=date(2026, 12, 31))
    assert o is not None and o.taux is None and o.fiabilite == "K"


# --- rating rule --------------------------------------------------------------------------------


def _campagnes(monde: Monde) -> None:
    epci = Organisation.objects.create(nom="CA Le Grand Narbonne", type=TypeOrganisation.EPCI, siren="241100593")
    residences = {r.identifiant: r for r in Residence.objects.all()}

    def campagne(annee: int, close: date) -> Campagne:
        return Campagne.objects.create(
            organisation=epci,
            annee=annee,
            date_limite=close,
            statut=StatutCampagne.CLOSE,
            ouverte_le=_moment(date(annee, 1, 2) if annee < close.year else date(annee, 1, 1)),
            close_le=_moment(close),
        )

    def resultat(c: Campagne, ident: str, commune: str, bailleur: int, note_bailleur: int | None = None) -> None:
        divergent = note_bailleur is not None and note_bailleur != bailleur
        ResultatResidence.objects.create(
            campagne=c,
            residence=residences[ident],
            commune_id=commune,
            bailleur=monde.bailleur,
            nb_logements=4,
            note_commune=bailleur,
            note_bailleur=note_bailleur if note_bailleur is not None else bailleur,
            statut=StatutResidence.DIVERGENT if divergent else StatutResidence.CONCORDANT,
            ecart=abs(bailleur - note_bailleur) if divergent else 0,  # type: ignore[operator]
            rang_agenda=1 if divergent else None,
        )

    c2025 = campagne(2025, date(2025, 12, 15))
    resultat(c2025, "NARBONNE-QPV", NARBONNE, 1)
    resultat(c2025, "NARBONNE-CENTRE", NARBONNE, 1, note_bailleur=3)
    resultat(c2025, "GRUISSAN-PORT", GRUISSAN, 3)
    NoteHarmonisee.objects.create(
        campagne=c2025,
        residence=residences["NARBONNE-CENTRE"],
        note=1,
        participants="Mme Durand (Alogea), M. Roux (Narbonne)",
        motif="Accord en réunion d'harmonisation.",
        enregistree_le=_moment(date(2026, 2, 15)),
    )
    c2026 = campagne(2026, date(2026, 5, 1))
    resultat(c2026, "NARBONNE-QPV", NARBONNE, 2)


def test_regle_des_residences_fragiles_calculee_a_la_main(monde: Monde, admin: Any) -> None:
    _campagnes(monde)
    t = tableau(acteur_de(admin), ANNEE, Perimetre())
    notes = {ligne.logement: ligne.note_residence for ligne in t.lignes}
    assert notes == {
        "LGT-01": None,
        "LGT-02": None,
        "LGT-03": 1,
        "LGT-04": 3,
        "LGT-05": 3,
        "LGT-06": 3,
        "LGT-07": 1,
        "LGT-08": 2,
        "LGT-09": 2,
        "LGT-10": 3,
    }
    regle = t.indicateur(RESIDENCES_FRAGILES)
    assert (regle.compte.attributions, regle.compte.cibles) == (2, 1)
    assert regle.part == Fraction(1, 2)
    assert (regle.atteint, regle.statut, regle.etat) == (False, "non atteint", "50\u00a0% > 40\u00a0%")
    assert regle.cible == "≤ 40\u00a0%"
    trois = next(ligne for ligne in t.lignes if ligne.logement == "LGT-03")
    assert trois.explication_note() == "résidence notée 1 (note convenue, campagne 2025 close le 15/12/2025)"
    huit = next(ligne for ligne in t.lignes if ligne.logement == "LGT-08")
    assert huit.explication_note() == "résidence notée 2 (note concordante, campagne 2026 close le 01/05/2026)"
    un = next(ligne for ligne in t.lignes if ligne.logement == "LGT-01")
    assert un.explication_note().startswith("résidence sans note de qualification au jour du bail")


def test_sans_campagne_close_la_regle_est_sans_attribution(monde: Monde, admin: Any) -> None:
    regle = tableau(acteur_de(admin), ANNEE, Perimetre()).indicateur(RESIDENCES_FRAGILES)
    assert (regle.compte.attributions, regle.atteint, regle.statut) == (0, None, "sans attribution")


def test_carte_detail_et_exports(monde: Monde, admin: Any) -> None:
    _campagnes(monde)
    _declarer(monde, 4, "alimentation")
    c = Client()
    c.force_login(admin)
    annee = {"debut": "2026-01-01", "fin": "2026-12-31"}
    html = c.get(reverse("pilotage:tableau"), annee).content.decode()
    carte = html[html.index('id="carte-residences_fragiles"') :][:2500]
    assert "50\u00a0%" in carte and "1 sur 2 attributions" in carte and "Objectif non atteint" in carte
    carte = html[html.index('id="carte-travailleurs_essentiels"') :][:2500]
    assert "10\u00a0%" in carte and "1 sur 10 attributions" in carte and "objectif de la CIA non renseigné" in carte
    assert "Non renseigné (objectif de la CIA)" in carte

    detail = c.get(reverse("pilotage:attributions"), {**annee, "objectif": RESIDENCES_FRAGILES}).content.decode()
    assert "logements des résidences notées 1" in detail
    assert detail.count("LGT-") == 2 and "LGT-03" in detail and "LGT-07" in detail
    detail = c.get(reverse("pilotage:attributions"), {**annee, "objectif": TRAVAILLEURS_ESSENTIELS}).content.decode()
    assert detail.count("<strong>oui</strong>") == 1 and detail.count("LGT-") == 10
    assert "travailleur essentiel (emploi non télétravaillable, secteur : Production" in detail

    import csv
    import io

    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(fichier_du_travail(c.get(reverse("pilotage:export_xlsx"), annee)).content))
    fragiles = list(wb["Résidences fragiles"].iter_rows(min_row=2, values_only=True))
    assert fragiles[0][1:6] == (2, 1, 0.5, "≤ 40\u00a0%", "non atteint")
    parametres = {row[0]: row[1] for row in wb["Paramètres et sources"].iter_rows(min_row=2, values_only=True)}
    assert parametres["Règle des résidences les plus fragiles"] == 0.4
    assert "sante_medico_social" in parametres["Liste des secteurs essentiels"]
    texte = fichier_du_travail(c.get(reverse("pilotage:export_csv"), annee)).content.decode("utf-8-sig")
    lignes = {r["Logement"]: r for r in csv.DictReader(io.StringIO(texte), delimiter=";")}
    assert lignes["LGT-04"]["Travailleur essentiel"] == "oui"
    assert lignes["LGT-03"]["Note de la résidence au jour du bail"] == "1"
    assert lignes["LGT-01"]["Note de la résidence au jour du bail"] == ""
