"""benchmarks/speed_architectures.py: the estimate of a retrained pipeline with claimtrace's steps."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _benchmark():  # noqa: ANN202
    if str(ROOT / "benchmarks") not in sys.path:
        sys.path.insert(0, str(ROOT / "benchmarks"))
    spec = importlib.util.spec_from_file_location("speed_architectures_benchmark",
                                                  ROOT / "benchmarks" / "speed_architectures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_model_components_adds_the_steps_cost_measured_on_the_shipped_pipeline() -> None:
    seconds = _benchmark().with_estimated_components({"shipped": 4.0, "shipped_components": 5.5, "model": 2.0})
    assert seconds["model_components"] == 3.5
    assert seconds["model"] == 2.0


def test_no_estimate_without_the_shipped_components_run() -> None:
    seconds = _benchmark().with_estimated_components({"shipped": 4.0, "model": 2.0})
    assert "model_components" not in seconds


def test_missing_model_folder_is_refused(tmp_path: Path) -> None:
    assert _benchmark().main(["--data", str(tmp_path), "--model", str(tmp_path / "none")]) == 2
