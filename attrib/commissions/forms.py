"""Forms of the CALEOL screens (DSFR rendering of ``attrib.common.forms``). They only check what a person
can fix on the page; the services hold the rules and their errors are placed on the fields they name."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.forms.formsets import BaseFormSet, formset_factory
from django.utils import timezone

from attrib.commissions.enums import ModePresence, MotifRefus, QualiteMembre, SensVote, TypeDecision, Voix
from attrib.commissions.models import MOTIF_MAX, MembreCommission, Presence
from attrib.common.forms import ChampDate, FormulaireDsfr
from attrib.organisations.models import Organisation, TypeOrganisation

OUI_NON = [("oui", "Oui"), ("non", "Non")]


class CommissionForm(FormulaireDsfr, forms.Form):
    titre = "Commission"
    bailleur = forms.ModelChoiceField(label="Bailleur", queryset=Organisation.objects.none(), empty_label=None)
    nom = forms.CharField(
        label="Nom de la commission", max_length=200, help_text="Par exemple : CALEOL du secteur centre."
    )
    quorum = forms.IntegerField(
        label="Quorum du règlement intérieur",
        required=False,
        min_value=1,
        help_text="Nombre de membres à voix délibérative présents (en séance ou à distance) pour délibérer. "
        "Vide : la moitié au moins des membres à voix délibérative (règle par défaut).",
    )

    def __init__(self, *args: Any, bailleurs: Sequence[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["bailleur"].queryset = Organisation.objects.filter(pk__in=[b.pk for b in bailleurs])  # type: ignore[attr-defined]
        if len(bailleurs) == 1:
            self.fields["bailleur"].widget = forms.HiddenInput()
            self.fields["bailleur"].initial = bailleurs[0].pk


class MembreForm(FormulaireDsfr, forms.Form):
    marquer_facultatifs = False
    nom = forms.CharField(label="Nom", max_length=200, required=False)
    qualite = forms.ChoiceField(label="Qualité", choices=[("", "— Choisir —"), *QualiteMembre.choices], required=False)
    voix = forms.ChoiceField(label="Voix", choices=[("", "— Choisir —"), *Voix.choices], required=False)
    organisation = forms.ModelChoiceField(
        label="Organisation représentée", queryset=Organisation.objects.none(), required=False
    )
    identifiant = forms.CharField(
        label="Compte utilisateur (identifiant)",
        max_length=150,
        required=False,
        help_text="Pour voter à distance depuis son propre compte.",
    )
    president = forms.BooleanField(label="Président", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.exclude(type=TypeOrganisation.GUICHET).order_by(  # type: ignore[attr-defined]
            "nom"
        )

    def clean_identifiant(self) -> Any:
        identifiant = (self.cleaned_data.get("identifiant") or "").strip()
        if not identifiant:
            return None
        utilisateur = get_user_model().objects.filter(username=identifiant).first()
        if utilisateur is None:
            raise forms.ValidationError(f"Aucun compte « {identifiant} ».")
        return utilisateur

    @property
    def vide(self) -> bool:
        d = getattr(self, "cleaned_data", {})
        return not any(d.get(c) for c in ("nom", "qualite", "voix", "organisation", "identifiant", "president"))


class _MembresFormSet(BaseFormSet):  # type: ignore[type-arg]
    titre = "Membres"
    libelle_ligne = "Membre"


MembresFormSet = formset_factory(MembreForm, formset=_MembresFormSet, extra=9, max_num=30)


class QuorumForm(FormulaireDsfr, forms.Form):
    titre = "Quorum"
    quorum = CommissionForm.base_fields["quorum"]


class SeanceForm(FormulaireDsfr, forms.Form):
    titre = "Nouvelle séance"
    date = forms.DateField(label="Date de la séance", widget=ChampDate())
    a_distance = forms.BooleanField(
        label="Séance numérique : participation et vote à distance (CAL numérique)",
        required=False,
        help_text="Selon le règlement intérieur de la commission (L441-2 CCH).",
    )


class PresencesForm(FormulaireDsfr, forms.Form):
    """One choice per member: absent, in the room, or remotely (remote sessions only)."""

    titre = "Présences"
    marquer_facultatifs = False

    def __init__(
        self,
        *args: Any,
        membres: Sequence[MembreCommission],
        actuelles: dict[int, Presence],
        a_distance: bool,
        **kw: Any,
    ) -> None:
        super().__init__(*args, **kw)
        choix = [("", "Absent"), (ModePresence.SEANCE, "En séance")]
        if a_distance:
            choix.append((ModePresence.DISTANCE, "À distance"))
        for m in membres:
            actuelle = actuelles.get(m.pk)
            self.fields[f"membre_{m.pk}"] = forms.ChoiceField(
                label=f"{m.nom} — {m.get_qualite_display()}, {m.get_voix_display().lower()}"
                + (", président" if m.president else ""),
                choices=choix,
                required=False,
                initial=actuelle.mode if actuelle else "",
                widget=forms.RadioSelect,
            )

    def presences(self) -> dict[int, str]:
        return {int(nom.removeprefix("membre_")): v or "" for nom, v in self.cleaned_data.items()}


class DecisionForm(FormulaireDsfr, forms.Form):
    """The commission's decision for one candidate and the votes cast in the room."""

    groupes: Sequence[tuple[str, Sequence[str]]] = (
        ("Décision (R441-3 CCH)", ("type_decision", "rang", "motif", "piece_manquante", "date_limite_piece")),
    )
    type_decision = forms.ChoiceField(label="Décision", choices=[("", "— Choisir —"), *TypeDecision.choices])
    rang = forms.IntegerField(
        label="Rang d'attribution",
        required=False,
        min_value=1,
        help_text="1 pour une attribution ; le rang du classement pour une attribution par classement ou sous "
        "condition ; vide pour une non-attribution ou un rejet.",
    )
    motif = forms.CharField(
        label="Motif",
        required=False,
        max_length=MOTIF_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Obligatoire pour une non-attribution ou un rejet pour irrecevabilité : il est notifié au demandeur.",
    )
    piece_manquante = forms.CharField(
        label="Pièce manquante",
        required=False,
        max_length=300,
        help_text="Attribution sous condition suspensive : pièce de la liste de R441-2-4-1.",
    )
    date_limite_piece = forms.DateField(label="Date limite pour produire la pièce", required=False, widget=ChampDate())

    def __init__(
        self,
        *args: Any,
        votants: Sequence[Presence],
        examen_pk: int,
        rang_propose: int,
        offre_en_cours: str = "",
        **kw: Any,
    ) -> None:
        kw.setdefault("prefix", f"examen-{examen_pk}")
        kw.setdefault("initial", {"rang": rang_propose})
        super().__init__(*args, **kw)
        if offre_en_cours:
            # One household, one attribution at a time: attributing it elsewhere is an explicit, reasoned choice.
            self.fields["derogation_attribution"] = forms.CharField(
                label="Motif de l'attribution malgré l'offre en cours",
                required=False,
                max_length=MOTIF_MAX,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text=f"{offre_en_cours} Obligatoire pour une attribution ; inscrit au journal de la demande.",
            )
            self.groupes = ((type(self).groupes[0][0], (*type(self).groupes[0][1], "derogation_attribution")),)
        noms = []
        for p in votants:
            nom = f"vote_{p.membre_id}"
            noms.append(nom)
            self.fields[nom] = forms.ChoiceField(
                label=f"Vote de {p.membre.nom}", choices=SensVote.choices, initial=SensVote.POUR
            )
        self.groupes = (*self.groupes, ("Votes des membres présents en séance", tuple(noms)))

    def votes(self) -> dict[int, str]:
        return {int(n.removeprefix("vote_")): v for n, v in self.cleaned_data.items() if n.startswith("vote_")}


