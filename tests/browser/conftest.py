"""Real-browser journeys: Playwright drives Debian's chromium against Django's live server."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM = os.environ.get("ATTRIB_CHROMIUM", "/usr/bin/chromium")
# Playwright's sync API runs an event loop in the test thread; Django's ORM calls made by the
# tests themselves are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def navigateur() -> Iterator[Browser]:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(navigateur: Browser) -> Iterator[Page]:
    context = navigateur.new_context(locale="fr-FR")
    context.set_default_timeout(15_000)
    pg = context.new_page()
    yield pg
    context.close()


def connecter(page: Page, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/connexion/")
    page.get_by_label("Identifiant").fill(username)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(lambda url: "/connexion/" not in url)


def violations_axe(page: Page, niveaux: tuple[str, ...] = ("serious", "critical")) -> list[dict[str, Any]]:
    """Axe-core violations of the given impacts on the current page (WCAG 2 A/AA rules)."""
    options = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa"]}, "resultTypes": ["violations"]}
    resultats = Axe().run(page, options=options)
    return [v for v in resultats.response["violations"] if v.get("impact") in niveaux]


def resume_violations(violations: list[dict[str, Any]]) -> str:
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:3]]}" for v in violations
    )


def menu(page: Page, groupe: str, entree: str) -> None:
    """Open the sub-menu ``groupe`` of the main navigation and follow its entry ``entree``."""
    navigation = page.get_by_role("navigation", name="Menu principal")
    navigation.get_by_role("button", name=groupe, exact=True).click()
    navigation.get_by_role("link", name=entree, exact=True).click()
