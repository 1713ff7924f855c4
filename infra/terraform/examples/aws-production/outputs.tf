output "kubeconfig_command" {
  description = "Writes the cluster's kubeconfig."
  value       = "aws eks update-kubeconfig --region ${var.region} --name ${module.eks.cluster_name}"
}

output "dashboard_url" {
  description = "The dashboard, once DNS points at the load balancer."
  value       = module.platform.public_url
}

output "dns" {
  description = "Prints the load balancer's host name, for CNAME records of public_host and identity_host."
  value       = "kubectl -n ${module.platform.namespace} get ingress -o jsonpath='{.items[0].status.loadBalancer.ingress[0].hostname}'"
}

output "keycloak_admin_secret" {
  description = "Secret with Keycloak's admin credentials."
  value       = "${module.platform.namespace}/${module.platform.keycloak_admin_secret}"
}
