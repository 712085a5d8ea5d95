{{/*
Expand the name of the chart.
*/}}
{{- define "metadata-sink.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Fully qualified app name, truncated at 63 characters because some Kubernetes
name fields are limited to a DNS label. If the release name already contains
the chart name it is used as is.
*/}}
{{- define "metadata-sink.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Chart name and version, as used by the helm.sh/chart label.
*/}}
{{- define "metadata-sink.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Common labels for every object.
*/}}
{{- define "metadata-sink.labels" -}}
helm.sh/chart: {{ include "metadata-sink.chart" . }}
{{ include "metadata-sink.selectorLabels" . }}
{{- if .Chart.AppVersion }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/*
Selector labels: only name and instance, because a Deployment's selector is
immutable and must not change when the chart or app version does.
*/}}
{{- define "metadata-sink.selectorLabels" -}}
app.kubernetes.io/name: {{ include "metadata-sink.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
Labels of the replay Job and its pod. The name label differs on purpose: the
replay pod must not match the Deployment's selector, or the Service would route
to it, the PodMonitor would scrape it, and the PodDisruptionBudget would count
a pod whose controller (a Job) has no scale subresource, which blocks evictions.
*/}}
{{- define "metadata-sink.replayLabels" -}}
helm.sh/chart: {{ include "metadata-sink.chart" . }}
app.kubernetes.io/name: {{ printf "%s-replay" (include "metadata-sink.name" .) | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- if .Chart.AppVersion }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/component: replay
{{- end }}

{{/*
Name of the ServiceAccount to use.
*/}}
{{- define "metadata-sink.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "metadata-sink.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
Container image; a digest pins it and wins over the tag.
*/}}
{{- define "metadata-sink.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) }}
{{- end }}
{{- end }}

{{/*
Render a value for a ConfigMap. Helm reads numbers as float64, and toString
would turn 1048576 into "1.048576e+06", which the service cannot parse.
*/}}
{{- define "metadata-sink.str" -}}
{{- if and (kindIs "float64" .) (eq (float64 (int64 .)) .) }}
{{- int64 . | toString }}
{{- else }}
{{- toString . }}
{{- end }}
{{- end }}

{{/*
API credentials Secret: the user's existing one, or the chart-made one.
*/}}
{{- define "metadata-sink.apiSecretName" -}}
{{- if .Values.api.existingSecret }}
{{- .Values.api.existingSecret }}
{{- else }}
{{- printf "%s-api" (include "metadata-sink.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{- define "metadata-sink.apiSecretCreate" -}}
{{- if and (not .Values.api.existingSecret) .Values.api.id .Values.api.secret }}true{{ end }}
{{- end }}

{{/*
SASL Secret: the user's existing one, the chart-made one, or none (no SASL).
*/}}
{{- define "metadata-sink.saslEnabled" -}}
{{- if or .Values.kafka.sasl.existingSecret (and .Values.kafka.sasl.username .Values.kafka.sasl.password) }}true{{ end }}
{{- end }}

{{- define "metadata-sink.saslSecretName" -}}
{{- if .Values.kafka.sasl.existingSecret }}
{{- .Values.kafka.sasl.existingSecret }}
{{- else }}
{{- printf "%s-kafka-sasl" (include "metadata-sink.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{- define "metadata-sink.saslSecretCreate" -}}
{{- if and (not .Values.kafka.sasl.existingSecret) .Values.kafka.sasl.username .Values.kafka.sasl.password }}true{{ end }}
{{- end }}

{{/*
Fail early, with a message naming the value, instead of shipping a pod that
crash-loops on a missing setting.
*/}}
{{- define "metadata-sink.validate" -}}
{{- if not .Values.kafka.bootstrapServers }}
{{- fail "kafka.bootstrapServers is required (comma-separated host:port list)" }}
{{- end }}
{{- if not .Values.kafka.topics }}
{{- fail "kafka.topics is required: a list of at least one topic to consume" }}
{{- end }}
{{- if not .Values.kafka.dlqTopic }}
{{- fail "kafka.dlqTopic is required: the dead-letter topic for records that cannot be delivered" }}
{{- end }}
{{- if has .Values.kafka.dlqTopic .Values.kafka.topics }}
{{- fail (printf "kafka.dlqTopic %q is also in kafka.topics: the service would consume its own dead letters" .Values.kafka.dlqTopic) }}
{{- end }}
{{- $api := .Values.api }}
{{- if and $api.existingSecret (or $api.id $api.secret) }}
{{- fail "set either api.existingSecret or api.id/api.secret, not both" }}
{{- end }}
{{- if and (not $api.existingSecret) (not (and $api.id $api.secret)) }}
{{- fail "API credentials are required: set api.existingSecret (a Secret with keys API_ID and API_SECRET), or both api.id and api.secret" }}
{{- end }}
{{- $sasl := .Values.kafka.sasl }}
{{- if and $sasl.existingSecret (or $sasl.username $sasl.password) }}
{{- fail "set either kafka.sasl.existingSecret or kafka.sasl.username/kafka.sasl.password, not both" }}
{{- end }}
{{- if and (not $sasl.existingSecret) (or $sasl.username $sasl.password) (not (and $sasl.username $sasl.password)) }}
{{- fail "kafka.sasl.username and kafka.sasl.password must be given together" }}
{{- end }}
{{- range $key, $_ := .Values.kafka.properties }}
{{- if or (contains "password" $key) (contains "secret" $key) (eq $key "sasl.username") (eq $key "sasl.jaas.config") }}
{{- fail (printf "kafka.properties.%s looks like a credential and would be stored in a ConfigMap; use kafka.sasl, or extraEnv with a secretKeyRef to KAFKA_PROPERTY_%s" $key (upper (replace "." "_" $key))) }}
{{- end }}
{{- end }}
{{- if and .Values.autoscaling.enabled .Values.keda.enabled }}
{{- fail "autoscaling.enabled and keda.enabled are mutually exclusive: both would drive the Deployment's replicas" }}
{{- end }}
{{- if and .Values.autoscaling.enabled (gt (int .Values.autoscaling.minReplicas) (int .Values.autoscaling.maxReplicas)) }}
{{- fail "autoscaling.minReplicas must not exceed autoscaling.maxReplicas" }}
{{- end }}
{{- if and .Values.keda.enabled (gt (int .Values.keda.minReplicas) (int .Values.keda.maxReplicas)) }}
{{- fail "keda.minReplicas must not exceed keda.maxReplicas" }}
{{- end }}
{{- end }}

{{/*
Secret-backed environment, shared by the Deployment and the replay Job.
Credentials go in through secretKeyRef so they never sit in the ConfigMap.
*/}}
{{- define "metadata-sink.secretEnv" -}}
- name: API_ID
  valueFrom:
    secretKeyRef:
      name: {{ include "metadata-sink.apiSecretName" . }}
      key: {{ .Values.api.existingSecretKeys.id }}
- name: API_SECRET
  valueFrom:
    secretKeyRef:
      name: {{ include "metadata-sink.apiSecretName" . }}
      key: {{ .Values.api.existingSecretKeys.secret }}
{{- if include "metadata-sink.saslEnabled" . }}
- name: KAFKA_PROPERTY_SASL_USERNAME
  valueFrom:
    secretKeyRef:
      name: {{ include "metadata-sink.saslSecretName" . }}
      key: {{ .Values.kafka.sasl.existingSecretKeys.username }}
- name: KAFKA_PROPERTY_SASL_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "metadata-sink.saslSecretName" . }}
      key: {{ .Values.kafka.sasl.existingSecretKeys.password }}
{{- end }}
{{- end }}

{{/*
envFrom shared by the Deployment and the replay Job: the chart's ConfigMap
first, so user-supplied sources can override it.
*/}}
{{- define "metadata-sink.envFrom" -}}
- configMapRef:
    name: {{ include "metadata-sink.fullname" . }}
{{- with .Values.envFrom }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/*
Volumes shared by the Deployment and the replay Job: the root filesystem is
read-only, so /tmp is an emptyDir.
*/}}
{{- define "metadata-sink.volumes" -}}
- name: tmp
  emptyDir:
    sizeLimit: {{ .Values.tmpSizeLimit }}
{{- with .Values.extraVolumes }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{- define "metadata-sink.volumeMounts" -}}
- name: tmp
  mountPath: /tmp
{{- with .Values.extraVolumeMounts }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/*
Hash of everything the pods read at start that Kubernetes would not roll out
on its own: the ConfigMap, and the Secrets the chart makes.
*/}}
{{- define "metadata-sink.configChecksum" -}}
{{- $config := include (print .Template.BasePath "/configmap.yaml") . }}
{{- $secret := include (print .Template.BasePath "/secret.yaml") . }}
{{- print $config $secret | sha256sum }}
{{- end }}
