"""Signals of the committee's chain, for the apps that follow it without the committee knowing them.

``bail_signe`` is sent by :func:`attrib.commissions.services.baux.bail_signer` inside its transaction, after the
lease, the radiation of the demand and the attribution of the orientation are written (``sender=Bail``,
``bail=…``, ``auteur=…``). A receiver writes in the same transaction: if it fails, the lease is not signed (no
half-written record); it must therefore only write what follows from the lease (location voulue publishes the
advert's outcome, ``attrib.annonces``)."""

from __future__ import annotations

from django.dispatch import Signal

bail_signe = Signal()
