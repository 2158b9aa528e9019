"""Notices really sent: the worker's run writes one notice per event of the demand and sends it to a real SMTP
server started by the test (aiosmtpd), or freezes a letter for the desk when the household has no email."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from attrib.avis import selectors, services
from attrib.avis.models import Avis, Canal, Envoi, Filigrane, Source, StatutEnvoi
from attrib.avis.taches import traiter_avis
from attrib.cotation.models import Cotation, CotationHistorique
from attrib.demandes import enums
from attrib.demandes.models import Demande, Personne, PieceJustificative
from attrib.demandes.pieces import piece_deposer, piece_refuser, piece_valider
from attrib.demandes.services import demande_radier, demandes_envoyer_avis_renouvellement
from attrib.documents.models import Document, DocumentFige
from attrib.organisations.acteurs import Acteur, Nature, acteur_systeme
from tests.avis.conftest import ServeurSMTP
from tests.factories import creer_demande, guichet, personne, territoire_minimal

pytestmark = pytest.mark.django_db

SYSTEME = acteur_systeme("test")
#: What never reaches a household: trail codes, internal tags, file names, model names.
INTERNE = (
    "avis_renouvellement",
    "pieces_attendues",
    "piece_",
    "l441",
    "[K]",
    "[V]",
    ".pdf",
    ".yaml",
    "Evenement",
    "None",
)


def _demande(email: str = "lea.martin@example.org", **kw: Any) -> Demande:
    territoire_minimal()
    g = kw.pop("guichet_org", None) or guichet()
    return creer_demande(guichet_org=g, personnes=[personne(email=email)], **kw)


def _traiter() -> dict[str, Any]:
    """One run of the outbox, through the worker's task (run at once in the tests, tests/conftest.py)."""
    resultat = traiter_avis.enqueue()
    return dict(resultat.return_value)


def _sujet(message: Any) -> str:
    return str(message["Subject"]).strip()


def _titres(smtp: ServeurSMTP, adresse: str) -> dict[str, Any]:
    """The messages received for ``adresse`` by their title (the subject without the demand's number)."""
    return {_sujet(m).split(" — ")[0]: m for m in smtp.gestionnaire.pour(adresse)}


def _corps(message: Any) -> str:
    return str(message.get_body(preferencelist=("plain",)).get_content())


def test_l_enregistrement_arrive_par_courriel_avec_un_texte_juste(smtp: ServeurSMTP) -> None:
    demande = _demande()
    _traiter()
    message = _titres(smtp, "lea.martin@example.org")["Votre demande de logement social est enregistrée"]
    assert _sujet(message) == f"Votre demande de logement social est enregistrée — demande n° {demande.numero_unique}"
    corps = _corps(message)
    assert f"enregistrée sous le numéro unique {demande.numero_unique}" in corps
    assert f"valable jusqu'au {demande.date_echeance:%d/%m/%Y}" in corps
    assert corps.startswith("Bonjour,")
    assert not any(mot in corps for mot in INTERNE), corps
    assert "&#x27;" not in corps and "&quot;" not in corps
    boite = selectors.boite_de(demande=demande)
    assert len(boite) == len(smtp.gestionnaire.pour("lea.martin@example.org"))
    avis = next(a for a in boite if a.nature == "enregistrement")
    assert (avis.titre, avis.lu) == ("Votre demande de logement social est enregistrée", False)
    envoi = avis.envois.get()
    assert (envoi.canal, envoi.statut, envoi.tentatives, envoi.erreur) == (Canal.COURRIEL, StatutEnvoi.ENVOYE, 1, "")


def test_un_evenement_ne_donne_qu_un_avis_et_qu_un_courriel(smtp: ServeurSMTP) -> None:
    demande = _demande()
    _traiter()
    recus = len(smtp.recus)
    avis = Avis.objects.filter(demande=demande).count()
    assert recus == avis >= 1
    _traiter()
    Filigrane.objects.update(dernier_id=0)  # even read again from the start
    _traiter()
    assert len(smtp.recus) == recus
    assert Avis.objects.filter(demande=demande).count() == avis
    assert Envoi.objects.filter(avis__demande=demande).count() == avis


