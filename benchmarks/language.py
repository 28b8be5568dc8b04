"""False refusals of the language check on English documents.

``claimtrace`` analyses English only and refuses other languages before the pipeline runs
(:func:`claimtrace.pipeline.check_language`). Every refusal of an English document is a false one;
this script counts them on two English collections under ``--data`` (the shared data folder):

- CoNLL-2003 ``eng.testb``: 231 Reuters documents, among them sports result tables and lists
  (one document per ``-DOCSTART-``, one line per sentence, tokens joined by spaces);
- UD English Web Treebank test: 316 documents (``# newdoc``) of web text (blogs, reviews, e-mail,
  answers), rebuilt from each sentence's ``# text``.

Figures: ``documents``, ``refused`` and ``false_refusal_rate`` per collection, and the ids of the
refused documents' first words (to read them, never to commit them).

    python benchmarks/language.py --data ../shared/data [--json]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from claimtrace.errors import InputError
from claimtrace.pipeline import check_language


def conll_documents(path: Path) -> list[str]:
    documents: list[list[str]] = []
    sentence: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("-DOCSTART-"):
            documents.append([])
            continue
        if not line.strip():
            if sentence and documents:
                documents[-1].append(" ".join(sentence))
            sentence = []
            continue
        sentence.append(line.split(" ")[0])
    if sentence and documents:
        documents[-1].append(" ".join(sentence))
    return ["\n".join(lines) for lines in documents if lines]


def ud_documents(path: Path) -> list[str]:
    documents: list[list[str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# newdoc"):
            documents.append([])
        elif line.startswith("# text = ") and documents:
            documents[-1].append(line[len("# text = "):])
    return ["\n".join(lines) for lines in documents if lines]


def refusals(documents: list[str]) -> list[int]:
    refused = []
    for index, text in enumerate(documents):
        try:
            check_language(text)
        except InputError:
            refused.append(index)
    return refused


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="the shared data folder")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    collections = {
        "conll2003_testb": conll_documents(args.data / "conll2003" / "eng.testb"),
        "ud_ewt_test": ud_documents(args.data / "ud-ewt" / "en_ewt-ud-test.conllu"),
    }
    figures: dict[str, object] = {}
    for name, documents in collections.items():
        refused = refusals(documents)
        figures[f"{name}_documents"] = len(documents)
        figures[f"{name}_refused"] = len(refused)
        figures[f"{name}_false_refusal_rate"] = round(len(refused) / max(len(documents), 1), 4)
        figures[f"{name}_refused_indices"] = refused
    if args.json:
        print(json.dumps(figures))
        return
    for key, value in figures.items():
        print(f"  {key:<36}{value}")


if __name__ == "__main__":
    main()
