"""Rendering behaviour of helm/metadata-sink."""

from __future__ import annotations

import base64
import json

import helm_python
import pytest

from conftest import (
    BASE_VALUES,
    CHART_DIR,
    FULLNAME,
    NAMESPACE,
    RELEASE,
    VARIANTS,
    Rendered,
    is_contract_env,
    values_for,
)

STANDARD_LABELS = {
    "helm.sh/chart",
    "app.kubernetes.io/name",
    "app.kubernetes.io/instance",
    "app.kubernetes.io/version",
    "app.kubernetes.io/managed-by",
}
SELECTOR = {"app.kubernetes.io/name": "metadata-sink", "app.kubernetes.io/instance": RELEASE}


def render_error(render, values) -> str:
    with pytest.raises(helm_python.HelmRenderError) as caught:
        render(values)
    return str(caught.value)


def env_by_name(container) -> dict:
    return {entry["name"]: entry for entry in container.get("env", [])}


# ---------------------------------------------------------------- lint

def test_lint_defaults_strict_has_no_errors_or_warnings():
    report = helm_python.lint(CHART_DIR, strict=True)
    assert report["errors"] == []
    assert [m for m in report["messages"] if m["severity"] >= 2] == []


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_lint_variant_strict_has_no_errors(variant):
    report = helm_python.lint(CHART_DIR, values_for(VARIANTS[variant]), strict=True, kube_version="v1.30.0")
    assert report["errors"] == []
    assert [m for m in report["messages"] if m["severity"] >= 2] == []


# ---------------------------------------------------------------- what gets rendered

EXPECTED_KINDS = {
    "defaults": ["ConfigMap", "Deployment", "PodDisruptionBudget", "Service", "ServiceAccount"],
    "keda": ["ConfigMap", "Deployment", "PodDisruptionBudget", "ScaledObject", "Service", "ServiceAccount"],
    "hpa": ["ConfigMap", "Deployment", "HorizontalPodAutoscaler", "PodDisruptionBudget", "Service", "ServiceAccount"],
    "existing-secret": ["ConfigMap", "Deployment", "PodDisruptionBudget", "Service", "ServiceAccount"],
    "chart-secret": ["ConfigMap", "Deployment", "PodDisruptionBudget", "Secret", "Service", "ServiceAccount"],
    "sasl-chart-secret": ["ConfigMap", "Deployment", "PodDisruptionBudget", "Secret", "Service", "ServiceAccount"],
    "sasl-existing-secret": ["ConfigMap", "Deployment", "PodDisruptionBudget", "Service", "ServiceAccount"],
    "replay-offsets": ["ConfigMap", "Deployment", "Job", "PodDisruptionBudget", "Service", "ServiceAccount"],
    "replay-time": ["ConfigMap", "Deployment", "Job", "PodDisruptionBudget", "Service", "ServiceAccount"],
    "replay-beginning": ["ConfigMap", "Deployment", "Job", "PodDisruptionBudget", "Service", "ServiceAccount"],
    "observability-and-network": [
        "ConfigMap", "Deployment", "NetworkPolicy", "PodDisruptionBudget", "PodMonitor", "Service", "ServiceAccount",
    ],
    "everything": [
        "ConfigMap", "Deployment", "Job", "NetworkPolicy", "PodDisruptionBudget", "PodMonitor",
        "ScaledObject", "Service", "ServiceAccount",
    ],
}


def test_every_variant_has_expected_kinds():
    assert set(EXPECTED_KINDS) == set(VARIANTS)


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_variant_renders_expected_kinds(render_variant, variant):
    assert render_variant(variant).kinds() == EXPECTED_KINDS[variant]


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_every_object_has_standard_labels_and_namespace(render_variant, variant):
    for doc in render_variant(variant).docs:
        labels = doc["metadata"]["labels"]
        assert STANDARD_LABELS <= set(labels), (doc["kind"], labels)
        assert labels["app.kubernetes.io/instance"] == RELEASE
        assert labels["app.kubernetes.io/managed-by"] == "Helm"
        assert doc["metadata"]["namespace"] == NAMESPACE


