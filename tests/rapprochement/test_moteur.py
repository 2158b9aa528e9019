"""The bridge from the database to the engine: the stored demands of the territory become the engine's
columns, and the shortlist agrees with the engine's reference path demand by demand."""

from __future__ import annotations

import pytest

from attrib.cotation.models import Cotation
from attrib.demandes.enums import MotifRadiation
from attrib.demandes.moteur import menage_de
from attrib.demandes.services import demande_radier
from attrib.engine.rapprochement import Demandeur, eligibilite
from attrib.organisations.acteurs import acteur_de, acteur_systeme
from attrib.rapprochement import moteur, selectors
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
