variable "region" {
  description = "AWS region."
  type        = string
  default     = "eu-central-1"
}

variable "name" {
  description = "Name of the installation: the VPC, the cluster, the database and the brokers are named after it."
  type        = string
  default     = "copilot"
}

variable "image_registry" {
  description = "Registry of the services' images (the GitHub workflow's, or your own)."
  type        = string
  default     = ""
}

variable "image_tag" {
  description = "Tag of the services' images (empty: the chart's appVersion)."
  type        = string
  default     = ""
}

variable "public_host" {
  description = "Host name of the dashboard and API (a DNS name you own, pointed at the load balancer after the apply)."
  type        = string
}

variable "identity_host" {
  description = "Host name of Keycloak's sign-in pages (empty: id.<public_host>)."
  type        = string
  default     = ""
}

variable "certificate_arn" {
  description = "ACM certificate covering public_host and identity_host."
  type        = string
}

variable "copilot_provider" {
  description = "Default answerer: extractive, openai or anthropic, with base URL and model."
  type = object({
    provider = optional(string, "extractive")
    base_url = optional(string, "")
    model    = optional(string, "")
  })
  default = {}
}

variable "copilot_api_key" {
  description = "API key of the default provider (TF_VAR_copilot_api_key; never in a file)."
  type        = string
  default     = ""
  sensitive   = true
}

variable "mail" {
  description = "SMTP server (Amazon SES's SMTP endpoint for example), sender and user."
  type = object({
    host     = optional(string, "")
    port     = optional(number, 587)
    from     = optional(string, "SMB Copilot <no-reply@example.com>")
    username = optional(string, "")
  })
  default = {}
}

variable "mail_password" {
  description = "The SMTP user's password (TF_VAR_mail_password; never in a file)."
  type        = string
  default     = ""
  sensitive   = true
}
