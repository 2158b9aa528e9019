"""The Markdown tables of ``docs/formats/demandes_csv.md``, produced from the column catalogue."""

from __future__ import annotations

from attrib.engine.formats.demandes_csv.colonnes import COLONNES, Choix, T


def _echapper_md(texte: str) -> str:
    return texte.replace("|", "\\|")


def documentation_colonnes() -> str:
    """The Markdown table of ``docs/formats/demandes_csv.md`` (one row per column, in file order)."""
    lignes = [
        "| Colonne | Type | Obligatoire | Description | Valeurs admises | Exemple |",
        "|---|---|---|---|---|---|",
    ]
    for c in COLONNES:
        if c.type == T.PERSONNES:
            valeurs = "lien : " + ", ".join(f"`{code}`" for code in c.codes)
        elif c.choix:
            valeurs = ", ".join(f"`{code}`" for code in c.codes)
        elif c.type == T.BOOLEEN:
            valeurs = "`oui`, `non` (vide = non)"
        elif c.type == T.DATE:
            valeurs = "JJ/MM/AAAA ou AAAA-MM-JJ"
        elif c.motif_element:
            valeurs = "codes INSEE" if c.nom == "communes_souhaitees" else "codes du référentiel"
        else:
            valeurs = ""
        obligatoire = "oui" if c.obligatoire else ("export seul" if c.lecture_seule else "non")
        exemple = f"`{_echapper_md(c.exemple)}`" if c.exemple else ""
        lignes.append(
            f"| `{c.nom}` | {c.type.value} | {obligatoire} | {_echapper_md(c.description)} | "
            f"{_echapper_md(valeurs)} | {exemple} |"
        )
    return "\n".join(lignes)


def documentation_codes() -> str:
    """The closed lists used by the format, with their labels (Markdown)."""
    vues: dict[Choix, list[str]] = {}
    for c in COLONNES:
        if c.choix:
            vues.setdefault(c.choix, []).append(c.nom)
    blocs = []
    for choix, noms in vues.items():
        titre = ", ".join(f"`{n}`" for n in noms)
        lignes = [f"**{titre}**", ""] + [f"- `{code}` : {libelle}" for code, libelle in choix]
        blocs.append("\n".join(lignes))
    return "\n\n".join(blocs)