def test_echec_smtp_reprise_puis_erreur_consignee_les_autres_partent(smtp: ServeurSMTP) -> None:
    territoire_minimal()
    g = guichet()
    en_panne = creer_demande(guichet_org=g, personnes=[personne(email="panne@example.org")])
    hoquet = creer_demande(guichet_org=g, personnes=[personne(nom="Durand", email="hoquet@example.org")])
    bonne = creer_demande(guichet_org=g, personnes=[personne(nom="Petit", email="bonne@example.org")])
    smtp.gestionnaire.pannes = {"panne@example.org": -1, "hoquet@example.org": 1}

    resultat = _traiter()

    # Each demand has its notices (registration, documents awaited): one email each.
    par_demande = {d.pk: Avis.objects.filter(demande=d).count() for d in (en_panne, hoquet, bonne)}
    assert min(par_demande.values()) >= 1
    # The server refused the first address three times per email (bounded retries), the second once then took it.
    assert smtp.gestionnaire.tentatives["panne@example.org"] == 3 * par_demande[en_panne.pk]
    assert smtp.gestionnaire.tentatives["hoquet@example.org"] == par_demande[hoquet.pk] + 1
    assert len(smtp.gestionnaire.pour("hoquet@example.org")) == par_demande[hoquet.pk]
    assert len(smtp.gestionnaire.pour("bonne@example.org")) == par_demande[bonne.pk]
    assert smtp.gestionnaire.pour("panne@example.org") == []
    echecs = list(Envoi.objects.filter(avis__demande=en_panne).order_by("pk"))
    for echec in echecs:
        assert (echec.statut, echec.tentatives) == (StatutEnvoi.ECHEC, 3)
        assert "451" in echec.erreur
    assert sorted(e.tentatives for e in Envoi.objects.filter(avis__demande=hoquet)) == [1] * (
        par_demande[hoquet.pk] - 1
    ) + [2]
    assert set(Envoi.objects.filter(avis__demande__in=[hoquet, bonne]).values_list("statut", flat=True)) == {
        StatutEnvoi.ENVOYE
    }
    assert resultat["courriels_en_echec"] == [f"envoi n° {e.pk} (demande {en_panne.numero_unique})" for e in echecs]
    # A failed email is not sent again by the next runs; the notices stay in the household's inbox.
    _traiter()
    assert smtp.gestionnaire.tentatives["panne@example.org"] == 3 * par_demande[en_panne.pk]
    assert len(selectors.boite_de(demande=en_panne)) == par_demande[en_panne.pk]


def test_serveur_injoignable_tout_est_consigne_rien_n_est_perdu(smtp: ServeurSMTP, settings: Any) -> None:
    demandes = [_demande(email=f"m{i}@example.org", guichet_org=guichet(code=f"G{i}")) for i in range(2)]
    settings.EMAIL_PORT = 1  # nothing listens there
    resultat = _traiter()
    envois = Envoi.objects.filter(avis__demande__in=demandes)
    assert len(resultat["courriels_en_echec"]) == envois.count() >= 2
    for envoi in envois:
        assert envoi.statut == StatutEnvoi.ECHEC and envoi.erreur


def test_un_evenement_illisible_n_arrete_pas_le_lot(smtp: ServeurSMTP, monkeypatch: pytest.MonkeyPatch) -> None:
    territoire_minimal()
    g = guichet()
    cassee = creer_demande(guichet_org=g, personnes=[personne(email="a@example.org")])
    saine = creer_demande(guichet_org=g, personnes=[personne(nom="Roux", email="b@example.org")])
    vraie = services.rediger_evenement

    def rediger(*, demande: Demande, **kw: Any) -> Any:
        if demande.pk == cassee.pk:
            raise ValueError("gabarit cassé")
        return vraie(demande=demande, **kw)

    monkeypatch.setattr(services, "rediger_evenement", rediger)
    resultat = _traiter()
    assert not Avis.objects.filter(demande=cassee).exists()
    assert len(smtp.gestionnaire.pour("b@example.org")) == Avis.objects.filter(demande=saine).count() >= 1
    assert resultat["sautes"] and all(f"(demande {cassee.pk})" in saute for saute in resultat["sautes"])


def test_avis_de_renouvellement_a_echeance(smtp: ServeurSMTP) -> None:
    demande = _demande()
    _traiter()
    jour = demande.date_echeance - timedelta(days=20)
    assert demandes_envoyer_avis_renouvellement(auteur=SYSTEME, aujourd_hui=jour) == 1
    _traiter()
    corps = _corps(_titres(smtp, "lea.martin@example.org")["Pensez à renouveler votre demande"])
    assert f"arrive à échéance le {demande.date_echeance:%d/%m/%Y}" in corps
    assert "elle sera radiée" in corps


