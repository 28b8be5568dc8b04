"""Compile the PETRARCH-2 dictionaries and the CAMEO->PLOVER table into one compact artifact.

Reads (from ``--data``, the folder described in ``shared/data/events/README.md``):
- ``petrarch/dictionaries/CAMEO.2.0.txt``: synsets and verb blocks with their patterns;
- ``petrarch/dictionaries/Phoenix.{Countries,International,MilNonState}.actors.txt``: actor names -> codes;
- ``petrarch/dictionaries/Phoenix.agents.txt``: role nouns -> agent codes (``~GOV``, ``~MIL``, ...);
- ``plover/CAMEO2PLOVER-2021.txt``: CAMEO code -> PLOVER 0.8 category, mode, context.

Writes ``src/claimtrace/data/events/petrarch.json.gz`` (see the README next to it), which
``claimtrace.extract.events.lexicon.load_lexicon`` reads at run time:

    python training/events/compile_dictionaries.py --data /work/shared/data/events \
        --out src/claimtrace/data/events/petrarch.json.gz
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
from pathlib import Path

CODE = re.compile(r"\[([^\]]*)\]")
DATED_CODE = re.compile(r"\[(\S+)(?:\s+([<>]?\d{6})(?:-(\d{6}))?)?\]")


def _words(item: str) -> list[str]:
    """``PRIME_MINISTER_`` -> ``["PRIME", "MINISTER"]`` (the trailing ``_`` only forbids plurals)."""
    return [w for w in item.strip().strip("+").split("_") if w]


def _strip_comment(line: str) -> str:
    return line.split("#", 1)[0].rstrip()


def parse_verbs(path: Path) -> dict:
    """Synsets, verb blocks (forms, default code, patterns) of the PETRARCH-2 verb dictionary."""
    synsets: dict[str, list[list[str]]] = {}
    blocks: list[dict] = []
    current_synset: str | None = None
    block: dict | None = None
    in_transformations = False
    for raw in path.read_text(encoding="utf-8").splitlines():
        if raw.startswith("######## TRANSFORMATIONS"):
            in_transformations = True
        line = _strip_comment(raw)
        if in_transformations or not line.strip():
            continue
        if line.startswith("&"):
            current_synset, block = line.strip().rstrip("_"), None
            synsets[current_synset] = []
        elif line.startswith("---"):
            current_synset = None
            code = CODE.search(line)
            block = {"code": code.group(1) if code else "---", "forms": [], "patterns": []}
            blocks.append(block)
        elif line.startswith("+") and current_synset:
            synsets[current_synset].append(_words(line))
        elif line.startswith("-") and block is not None:
            pattern = _parse_pattern(line, raw)
            if pattern:
                block["patterns"].append(pattern)
        elif block is not None:
            block["forms"].append(_parse_form(line))
    return {"synsets": synsets, "blocks": blocks}


def _parse_form(line: str) -> list:
    """``+MEET_WITH {+MET_WITH ...}`` -> [words, index of the verb word, own code or None].

    A form may carry its own code (``ARREST [173]``), which replaces the block's default."""
    code = CODE.search(line.split("{", 1)[0] if "{" in line else line)
    head = line.split("{", 1)[0].split("[", 1)[0].strip()
    parts = head.split("_")
    verb_index = next((i for i, p in enumerate(parts) if p.startswith("+")), 0)
    return [[p.strip("+") for p in parts if p.strip("+")], verb_index, code.group(1) if code else None]


def _parse_pattern(line: str, raw: str) -> list | None:
    """``- pre * post [code]  # VERB`` -> [pre elements, post elements, code, verbs it was written for].

    Elements are words or ``&SYNSET`` names; the comment names the verb(s) of the block the pattern was
    found with (empty: any verb of the block)."""
    code = CODE.search(line)
    if not code or "*" not in line:
        return None
    body = line[1 : code.start()]
    pre, post = body.split("*", 1)
    comment = raw.split("#", 1)[1] if "#" in raw else ""
    verbs = sorted({w for w in re.findall(r"[A-Z][A-Z_+-]+", comment.split(":")[0]) if len(w) > 2})
    return [_elements(pre), _elements(post), code.group(1), verbs]


def _elements(text: str) -> list[str]:
    cleaned = re.sub(r"[(){}]", " ", text)
    out = []
    for item in cleaned.split():
        if item in {"$", "+", "^", "%", "="}:
            continue
        if item.startswith("&"):
            out.append(item.rstrip("_"))
        else:
            out.extend(_words(item))
    return out


