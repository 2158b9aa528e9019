"""The SIRET of an establishment (14 digits: the company's SIREN, 9 digits, then the NIC, 5 digits) and its
check key, as INSEE publishes it: the Luhn algorithm on the 14 digits. One exception: the establishments of
La Poste (SIREN 356 000 000), too many for the Luhn key, have a sum of their 14 digits divisible by 5.

Pure module (no Django): the demand's rule set (:mod:`attrib.engine.validation`), the import of the
contributing companies and the demo all use it, so that a bad SIRET gives the same French message everywhere."""

from __future__ import annotations

#: SIREN of La Poste, whose establishments follow the « sum divisible by 5 » rule (INSEE).
SIREN_LA_POSTE = "356000000"
LONGUEUR = 14


def normaliser(valeur: str) -> str:
    """The SIRET as typed, without the spaces, dots and non-breaking spaces people put between its groups."""
    return "".join(c for c in valeur if c not in " .\u00a0\u202f\t-")


def luhn_valide(chiffres: str) -> bool:
    """The Luhn check of a string of ASCII digits (every second digit from the right doubled)."""
    total = 0
    for i, c in enumerate(reversed(chiffres)):
        n = ord(c) - 48
        if i % 2 == 1:
            n *= 2
            if n > 9:
                n -= 9
        total += n
    return total % 10 == 0


def _chiffres_ascii(valeur: str) -> bool:
    return bool(valeur) and all("0" <= c <= "9" for c in valeur)


def siret_valide(valeur: str) -> bool:
    """Whether ``valeur`` (already normalised) is a SIRET whose key is right."""
    if len(valeur) != LONGUEUR or not _chiffres_ascii(valeur):
        return False
    if valeur.startswith(SIREN_LA_POSTE):
        return sum(ord(c) - 48 for c in valeur) % 5 == 0
    return luhn_valide(valeur)


def erreur_siret(valeur: str, *, libelle: str = "SIRET de l'employeur") -> str | None:
    """The French message saying why ``valeur`` is not a SIRET, or ``None`` when it is one (an empty value is
    no error: the field is optional)."""
    brut = normaliser(valeur)
    if not brut:
        return None
    if not _chiffres_ascii(brut):
        return f"{libelle} : 14 chiffres attendus, sans lettre ni autre signe."
    if len(brut) != LONGUEUR:
        return f"{libelle} : 14 chiffres attendus ({len(brut)} saisis)."
    if not siret_valide(brut):
        return f"{libelle} : numéro invalide (la clé de contrôle ne correspond pas) ; vérifiez chaque chiffre."
    return None


def completer_cle(debut: str) -> str:
    """The 14-digit SIRET whose first 13 digits are ``debut`` and whose last digit makes the Luhn key right
    (used to build fictitious SIRETs for the demo and the tests; never for La Poste)."""
    if len(debut) != LONGUEUR - 1 or not _chiffres_ascii(debut):
        raise ValueError("13 chiffres attendus.")
    for dernier in "0123456789":
        if luhn_valide(debut + dernier):
            return debut + dernier
    raise AssertionError("unreachable: one digit always completes the Luhn key")
