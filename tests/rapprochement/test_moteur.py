"""The bridge from the database to the engine: the stored demands of the territory become the engine's
columns, and the shortlist agrees with the engine's reference path demand by demand."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from attrib.cotation.models import Cotation
from attrib.demandes.enums import MotifRadiation
from attrib.demandes.moteur import menage_de
from attrib.demandes.services import demande_radier
from attrib.engine.rapprochement import Demandeur, eligibilite
from attrib.organisations.acteurs import acteur_de, acteur_systeme
from attrib.rapprochement import moteur, selectors
from attrib.territoires.models import EPCI, Commune
from tests.factories import NARBONNE
from tests.rapprochement.conftest import Monde, seuil_connu

pytestmark = pytest.mark.django_db


def test_le_pont_donne_au_moteur_les_memes_menages_que_le_chemin_de_reference(monde: Monde) -> None:
    it = moteur.index_territoire(monde.epci.epci, jour=monde.jour)
    lg = moteur.logement_moteur(monde.ll_etat)
    ev, _ = it.index.evaluer(lg)
    eligibles_index = {
        str(it.index.demandes[int(ligne)]): bool(ok)
        for ligne, ok in zip(ev.lignes.tolist(), ev.eligible.tolist(), strict=True)
    }
    assert len(eligibles_index) == len(monde.demandes)
    for nom, d in monde.demandes.items():
        reference = eligibilite(
            Demandeur(
                menage=menage_de(d, monde.jour),
                allocation_logement=float(d.allocation_logement or 0),
                besoin_fauteuil=d.besoin_fauteuil,
                besoin_logement_adapte=d.besoin_logement_adapte,
                besoin_rdc_ou_ascenseur=d.besoin_rdc_ou_ascenseur,
            ),
            lg,
            annee_plafonds=monde.jour.year,
            date_reference=monde.jour,
        )
        assert eligibles_index[d.numero_unique] == reference.eligible, nom
        position = [int(x) for x in ev.lignes.tolist()].index(it.lignes[d.numero_unique])
        assert ev.detail(position).explication() == reference.explication(), nom
    assert {n for n, ok in eligibles_index.items() if not ok} == {
        monde.demandes["aise"].numero_unique,
        monde.demandes["seul"].numero_unique,
    }


def test_la_preselection_classe_par_score_puis_anciennete_du_depot(monde: Monde) -> None:
    ll = selectors.logement_libere_visible(acteur_de(monde.gestionnaire_etat), monde.ll_etat.pk)
    vue = selectors.preselection_logement(ll, acteur=acteur_de(monde.gestionnaire_etat))
    obtenus = [c.numero for c in vue.candidats]
    eligibles = [d for n, d in monde.demandes.items() if n not in {"aise", "seul"}]
    scores = {c.demande_id: c.score for c in Cotation.objects.all()}
    attendus = [
        d.numero_unique
        for d in sorted(eligibles, key=lambda d: (-scores[d.pk], d.date_depot_initiale, d.numero_unique))
    ]
    assert obtenus == attendus
    assert obtenus[0] == monde.demandes["dalo"].numero_unique
    modeste = next(c for c in vue.candidats if c.numero == monde.demandes["modeste"].numero_unique)
    assert modeste.q1 is True
    assert any("Ménage du 1er quartile" in s for s in modeste.signaux)
    assert any(e.startswith("L'objectif hors QPV (ménage du 1er quartile)") for e in modeste.effets)


def test_l_index_est_garde_en_memoire_puis_reconstruit_quand_une_demande_change(monde: Monde) -> None:
    premier = moteur.index_territoire(monde.epci.epci, jour=monde.jour)
    assert moteur.index_territoire(monde.epci.epci, jour=monde.jour) is premier
    couple = monde.demandes["couple"]
    demande_radier(demande=couple, auteur=acteur_systeme("test"), motif=MotifRadiation.RENONCIATION)
    second = moteur.index_territoire(monde.epci.epci, jour=monde.jour)
    assert second is not premier
    assert couple.numero_unique in premier.lignes
    assert couple.numero_unique not in second.lignes


def test_sans_seuil_le_signal_q1_n_est_pas_invente(monde: Monde, monkeypatch: pytest.MonkeyPatch) -> None:
    seuil_connu(monkeypatch, None)
    ll = selectors.logement_libere_visible(acteur_de(monde.gestionnaire_etat), monde.ll_etat.pk)
    vue = selectors.preselection_logement(ll, acteur=acteur_de(monde.gestionnaire_etat))
    for c in vue.candidats:
        assert c.q1 is None
        assert "Seuil du premier quartile non renseigné" in " ".join(c.signaux)
        assert not any("hors QPV" in e for e in c.effets)
    assert "Attributions hors QPV aux ménages du 1er quartile" in vue.objectifs_non_calcules


def test_un_logement_sans_financement_est_signale_en_francais(monde: Monde) -> None:
    logement = monde.ll_etat.logement
    logement.financement = ""
    logement.save()
    monde.ll_etat.financement = ""
    monde.ll_etat.save()
    with pytest.raises(moteur.LogementNonEvaluable, match="financement non renseigné"):
        moteur.logement_moteur(monde.ll_etat)


def test_charges_inconnues_le_taux_d_effort_est_evalue_avec_le_forfait(monde: Monde) -> None:
    # Rule 11: no candidate shows « non évalué » for lack of the dwelling's charges alone.
    logement = monde.ll_etat.logement
    logement.charges = None
    logement.save()
    lg = moteur.logement_moteur(monde.ll_etat)
    assert lg.charges is None and lg.loyer is not None
    it = moteur.index_territoire(monde.epci.epci, jour=monde.jour)
    ev, _ = it.index.evaluer(lg)
    for position in range(len(ev)):
        detail = ev.detail(position)
        effort = next(r for r in detail.regles if r.code == "taux_effort")
        assert "non évalué" not in effort.message
        assert "charges forfaitaires" in effort.message or "Ressources mensuelles nulles" in effort.message
        assert "forfait de charges de l'aide au logement" in effort.message


def test_un_nouveau_processus_relit_l_index_garde_sans_relire_les_demandes(monde: Monde) -> None:
    """The index built by one process is kept for the others (decision 0023): a process whose memory is empty (a
    restarted server, a replaced worker) reads it back instead of every demand, and shortlists the same."""
    premier = moteur.index_territoire(monde.epci.epci, jour=monde.jour)
    with moteur._VERROU:
        moteur._CACHE.clear()  # what a new process holds
    with CaptureQueriesContext(connection) as requetes:
        relu = moteur.index_territoire(monde.epci.epci, jour=monde.jour)
    assert relu is not premier
    assert not [q for q in requetes.captured_queries if "demandes_personne" in q["sql"]]
    assert relu.nb_actives == premier.nb_actives and relu.seuil == premier.seuil
    assert relu.demande_pk == premier.demande_pk and relu.lignes == premier.lignes
    lg = moteur.logement_moteur(monde.ll_etat)
    assert [c.demande for c in relu.index.preselection(lg, nombre=10).candidats] == [
        c.demande for c in premier.index.preselection(lg, nombre=10).candidats
    ]
    # Only the columns the index reads are kept: no name, no address, no contact.
    assert not {"nom_demandeur", "adresse_demandeur", "email_demandeur", "telephone_demandeur"} & set(
        relu.cadre.columns
    )

    # A change of the demands is a new state: the kept index is not read for it.
    couple = monde.demandes["couple"]
    demande_radier(demande=couple, auteur=acteur_systeme("test"), motif=MotifRadiation.RENONCIATION)
    with moteur._VERROU:
        moteur._CACHE.clear()
    assert couple.numero_unique not in moteur.index_territoire(monde.epci.epci, jour=monde.jour).lignes


def _relu_sans_memoire(monde: Monde) -> tuple[moteur.IndexTerritoire, bool]:
    """The index a new process gets (memory empty), and whether it read the demands again (not the kept file)."""
    with moteur._VERROU:
        moteur._CACHE.clear()
    with CaptureQueriesContext(connection) as requetes:
        it = moteur.index_territoire(monde.epci.epci, jour=monde.jour)
    return it, any("demandes_personne" in q["sql"] for q in requetes.captured_queries)


def test_l_index_garde_sur_disque_n_est_pas_relu_apres_un_changement_de_format_de_regles_ou_de_territoire(
    monde: Monde, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The key of the kept index holds the version of its format and the fingerprints of what builds it besides
    the demands: a deployment that changes the format or a rule, or a new referential, never reads an old file
    (review finding: the key held neither)."""
    premier = moteur.index_territoire(monde.epci.epci, jour=monde.jour)
    assert _relu_sans_memoire(monde)[1] is False  # same state: the kept file is read

    # A new version of the format (a deployment): the file of the previous one is not read.
    monkeypatch.setattr(moteur, "FORMAT_INDEX", moteur.FORMAT_INDEX + 1)
    assert _relu_sans_memoire(monde)[1] is True
    assert _relu_sans_memoire(monde)[1] is False  # the new version's file, written by that build

    # A rule changed in the dated data files (a copy of them here): a new state.
    copie = tmp_path / "donnees"
    for dossier in moteur.DOSSIERS_DONNEES:
        shutil.copytree(dossier, copie / dossier.name)
    monkeypatch.setattr(moteur, "DOSSIERS_DONNEES", tuple(copie / d.name for d in moteur.DOSSIERS_DONNEES))
    monkeypatch.setattr(moteur, "EMPREINTE_DUREE", 0.0)  # the files' state looked at on every read
    assert _relu_sans_memoire(monde)[1] is False  # same content: same state
    taux = copie / "parametres" / "taux_effort.yaml"
    taux.write_text(taux.read_text(encoding="utf-8") + "\n# révisé\n", encoding="utf-8")
    assert _relu_sans_memoire(monde)[1] is True

    # The referential: Narbonne, the communes the demands wish, leaves the EPCI; the territory has none of them.
    assert premier.nb_actives > 0
    Commune.objects.filter(code_insee=NARBONNE).update(epci=EPCI.objects.get(siren="200035715"))
    apres = moteur.index_territoire(monde.epci.epci, jour=monde.jour)
    assert apres.nb_actives == 0 and not apres.lignes


def test_le_prechauffage_prepare_l_index_des_territoires_ayant_des_logements_liberes(monde: Monde) -> None:
    assert monde.epci.epci in moteur.territoires_a_prechauffer()
    sortie = io.StringIO()
    call_command("prechauffer_rapprochement", stdout=sortie)
    assert "demandes cotées prêt" in sortie.getvalue()
    fichiers = list(moteur.dossier_index().glob("*.index"))
    assert fichiers
    # Households' incomes: readable by the service's user only.
    assert all(f.stat().st_mode & 0o077 == 0 for f in fichiers)


def test_un_processus_qui_demarre_relit_l_index_avant_sa_premiere_preselection(monde: Monde) -> None:
    call_command("prechauffer_rapprochement", stdout=io.StringIO())
    with moteur._VERROU:
        moteur._CACHE.clear()  # a new web process
    assert moteur.prechauffer_processus() == 1
    with CaptureQueriesContext(connection) as requetes:
        moteur.index_territoire(monde.epci.epci)
    assert not [q for q in requetes.captured_queries if "demandes_personne" in q["sql"]]
