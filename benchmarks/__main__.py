"""Run the benchmarks: ``python -m benchmarks [name]``.

Each ``benchmarks/bench_<name>.py`` defines ``run() -> None`` that prints exactly one line
``BENCH <name> key=value …`` with a baseline measured in the same run.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    only = argv[0] if argv else ""
    names = sorted(
        m.name[len("bench_") :]
        for m in pkgutil.iter_modules([str(Path(__file__).parent)])
        if m.name.startswith("bench_")
    )
    if only:
        if only not in names:
            print(f"Benchmark inconnu : {only}. Disponibles : {', '.join(names)}", file=sys.stderr)
            return 2
        names = [only]
    for name in names:
        importlib.import_module(f"benchmarks.bench_{name}").run()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
