"""values.schema.json rejects wrong values before any template runs."""

from __future__ import annotations

import json

import helm_python
import pytest

from conftest import CHART_DIR, VARIANTS, values_for

BAD_VALUES = {
    "replicaCount as a word": {"replicaCount": "two"},
    "negative replicaCount": {"replicaCount": -1},
    "topics as a comma string": {"kafka": {"topics": "a,b"}},
    "topic with a space": {"kafka": {"topics": ["customer events"]}},
    "keda.enabled as yes": {"keda": {"enabled": "yes"}},
    "autoscaling.enabled as string": {"autoscaling": {"enabled": "true"}},
    "unknown top-level key": {"replicas": 2},
    "unknown nested key": {"kafka": {"topic": "customer-events"}},
    "log level not in the contract": {"logLevel": "verbose"},
    "log format not in the contract": {"logFormat": "logfmt"},
    "property key with underscore": {"kafka": {"properties": {"security_protocol": "SSL"}}},
    "property value as a map": {"kafka": {"properties": {"security.protocol": {"value": "SSL"}}}},
    "batch.maxItems zero": {"batch": {"maxItems": 0}},
    "batch.lingerMs as duration": {"batch": {"lingerMs": "100ms"}},
    "port out of range": {"httpPort": 70000},
    "pull policy typo": {"image": {"pullPolicy": "Sometimes"}},
    "digest without algorithm": {"image": {"digest": "abc123"}},
    "api.baseUrl without scheme": {"api": {"baseUrl": "api.sandbox.asapp.com"}},
    "replay.fromTime not RFC 3339": {"replay": {"fromTime": "yesterday"}},
    "replay.partitions as strings": {"replay": {"partitions": ["0"]}},
    "replay.fromOffset negative": {"replay": {"fromOffset": -1}},
    "keda.lagThreshold as string": {"keda": {"lagThreshold": "100"}},
    "podMonitor.enabled as string": {"metrics": {"podMonitor": {"enabled": "true"}}},
    "pdb.enabled as number": {"podDisruptionBudget": {"enabled": 1}},
    "extraEnv entry without name": {"extraEnv": [{"value": "x"}]},
}


@pytest.mark.parametrize("override", BAD_VALUES.values(), ids=BAD_VALUES.keys())
def test_bad_values_are_rejected_by_schema(chart, render, override):
    values = values_for(override)
    with pytest.raises(helm_python.HelmValuesError):
        chart.validate_schema(values)
    # ... and rendering (what helm install does) refuses them too.
    with pytest.raises(helm_python.HelmValuesError):
        render(values)


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_good_values_pass_schema(chart, variant):
    chart.validate_schema(values_for(VARIANTS[variant]))


def test_chart_defaults_pass_schema(chart):
    chart.validate_schema({})


def test_schema_covers_every_top_level_value(chart):
    # additionalProperties:false at the top means a value added to values.yaml
    # without a schema entry would make the chart reject its own defaults.
    schema = json.loads((CHART_DIR / "values.schema.json").read_text())
    assert schema["additionalProperties"] is False
    assert set(chart.values) <= set(schema["properties"])
