output "host" {
  description = "The instance's host name."
  value       = aws_db_instance.postgres.address
}

output "port" {
  description = "The instance's port."
  value       = aws_db_instance.postgres.port
}

output "database_name" {
  description = "The database of the services' schemas."
  value       = aws_db_instance.postgres.db_name
}

output "master_username" {
  description = "The master user."
  value       = aws_db_instance.postgres.username
}

output "master_user_secret_arn" {
  description = "Secrets Manager secret with the master user's password (JSON: username, password)."
  value       = aws_db_instance.postgres.master_user_secret[0].secret_arn
}

output "security_group_id" {
  description = "The instance's security group."
  value       = aws_security_group.postgres.id
}
