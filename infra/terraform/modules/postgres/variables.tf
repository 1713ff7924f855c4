variable "identifier" {
  description = "Name of the RDS instance."
  type        = string
}

variable "engine_version" {
  description = "PostgreSQL major version (the test suite runs on 15, the services use nothing newer)."
  type        = string
  default     = "16"
}

variable "instance_class" {
  description = "RDS instance class."
  type        = string
  default     = "db.t4g.medium"
}

variable "allocated_storage_gb" {
  description = "Initial storage in GiB."
  type        = number
  default     = 50
}

variable "max_allocated_storage_gb" {
  description = "Storage autoscaling ceiling in GiB (0: no autoscaling)."
  type        = number
  default     = 200
}

variable "multi_az" {
  description = "A standby replica in another zone with automatic failover."
  type        = bool
  default     = false
}

variable "backup_retention_days" {
  description = "Days of automated backups and point-in-time recovery (1 to 35)."
  type        = number
  default     = 7

  validation {
    condition     = var.backup_retention_days >= 1 && var.backup_retention_days <= 35
    error_message = "Automated backups are kept 1 to 35 days."
  }
}

variable "deletion_protection" {
  description = "Refuse to delete the instance (turn off before a destroy)."
  type        = bool
  default     = true
}

variable "database_name" {
  description = "Database holding one schema per service."
  type        = string
  default     = "copilot"
}

variable "master_username" {
  description = "The master user; its password is generated and kept in Secrets Manager by RDS."
  type        = string
  default     = "copilot_admin"
}

variable "vpc_id" {
  description = "VPC of the instance."
  type        = string
}

variable "subnet_group_name" {
  description = "RDS subnet group over the data subnets (network module's database_subnet_group_name)."
  type        = string
}

variable "allowed_security_group_ids" {
  description = "Security groups allowed to connect (the EKS nodes')."
  type        = list(string)
}

variable "kms_key_arn" {
  description = "KMS key encrypting storage, backups and the master secret (null: the AWS-managed key)."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
