"""Screens of the gestion en flux, by topic (``attrib/flux/urls.py`` routes to the topic modules):

- :mod:`~attrib.flux.views.accueil`: the overview (due vs delivered by bailleur, the réservataires' queues);
- :mod:`~attrib.flux.views.conventions`: agreements (list, form, detail, import / export) and the arbitrage;
- :mod:`~attrib.flux.views.logements_liberes`: declaring a freed dwelling, its orientation and the override,
  the proposal of candidates, the lapsed deadline;
- :mod:`~attrib.flux.views.reservataires`: the réservataire's queue;
- :mod:`~attrib.flux.views.previsions`: the forecast;
- :mod:`~attrib.flux.views.bilans`: the yearly reports (page, PDF, Excel);
- :mod:`~attrib.flux.views._commun`: private helpers the screens share.

Views translate HTTP into calls: reads through ``selectors``, writes through ``services``. Anything outside the
user's rights answers 404, like a missing page.

Several views are named like their module (``accueil``, ``conventions``, ``bilans``…): the package exports the
topic modules, not the view functions, so that ``attrib.flux.views.conventions`` is always the module.
"""

from attrib.flux.views import accueil, bilans, conventions, logements_liberes, previsions, reservataires

__all__ = ["accueil", "bilans", "conventions", "logements_liberes", "previsions", "reservataires"]
