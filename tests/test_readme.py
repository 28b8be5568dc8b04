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
import socket
import subprocess
import sys
import time
import urllib.request
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


LONG_RUNNING = {"serve"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_readme_names_the_commands_it_shows():
    names = [command[0] for command in readme_commands()]
    assert {"analyze", "ingest", "stories", "story", "conflicts", "claims", "outlets", "errors"} <= set(names)


def test_every_readme_command_runs_and_finds_something(tmp_path):
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    env = {**os.environ, "PYTHONPATH": str(SRC), "COLUMNS": "200"}
    for command in readme_commands():
        if command[0] in LONG_RUNNING:
            continue  # a server runs until stopped: test_the_readme_server_starts_and_answers
        result = subprocess.run([sys.executable, "-m", "claimtrace.cli", *command], cwd=tmp_path, env=env,
                                capture_output=True, text=True, timeout=900)
        shown = " ".join(command)
        assert result.returncode == 0, f"claimtrace {shown}: {result.stderr}"
        out = result.stdout.strip()
        assert out and not out.endswith(": none") and out != "[]", f"claimtrace {shown} printed: {out[:300]}"


def test_the_readme_server_starts_and_answers(tmp_path):
    """The README's ``serve`` command, after its ``ingest``, answers its first page on 127.0.0.1."""
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    env = {**os.environ, "PYTHONPATH": str(SRC), "COLUMNS": "200"}
    commands = readme_commands()
    servers = [c for c in commands if c[0] == "serve"]
    assert servers, "the README shows no serve command"
    for command in commands[: commands.index(servers[0])]:
        if command[0] == "ingest":
            subprocess.run([sys.executable, "-m", "claimtrace.cli", *command], cwd=tmp_path, env=env,
                           capture_output=True, text=True, timeout=900, check=True)
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "claimtrace.cli", *servers[0], "--port", str(port)],
                              cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while True:
            assert server.poll() is None, server.stderr.read().decode()
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30) as response:
                    assert response.status == 200
                    break
            except OSError:
                assert time.monotonic() < deadline, "the server never answered"
                time.sleep(0.5)
    finally:
        server.terminate()
        server.wait(timeout=30)
