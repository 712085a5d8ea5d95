"""Shared helpers for the offline deployment tests.

The chart is rendered with helm-python-sdk (Helm 4's Go SDK in a shared
library), so neither a helm binary nor a cluster is needed.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import helm_python
import pytest
import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
CHART_DIR = REPO_ROOT / "helm" / "metadata-sink"
RELEASE = "orders"
NAMESPACE = "ingest"
FULLNAME = f"{RELEASE}-metadata-sink"

# The `run` subcommand's environment contract (names are fixed by the binary).
CONTRACT_ENV = frozenset(
    {
        "KAFKA_BOOTSTRAP_SERVERS",
        "KAFKA_TOPICS",
        "KAFKA_GROUP_ID",
        "KAFKA_DLQ_TOPIC",
        "API_BASE_URL",
        "API_ID",
        "API_SECRET",
        "API_ID_FILE",
        "API_SECRET_FILE",
        "API_CA_FILE",
        "BATCH_MAX_ITEMS",
        "BATCH_MAX_BYTES",
        "BATCH_LINGER_MS",
        "MAX_IN_FLIGHT",
        "HTTP_PORT",
        "LOG_LEVEL",
        "LOG_FORMAT",
        "SHUTDOWN_GRACE_SECONDS",
    }
)
# KAFKA_PROPERTY_<NAME>: the binary reads "_" as "." and lower-cases NAME.
KAFKA_PROPERTY_RE = re.compile(r"^KAFKA_PROPERTY_[A-Z0-9]+(_[A-Z0-9]+)*$")
# The two CRD kinds kubernetes-validate has no schema for.
CRD_KINDS = frozenset({("keda.sh/v1alpha1", "ScaledObject"), ("monitoring.coreos.com/v1", "PodMonitor")})


def is_contract_env(name: str) -> bool:
    return name in CONTRACT_ENV or bool(KAFKA_PROPERTY_RE.match(name))


# The least a user must set: brokers, topics, the DLQ, and API credentials.
BASE_VALUES: dict[str, Any] = {
    "kafka": {
        "bootstrapServers": "broker-0.kafka:9092,broker-1.kafka:9092",
        "topics": ["customer-events"],
        "dlqTopic": "customer-events.dlq",
    },
    "api": {"existingSecret": "metadata-sink-api"},
}

# Named value sets rendered and validated by several test modules. Each is
# merged over BASE_VALUES.
VARIANTS: dict[str, dict[str, Any]] = {
    "defaults": {},
    "keda": {
        "kafka": {"topics": ["customer-events", "customer-events-eu"]},
        "keda": {
            "enabled": True,
            "lagThreshold": 500,
            "activationLagThreshold": 0,
            "minReplicas": 1,
            "maxReplicas": 6,
            "extraMetadata": {"allowIdleConsumers": False, "tls": "enable"},
            "authenticationRef": "kafka-trigger-auth",
        },
    },
    "hpa": {
        "autoscaling": {
            "enabled": True,
            "minReplicas": 2,
            "maxReplicas": 6,
            "targetCPUUtilizationPercentage": 60,
            "targetMemoryUtilizationPercentage": 80,
        }
    },
    "existing-secret": {"api": {"existingSecret": "team-api-creds"}},
    "chart-secret": {"api": {"existingSecret": "", "id": "test-api-id", "secret": "test-api-secret"}},
    "sasl-chart-secret": {
        "kafka": {
            "properties": {
                "security.protocol": "SASL_SSL",
                "sasl.mechanisms": "SCRAM-SHA-512",
                "fetch.max.bytes": 52428800,
                "enable.partition.eof": False,
            },
            "sasl": {"username": "sink-user", "password": "sink-password"},
        }
    },
    "sasl-existing-secret": {
        "kafka": {
            "properties": {"security.protocol": "SASL_SSL", "sasl.mechanisms": "PLAIN"},
            "sasl": {
                "existingSecret": "kafka-sasl",
                "existingSecretKeys": {"username": "user", "password": "pass"},
            },
        }
    },
    "replay-offsets": {
        "replay": {
            "enabled": True,
            "topic": "customer-events",
            "partitions": [0, 2],
            "fromOffset": 0,
            "toOffset": 1500,
            "dryRun": True,
            "rate": 200,
        }
    },
    "replay-time": {
        "replay": {
            "enabled": True,
            "topic": "customer-events",
            "fromTime": "2025-06-01T00:00:00Z",
            "toTime": "2025-06-02T00:00:00+02:00",
        }
    },
    "replay-beginning": {"replay": {"enabled": True, "topic": "customer-events", "fromBeginning": True}},
    "observability-and-network": {
        "metrics": {"podMonitor": {"enabled": True, "labels": {"release": "kube-prometheus"}}},
        "networkPolicy": {
            "enabled": True,
            "ingressFrom": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "monitoring"}}}],
            "egress": [{"to": [{"ipBlock": {"cidr": "10.0.0.0/8"}}], "ports": [{"port": 9092, "protocol": "TCP"}]}],
        },
    },
    "everything": {
        "replicaCount": 3,
        "image": {"repository": "registry.example/metadata-sink", "tag": "1.2.3"},
        "kafka": {"properties": {"security.protocol": "SASL_SSL"}, "sasl": {"existingSecret": "kafka-sasl"}},
        "api": {"caFile": "/etc/metadata-sink/ca/ca.crt"},
        "extraEnv": [{"name": "TZ", "value": "UTC"}],
        "envFrom": [{"secretRef": {"name": "extra-env"}}],
        "extraVolumes": [{"name": "ca", "configMap": {"name": "api-ca"}}],
        "extraVolumeMounts": [{"name": "ca", "mountPath": "/etc/metadata-sink/ca", "readOnly": True}],
        "nodeSelector": {"kubernetes.io/os": "linux"},
        "tolerations": [{"key": "dedicated", "operator": "Equal", "value": "ingest", "effect": "NoSchedule"}],
        "affinity": {
            "podAntiAffinity": {
                "preferredDuringSchedulingIgnoredDuringExecution": [
                    {
                        "weight": 100,
                        "podAffinityTerm": {
                            "topologyKey": "kubernetes.io/hostname",
                            "labelSelector": {"matchLabels": {"app.kubernetes.io/name": "metadata-sink"}},
                        },
                    }
                ]
            }
        },
        "topologySpreadConstraints": [
            {
                "maxSkew": 1,
                "topologyKey": "topology.kubernetes.io/zone",
                "whenUnsatisfiable": "ScheduleAnyway",
                "labelSelector": {"matchLabels": {"app.kubernetes.io/instance": RELEASE}},
            }
        ],
        "podAnnotations": {"example.com/team": "ingest"},
        "podLabels": {"team": "ingest"},
        "priorityClassName": "high",
        "imagePullSecrets": [{"name": "regcred"}],
        "serviceAccount": {"annotations": {"example.com/role": "sink"}},
        "metrics": {"podMonitor": {"enabled": True}},
        "networkPolicy": {"enabled": True},
        "keda": {"enabled": True},
        "replay": {"enabled": True, "topic": "customer-events", "fromBeginning": True, "activeDeadlineSeconds": 3600},
    },
}


def deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Merge like Helm: maps merge recursively, everything else is replaced."""
    merged = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def values_for(*overrides: dict[str, Any]) -> dict[str, Any]:
    values = copy.deepcopy(BASE_VALUES)
    for override in overrides:
        values = deep_merge(values, override)
    return values