def test_bare_defaults_fail_naming_the_missing_value(render):
    assert "kafka.bootstrapServers is required" in render_error(render, {})


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"kafka": {"bootstrapServers": ""}}, "kafka.bootstrapServers is required"),
        ({"kafka": {"topics": []}}, "kafka.topics is required"),
        ({"kafka": {"dlqTopic": ""}}, "kafka.dlqTopic is required"),
        ({"kafka": {"dlqTopic": "customer-events"}}, "would consume its own dead letters"),
    ],
)
def test_required_kafka_settings(render, override, message):
    assert message in render_error(render, values_for(override))


def test_notes_mention_release_objects(render_variant):
    notes = render_variant("defaults").notes
    assert f"deployment/{FULLNAME}" in notes
    assert "customer-events.dlq" in notes


# ---------------------------------------------------------------- probes and pod hardening

def test_probes_use_health_endpoints_on_named_port(render_variant):
    rendered = render_variant("defaults")
    container = rendered.container
    assert {"name": "http", "containerPort": 8080, "protocol": "TCP"} in container["ports"]
    expected = {"startupProbe": "/livez", "livenessProbe": "/livez", "readinessProbe": "/readyz"}
    for probe, path in expected.items():
        assert container[probe]["httpGet"] == {"path": path, "port": "http"}, probe


def test_http_port_value_moves_container_port_and_env(render):
    rendered = render(values_for({"httpPort": 9100}))
    assert rendered.container["ports"][0]["containerPort"] == 9100
    assert rendered.configmap_data["HTTP_PORT"] == "9100"
    # Probes follow because they reference the port by name.
    assert rendered.container["readinessProbe"]["httpGet"]["port"] == "http"


def assert_hardened(pod_spec, container):
    pod_sc = pod_spec["securityContext"]
    assert pod_sc["runAsNonRoot"] is True
    for key in ("runAsUser", "runAsGroup", "fsGroup"):
        assert isinstance(pod_sc[key], int) and pod_sc[key] > 0, key
    assert pod_sc["seccompProfile"] == {"type": "RuntimeDefault"}
    sc = container["securityContext"]
    assert sc["readOnlyRootFilesystem"] is True
    assert sc["allowPrivilegeEscalation"] is False
    assert sc["capabilities"]["drop"] == ["ALL"]
    # A read-only root needs a writable /tmp.
    mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
    volumes = {v["name"]: v for v in pod_spec["volumes"]}
    assert "emptyDir" in volumes[mounts["/tmp"]]
    assert pod_spec["automountServiceAccountToken"] is False


def test_deployment_pod_is_hardened(render_variant):
    rendered = render_variant("defaults")
    assert_hardened(rendered.pod_spec, rendered.container)
    assert rendered.pod_spec["enableServiceLinks"] is False


def test_replay_pod_is_hardened_like_the_deployment(render_variant):
    rendered = render_variant("replay-offsets")
    job_pod = rendered.one("Job")["spec"]["template"]["spec"]
    assert_hardened(job_pod, job_pod["containers"][0])
    assert job_pod["securityContext"] == rendered.pod_spec["securityContext"]
    assert job_pod["containers"][0]["securityContext"] == rendered.container["securityContext"]


def test_service_account_does_not_mount_a_token(render_variant):
    rendered = render_variant("defaults")
    sa = rendered.one("ServiceAccount")
    assert sa["automountServiceAccountToken"] is False
    assert rendered.pod_spec["serviceAccountName"] == sa["metadata"]["name"] == FULLNAME


def test_service_account_can_be_external(render):
    rendered = render(values_for({"serviceAccount": {"create": False, "name": "shared"}}))
    assert not rendered.has("ServiceAccount")
    assert rendered.pod_spec["serviceAccountName"] == "shared"


def test_resources_and_image(render_variant):
    rendered = render_variant("defaults")
    assert rendered.container["resources"]["requests"]["memory"]
    assert rendered.container["image"] == "metadata-sink:0.1.0"
    assert rendered.container["args"] == ["run"]
    assert render_variant("everything").container["image"] == "registry.example/metadata-sink:1.2.3"


