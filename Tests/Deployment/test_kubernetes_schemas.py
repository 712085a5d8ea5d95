"""Every rendered manifest validates against the Kubernetes OpenAPI schemas.

Strict mode rejects unknown fields, which catches mis-indented template output
(a field one level off) that the API server would otherwise drop silently.
"""

from __future__ import annotations

import copy

import kubernetes_validate
import pytest

from conftest import CRD_KINDS, VARIANTS

KUBERNETES_VERSIONS = ["1.30.0", "1.35.0"]


def test_validator_supports_the_versions():
    # kubernetes-validate silently falls back to an older schema set for an
    # unknown minor; make sure both minors we claim are really bundled.
    schemas = {v.rsplit(".", 1)[0] for v in kubernetes_validate.utils.all_versions()}
    for version in KUBERNETES_VERSIONS:
        assert version.rsplit(".", 1)[0] in schemas


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_manifests_validate_strictly(render_variant, variant, version):
    rendered = render_variant(variant)
    validated = 0
    for manifest in rendered.manifests():
        key = (manifest["apiVersion"], manifest["kind"])
        try:
            kubernetes_validate.validate(manifest, version, strict=True)
            validated += 1
        except kubernetes_validate.SchemaNotFoundError:
            assert key in CRD_KINDS, f"no schema for {key} in Kubernetes {version}"
        except kubernetes_validate.ValidationError as error:
            path = ".".join(str(p) for p in error.path)
            pytest.fail(f"{manifest['kind']}/{manifest['metadata']['name']} invalid for {version} at {path}: {error.message}")
    assert validated >= 5


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
def test_validation_would_catch_a_misplaced_field(render_variant, version):
    # Guard against a vacuous pass: the same Deployment with one field moved
    # where it does not belong must be rejected.
    deployment = copy.deepcopy(next(m for m in render_variant("defaults").manifests() if m["kind"] == "Deployment"))
    deployment["spec"]["template"]["spec"]["containers"][0]["terminationGracePeriodSeconds"] = 30
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, version, strict=True)
