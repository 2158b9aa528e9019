"""The public functions of a services module, or of a services package split into topic modules.

A package (``attrib.flux.services``) is the app's write interface: its functions are named after the package
(``attrib.flux.services.convention_enregistrer``) whichever topic module defines them, so that the tests'
tables of exemptions and argument builders do not change when a module is split."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from types import FunctionType, ModuleType


def modules_du_paquet(module: ModuleType) -> list[ModuleType]:
    """The module itself, or every module of the package (its ``__init__`` included)."""
    if not hasattr(module, "__path__"):
        return [module]
    return [module] + [
        importlib.import_module(f"{module.__name__}.{info.name}")
        for info in sorted(pkgutil.iter_modules(module.__path__), key=lambda i: i.name)
    ]


def fonctions_publiques(module: ModuleType) -> list[tuple[str, FunctionType]]:
    """(public name, function) of every public function defined in the module or the package's modules."""
    trouves: dict[str, FunctionType] = {}
    for sous_module in modules_du_paquet(module):
        for nom, fonction in inspect.getmembers(sous_module, inspect.isfunction):
            if nom.startswith("_") or fonction.__module__ != sous_module.__name__:
                continue
            trouves[f"{module.__name__}.{nom}"] = fonction
    return sorted(trouves.items())
