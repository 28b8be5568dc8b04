"""Every ``claimtrace`` command of the README runs and returns what it promises (issue 14, case 8).

The commands of the README's ``bash`` blocks run in order, in a scratch folder holding a copy of
``examples/``, against the sources under test: each must exit with 0 and print something other
than an empty result ("none", "[]").
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import claimtrace

ROOT = Path(__file__).resolve().parent.parent
SRC = Path(claimtrace.__file__).resolve().parents[1]


def readme_commands() -> list[list[str]]:
    """The ``claimtrace ...`` commands of the README's bash blocks, comments removed, in order."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = []
    for block in re.findall(r"```bash\n(.*?)```", text, re.S):
        for line in block.splitlines():
            for part in line.split("&&"):
                words = shlex.split(part, comments=True)
                if words and words[0] == "claimtrace":
                    commands.append(words[1:])
    return commands


def test_the_readme_names_the_commands_it_shows():
    names = [command[0] for command in readme_commands()]
    assert {"analyze", "ingest", "stories", "story", "conflicts", "claims", "outlets", "errors"} <= set(names)


def test_every_readme_command_runs_and_finds_something(tmp_path):
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    env = {**os.environ, "PYTHONPATH": str(SRC), "COLUMNS": "200"}
    for command in readme_commands():
        result = subprocess.run([sys.executable, "-m", "claimtrace.cli", *command], cwd=tmp_path, env=env,
                                capture_output=True, text=True, timeout=900)
        shown = " ".join(command)
        assert result.returncode == 0, f"claimtrace {shown}: {result.stderr}"
        out = result.stdout.strip()
        assert out and not out.endswith(": none") and out != "[]", f"claimtrace {shown} printed: {out[:300]}"
