output "namespace" {
  description = "Namespace of the platform."
  value       = kubernetes_namespace_v1.platform.metadata[0].name
}

output "gateway_service" {
  description = "The gateway's Service (port-forward to it when there is no Ingress)."
  value       = "${var.release_name}-smb-copilot-api-gateway"
}

output "public_url" {
  description = "The dashboard's and API's address (empty without public_host)."
  value       = local.public_url
}

output "keycloak_url" {
  description = "Keycloak as the services reach it."
  value       = local.keycloak_url
}

output "keycloak_admin_secret" {
  description = "Secret (in the platform's namespace) with Keycloak's admin username and password."
  value       = local.admin_secret
}
