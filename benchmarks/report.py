"""What every benchmark script does with its figures: one JSON object, or a readable table."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def print_figures(figures: dict[str, Any], as_json: bool, title: str | None = None) -> None:
    """``figures`` as one JSON line (``--json``), else a title and one aligned row per figure."""
    if as_json:
        print(json.dumps(figures))
        return
    if title:
        print(title)
    width = max((len(k) for k in figures), default=0) + 2
    for key, value in figures.items():
        shown = f"{value:.4g}" if isinstance(value, float) else str(value)
        print(f"  {key:<{width}}{shown:>12}")


def gum_split(data: Path, split: str) -> Path:
    """The GUM CoNLL-U file of ``split`` under ``data`` (the shared data folder or its gum/ folder)."""
    gum = data if (data / f"gum-{split}.conllu").is_file() else data / "gum"
    return gum / f"gum-{split}.conllu"
