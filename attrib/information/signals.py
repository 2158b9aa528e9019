"""``positions_bougees``: sent by the nightly ``suivre_positions`` with ``positions`` (a list of
:class:`attrib.information.selectors.PositionChangee`) before the new snapshot is recorded: the notices app
tells each household."""

from django.dispatch import Signal

positions_bougees = Signal()
