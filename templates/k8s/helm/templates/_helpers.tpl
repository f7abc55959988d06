{{/*
Names and labels shared by every template. Names are cut to 63 characters because Kubernetes
names (DNS-1123 labels) allow no more; `helm create` conventions.
*/}}

{{/* The chart name, or nameOverride. */}}
{{- define "<CHARTNAME>.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Fully qualified app name: the release name when it already contains the chart name (the usual
`helm install <CHARTNAME> ...`), otherwise "<release>-<chart>".
*/}}
{{- define "<CHARTNAME>.fullname" -}}
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
"<fullname>-<suffix>" in at most 52 characters: a StatefulSet's pods carry the label
controller-revision-hash: <name>-<10-character hash>, and label values stop at 63.
Call with (list . "suffix").
*/}}
{{- define "<CHARTNAME>.suffixed" -}}
{{- $root := index . 0 }}
{{- $suffix := index . 1 }}
{{- printf "%s-%s" (include "<CHARTNAME>.fullname" $root | trunc (int (sub 51 (len $suffix))) | trimSuffix "-") $suffix }}
{{- end }}

{{/* Chart name and version for the helm.sh/chart label. */}}
{{- define "<CHARTNAME>.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels on every object (https://kubernetes.io/docs/concepts/overview/working-with-objects/common-labels/). */}}
{{- define "<CHARTNAME>.labels" -}}
helm.sh/chart: {{ include "<CHARTNAME>.chart" . }}
{{ include "<CHARTNAME>.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | trunc 63 | trimSuffix "-" | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: {{ include "<CHARTNAME>.name" . | quote }}
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* Labels that pick this release's pods; never change them after the first install (selectors are immutable). */}}
{{- define "<CHARTNAME>.selectorLabels" -}}
app.kubernetes.io/name: {{ include "<CHARTNAME>.name" . | quote }}
app.kubernetes.io/instance: {{ .Release.Name | quote }}
{{- end }}

{{/* The app's own pods (in-cluster dev services carry another component). */}}
{{- define "<CHARTNAME>.appSelectorLabels" -}}
{{ include "<CHARTNAME>.selectorLabels" . }}
app.kubernetes.io/component: app
{{- end }}

{{- define "<CHARTNAME>.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "<CHARTNAME>.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The Secret the app reads secretEnv from: secrets.existingSecret, or one named like the release. */}}
{{- define "<CHARTNAME>.secretName" -}}
{{- default (include "<CHARTNAME>.fullname" .) .Values.secrets.existingSecret }}
{{- end }}

{{/* Image reference: a digest pins it exactly; otherwise the tag (default: the chart's appVersion). */}}
{{- define "<CHARTNAME>.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) }}
{{- end }}
{{- end }}

{{/*
Fails the render, rather than deploying something that cannot work, when the secret settings
contradict each other.
*/}}
{{- define "<CHARTNAME>.validate" -}}
{{- if and .Values.secrets.devValues .Values.externalSecret.enabled }}
{{- fail "secrets.devValues and externalSecret.enabled both create the app's Secret: use one (devValues is for dev only)" }}
{{- end }}
{{- if and .Values.secrets.devValues .Values.secrets.existingSecret }}
{{- fail "secrets.devValues creates a Secret while secrets.existingSecret names one made elsewhere: set only one" }}
{{- end }}
{{- if .Values.externalSecret.enabled }}
{{- if not .Values.externalSecret.secretStoreRef.name }}
{{- fail "externalSecret.enabled needs externalSecret.secretStoreRef.name (your SecretStore or ClusterSecretStore)" }}
{{- end }}
{{- if not .Values.externalSecret.remoteKey }}
{{- fail "externalSecret.enabled needs externalSecret.remoteKey (the secret's name in your secret manager)" }}
{{- end }}
{{- end }}
{{- range $key := .Values.secretEnv }}
{{- if and $.Values.secrets.devValues (not (hasKey $.Values.secrets.devValues $key)) }}
{{- fail (printf "secretEnv lists %s but secrets.devValues has no value for it" $key) }}
{{- end }}
{{- end }}
{{- range $name, $svc := .Values.inCluster }}
{{- if and $svc.enabled (not $.Values.secrets.devValues) $svc.secretEnv }}
{{- fail (printf "inCluster.%s runs a dev database or cache; its credentials come from secrets.devValues, which is empty" $name) }}
{{- end }}
{{- end }}
{{- end }}
