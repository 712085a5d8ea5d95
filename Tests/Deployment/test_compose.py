"""docker-compose.yml loads in Debian's docker-compose 1.29 and wires the stack."""

from __future__ import annotations

import shutil
import subprocess

import pytest
import yaml

from conftest import REPO_ROOT, is_contract_env

COMPOSE_FILE = REPO_ROOT / "docker-compose.yml"


@pytest.fixture(scope="module")
def compose_config():
    binary = shutil.which("docker-compose")
    assert binary, "docker-compose is not installed; scripts/test-deployment.sh installs it (apt-get install docker-compose)"
    result = subprocess.run(
        [binary, "-f", str(COMPOSE_FILE), "config"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(result.stdout)


@pytest.fixture(scope="module")
def services(compose_config):
    return compose_config["services"]


def test_raw_file_avoids_fields_compose_1_29_rejects():
    raw = yaml.safe_load(COMPOSE_FILE.read_text())
    assert "name" not in raw
    assert "start_interval" not in COMPOSE_FILE.read_text()


def test_services_present(services):
    assert set(services) == {"kafka", "kafka-init", "emulator", "sink", "producer"}


def test_kafka_single_node_kraft_with_healthcheck(services):
    kafka = services["kafka"]
    assert kafka["image"].startswith("apache/kafka:")
    env = kafka["environment"]
    assert env["KAFKA_PROCESS_ROLES"] == "broker,controller"
    assert "CONTROLLER" in env["KAFKA_CONTROLLER_LISTENER_NAMES"]
    # An internal listener for containers and a host listener for tools.
    advertised = env["KAFKA_ADVERTISED_LISTENERS"]
    assert "kafka:19092" in advertised and "localhost:9092" in advertised
    for key in (
        "KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR",
        "KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR",
        "KAFKA_TRANSACTION_STATE_LOG_MIN_ISR",
    ):
        assert str(env[key]) == "1", key
    health = kafka["healthcheck"]
    assert health["test"][0] in ("CMD", "CMD-SHELL")
    assert "kafka-broker-api-versions.sh" in " ".join(health["test"])
    assert {"interval", "timeout", "retries"} <= set(health)


def test_topic_init_creates_both_topics(services):
    init = services["kafka-init"]
    script = " ".join(init["command"])
    assert "customer-events" in script and "customer-events.dlq" in script
    assert "--replication-factor 1" in script
    assert init["depends_on"] == {"kafka": {"condition": "service_healthy"}}


def test_emulator_runs_the_same_image(services):
    emulator, sink = services["emulator"], services["sink"]
    assert emulator["image"] == sink["image"]
    command = emulator["command"]
    assert command[0] == "emulator"
    # Inside its container the emulator must listen on all interfaces, or the sink cannot reach it.
    assert command[command.index("--host") + 1] == "0.0.0.0"
    assert command[command.index("--port") + 1] == "8081"
    assert "healthcheck" in emulator


def test_sink_waits_for_its_dependencies(services):
    sink = services["sink"]
    assert sink["depends_on"] == {
        "kafka": {"condition": "service_healthy"},
        "kafka-init": {"condition": "service_completed_successfully"},
        "emulator": {"condition": "service_healthy"},
    }
    assert sink["command"] == ["run"]
    assert "/readyz" in " ".join(sink["healthcheck"]["test"])


def test_sink_environment_follows_the_run_contract(services):
    env = services["sink"]["environment"]
    for name in env:
        assert is_contract_env(name), name
    assert env["KAFKA_BOOTSTRAP_SERVERS"] == "kafka:19092"
    assert env["KAFKA_TOPICS"] == "customer-events"
    assert env["KAFKA_DLQ_TOPIC"] == "customer-events.dlq"
    assert env["API_BASE_URL"] == "http://emulator:8081"
    # The sink authenticates with what the emulator was started with.
    command = services["emulator"]["command"]
    assert command[command.index("--api-id") + 1] == env["API_ID"]
    assert command[command.index("--api-secret") + 1] == env["API_SECRET"]


def test_sink_stop_grace_exceeds_shutdown_grace(services):
    sink = services["sink"]
    grace = int(sink["environment"]["SHUTDOWN_GRACE_SECONDS"])
    stop = sink["stop_grace_period"]
    assert stop.endswith("s") and int(stop[:-1]) > grace


def test_producer_sends_samples_including_invalid_ones(services):
    producer = services["producer"]
    assert producer["depends_on"]["kafka-init"] == {"condition": "service_completed_successfully"}
    assert producer["depends_on"]["sink"] == {"condition": "service_healthy"}
    script = " ".join(producer["command"])
    assert "kafka-console-producer.sh" in script and "--topic customer-events" in script
    assert "externalConversationId" in script
    # At least one record lacks the required externalCustomerId.
    assert '{"externalConversationId":"id-70001","status":"new"}' in script
