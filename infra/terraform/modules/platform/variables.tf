variable "namespace" {
  description = "Namespace of the platform's release."
  type        = string
  default     = "copilot"
}

variable "release_name" {
  description = "Helm release name of the platform."
  type        = string
  default     = "copilot"
}

variable "chart_path" {
  description = "Path of the smb-copilot chart (default: this repository's deploy/helm/smb-copilot)."
  type        = string
  default     = null
}

variable "image_registry" {
  description = "Registry the services' images are pulled from (empty: the chart's default repositories)."
  type        = string
  default     = ""
}

variable "image_tag" {
  description = "Tag of the services' images (empty: the chart's appVersion)."
  type        = string
  default     = ""
}

variable "postgres" {
  description = "PostgreSQL: the postgres module's host, port, database, master user and the Secrets Manager secret of its password."
  type = object({
    host                   = string
    port                   = number
    database               = string
    master_username        = string
    master_user_secret_arn = string
  })
}

variable "kafka" {
  description = "Kafka: the kafka module's bootstrap servers, SASL mechanism, SCRAM user (null with IAM) and the replication factor and partitions of the topics the services create."
  type = object({
    bootstrap_servers  = string
    sasl_mechanism     = string
    scram_username     = optional(string)
    replication_factor = optional(number, 3)
    partitions         = optional(number, 6)
  })
}

variable "kafka_scram_password" {
  description = "The SCRAM user's password (the kafka module's scram_password; null with IAM)."
  type        = string
  default     = null
  sensitive   = true
}

variable "data_subnet_cidr_blocks" {
  description = "Address blocks of RDS and MSK: the NetworkPolicies allow PostgreSQL and Kafka there only."
  type        = list(string)
}

variable "keycloak" {
  description = "Keycloak: in_cluster installs the official image (codecentric's keycloakx chart) with its database on the same PostgreSQL; otherwise url names an external Keycloak and admin_secret a Secret of its admin (keys username, password) in the platform's namespace."
  type = object({
    in_cluster   = bool
    url          = optional(string, "")
    public_url   = optional(string, "")
    admin_secret = optional(string, "")
    replicas     = optional(number, 1)
  })
  default = { in_cluster = true }

  validation {
    condition     = var.keycloak.in_cluster || (var.keycloak.url != "" && var.keycloak.admin_secret != "")
    error_message = "An external Keycloak needs url and admin_secret."
  }
}

variable "qdrant" {
  description = "Qdrant: in_cluster installs it (the official chart), host names an external one, neither keeps the embedded index on a volume (one ingestion replica)."
  type = object({
    in_cluster = bool
    host       = optional(string, "")
    replicas   = optional(number, 1)
    volume_gb  = optional(number, 20)
  })
  default = { in_cluster = false }
}

variable "public_host" {
  description = "Host name of the dashboard and API (Ingress with TLS); empty: no Ingress (port-forward or a load balancer of your own)."
  type        = string
  default     = ""
}

variable "certificate_arn" {
  description = "ACM certificate of public_host and Keycloak's host, for the load balancer's HTTPS listener."
  type        = string
  default     = ""
}

variable "load_balancer_controller" {
  description = "Install the AWS Load Balancer Controller (the Ingresses become one ALB) with an IRSA role: the cluster's name, OIDC provider, VPC and region; null: it is installed already."
  type = object({
    cluster_name      = string
    oidc_provider_arn = string
    vpc_id            = string
    region            = string
  })
  default = null
}

variable "mail" {
  description = "SMTP server (for example Amazon SES's SMTP endpoint), sender and user; host empty: mail waits in its queue."
  type = object({
    host     = optional(string, "")
    port     = optional(number, 587)
    from     = optional(string, "SMB Copilot <no-reply@example.com>")
    username = optional(string, "")
  })
  default = {}
}

variable "mail_password" {
  description = "The SMTP user's password."
  type        = string
  default     = ""
  sensitive   = true
}

variable "copilot_provider" {
  description = "Default answerer of the copilot: extractive (no model), openai or anthropic, with its base URL and model."
  type = object({
    provider = optional(string, "extractive")
    base_url = optional(string, "")
    model    = optional(string, "")
  })
  default = {}
}

variable "copilot_api_key" {
  description = "API key of the default provider (empty: none, as for extractive)."
  type        = string
  default     = ""
  sensitive   = true
}

variable "replicas" {
  description = "Replicas by service (api-gateway, auth-service, ingestion-service, workflow-worker, notifications-service); autoscaling between them and max_replicas when max_replicas is larger."
  type        = map(number)
  default     = {}
}

variable "max_replicas" {
  description = "Autoscaling ceiling by service (absent or not larger than replicas: no autoscaling)."
  type        = map(number)
  default     = {}
}

variable "monitoring" {
  description = "Create the ServiceMonitor, the PrometheusRule and the Grafana dashboards (needs the Prometheus operator's CRDs), with these labels for its selectors."
  type = object({
    enabled = bool
    labels  = optional(map(string), {})
  })
  default = { enabled = false }
}

variable "extra_values" {
  description = "More chart values (YAML documents), merged last."
  type        = list(string)
  default     = []
}