def test_image_digest_wins_over_tag(render):
    digest = "sha256:" + "a" * 64
    rendered = render(values_for({"image": {"tag": "1.2.3", "digest": digest}}))
    assert rendered.container["image"] == f"metadata-sink@{digest}"


# ---------------------------------------------------------------- labels and selectors

@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_selector_is_name_and_instance_and_matches_pods(render_variant, variant):
    rendered = render_variant(variant)
    deployment = rendered.deployment
    selector = deployment["spec"]["selector"]["matchLabels"]
    assert selector == SELECTOR
    pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert selector.items() <= pod_labels.items()
    assert STANDARD_LABELS <= set(pod_labels)
    assert rendered.one("Service")["spec"]["selector"] == selector
    for pdb in rendered.all("PodDisruptionBudget"):
        assert pdb["spec"]["selector"]["matchLabels"] == selector
    for monitor in rendered.all("PodMonitor"):
        assert monitor["spec"]["selector"]["matchLabels"] == selector
    for policy in rendered.all("NetworkPolicy"):
        assert policy["spec"]["podSelector"]["matchLabels"] == selector


def test_pod_labels_value_adds_labels_without_touching_selector(render_variant):
    deployment = render_variant("everything").deployment
    assert deployment["spec"]["template"]["metadata"]["labels"]["team"] == "ingest"
    assert deployment["spec"]["selector"]["matchLabels"] == SELECTOR


def test_replay_pods_are_not_selected_by_the_deployment_service_or_pdb(render_variant):
    job = render_variant("replay-offsets").one("Job")
    labels = job["spec"]["template"]["metadata"]["labels"]
    assert not SELECTOR.items() <= labels.items()
    assert labels["app.kubernetes.io/instance"] == RELEASE
    assert labels["app.kubernetes.io/component"] == "replay"


# ---------------------------------------------------------------- replicas and autoscaling

def test_replicas_set_without_autoscaler(render, render_variant):
    assert render_variant("defaults").deployment["spec"]["replicas"] == 1
    assert render(values_for({"replicaCount": 3})).deployment["spec"]["replicas"] == 3


@pytest.mark.parametrize("variant", ["hpa", "keda", "everything"])
def test_replicas_absent_under_autoscaler(render_variant, variant):
    assert "replicas" not in render_variant(variant).deployment["spec"]


def test_hpa_targets_the_deployment(render_variant):
    hpa = render_variant("hpa").one("HorizontalPodAutoscaler")
    assert hpa["apiVersion"] == "autoscaling/v2"
    assert hpa["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": FULLNAME}
    assert (hpa["spec"]["minReplicas"], hpa["spec"]["maxReplicas"]) == (2, 6)
    targets = {m["resource"]["name"]: m["resource"]["target"]["averageUtilization"] for m in hpa["spec"]["metrics"]}
    assert targets == {"cpu": 60, "memory": 80}


def test_keda_scaled_object(render_variant):
    scaled = render_variant("keda").one("ScaledObject")
    assert scaled["apiVersion"] == "keda.sh/v1alpha1"
    spec = scaled["spec"]
    assert spec["scaleTargetRef"]["name"] == FULLNAME
    assert (spec["minReplicaCount"], spec["maxReplicaCount"]) == (1, 6)
    triggers = spec["triggers"]
    # One trigger per consumed topic.
    assert [t["metadata"]["topic"] for t in triggers] == ["customer-events", "customer-events-eu"]
    for trigger in triggers:
        assert trigger["type"] == "kafka"
        metadata = trigger["metadata"]
        assert metadata["bootstrapServers"] == BASE_VALUES["kafka"]["bootstrapServers"]
        assert metadata["consumerGroup"] == "metadata-sink"
        assert metadata["lagThreshold"] == "500"
        assert metadata["activationLagThreshold"] == "0"
        assert metadata["allowIdleConsumers"] == "false"
        assert trigger["authenticationRef"] == {"name": "kafka-trigger-auth"}


@pytest.mark.parametrize("variant", ["keda", "everything"])
def test_keda_metadata_values_are_all_strings(render_variant, variant):
    for trigger in render_variant(variant).one("ScaledObject")["spec"]["triggers"]:
        for key, value in trigger["metadata"].items():
            assert isinstance(value, str), f"{key}={value!r} is {type(value).__name__}"


