"""Run one `spacy train` with thinc's numpy/OpenBLAS gemm instead of blis.

On the build machine (AMD EPYC, single thread) blis' gemm reaches ~25 GFLOP/s
while numpy/OpenBLAS reaches ~100 GFLOP/s, so training is ~2x faster.  The
result is identical in format: the saved pipeline has no dependency on it.

Usage: python run_spacy_train.py CONFIG OUTPUT_DIR [--key.path value ...]
"""
import sys
from pathlib import Path

from spacy import util
from spacy.cli._util import parse_config_overrides, show_validation_error
from spacy.training.initialize import init_nlp
from spacy.training.loop import train
from thinc.api import NumpyOps, set_current_ops


def main(argv):
    config_path, output = Path(argv[0]), Path(argv[1])
    overrides = parse_config_overrides(argv[2:])
    set_current_ops(NumpyOps(use_blis=False))
    output.mkdir(parents=True, exist_ok=True)
    config = util.load_config(config_path, overrides=overrides, interpolate=False)
    with show_validation_error(config_path):
        nlp = init_nlp(config, use_gpu=-1)
    set_current_ops(NumpyOps(use_blis=False))
    train(nlp, output, use_gpu=-1, stdout=sys.stdout, stderr=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