class Rendered:
    """The parsed manifests of one render."""

    def __init__(self, files: dict[str, str]):
        self.files = files
        self.notes = next((text for path, text in files.items() if path.endswith("NOTES.txt")), "")
        self.docs: list[dict[str, Any]] = []
        for path, text in sorted(files.items()):
            if path.endswith("NOTES.txt"):
                continue
            for doc in yaml.safe_load_all(text):
                if doc:
                    doc.setdefault("__source__", path)
                    self.docs.append(doc)

    def manifests(self) -> list[dict[str, Any]]:
        """The documents without the test-only __source__ key."""
        return [{k: v for k, v in doc.items() if k != "__source__"} for doc in self.docs]

    def kinds(self) -> list[str]:
        return sorted(doc["kind"] for doc in self.docs)

    def all(self, kind: str) -> list[dict[str, Any]]:
        return [doc for doc in self.docs if doc["kind"] == kind]

    def one(self, kind: str) -> dict[str, Any]:
        found = self.all(kind)
        assert len(found) == 1, f"expected one {kind}, got {len(found)}: {self.kinds()}"
        return found[0]

    def has(self, kind: str) -> bool:
        return bool(self.all(kind))

    # Shortcuts into the Deployment.
    @property
    def deployment(self) -> dict[str, Any]:
        return self.one("Deployment")

    @property
    def pod_spec(self) -> dict[str, Any]:
        return self.deployment["spec"]["template"]["spec"]

    @property
    def container(self) -> dict[str, Any]:
        containers = self.pod_spec["containers"]
        assert len(containers) == 1
        return containers[0]

    @property
    def configmap_data(self) -> dict[str, str]:
        return self.one("ConfigMap")["data"]


@pytest.fixture(scope="session")
def chart():
    loaded = helm_python.Chart.load(CHART_DIR)
    yield loaded
    loaded.close()


@pytest.fixture(scope="session")
def render(chart):
    """render(values) -> Rendered; values are used as given (no BASE_VALUES)."""

    def _render(values: dict[str, Any]) -> Rendered:
        return Rendered(chart.render(values, name=RELEASE, namespace=NAMESPACE))

    return _render


@pytest.fixture(scope="session")
def render_variant(render):
    cache: dict[str, Rendered] = {}

    def _render_variant(name: str) -> Rendered:
        if name not in cache:
            cache[name] = render(values_for(VARIANTS[name]))
        return cache[name]

    return _render_variant