def test_keda_follows_group_id(render):
    scaled = render(values_for({"keda": {"enabled": True}, "kafka": {"groupId": "sink-eu"}})).one("ScaledObject")
    assert scaled["spec"]["triggers"][0]["metadata"]["consumerGroup"] == "sink-eu"


def test_both_autoscalers_fail(render):
    message = render_error(render, values_for({"autoscaling": {"enabled": True}, "keda": {"enabled": True}}))
    assert "mutually exclusive" in message


def test_autoscaler_min_above_max_fails(render):
    message = render_error(render, values_for({"keda": {"enabled": True, "minReplicas": 5, "maxReplicas": 2}}))
    assert "keda.minReplicas must not exceed keda.maxReplicas" in message


# ---------------------------------------------------------------- disruption budget

def test_pdb_default_max_unavailable_one(render_variant):
    pdb = render_variant("defaults").one("PodDisruptionBudget")
    assert pdb["apiVersion"] == "policy/v1"
    assert pdb["spec"] == {"maxUnavailable": 1, "selector": {"matchLabels": SELECTOR}}


def test_pdb_can_be_disabled(render):
    assert not render(values_for({"podDisruptionBudget": {"enabled": False}})).has("PodDisruptionBudget")


# ---------------------------------------------------------------- configuration contract

@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_configmap_keys_and_env_names_follow_the_run_contract(render_variant, variant):
    rendered = render_variant(variant)
    data = rendered.configmap_data
    for key, value in data.items():
        assert is_contract_env(key), key
        assert isinstance(value, str), key
    required = {
        "KAFKA_BOOTSTRAP_SERVERS", "KAFKA_TOPICS", "KAFKA_GROUP_ID", "KAFKA_DLQ_TOPIC", "API_BASE_URL",
        "BATCH_MAX_ITEMS", "BATCH_MAX_BYTES", "BATCH_LINGER_MS", "MAX_IN_FLIGHT", "HTTP_PORT",
        "LOG_LEVEL", "LOG_FORMAT", "SHUTDOWN_GRACE_SECONDS",
    }
    assert required <= set(data)
    # Credentials never go through the ConfigMap.
    assert not {"API_ID", "API_SECRET", "KAFKA_PROPERTY_SASL_USERNAME", "KAFKA_PROPERTY_SASL_PASSWORD"} & set(data)
    user_env = {entry["name"] for entry in VARIANTS[variant].get("extraEnv", [])}
    for name in env_by_name(rendered.container):
        assert is_contract_env(name) or name in user_env, name


def test_configmap_values(render_variant):
    data = render_variant("defaults").configmap_data
    assert data == {
        "KAFKA_BOOTSTRAP_SERVERS": "broker-0.kafka:9092,broker-1.kafka:9092",
        "KAFKA_TOPICS": "customer-events",
        "KAFKA_GROUP_ID": "metadata-sink",
        "KAFKA_DLQ_TOPIC": "customer-events.dlq",
        "API_BASE_URL": "https://api.sandbox.asapp.com",
        "BATCH_MAX_ITEMS": "1000",
        # Helm reads numbers as float64; this must not become "1.048576e+06".
        "BATCH_MAX_BYTES": "1048576",
        "BATCH_LINGER_MS": "100",
        "MAX_IN_FLIGHT": "4",
        "HTTP_PORT": "8080",
        "LOG_LEVEL": "info",
        "LOG_FORMAT": "json",
        "SHUTDOWN_GRACE_SECONDS": "20",
    }


def test_topics_list_is_joined_with_commas(render_variant):
    assert render_variant("keda").configmap_data["KAFKA_TOPICS"] == "customer-events,customer-events-eu"


def test_kafka_properties_become_kafka_property_variables(render_variant):
    data = render_variant("sasl-chart-secret").configmap_data
    assert data["KAFKA_PROPERTY_SECURITY_PROTOCOL"] == "SASL_SSL"
    assert data["KAFKA_PROPERTY_SASL_MECHANISMS"] == "SCRAM-SHA-512"
    assert data["KAFKA_PROPERTY_FETCH_MAX_BYTES"] == "52428800"
    assert data["KAFKA_PROPERTY_ENABLE_PARTITION_EOF"] == "false"


