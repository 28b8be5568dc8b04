"""Language identification with py3langid, its model memory-mapped from the claimtrace cache.

py3langid ships its model as an LZMA-compressed npz (4.5 MB, 68 MB unpacked); unpacking it costs
about a third of a CPU-second at every start. The first call here unpacks it once into raw arrays
under the claimtrace cache folder (see :func:`claimtrace.geo.index.cache_dir`, a folder per
model file); later starts map those files into memory, which takes milliseconds and
shares the pages between processes. Scores are py3langid's own (the same arrays, the same
``LanguageIdentifier``); when the cache cannot be written, the packaged model is loaded directly.
Timings: docs/benchmarks_speed.md.
"""

from __future__ import annotations

import contextlib
import json
import mmap
import os
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any

_ARRAYS = ("nextmove", "nextmove_row", "out_feat", "ptc", "pc")
_TYPECODES = {("u", 2): "H", ("u", 4): "I", ("i", 4): "i", ("i", 8): "q"}


@lru_cache(maxsize=1)
def identifier() -> Any:
    """py3langid's ``LanguageIdentifier`` (normalised probabilities), loaded once per process."""
    from py3langid.langid import LanguageIdentifier

    try:
        folder = _unpacked_model()
    except OSError:
        return LanguageIdentifier.from_model_file(_packaged_model(), norm_probs=True)
    return _mapped_identifier(folder)


def classify(sample: str) -> tuple[str, float]:
    """The ISO 639-1 code of ``sample``'s language and the model's probability for it."""
    language, confidence = identifier().classify(sample)
    return language, float(confidence)


def _packaged_model() -> Path:
    from py3langid.langid import MODEL_DIR, MODEL_FILE

    return Path(MODEL_DIR) / MODEL_FILE


def _unpacked_model() -> Path:
    """The folder of raw model arrays for the installed py3langid, unpacked on first use."""
    from claimtrace.geo.index import cache_dir

    packaged = _packaged_model()
    stat = packaged.stat()  # the model's size and time name its copy (cheaper than asking its version)
    folder = cache_dir() / f"langid-{stat.st_size}-{stat.st_mtime_ns}"
    if (folder / "meta.json").is_file():
        return folder
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f"{folder.name}.tmp", dir=folder.parent))
    try:
        _unpack(packaged, staging)
        os.replace(staging, folder)
    except OSError:
        if not (folder / "meta.json").is_file():
            raise
    finally:
        with contextlib.suppress(OSError):
            for part in staging.iterdir():
                part.unlink()
            staging.rmdir()
    return folder


def _unpack(model: Path, folder: Path) -> None:
    """Write each array of py3langid's npz as raw bytes, with its dtype and shape in meta.json."""
    import io
    import lzma

    import numpy as np

    with lzma.open(model) as packed, np.load(io.BytesIO(packed.read()), allow_pickle=False) as arrays:
        meta: dict[str, Any] = {"classes": arrays["classes"].tolist()}
        for name in _ARRAYS:
            array = np.ascontiguousarray(arrays[name])
            array.tofile(folder / f"{name}.bin")
            meta[name] = {"dtype": array.dtype.str, "shape": list(array.shape)}
    (folder / "meta.json").write_text(json.dumps(meta), encoding="utf-8")


def _mapped_identifier(folder: Path) -> Any:
    import numpy as np
    from py3langid.langid import LanguageIdentifier

    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))

    def mapped(name: str) -> np.ndarray:
        spec = meta[name]
        return np.memmap(folder / f"{name}.bin", dtype=spec["dtype"], mode="r", shape=tuple(spec["shape"]))

    return LanguageIdentifier(
        mapped("ptc"),
        np.array(mapped("pc")),
        meta["classes"],
        _int_view(folder / "nextmove.bin", meta["nextmove"]["dtype"]),
        _int_view(folder / "out_feat.bin", meta["out_feat"]["dtype"]),
        norm_probs=True,
        tk_row=_int_view(folder / "nextmove_row.bin", meta["nextmove_row"]["dtype"]),
    )


def _int_view(path: Path, dtype: str) -> memoryview:
    """A read-only integer sequence over ``path`` (indexing as fast as a Python array, no copy)."""
    import numpy as np

    kind = np.dtype(dtype)
    if kind.byteorder == ">":
        raise OSError(f"{path}: big-endian arrays are not mapped")
    with path.open("rb") as handle:
        pages = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    return memoryview(pages).cast(_TYPECODES[(kind.kind, kind.itemsize)])
