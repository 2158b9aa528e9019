"""The bounded YAML loader: a "billion laughs" and a deep nesting are refused before anything is built."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest

from attrib.engine.cotation import GrilleInvalide, charger_grille
from attrib.engine.yaml_borne import NOEUDS_MAX, PROFONDEUR_MAX, YamlRefuse, charger_yaml_borne

GRILLES = Path(__file__).resolve().parents[2] / "data" / "grilles"

#: About 400 bytes (the issue measured a 386-byte variant): nine levels of nine aliases, 9^9 strings once expanded.
BOMBE = "a: &a ['lol','lol','lol','lol','lol','lol','lol','lol','lol']\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8)
)


def _pic_memoire(fonction: object) -> tuple[BaseException | None, int]:
    tracemalloc.start()
    try:
        fonction()  # type: ignore[operator]
    except BaseException as exc:  # noqa: BLE001 - the test inspects it
        erreur: BaseException | None = exc
    else:
        erreur = None
    finally:
        _, pic = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return erreur, pic


def test_la_bombe_d_alias_est_refusee_sans_rien_developper() -> None:
    assert len(BOMBE.encode()) < 600
    erreur, pic = _pic_memoire(lambda: charger_yaml_borne(BOMBE))
    assert isinstance(erreur, YamlRefuse)
    assert erreur.ligne == 1
    assert "ancre « &a » refusée" in str(erreur)
    assert pic < 2_000_000


def test_la_bombe_dans_une_grille_est_une_erreur_de_grille_situee() -> None:
    with pytest.raises(GrilleInvalide) as exc:
        charger_grille(BOMBE, origine="bombe.yaml")
    (message,) = exc.value.messages
    assert message.ligne == 1
    assert "références (& et *) ne sont pas admises" in message.message


def test_un_alias_seul_est_refuse_avec_sa_ligne() -> None:
    with pytest.raises(YamlRefuse) as exc:
        charger_yaml_borne("x: 1\ny: *z\n")
    assert exc.value.ligne == 2


@pytest.mark.parametrize("ouvrant", ["[", "{a: "])
def test_l_imbrication_profonde_est_refusee_sans_recursion(ouvrant: str) -> None:
    texte = ouvrant * 40_000  # 40 KB and more, never closed: the refusal comes at the first level too many
    erreur, pic = _pic_memoire(lambda: charger_yaml_borne(texte))
    assert isinstance(erreur, YamlRefuse), erreur
    assert f"{PROFONDEUR_MAX} niveaux au plus" in str(erreur)
    assert erreur.ligne == 1
    assert pic < 5_000_000


def test_trop_de_valeurs_est_refuse_a_la_premiere_de_trop() -> None:
    texte = "[" + ",".join(["1"] * (NOEUDS_MAX + 10)) + "]"
    with pytest.raises(YamlRefuse, match="trop grand"):
        charger_yaml_borne(texte)


def test_un_texte_trop_long_est_refuse_avant_lecture() -> None:
    with pytest.raises(YamlRefuse, match="trop volumineux"):
        charger_yaml_borne("a: b\n" * 10, octets_max=20)


def test_une_erreur_de_syntaxe_dit_sa_ligne_en_francais() -> None:
    with pytest.raises(YamlRefuse) as exc:
        charger_yaml_borne("a: 1\nb: [1, 2\n")
    assert exc.value.ligne is not None
    assert "YAML illisible" in exc.value.raison


@pytest.mark.parametrize("fichier", sorted(GRILLES.glob("*.yaml")), ids=lambda p: p.name)
def test_les_grilles_livrees_passent_le_chargeur_borne(fichier: Path) -> None:
    import yaml

    texte = fichier.read_text(encoding="utf-8")
    assert charger_yaml_borne(texte) == yaml.safe_load(texte)
