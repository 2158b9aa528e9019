"""Priority labels in the demo (issue 15): the Grand Narbonne's dated local rules, labelled households in every
state (proposed, validated, refused, expired, one near its expiry), and the demo social service's follow-ups: the
households « social » follows with their consent, a criterion it validated after its assessment, another still
waiting for it. Everything goes through the real services (``attrib.labellisation.services``), on dates set back
from the demo's reference day so that the life of each label is real (the nightly expiry closes the expired one)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from attrib.demandes.enums import StatutDemande
from attrib.demandes.models import Demande
from attrib.labellisation import services
from attrib.labellisation.enums import ModeConsentement, ObjetConsentement
from attrib.labellisation.models import RegleLabellisation
from attrib.organisations.acteurs import acteur_de, acteur_systeme
from attrib.organisations.models import Organisation, User
from attrib.territoires.models import EPCI

DEMO = acteur_systeme("démonstration : labels de priorité")
#: The demands read (at most) to find households with a criterion waiting for a social assessment.
LECTURE_MAX = 300

#: (kind of label, key of the validating organisation, act) — the demo's local rules.
REGLES_DEMO = (
    ("dalo", "etat", "Règlement intérieur de la commission de médiation de l'Aude"),
    ("l441_c", "etat", "Convention intercommunale d'attribution du Grand Narbonne"),
    ("l441_k", "etat", "Convention intercommunale d'attribution du Grand Narbonne"),
    ("priorite_locale", "epci", "Délibération du conseil communautaire du Grand Narbonne"),
    ("accord_collectif", "epci", "Accord collectif intercommunal du Grand Narbonne"),
)


@dataclass
class ResultatLabels:
    regles: int = 0
    par_etat: dict[str, int] = field(default_factory=dict)
    accompagnes: int = 0
    criteres_valides: int = 0

    def texte(self) -> str:
        etats = ", ".join(f"{n} {e}" for e, n in self.par_etat.items())
        return (
            f"Labels de priorité : {self.regles} règles locales ; labels {etats} ; {self.accompagnes} ménages "
            f"suivis par le service social avec leur consentement, {self.criteres_valides} critère(s) validé(s) "
            "par le travailleur social."
        )


def _candidates(demandes: list[Demande], depot_avant: date, exclues: set[int]) -> list[Demande]:
    return [d for d in demandes if d.date_depot_initiale <= depot_avant and d.pk not in exclues]


def labellisation_demo_creer(
    *,
    epci: EPCI,
    organisations: dict[str, Organisation],
    comptes: dict[str, User],
    demandes: list[Demande],
    jour: date,
) -> ResultatLabels:
    """Load the demo's labels; harmless when they already exist (nothing added)."""
    resultat = ResultatLabels()
    if RegleLabellisation.objects.filter(epci=epci).exists():
        return resultat
    debut_regles = jour - timedelta(days=3 * 365)
    for type_label, cle, acte in REGLES_DEMO:
        services.regle_enregistrer(
            epci_id=epci.pk,
            type_label=type_label,
            validateur=organisations[cle],
            debut=debut_regles,
            acte=acte,
            auteur=DEMO,
        )
        resultat.regles += 1
    guichet, etat, social = (acteur_de(comptes[k]) for k in ("guichet", "etat", "social"))
    actives = [d for d in demandes if d.statut == StatutDemande.ACTIVE and d.guichet_id is not None]
    actives.sort(key=lambda d: d.pk)
    pris: set[int] = set()

    def prendre(depot_avant: date) -> Demande | None:
        for d in _candidates(actives, depot_avant, pris):
            pris.add(d.pk)
            return d
        return None

    def compter(etat_: str) -> None:
        resultat.par_etat[etat_] = resultat.par_etat.get(etat_, 0) + 1

    # Proposed by the desk, waiting for the State.
    if (d := prendre(jour)) is not None:
        services.label_proposer(
            demande=d,
            type_label="l441_k",
            motif="Hébergée chez sa sœur depuis huit mois.",
            auteur=guichet,
            aujourd_hui=jour,
        )
        compter("proposé")
    # Validated two months ago; validated eleven and a half months ago (ends within the month).
    for jours, motif in ((60, "Ressources sous le plafond du plan, attestation de la CAF."), (350, "Bail résilié.")):
        if (d := prendre(jour - timedelta(days=jours + 5))) is None:
            continue
        propose_le = jour - timedelta(days=jours + 5)
        label = services.label_proposer(
            demande=d, type_label="l441_c", motif=motif, auteur=guichet, aujourd_hui=propose_le
        )
        services.label_valider(
            label=label,
            auteur=etat,
            commentaire="Justificatifs vus.",
            valide_du=jour - timedelta(days=jours),
            aujourd_hui=jour - timedelta(days=jours),
        )
        compter("validé")
    # Refused with its reason.
    if (d := prendre(jour - timedelta(days=20))) is not None:
        label = services.label_proposer(
            demande=d,
            type_label="l441_k",
            motif="Logé chez un ami.",
            auteur=guichet,
            aujourd_hui=jour - timedelta(days=20),
        )
        services.label_refuser(
            label=label,
            auteur=etat,
            motif="Le ménage est titulaire d'un bail en cours.",
            aujourd_hui=jour - timedelta(days=10),
        )
        compter("refusé")
    # Validated fourteen months ago for twelve: the nightly expiry closes it.
    if (d := prendre(jour - timedelta(days=430))) is not None:
        propose_le = jour - timedelta(days=430)
        label = services.label_proposer(
            demande=d, type_label="l441_k", motif="Hébergée en foyer.", auteur=guichet, aujourd_hui=propose_le
        )
        services.label_valider(
            label=label, auteur=etat, valide_du=jour - timedelta(days=425), aujourd_hui=jour - timedelta(days=425)
        )
        if services.labels_expirer(aujourd_hui=jour, auteur=DEMO).expires:
            compter("expiré")
    # The social service follows three households with their consent; it validates a criterion needing its
    # assessment for the first one that has such a criterion, leaves the next waiting, and proposes a label.
    service = organisations["service_social"]
    suivis: list[Demande] = []
    en_attente: list[Demande] = []
    for d in [d for d in actives if d.pk not in pris][:LECTURE_MAX]:
        if len(en_attente) == 2:
            break
        if services.criteres_a_evaluer(d):
            en_attente.append(d)
    autres = [d for d in actives if d.pk not in pris and d not in en_attente][:1]
    for d in [*en_attente, *autres]:
        consentement = services.consentement_recueillir(
            demande=d,
            objet=ObjetConsentement.ACCOMPAGNEMENT_SOCIAL,
            auteur=social,
            mode=ModeConsentement.ENTRETIEN,
            organisation=service,
            donne_le=max(d.date_depot_initiale, jour - timedelta(days=30)),
        )
        services.accompagnement_ouvrir(
            demande=d, auteur=social, consentement=consentement, referent=comptes["social"], debut=consentement.donne_le
        )
        pris.add(d.pk)
        suivis.append(d)
        resultat.accompagnes += 1
    if en_attente:
        d = en_attente[0]
        critere_id = services.criteres_a_evaluer(d)[0][0]
        services.critere_valider(
            demande=d,
            critere_id=critere_id,
            auteur=social,
            evaluation="Entretien au service social ; situation confirmée par les éléments du dossier.",
        )
        resultat.criteres_valides += 1
    if suivis:
        services.label_proposer(
            demande=suivis[-1],
            type_label="priorite_locale",
            motif="Famille suivie par le service social, sortie d'hébergement d'urgence prévue.",
            auteur=social,
            aujourd_hui=jour,
        )
        compter("proposé")
    return resultat


__all__ = ["REGLES_DEMO", "ResultatLabels", "labellisation_demo_creer"]