def test_pieces_attendues_validees_refusees_et_radiation(smtp: ServeurSMTP) -> None:
    from django.core.files.base import ContentFile

    demande = _demande()
    pieces = list(PieceJustificative.objects.filter(demande=demande, sensible=False))
    assert pieces, "la demande de test doit attendre au moins une pièce"
    piece = pieces[0]
    piece_deposer(piece=piece, fichier=ContentFile(b"%PDF-1.4 test", name="avis-impot.pdf"), auteur=SYSTEME)
    piece_valider(piece=piece, auteur=SYSTEME)
    if len(pieces) > 1:
        autre = pieces[1]
        piece_deposer(piece=autre, fichier=ContentFile(b"%PDF-1.4 test", name="x.pdf"), auteur=SYSTEME)
        piece_refuser(piece=autre, motif="Document illisible", auteur=SYSTEME)
    demande_radier(demande=demande, auteur=SYSTEME, motif=enums.MotifRadiation.RENONCIATION)
    _traiter()
    sujets = list(_titres(smtp, "lea.martin@example.org"))
    assert "Une pièce justificative est validée" in sujets
    assert "Votre demande est radiée" in sujets
    valide = Avis.objects.get(demande=demande, nature="piece_validee")
    assert f"La pièce « {piece.libelle} »" in valide.texte
    assert "avis-impot.pdf" not in valide.texte
    radiation = Avis.objects.get(demande=demande, nature="radiation")
    assert "Raison : renonciation du demandeur" in radiation.texte
    if len(pieces) > 1:
        refus = Avis.objects.get(demande=demande, nature="piece_refusee")
        assert "Raison : Document illisible" in refus.texte
    for avis in Avis.objects.filter(demande=demande):
        assert not any(mot in avis.texte for mot in INTERNE), avis.texte


def test_une_situation_sensible_n_est_jamais_nommee(smtp: ServeurSMTP) -> None:
    from django.core.files.base import ContentFile

    demande = _demande(priorites=("l441_g",))
    sensibles = list(PieceJustificative.objects.filter(demande=demande, sensible=True))
    assert sensibles, "la priorité de test doit attendre une pièce sensible"
    piece = sensibles[0]
    piece_deposer(piece=piece, fichier=ContentFile(b"%PDF-1.4 test", name="plainte.pdf"), auteur=SYSTEME)
    piece_valider(piece=piece, auteur=SYSTEME)
    _traiter()
    avis = Avis.objects.get(demande=demande, nature="piece_validee")
    assert piece.libelle not in avis.texte
    assert "Une pièce justificative de votre demande" in avis.texte
    for a in Avis.objects.filter(demande=demande):
        assert piece.libelle not in a.texte


def test_sans_courriel_un_courrier_fige_attend_le_guichet(smtp: ServeurSMTP) -> None:
    demande = _demande(email="")
    _traiter()
    assert smtp.recus == []
    envoi = Envoi.objects.get(avis__demande=demande, avis__nature="enregistrement")
    assert (envoi.canal, envoi.statut, envoi.guichet_id) == (Canal.COURRIER, StatutEnvoi.A_IMPRIMER, demande.guichet_id)
    document = envoi.document
    assert document is not None
    contenu = bytes(document.contenu)
    assert contenu.startswith(b"%PDF") and document.sha256 == hashlib.sha256(contenu).hexdigest()
    with pytest.raises(DocumentFige):
        document.save()
    # Frozen: the demand changes afterwards, the stored letter does not.
    Personne.objects.filter(demande=demande).update(adresse="1 rue Nouvelle")
    _traiter()
    assert bytes(Document.objects.get(pk=document.pk).contenu) == contenu


def test_score_change_et_pourquoi(smtp: ServeurSMTP) -> None:
    from tests.factories.monde import construire_monde_caleol

    monde = construire_monde_caleol(nombre_demandes=1)
    demande = monde.demandes[0]
    Personne.objects.filter(demande=demande, role=enums.RolePersonne.DEMANDEUR).update(email="score@example.org")
    cotation = Cotation.objects.get(demande=demande)
    CotationHistorique.objects.create(
        demande=demande,
        version=cotation.version,
        score=cotation.score + 40,
        score_provisoire=cotation.score_provisoire + 40,
        score_valide=cotation.score_valide + 40,
        date_reference=timezone.localdate(),
        calculee_le=timezone.now(),
    )
    _traiter()
    (avis,) = Avis.objects.filter(demande=demande, source=Source.COTATION)
    assert avis.titre == "Votre score a changé"
    assert f"Votre score passe de {cotation.score} à {cotation.score + 40} points (+40 points)." in avis.texte
    assert "Pourquoi : une information de votre demande a changé" in avis.texte
    assert "Votre score a changé" in _titres(smtp, "score@example.org")


