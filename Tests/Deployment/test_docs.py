"""The deployment docs stay in step with the chart they describe."""

from __future__ import annotations

import re

import yaml

from conftest import REPO_ROOT

DOC = REPO_ROOT / "docs" / "deploy.md"


def test_documented_values_file_renders(render):
    blocks = re.findall(r"```yaml\n(.*?)```", DOC.read_text(), flags=re.S)
    assert blocks, "no values example in docs/deploy.md"
    rendered = render(yaml.safe_load(blocks[0]))
    assert rendered.container["image"] == "registry.example.com/metadata-sink:0.1.0"
    assert rendered.configmap_data["KAFKA_TOPICS"] == "customer-events"


def test_documented_set_flags_name_real_values(chart):
    keys = re.findall(r"--set ([A-Za-z0-9_.]+)=", DOC.read_text())
    assert keys
    for key in keys:
        node = chart.values
        for part in key.split("."):
            assert isinstance(node, dict) and part in node, f"--set {key} names no chart value"
            node = node[part]


def test_documented_table_names_real_values(chart):
    names = re.findall(r"^\| `([a-zA-Z.]+)`", DOC.read_text(), flags=re.M)
    assert len(names) >= 8
    for name in names:
        node = chart.values
        for part in name.split("."):
            assert part in node, f"table row {name} names no chart value"
            node = node[part]


def test_documented_compose_services_exist():
    services = set(yaml.safe_load((REPO_ROOT / "docker-compose.yml").read_text())["services"])
    for service in re.findall(r"docker compose (?:logs -f|exec(?: -T)?|run --rm) ([a-z-]+)", DOC.read_text()):
        assert service in services, service
