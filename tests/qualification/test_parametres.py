"""The parameter file of the rating campaigns: labels of every note of the engine's scale, demo targets
equal to the published MEL figures, and French errors naming the key when the file is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from attrib.engine.qualification import ECHELLE_VIVRE_ENSEMBLE
from attrib.qualification.parametres import DOSSIER_PARAMETRES, FICHIER, ParametresQualificationInvalides, parametres


def test_le_fichier_reel_est_coherent_avec_l_echelle_du_moteur() -> None:
    p = parametres()
    assert sorted(p.libelles_notes) == list(range(ECHELLE_VIVRE_ENSEMBLE.minimum, ECHELLE_VIVRE_ENSEMBLE.maximum + 1))
    # The two figures published for the MEL (70 % of the stock in dwellings, 20 % divergent).
    assert (p.demo.part_logements_notes_deux_parties, p.demo.part_residences_divergentes) == (0.70, 0.20)
    assert sum(p.demo.loi_notes.values()) == pytest.approx(1)


def _copie(tmp_path: Path, remplacer: str, par: str) -> Path:
    texte = (DOSSIER_PARAMETRES / FICHIER).read_text(encoding="utf-8")
    assert remplacer in texte
    (tmp_path / FICHIER).write_text(texte.replace(remplacer, par), encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    ("remplacer", "par", "message"),
    [
        (
            '    4: "4 — sans difficulté particulière"\n',
            "",
            "libelles_notes.notes doit donner un libellé pour chaque note de 1 à 4.",
        ),
        (
            'part_residences_divergentes: "0.20"',
            'part_residences_divergentes: "1.5"',
            "demo.part_residences_divergentes « 1.5 » n'est pas une part comprise entre 0 et 1.",
        ),
        ('    1: "0.75"', '    1: "0.80"', "demo.loi_ecarts : la somme des parts vaut 1.0500 au lieu de 1."),
    ],
)
def test_un_fichier_faux_est_signale_en_francais(tmp_path: Path, remplacer: str, par: str, message: str) -> None:
    with pytest.raises(ParametresQualificationInvalides) as exc:
        parametres.__wrapped__(_copie(tmp_path, remplacer, par))
    assert str(exc.value) == f"{FICHIER} : {message}"