def test_offre_de_logement_par_courriel(smtp: ServeurSMTP) -> None:
    from attrib.commissions.enums import TypeDecision
    from attrib.commissions.services import decision_enregistrer, examen_inscrire, offre_emettre
    from tests.factories import construire_caleol
    from tests.factories.modeles import JOUR_SEANCE

    c = construire_caleol()
    examens = examen_inscrire(auteur=SYSTEME, seance=c.seance, logement=c.logement, candidats=c.demandes[:3])
    for e in examens:
        decision_enregistrer(
            auteur=SYSTEME,
            examen=e,
            type_decision=TypeDecision.ATTRIBUTION_CLASSEMENT,
            rang=e.rang_propose,
            votes=c.pour,
        )
    offre = offre_emettre(auteur=SYSTEME, logement=c.logement, envoyee_le=JOUR_SEANCE + timedelta(days=1))
    Personne.objects.filter(demande=offre.demande, role=enums.RolePersonne.DEMANDEUR).update(email="offre@example.org")
    _traiter()
    sujets = _titres(smtp, "offre@example.org")
    assert "Votre demande est présentée à la commission d'attribution" in sujets
    assert "Décision de la commission d'attribution" in sujets
    corps = _corps(sujets["Un logement vous est proposé"])
    assert f"Répondez au plus tard le {offre.date_limite:%d/%m/%Y}" in corps


def test_boite_de_reception_lu_non_lu() -> None:
    demande = _demande(email="")
    services.avis_lire_sources(auteur=SYSTEME)
    boite = selectors.boite_de(demande=demande)
    assert [a.date_evenement for a in boite] == sorted((a.date_evenement for a in boite), reverse=True)
    avis = boite[0]
    assert selectors.non_lus(demande=demande) == len(boite)
    autre = Acteur(nature=Nature.DEMANDEUR, demande_ids=frozenset({demande.pk + 1000}))
    with pytest.raises(PermissionDenied):
        services.avis_marquer_lu(avis=avis, auteur=autre)
    menage = Acteur(nature=Nature.DEMANDEUR, demande_ids=frozenset({demande.pk}))
    services.avis_marquer_lu(avis=avis, auteur=menage)
    assert selectors.boite_de(demande=demande)[0].lu
    assert selectors.non_lus(demande=demande) == len(boite) - 1


def test_seul_attrib_ecrit_et_envoie_les_avis() -> None:
    territoire_minimal()
    from tests.factories import membre

    agent = Acteur(nature=Nature.AGENT, utilisateur=membre(guichet()))
    with pytest.raises(PermissionDenied):
        services.avis_traiter(auteur=agent)


def test_un_evenement_trop_ancien_ne_donne_pas_d_avis(smtp: ServeurSMTP, settings: Any) -> None:
    """A history loaded in bulk (the demo's years, a restored backup) sends nothing to the households."""
    from attrib.common.models import Evenement

    demande = _demande()
    Evenement.objects.filter(cible_id=str(demande.pk)).update(horodatage=timezone.now() - timedelta(days=45))
    settings.ATTRIB_AVIS_AGE_MAX_J = 30
    _traiter()
    assert smtp.recus == [] and not Avis.objects.filter(demande=demande).exists()


def test_le_bloc_boite_de_reception_se_lit_en_francais() -> None:
    from django.template.loader import render_to_string

    demande = _demande(email="")
    services.avis_lire_sources(auteur=SYSTEME)
    boite = selectors.boite_de(demande=demande)
    services.avis_marquer_lu(
        avis=boite[-1], auteur=Acteur(nature=Nature.DEMANDEUR, demande_ids=frozenset({demande.pk}))
    )
    html = render_to_string("avis/_boite.html", {"avis_liste": selectors.boite_de(demande=demande)})
    assert "Votre demande de logement social est enregistrée" in html
    assert html.count("Nouveau") == len(boite) - 1
    assert f"numéro unique {demande.numero_unique}" in html
    vide = render_to_string("avis/_boite.html", {"avis_liste": []})
    assert "Vous n'avez encore reçu aucun avis" in vide


def test_a_partir_de_maintenant_l_historique_ne_donne_pas_d_avis(smtp: ServeurSMTP) -> None:
    from django.core.management import call_command

    ancienne = _demande()
    call_command("traiter_avis", "--a-partir-de-maintenant")
    nouvelle = creer_demande(guichet_org=ancienne.guichet, personnes=[personne(nom="Neuf", email="neuf@example.org")])
    call_command("traiter_avis")  # queued, run at once by the tests' task backend
    assert not Avis.objects.filter(demande=ancienne).exists()
    assert "Votre demande de logement social est enregistrée" in _titres(smtp, "neuf@example.org")
    assert smtp.gestionnaire.pour("lea.martin@example.org") == []
    assert nouvelle.pk