class VoteDistanceForm(FormulaireDsfr, forms.Form):
    marquer_facultatifs = False
    sens = forms.ChoiceField(label="Votre vote", choices=SensVote.choices, widget=forms.RadioSelect)


class EmettreOffreForm(FormulaireDsfr, forms.Form):
    titre = "Offre"
    envoyee_le = forms.DateField(
        label="Date d'envoi de l'offre",
        widget=ChampDate(),
        help_text="Le délai de réponse court à partir de cette date (R441-10 CCH).",
    )

    def __init__(self, *args: Any, **kw: Any) -> None:
        kw.setdefault("initial", {"envoyee_le": timezone.localdate()})
        super().__init__(*args, **kw)


class ReponseForm(FormulaireDsfr, forms.Form):
    titre = "Réponse du demandeur"
    reponse = forms.ChoiceField(
        label="Réponse",
        choices=[("accepte", "Accepte l'offre"), ("refuse", "Refuse l'offre")],
        widget=forms.RadioSelect,
    )
    repondue_le = forms.DateField(label="Date de la réponse", widget=ChampDate())
    motif_refus = forms.ChoiceField(
        label="Motif du refus",
        required=False,
        choices=[
            ("", "— Non renseigné —"),
            *((v, lib) for v, lib in MotifRefus.choices if v != MotifRefus.SANS_REPONSE),
        ],
    )
    motif_refus_detail = forms.CharField(
        label="Précision du motif", required=False, max_length=MOTIF_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )
    logement_adapte = forms.ChoiceField(
        label="Le logement refusé était-il adapté aux besoins et aux capacités du ménage ?",
        required=False,
        choices=OUI_NON,
        widget=forms.RadioSelect,
        help_text="R441-2-10 11° : un refus de logement adapté peut avoir un effet sur la cotation.",
    )

    def __init__(self, *args: Any, **kw: Any) -> None:
        kw.setdefault("initial", {"repondue_le": timezone.localdate()})
        super().__init__(*args, **kw)

    def arguments(self) -> dict[str, Any]:
        d = self.cleaned_data
        adapte = {"oui": True, "non": False}.get(d.get("logement_adapte") or "")
        return {
            "accepte": d["reponse"] == "accepte",
            "motif_refus": d.get("motif_refus") or "",
            "motif_refus_detail": d.get("motif_refus_detail") or "",
            "logement_adapte": adapte,
            "repondue_le": d["repondue_le"],
        }


class BailForm(FormulaireDsfr, forms.Form):
    titre = "Bail"
    date_signature = forms.DateField(label="Date de signature du bail", widget=ChampDate())
    accord_collectif = forms.BooleanField(
        label="Attribution au titre de l'accord collectif départemental ou intercommunal", required=False
    )
    deja_locataire = forms.BooleanField(label="Le ménage était déjà locataire du bailleur", required=False)
