output "vpc_id" {
  description = "The VPC's id."
  value       = module.vpc.vpc_id
}

output "vpc_cidr_block" {
  description = "The VPC's address block."
  value       = module.vpc.vpc_cidr_block
}

output "private_subnet_ids" {
  description = "Subnets of the Kubernetes nodes."
  value       = module.vpc.private_subnets
}

output "public_subnet_ids" {
  description = "Subnets of the public load balancers."
  value       = module.vpc.public_subnets
}

output "data_subnet_ids" {
  description = "Subnets of RDS and MSK (no route beyond the VPC)."
  value       = module.vpc.database_subnets
}

output "data_subnet_cidr_blocks" {
  description = "Address blocks of the data subnets (the chart's NetworkPolicies allow PostgreSQL and Kafka there)."
  value       = module.vpc.database_subnets_cidr_blocks
}

output "database_subnet_group_name" {
  description = "The RDS subnet group over the data subnets."
  value       = module.vpc.database_subnet_group_name
}