def test_ca_file_is_passed_when_set(render_variant):
    assert "API_CA_FILE" not in render_variant("defaults").configmap_data
    assert render_variant("everything").configmap_data["API_CA_FILE"] == "/etc/metadata-sink/ca/ca.crt"


def test_configmap_is_loaded_with_env_from_first(render_variant):
    container = render_variant("everything").container
    assert container["envFrom"][0] == {"configMapRef": {"name": FULLNAME}}
    assert {"secretRef": {"name": "extra-env"}} in container["envFrom"][1:]


def test_extra_env_volumes_and_scheduling_pass_through(render_variant):
    rendered = render_variant("everything")
    container, pod = rendered.container, rendered.pod_spec
    assert env_by_name(container)["TZ"] == {"name": "TZ", "value": "UTC"}
    assert {"name": "ca", "mountPath": "/etc/metadata-sink/ca", "readOnly": True} in container["volumeMounts"]
    assert {"name": "ca", "configMap": {"name": "api-ca"}} in pod["volumes"]
    for key in ("nodeSelector", "tolerations", "affinity", "topologySpreadConstraints", "imagePullSecrets"):
        assert pod[key] == VARIANTS["everything"][key], key
    assert pod["priorityClassName"] == "high"
    assert rendered.deployment["spec"]["template"]["metadata"]["annotations"]["example.com/team"] == "ingest"


@pytest.mark.parametrize(
    "key", ["sasl.password", "sasl.username", "ssl.key.password", "sasl.oauthbearer.client.secret", "sasl.jaas.config"]
)
def test_credential_like_kafka_properties_are_refused(render, key):
    message = render_error(render, values_for({"kafka": {"properties": {key: "x"}}}))
    assert f"kafka.properties.{key}" in message and "ConfigMap" in message


# ---------------------------------------------------------------- rollout on config change

def checksum(rendered):
    return rendered.deployment["spec"]["template"]["metadata"]["annotations"]["checksum/config"]


def test_checksum_is_sha256_and_stable(render):
    first, second = checksum(render(values_for())), checksum(render(values_for()))
    assert first == second
    assert len(first) == 64 and int(first, 16) >= 0


@pytest.mark.parametrize(
    "change",
    [
        {"batch": {"maxItems": 500}},
        {"kafka": {"topics": ["customer-events", "more-events"]}},
        {"kafka": {"properties": {"security.protocol": "SSL"}}},
        {"logLevel": "debug"},
    ],
)
def test_checksum_changes_when_config_changes(render, change):
    assert checksum(render(values_for(change))) != checksum(render(values_for()))


def test_checksum_changes_when_chart_made_secret_changes(render):
    before = checksum(render(values_for(VARIANTS["chart-secret"])))
    after = checksum(render(values_for(VARIANTS["chart-secret"], {"api": {"secret": "rotated"}})))
    assert before != after


def test_checksum_ignores_values_outside_config(render):
    # Replica count is not in the pod's environment: no needless restart.
    assert checksum(render(values_for({"replicaCount": 4}))) == checksum(render(values_for()))


# ---------------------------------------------------------------- shutdown

def test_termination_grace_exceeds_shutdown_grace(render_variant):
    rendered = render_variant("defaults")
    grace = int(rendered.configmap_data["SHUTDOWN_GRACE_SECONDS"])
    assert rendered.pod_spec["terminationGracePeriodSeconds"] > grace
    assert rendered.pod_spec["terminationGracePeriodSeconds"] == grace + 10


def test_termination_grace_follows_shutdown_grace(render):
    rendered = render(values_for({"shutdownGraceSeconds": 45}))
    assert rendered.configmap_data["SHUTDOWN_GRACE_SECONDS"] == "45"
    assert rendered.pod_spec["terminationGracePeriodSeconds"] == 55


# ---------------------------------------------------------------- API credentials

def secret_ref(container, name):
    return env_by_name(container)[name]["valueFrom"]["secretKeyRef"]