def parse_actors(path: Path) -> dict[str, str]:
    """Actor names (space-joined, lower case) -> the latest code given for them."""
    actors: dict[str, str] = {}
    names: list[str] = []
    codes: list[tuple[str, str]] = []

    def flush() -> None:
        if names and codes:
            code = max(codes, key=lambda c: c[1])[0]
            for name in names:
                actors.setdefault(name, code)

    for raw in path.read_text(encoding="utf-8", errors="replace").splitlines():
        line = _strip_comment(raw)
        if not line.strip():
            continue
        if line.startswith(("\t", " ")) and line.strip().startswith("["):
            codes.extend(_dated_codes(line))
            continue
        if line.startswith("+"):
            names.append(" ".join(_words(line.split("[")[0])).lower())
            codes.extend(_dated_codes(line))
            continue
        flush()
        names = [" ".join(_words(line.split("[")[0])).lower()]
        codes = _dated_codes(line)
    flush()
    return {k: v for k, v in actors.items() if k}


def _dated_codes(line: str) -> list[tuple[str, str]]:
    """Codes with a sort key: open-ended or undated codes rank above those that ended."""
    out = []
    for match in DATED_CODE.finditer(line):
        code, start, end = match.groups()
        if start and start.startswith("<"):
            key = start[1:]
        elif end:
            key = end
        else:
            key = "999999"
        out.append((code, key))
    return out


def parse_agents(path: Path) -> dict[str, str]:
    """Role nouns (lower case, space-joined, singular and listed plurals) -> agent code without ``~``."""
    macros: dict[str, list[str]] = {}
    agents: dict[str, str] = {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = _strip_comment(raw)
        if not line.strip():
            continue
        macro = re.match(r"^(!\w+!)\s*=\s*(.+)$", line)
        if macro:
            macros[macro.group(1)] = [w.strip() for w in macro.group(2).split(",")]
            continue
        code = CODE.search(line)
        if not code or not code.group(1).startswith("~"):
            continue
        head = line[: line.find("{") if "{" in line else code.start()].strip()
        plurals = re.search(r"\{([^}]*)\}", line)
        forms = [head] + (plurals.group(1).split() if plurals else [])
        for form in forms:
            for expanded in _expand_macros(form, macros):
                agents.setdefault(" ".join(_words(expanded)).lower(), code.group(1)[1:])
    return agents


def _expand_macros(form: str, macros: dict[str, list[str]]) -> list[str]:
    for name, values in macros.items():
        if name in form:
            return [v for value in values for v in _expand_macros(form.replace(name, value), macros)]
    return [form]


def parse_cameo2plover(path: Path) -> dict[str, list[str]]:
    """CAMEO code -> [PLOVER category, mode, context]; root headers give the 2-digit codes."""
    table: dict[str, list[str]] = {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = _strip_comment(raw)
        match = re.match(r"^(\d{2,4}):\s*(.*)$", line)
        if not match:
            continue
        code, rest = match.groups()
        parts = [p.strip() for p in rest.split(",")] + ["", ""]
        if len(code) == 2 and code in table:
            continue  # 08 is listed twice (CONCEDE, then RETREAT for 084-087): the 3-digit codes decide
        table[code] = [parts[0], parts[1], parts[2]]
    return table


def compile_all(data: Path) -> dict:
    dictionaries = data / "petrarch" / "dictionaries"
    verbs = parse_verbs(dictionaries / "CAMEO.2.0.txt")
    actors: dict[str, str] = {}
    for name in ("Countries", "International", "MilNonState"):
        for key, code in parse_actors(dictionaries / f"Phoenix.{name}.actors.txt").items():
            actors.setdefault(key, code)
    return {
        "provenance": {
            "petrarch2": "openeventdata/petrarch2@676801cd9cb2924bbbad09f86d15c9323e7097bf (MIT)",
            "plover": "openeventdata/PLOVER@5e0c24fba623f2d8df5ae3c7de7a94dba90d5b6f CAMEO2PLOVER-2021.txt",
        },
        "synsets": verbs["synsets"],
        "blocks": verbs["blocks"],
        "actors": actors,
        "agents": parse_agents(dictionaries / "Phoenix.agents.txt"),
        "cameo2plover": parse_cameo2plover(data / "plover" / "CAMEO2PLOVER-2021.txt"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="shared/data/events folder")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    compiled = compile_all(args.data)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    payload = json.dumps(compiled, separators=(",", ":"), sort_keys=True).encode()
    with gzip.GzipFile(args.out, "wb", mtime=0) as handle:
        handle.write(payload)
    print(
        f"{args.out}: {len(compiled['blocks'])} verb blocks, "
        f"{sum(len(b['patterns']) for b in compiled['blocks'])} patterns, {len(compiled['synsets'])} synsets, "
        f"{len(compiled['actors'])} actor names, {len(compiled['agents'])} agent nouns, "
        f"{len(compiled['cameo2plover'])} CAMEO codes; {args.out.stat().st_size:,} bytes"
    )


if __name__ == "__main__":
    main()
