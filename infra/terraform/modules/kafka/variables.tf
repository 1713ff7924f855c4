variable "cluster_name" {
  description = "Name of the MSK cluster."
  type        = string
}

variable "kafka_version" {
  description = "Kafka version of the brokers (KRaft-capable versions: 3.7.x.kraft and later)."
  type        = string
  default     = "3.9.x"
}

variable "broker_count" {
  description = "Number of brokers: a multiple of the number of subnets."
  type        = number
  default     = 3
}

variable "broker_instance_type" {
  description = "Broker instance type."
  type        = string
  default     = "kafka.t3.small"
}

variable "broker_volume_gb" {
  description = "EBS storage per broker in GiB."
  type        = number
  default     = 100
}

variable "authentication" {
  description = "How the services authenticate: scram (SASL/SCRAM-SHA-512 over TLS, what the services support today) or iam (SASL/IAM over TLS; needs the aws-msk-iam-auth library in the images)."
  type        = string
  default     = "scram"

  validation {
    condition     = contains(["scram", "iam"], var.authentication)
    error_message = "authentication is scram or iam."
  }
}

variable "vpc_id" {
  description = "VPC of the brokers."
  type        = string
}

variable "subnet_ids" {
  description = "Data subnets of the brokers, one per zone (network module's data_subnet_ids)."
  type        = list(string)
}

variable "allowed_security_group_ids" {
  description = "Security groups allowed to connect (the EKS nodes')."
  type        = list(string)
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