def test_existing_secret_is_referenced(render_variant):
    rendered = render_variant("existing-secret")
    assert not rendered.has("Secret")
    assert secret_ref(rendered.container, "API_ID") == {"name": "team-api-creds", "key": "API_ID"}
    assert secret_ref(rendered.container, "API_SECRET") == {"name": "team-api-creds", "key": "API_SECRET"}


def test_existing_secret_key_names_can_change(render):
    rendered = render(values_for({"api": {"existingSecretKeys": {"id": "id", "secret": "secret"}}}))
    assert secret_ref(rendered.container, "API_ID")["key"] == "id"
    assert secret_ref(rendered.container, "API_SECRET")["key"] == "secret"


def test_chart_made_secret_when_id_and_secret_given(render_variant):
    rendered = render_variant("chart-secret")
    secret = rendered.one("Secret")
    assert secret["metadata"]["name"] == f"{FULLNAME}-api"
    decoded = {k: base64.b64decode(v).decode() for k, v in secret["data"].items()}
    assert decoded == {"API_ID": "test-api-id", "API_SECRET": "test-api-secret"}
    assert secret_ref(rendered.container, "API_ID") == {"name": f"{FULLNAME}-api", "key": "API_ID"}
    assert secret_ref(rendered.container, "API_SECRET") == {"name": f"{FULLNAME}-api", "key": "API_SECRET"}
    # The plaintext secret appears nowhere but (encoded) in the Secret.
    for doc in rendered.docs:
        if doc["kind"] != "Secret":
            assert "test-api-secret" not in json.dumps(doc)


def test_no_credentials_fails_with_clear_message(render):
    values = values_for({"api": {"existingSecret": ""}})
    message = render_error(render, values)
    assert "API credentials are required" in message
    assert "api.existingSecret" in message and "api.id" in message


@pytest.mark.parametrize("api", [{"existingSecret": "", "id": "only-id"}, {"existingSecret": "", "secret": "only-secret"}])
def test_half_credentials_fail(render, api):
    assert "API credentials are required" in render_error(render, values_for({"api": api}))


def test_existing_secret_and_values_together_fail(render):
    message = render_error(render, values_for({"api": {"existingSecret": "x", "id": "i", "secret": "s"}}))
    assert "not both" in message


# ---------------------------------------------------------------- SASL

def test_no_sasl_env_without_sasl(render_variant):
    env = env_by_name(render_variant("defaults").container)
    assert "KAFKA_PROPERTY_SASL_USERNAME" not in env and "KAFKA_PROPERTY_SASL_PASSWORD" not in env


def test_sasl_chart_made_secret(render_variant):
    rendered = render_variant("sasl-chart-secret")
    name = f"{FULLNAME}-kafka-sasl"
    secrets = {s["metadata"]["name"]: s for s in rendered.all("Secret")}
    decoded = {k: base64.b64decode(v).decode() for k, v in secrets[name]["data"].items()}
    assert decoded == {"username": "sink-user", "password": "sink-password"}
    assert secret_ref(rendered.container, "KAFKA_PROPERTY_SASL_USERNAME") == {"name": name, "key": "username"}
    assert secret_ref(rendered.container, "KAFKA_PROPERTY_SASL_PASSWORD") == {"name": name, "key": "password"}
    assert "sink-password" not in json.dumps(rendered.one("ConfigMap"))


def test_sasl_existing_secret(render_variant):
    rendered = render_variant("sasl-existing-secret")
    assert not rendered.has("Secret")
    assert secret_ref(rendered.container, "KAFKA_PROPERTY_SASL_USERNAME") == {"name": "kafka-sasl", "key": "user"}
    assert secret_ref(rendered.container, "KAFKA_PROPERTY_SASL_PASSWORD") == {"name": "kafka-sasl", "key": "pass"}
    assert rendered.configmap_data["KAFKA_PROPERTY_SASL_MECHANISMS"] == "PLAIN"


@pytest.mark.parametrize(
    ("sasl", "message"),
    [
        ({"username": "u"}, "must be given together"),
        ({"password": "p"}, "must be given together"),
        ({"existingSecret": "s", "password": "p"}, "not both"),
    ],
)
def test_sasl_misconfiguration_fails(render, sasl, message):
    assert message in render_error(render, values_for({"kafka": {"sasl": sasl}}))


