"""Architecture rules as tests."""

import ast
from pathlib import Path

import pytest

ENGINE = Path(__file__).resolve().parents[1] / "attrib" / "engine"


@pytest.mark.parametrize("path", sorted(ENGINE.rglob("*.py")), ids=lambda p: str(p.relative_to(ENGINE)))
def test_engine_imports_no_django(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        for name in names:
            assert name.split(".")[0] not in {"django", "rest_framework"}, f"{path} importe {name}"
            assert not name.startswith("attrib.") or name.startswith("attrib.engine"), f"{path} importe {name}"


def test_engine_package_exists() -> None:
    assert (ENGINE / "__init__.py").exists()
