"""Static checks of the Dockerfile and .dockerignore (no Docker engine needed)."""

from __future__ import annotations

import json
import re

import yaml

from conftest import CHART_DIR, REPO_ROOT

DOCKERFILE = REPO_ROOT / "Dockerfile"


def instructions():
    """(INSTRUCTION, arguments) pairs with continuation lines joined."""
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text())
    result = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        result.append((keyword.upper(), rest.strip()))
    return result


def stages():
    return [args for keyword, args in instructions() if keyword == "FROM"]


def runtime_instructions():
    items = instructions()
    last_from = max(i for i, (keyword, _) in enumerate(items) if keyword == "FROM")
    return items[last_from:]


def test_multi_stage_swift_bookworm_to_bookworm_slim():
    froms = stages()
    assert len(froms) >= 2
    assert re.fullmatch(r"swift:6\.\d+(\.\d+)?-bookworm AS build", froms[0])
    assert froms[-1] == "debian:bookworm-slim"


def test_build_stage_installs_c_libraries_and_builds_release_static():
    runs = " ".join(args for keyword, args in instructions()[: len(instructions()) - len(runtime_instructions())] if keyword == "RUN")
    assert "librdkafka-dev" in runs and "libcurl4-openssl-dev" in runs
    assert "swift build -c release --static-swift-stdlib --product metadata-sink" in runs


def test_runtime_stage_packages():
    runs = " ".join(args for keyword, args in runtime_instructions() if keyword == "RUN")
    for package in ("librdkafka1", "libcurl4", "ca-certificates", "tzdata"):
        assert re.search(rf"\b{re.escape(package)}\b", runs), package
    # The binary is PID 1 and handles SIGTERM itself: no init shim.
    assert "tini" not in runs and "dumb-init" not in runs


def test_runs_as_numeric_non_root_user_matching_the_chart():
    users = [args for keyword, args in runtime_instructions() if keyword == "USER"]
    assert users, "runtime stage sets no USER"
    uid, _, gid = users[-1].partition(":")
    assert uid.isdigit() and int(uid) != 0
    assert gid == "" or (gid.isdigit() and int(gid) != 0)
    chart_values = yaml.safe_load((CHART_DIR / "values.yaml").read_text())
    assert chart_values["podSecurityContext"]["runAsUser"] == int(uid)
    if gid:
        assert chart_values["podSecurityContext"]["runAsGroup"] == int(gid)


def test_entrypoint_cmd_and_port():
    runtime = dict(runtime_instructions())
    assert json.loads(runtime["ENTRYPOINT"]) == ["metadata-sink"]
    assert json.loads(runtime["CMD"]) == ["run"]
    assert runtime["EXPOSE"] == "8080"


def test_dockerignore_keeps_host_artifacts_out():
    entries = {line.strip().rstrip("/") for line in (REPO_ROOT / ".dockerignore").read_text().splitlines()
               if line.strip() and not line.startswith("#")}
    for required in (".build", ".git", ".venv", "helm", "Tests/Deployment"):
        assert required in entries, required
    # What the build needs must stay in the context.
    for needed in ("Sources", "Tests", "Package.swift", "Package.resolved"):
        assert needed not in entries, needed
