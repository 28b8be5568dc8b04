"""``python -m claimtrace.geo``: build the gazetteer index now and say where it is."""

from __future__ import annotations

import time

from claimtrace.geo.index import build_gazetteer


def main() -> None:
    started = time.perf_counter()
    path = build_gazetteer()
    print(f"gazetteer built in {time.perf_counter() - started:.1f} s: {path} ({path.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
