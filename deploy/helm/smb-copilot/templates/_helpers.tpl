{{/* Chart name. */}}
{{- define "smb-copilot.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Release-qualified prefix of every resource name. */}}
{{- define "smb-copilot.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Name of one service's resources. Call with (dict "root" $ "service" $name). */}}
{{- define "smb-copilot.serviceName" -}}
{{- printf "%s-%s" (include "smb-copilot.fullname" .root) .service | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels common to every object. */}}
{{- define "smb-copilot.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/part-of: {{ include "smb-copilot.name" . }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end -}}

{{/* Selector labels of one service. Call with (dict "root" $ "service" name). */}}
{{- define "smb-copilot.selectorLabels" -}}
app.kubernetes.io/name: {{ .service }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- end -}}

{{/* Image reference of one service. */}}
{{- define "smb-copilot.image" -}}
{{- $registry := .root.Values.global.imageRegistry -}}
{{- $tag := default .root.Chart.AppVersion .config.image.tag -}}
{{- if $registry -}}
{{- printf "%s/%s:%s" $registry .config.image.repository $tag -}}
{{- else -}}
{{- printf "%s:%s" .config.image.repository $tag -}}
{{- end -}}
{{- end -}}

{{/* Fails early on values that cannot work together. */}}
{{- define "smb-copilot.validateValues" -}}
{{- $errors := list -}}
{{- if not .Values.postgresql.host -}}
{{- $errors = append $errors "postgresql.host is required: the services keep their state in PostgreSQL" -}}
{{- end -}}
{{- if not .Values.postgresql.existingSecret -}}
{{- $errors = append $errors "postgresql.existingSecret is required: name a Secret with a <service>-password key per service" -}}
{{- end -}}
{{- if not .Values.kafka.bootstrapServers -}}
{{- $errors = append $errors "kafka.bootstrapServers is required: the services exchange events over Kafka" -}}
{{- end -}}
{{- if not .Values.keycloak.url -}}
{{- $errors = append $errors "keycloak.url is required: users sign in with Keycloak" -}}
{{- end -}}
{{- if and .Values.keycloak.realmImport.enabled (not .Values.keycloak.realmImport.adminSecret) -}}
{{- $errors = append $errors "keycloak.realmImport.adminSecret is required when keycloak.realmImport.enabled is true: name a Secret with username and password of a Keycloak admin" -}}
{{- end -}}
{{- if and .Values.qdrant.enabled (not .Values.qdrant.host) -}}
{{- $errors = append $errors "qdrant.host is required when qdrant.enabled is true" -}}
{{- end -}}
{{- $exposed := list -}}
{{- range $name, $svc := .Values.services -}}
{{- if and $svc.enabled $svc.wiring.exposed -}}
{{- $exposed = append $exposed $name -}}
{{- end -}}
{{- end -}}
{{- if ne (len $exposed) 1 -}}
{{- $errors = append $errors (printf "exactly one enabled service must be exposed (the gateway, the only public entry); exposed: %v" $exposed) -}}
{{- end -}}
{{- range $name, $svc := .Values.services -}}
{{- if and $svc.autoscaling.enabled (gt (int $svc.autoscaling.minReplicas) (int $svc.autoscaling.maxReplicas)) -}}
{{- $errors = append $errors (printf "services.%s.autoscaling.minReplicas must not exceed maxReplicas" $name) -}}
{{- end -}}
{{- end -}}
{{- range $name, $svc := .Values.services -}}
{{- $replicas := ternary (int $svc.autoscaling.maxReplicas) (int $svc.replicaCount) $svc.autoscaling.enabled -}}
{{- if and $svc.persistence.enabled (gt $replicas 1) (has "ReadWriteOnce" $svc.persistence.accessModes) -}}
{{- $errors = append $errors (printf "services.%s.persistence: a ReadWriteOnce claim serves one replica; run one, or use ReadWriteMany (for the search index: Qdrant)" $name) -}}
{{- end -}}
{{- end -}}
{{- if and .Values.backup.enabled (not (hasPrefix "s3://" .Values.backup.destination)) -}}
{{- $errors = append $errors "backup.destination is required when backup.enabled is true: an object storage prefix, s3://bucket/path" -}}
{{- end -}}
{{- if and .Values.backup.enabled (not .Values.backup.databaseSecret) -}}
{{- $errors = append $errors "backup.databaseSecret is required when backup.enabled is true: name a Secret with username and password of a role that reads every schema" -}}
{{- end -}}
{{- if and .Values.ingress.enabled (not .Values.ingress.hosts) -}}
{{- $errors = append $errors "ingress.hosts is required when ingress.enabled is true" -}}
{{- end -}}
{{- if $errors -}}
{{- fail (printf "\nINVALID VALUES:\n- %s" (join "\n- " $errors)) -}}
{{- end -}}
{{- end -}}

{{/* Egress to the cluster DNS, over UDP and TCP. */}}
{{- define "smb-copilot.dnsEgress" -}}
- ports:
    {{- range .Values.networkPolicy.dns.ports }}
    - port: {{ . }}
      protocol: UDP
    - port: {{ . }}
      protocol: TCP
    {{- end }}
  {{- with .Values.networkPolicy.dns.to }}
  to:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end -}}

{{/* One egress rule of networkPolicy.egress: its ports, to its peers (none: any address). */}}
{{- define "smb-copilot.egressRule" -}}
- ports:
    {{- range .rule.ports }}
    - port: {{ . }}
      protocol: TCP
    {{- end }}
  {{- with .rule.to }}
  to:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end -}}
