output "bootstrap_servers" {
  description = "Bootstrap servers for the chosen authentication (comma-separated)."
  value       = local.scram ? aws_msk_cluster.kafka.bootstrap_brokers_sasl_scram : aws_msk_cluster.kafka.bootstrap_brokers_sasl_iam
}

output "port" {
  description = "The brokers' port for the chosen authentication (9096 SCRAM, 9098 IAM)."
  value       = local.port
}

output "authentication" {
  description = "scram or iam."
  value       = var.authentication
}

output "sasl_mechanism" {
  description = "The services' SASL mechanism."
  value       = local.scram ? "SCRAM-SHA-512" : "AWS_MSK_IAM"
}

output "scram_username" {
  description = "The platform's SCRAM user (null with IAM)."
  value       = local.scram ? "copilot" : null
}

output "scram_password" {
  description = "The platform's SCRAM password (null with IAM)."
  value       = local.scram ? random_password.scram[0].result : null
  sensitive   = true
}

output "security_group_id" {
  description = "The brokers' security group."
  value       = aws_security_group.kafka.id
}

output "replication_factor" {
  description = "Replication factor for the platform's topics (three, or the broker count when smaller)."
  value       = min(3, var.broker_count)
}
