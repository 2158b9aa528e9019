"""The committed draw of an advert of location voulue: a secret seed drawn when the advert opens, its hash
published at once, the seed itself published at closing, and one draw value per application derived from both.

- **Seed** (``graine``): 32 random bytes from :mod:`secrets`, written as 64 lowercase hexadecimal characters
  (:func:`nouvelle_graine`).
- **Commitment** (``empreinte``): SHA-256 of the ASCII bytes ``attrib-lv-v1:`` followed by the 64 characters of
  the seed, in lowercase hexadecimal (:func:`empreinte`). The prefix names the format: a later version would
  change it, never the meaning of ``v1``. Published when the advert opens; at closing anyone checks that the
  revealed seed gives it (:func:`graine_conforme`), so the seed was not chosen after seeing the applications.
- **Draw value** of an application (``tirage``): HMAC-SHA256 with the seed's 32 bytes as key and the
  application's token (``jeton``, UTF-8) as message, in lowercase hexadecimal (:func:`valeur_tirage`). The
  smaller value wins; 64 hexadecimal characters compare as text exactly as the numbers they write.
- **Token** (``jeton``): the public, non-identifying name of an application, 12 characters of the RFC 4648
  base32 alphabet drawn by :mod:`secrets` when the application is filed (:func:`nouveau_jeton`).

Replay by hand (``docs/location-voulue-moteur.md``)::

    printf 'attrib-lv-v1:%s' GRAINE | sha256sum
    printf '%s' JETON | openssl dgst -sha256 -mac HMAC -macopt hexkey:GRAINE
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from attrib.engine.erreurs import EntreeInvalide

#: Bytes before the seed in the committed hash (the version of the format).
PREFIXE_EMPREINTE = b"attrib-lv-v1:"
#: The tokens' alphabet (RFC 4648 base32: no 0, 1, 8 or 9, nothing to confuse when read aloud) and length.
ALPHABET_JETON = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
LONGUEUR_JETON = 12
#: Longest token accepted from a caller (the application may give tokens of its own making).
LONGUEUR_JETON_MAX = 64

_HEXA_64 = re.compile(r"[0-9a-f]{64}")


def nouvelle_graine() -> str:
    """A fresh seed: 32 bytes from the operating system's secure source, in lowercase hexadecimal."""
    return secrets.token_bytes(32).hex()


def nouveau_jeton() -> str:
    """A fresh application token: 12 base32 characters (60 random bits)."""
    return "".join(secrets.choice(ALPHABET_JETON) for _ in range(LONGUEUR_JETON))


def verifier_graine(graine: object) -> str:
    """``graine`` when it is 64 lowercase hexadecimal characters; :class:`EntreeInvalide` otherwise."""
    if not isinstance(graine, str) or not _HEXA_64.fullmatch(graine):
        raise EntreeInvalide("Graine du tirage : 64 caractères hexadécimaux minuscules (0-9, a-f) attendus.")
    return graine


def verifier_jeton(jeton: object) -> str:
    """``jeton`` when it is a non-empty text without surrounding spaces or control characters."""
    if (
        not isinstance(jeton, str)
        or not jeton
        or jeton != jeton.strip()
        or len(jeton) > LONGUEUR_JETON_MAX
        or not jeton.isprintable()
    ):
        raise EntreeInvalide(
            f"Jeton de candidature « {jeton} » : texte de 1 à {LONGUEUR_JETON_MAX} caractères imprimables, "
            "sans espace au début ni à la fin, attendu."
        )
    return jeton


def _sha256_engage(graine: str) -> str:
    return hashlib.sha256(PREFIXE_EMPREINTE + verifier_graine(graine).encode("ascii")).hexdigest()


def empreinte(graine: str) -> str:
    """SHA-256 (lowercase hexadecimal) of ``attrib-lv-v1:`` + the seed: the commitment published at opening."""
    return _sha256_engage(graine)


def graine_conforme(graine: str, empreinte: str) -> bool:
    """Whether the revealed seed gives the published commitment ``empreinte`` (compared in constant time). A
    malformed seed or commitment is simply not conforming."""
    try:
        attendue = _sha256_engage(graine)
    except EntreeInvalide:
        return False
    if not isinstance(empreinte, str) or not empreinte.isascii():
        return False
    return hmac.compare_digest(attendue.encode("ascii"), empreinte.encode("ascii"))


def valeur_tirage(graine: str, jeton: str) -> str:
    """Draw value of one application: HMAC-SHA256(key = the seed's bytes, message = the token in UTF-8), in
    lowercase hexadecimal. The smaller value is drawn first."""
    cle = bytes.fromhex(verifier_graine(graine))
    return hmac.new(cle, verifier_jeton(jeton).encode("utf-8"), hashlib.sha256).hexdigest()


__all__ = [
    "ALPHABET_JETON",
    "LONGUEUR_JETON",
    "PREFIXE_EMPREINTE",
    "empreinte",
    "graine_conforme",
    "nouveau_jeton",
    "nouvelle_graine",
    "valeur_tirage",
    "verifier_graine",
    "verifier_jeton",
]
