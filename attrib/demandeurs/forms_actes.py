"""Forms of the household's own acts that the demand file has no form for: the confirmation of a withdrawal.
The updates, the renewal and the documents use the desk's own forms (``attrib.demandes.forms``)."""

from __future__ import annotations

from django import forms

from attrib.common.forms import FormulaireDsfr


class RetraitForm(FormulaireDsfr, forms.Form):
    titre = "Retrait de la demande"
    confirmation = forms.BooleanField(
        label="Je confirme que je retire ma demande de logement social",
        help_text="Elle prendra fin aujourd'hui et ne pourra plus être ni modifiée, ni renouvelée.",
        error_messages={"required": "Cochez cette case pour confirmer le retrait de votre demande."},
    )
