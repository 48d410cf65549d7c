{{/* Names ---------------------------------------------------------------------------------- */}}

{{- define "octo.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The release name when it already says "octo" (release "octo" → octo-orchestrator …). */}}
{{- define "octo.fullname" -}}
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

{{- define "octo.orchestrator.name" -}}{{ include "octo.fullname" . }}-orchestrator{{- end }}
{{- define "octo.web.name" -}}{{ include "octo.fullname" . }}-web{{- end }}
{{- define "octo.runtime.name" -}}{{ include "octo.fullname" . }}-runtime{{- end }}
{{- define "octo.postgresql.name" -}}{{ include "octo.fullname" . }}-postgresql{{- end }}

{{/* The platform credentials' Secret: the operator's own, or the chart's. Never "octo-secrets". */}}
{{- define "octo.secretName" -}}
{{- .Values.existingSecret | default (printf "%s-platform" (include "octo.fullname" .)) }}
{{- end }}

{{- define "octo.deploymentsNamespace" -}}
{{- .Values.deployments.namespace | default .Release.Namespace }}
{{- end }}

{{/* Labels ---------------------------------------------------------------------------------- */}}

{{- define "octo.selectorLabels" -}}
app.kubernetes.io/name: {{ include "octo.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/* Call with (dict "root" $ "component" "web"). */}}
{{- define "octo.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "octo.selectorLabels" . }}
app.kubernetes.io/part-of: octo
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
{{- end }}

{{/* Images: call with (dict "root" $ "image" .Values.web.image); the tag defaults to appVersion. */}}
{{- define "octo.image" -}}
{{- printf "%s:%s" .image.repository (.image.tag | default .root.Chart.AppVersion) }}
{{- end }}

{{/* URLs ------------------------------------------------------------------------------------ */}}

{{/* How the web app and deployed runtimes reach the orchestrator (from any namespace). */}}
{{- define "octo.orchestrator.url" -}}
{{- printf "http://%s.%s.svc:8090" (include "octo.orchestrator.name" .) .Release.Namespace }}
{{- end }}

{{- define "octo.publicUrl" -}}
{{- if .Values.web.publicUrl }}
{{- .Values.web.publicUrl | trimSuffix "/" }}
{{- else if and .Values.ingress.enabled .Values.ingress.host }}
{{- printf "%s://%s" (ternary "http" "https" (eq .Values.ingress.tls.mode "none")) .Values.ingress.host }}
{{- end }}
{{- end }}

{{/* Checks the schema cannot express, with messages naming the value to set. Rendered once by
     every template that depends on them, so `helm template --skip-schema-validation` fails too. */}}
{{- define "octo.validate" -}}
{{- $v := .Values }}
{{- if and $v.database.url $v.postgresql.enabled }}
{{- fail "octo: set either database.url (an external PostgreSQL) or postgresql.enabled=true (the bundled one), not both" }}
{{- end }}
{{- if not (or $v.database.url $v.postgresql.enabled $v.existingSecret) }}
{{- fail "octo: no database: set database.url to a postgres:// URL, or postgresql.enabled=true for the bundled PostgreSQL (local clusters), or existingSecret to a Secret holding DATABASE_URL" }}
{{- end }}
{{- if and $v.oidc.issuer (not $v.oidc.clientId) }}
{{- fail "octo: oidc.issuer is set but oidc.clientId is not: set both, or neither to run open" }}
{{- end }}
{{- if and $v.oidc.clientId (not $v.oidc.issuer) }}
{{- fail "octo: oidc.clientId is set but oidc.issuer is not: set both, or neither to run open" }}
{{- end }}
{{- if $v.ingress.enabled }}
{{- $_ := required "octo: ingress.host is required when ingress.enabled (the platform's public host name, e.g. octo.example.com)" $v.ingress.host }}
{{- if eq $v.ingress.tls.mode "secret" }}
{{- $_ := required "octo: ingress.tls.mode=secret needs ingress.tls.secretName (an existing TLS Secret)" $v.ingress.tls.secretName }}
{{- end }}
{{- if eq $v.ingress.tls.mode "wildcard" }}
{{- $_ := required "octo: ingress.tls.mode=wildcard needs ingress.tls.secretName or deployments.wildcardTlsSecret (an existing wildcard TLS Secret)" ($v.ingress.tls.secretName | default $v.deployments.wildcardTlsSecret) }}
{{- end }}
{{- if eq $v.ingress.tls.mode "issuer" }}
{{- $_ := required "octo: ingress.tls.mode=issuer needs ingress.tls.clusterIssuer or deployments.clusterIssuer" ($v.ingress.tls.clusterIssuer | default $v.deployments.clusterIssuer) }}
{{- end }}
{{- end }}
{{- end }}

{{/* Pod parts -------------------------------------------------------------------------------- */}}

{{/* An env var from the platform Secret: (dict "root" $ "name" "DATABASE_URL" "optional" false). */}}
{{- define "octo.secretEnv" -}}
- name: {{ .name }}
  valueFrom:
    secretKeyRef:
      name: {{ include "octo.secretName" .root }}
      key: {{ .name }}
      {{- if .optional }}
      optional: true
      {{- end }}
{{- end }}

{{/* Pod annotations: the operator's plus a checksum of the chart's platform Secret, so pods restart
     when it changes (an existing Secret is the operator's to roll out). (dict "root" $ "extra" map) */}}
{{- define "octo.podAnnotations" -}}
{{- $annotations := deepCopy (.extra | default dict) }}
{{- if not .root.Values.existingSecret }}
{{- $_ := set $annotations "checksum/platform-secret" (include (print .root.Template.BasePath "/platform-secret.yaml") .root | sha256sum) }}
{{- end }}
{{- with $annotations }}
annotations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}

{{/* A platform credential, plain: the value given, else (generateSecrets) the live Secret's, else a
     new one; else fail. (dict "root" $ "live" $live "key" "AUTH_SECRET" "value" … "new" … "hint" …) */}}
{{- define "octo.credential" -}}
{{- if .value }}
{{- .value }}
{{- else if and .root.Values.generateSecrets (hasKey .live .key) }}
{{- index .live .key | b64dec }}
{{- else if .root.Values.generateSecrets }}
{{- .new }}
{{- else }}
{{- fail (printf "octo: %s is required (%s), or set existingSecret to a Secret holding %s, or generateSecrets=true on a local cluster" .hint .how .key) }}
{{- end }}
{{- end }}
