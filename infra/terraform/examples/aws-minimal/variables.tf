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