# ---------------------------------------------------------------- replay Job

def replay_job(rendered):
    return rendered.one("Job")


def replay_args(rendered):
    return replay_job(rendered)["spec"]["template"]["spec"]["containers"][0]["args"]


def test_no_job_by_default(render_variant):
    assert not render_variant("defaults").has("Job")


def test_replay_offsets_args(render_variant):
    assert replay_args(render_variant("replay-offsets")) == [
        "replay", "--topic", "customer-events",
        "--partition", "0", "--partition", "2",
        "--from-offset", "0", "--to-offset", "1500",
        "--dry-run", "--rate", "200",
    ]


def test_replay_time_args(render_variant):
    assert replay_args(render_variant("replay-time")) == [
        "replay", "--topic", "customer-events",
        "--from-time", "2025-06-01T00:00:00Z", "--to-time", "2025-06-02T00:00:00+02:00",
    ]


def test_replay_from_beginning_args(render_variant):
    assert replay_args(render_variant("replay-beginning")) == [
        "replay", "--topic", "customer-events", "--from-beginning",
    ]


def test_replay_job_shape_and_configuration(render_variant):
    rendered = render_variant("replay-offsets")
    job = replay_job(rendered)
    spec = job["spec"]
    assert spec["backoffLimit"] == 2
    pod = spec["template"]["spec"]
    assert pod["restartPolicy"] == "Never"
    container = pod["containers"][0]
    # Same configuration as the service: ConfigMap, secrets, image, account.
    assert container["envFrom"] == rendered.container["envFrom"]
    assert container["env"] == rendered.container["env"]
    assert container["image"] == rendered.container["image"]
    assert pod["serviceAccountName"] == rendered.pod_spec["serviceAccountName"]
    assert pod["volumes"] == rendered.pod_spec["volumes"]
    assert job["metadata"]["name"].startswith(f"{FULLNAME}-replay-")
    assert len(job["metadata"]["name"]) <= 63


def test_replay_job_name_changes_with_arguments(render_variant):
    names = {replay_job(render_variant(v))["metadata"]["name"] for v in ("replay-offsets", "replay-time", "replay-beginning")}
    assert len(names) == 3


def test_replay_job_can_be_rerun_with_run_id(render):
    first = replay_job(render(values_for(VARIANTS["replay-beginning"])))
    again = replay_job(render(values_for(VARIANTS["replay-beginning"], {"replay": {"runId": "2025-06-03"}})))
    assert first["metadata"]["name"] != again["metadata"]["name"]


def test_replay_job_template_ignores_configmap_changes(render):
    # A Job's template is immutable; a config-only upgrade must leave it as is.
    before = replay_job(render(values_for(VARIANTS["replay-beginning"])))
    after = replay_job(render(values_for(VARIANTS["replay-beginning"], {"batch": {"maxItems": 10}, "logLevel": "debug"})))
    assert before["metadata"]["name"] == after["metadata"]["name"]
    assert before["spec"] == after["spec"]


def test_replay_job_name_fits_with_long_release_names(chart):
    values = values_for(VARIANTS["replay-beginning"], {"fullnameOverride": "x" * 63})
    job = Rendered(chart.render(values, name="r", namespace=NAMESPACE)).one("Job")
    assert len(job["metadata"]["name"]) <= 63


@pytest.mark.parametrize(
    ("replay", "message"),
    [
        ({"topic": ""}, "replay.topic is required"),
        ({}, "exactly one start"),
        ({"fromOffset": 5, "fromBeginning": True}, "exactly one start"),
        ({"fromOffset": 5, "fromTime": "2025-06-01T00:00:00Z"}, "exactly one start"),
        ({"fromBeginning": True, "toOffset": 9, "toTime": "2025-06-01T00:00:00Z"}, "at most one of replay.toOffset"),
    ],
)
def test_replay_misconfiguration_fails(render, replay, message):
    values = values_for({"replay": {"enabled": True, "topic": "customer-events", **replay}})
    assert message in render_error(render, values)
