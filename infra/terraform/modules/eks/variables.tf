variable "cluster_name" {
  description = "Name of the EKS cluster."
  type        = string
}

variable "kubernetes_version" {
  description = "Kubernetes version of the control plane and the node groups."
  type        = string
  default     = "1.33"
}

variable "vpc_id" {
  description = "VPC of the cluster (network module's vpc_id)."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets of the nodes (network module's private_subnet_ids)."
  type        = list(string)
}

variable "public_endpoint" {
  description = "Whether the Kubernetes API is reachable from the internet (restricted to public_endpoint_cidrs)."
  type        = bool
  default     = true
}

variable "public_endpoint_cidrs" {
  description = "Address blocks allowed to reach the public Kubernetes API."
  type        = list(string)
  default     = ["0.0.0.0/0"]
}

variable "node_groups" {
  description = "Managed node groups by name: instance types, sizes, capacity type (ON_DEMAND or SPOT), labels and taints."
  type = map(object({
    instance_types = list(string)
    min_size       = number
    max_size       = number
    desired_size   = number
    capacity_type  = optional(string, "ON_DEMAND")
    disk_size      = optional(number, 50)
    labels         = optional(map(string), {})
    taints = optional(list(object({
      key    = string
      value  = string
      effect = string
    })), [])
  }))
  default = {
    default = {
      instance_types = ["m6i.large"]
      min_size       = 2
      max_size       = 4
      desired_size   = 2
    }
  }
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
