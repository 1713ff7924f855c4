# A highly available installation: three zones with a NAT gateway each, a system and a workload
# node group, multi-AZ RDS with two weeks of backups, three brokers, Qdrant and two Keycloak
# replicas in the cluster, autoscaled services, one ALB with your ACM certificate, and the
# Prometheus operator with Grafana (kube-prometheus-stack) fed by the chart's ServiceMonitor,
# alert rules and dashboards.
# `terraform init && terraform apply -var public_host=... -var certificate_arn=...`, then point
# both host names at the load balancer (the `dns` output).
provider "aws" {
  region = var.region
}

data "aws_availability_zones" "available" {
  state = "available"
}

locals {
  tags          = { "app.kubernetes.io/part-of" = "smb-copilot", installation = var.name }
  identity_host = var.identity_host != "" ? var.identity_host : "id.${var.public_host}"
}

module "network" {
  source = "../../modules/network"

  name               = var.name
  availability_zones = slice(data.aws_availability_zones.available.names, 0, 3)
  single_nat_gateway = false
  tags               = local.tags
}

module "eks" {
  source = "../../modules/eks"

  cluster_name = var.name
  vpc_id       = module.network.vpc_id
  subnet_ids   = module.network.private_subnet_ids
  node_groups = {
    system = {
      instance_types = ["m6i.large"]
      min_size       = 2
      max_size       = 3
      desired_size   = 3
      labels         = { role = "system" }
    }
    workloads = {
      instance_types = ["m6i.xlarge"]
      min_size       = 3
      max_size       = 9
      desired_size   = 3
      labels         = { role = "workloads" }
    }
  }
  tags = local.tags
}

module "postgres" {
  source = "../../modules/postgres"

  identifier                 = var.name
  instance_class             = "db.r6g.large"
  allocated_storage_gb       = 100
  max_allocated_storage_gb   = 1000
  multi_az                   = true
  backup_retention_days      = 14
  deletion_protection        = true
  vpc_id                     = module.network.vpc_id
  subnet_group_name          = module.network.database_subnet_group_name
  allowed_security_group_ids = [module.eks.node_security_group_id]
  tags                       = local.tags
}

module "kafka" {
  source = "../../modules/kafka"

  cluster_name               = var.name
  broker_count               = 3
  broker_instance_type       = "kafka.m5.large"
  broker_volume_gb           = 200
  vpc_id                     = module.network.vpc_id
  subnet_ids                 = module.network.data_subnet_ids
  allowed_security_group_ids = [module.eks.node_security_group_id]
  tags                       = local.tags
}

provider "kubernetes" {
  host                   = module.eks.cluster_endpoint
  cluster_ca_certificate = base64decode(module.eks.cluster_certificate_authority_data)
  exec {
    api_version = "client.authentication.k8s.io/v1beta1"
    command     = "aws"
    args        = ["eks", "get-token", "--cluster-name", module.eks.cluster_name, "--region", var.region]
  }
}

provider "helm" {
  kubernetes {
    host                   = module.eks.cluster_endpoint
    cluster_ca_certificate = base64decode(module.eks.cluster_certificate_authority_data)
    exec {
      api_version = "client.authentication.k8s.io/v1beta1"
      command     = "aws"
      args        = ["eks", "get-token", "--cluster-name", module.eks.cluster_name, "--region", var.region]
    }
  }
}

module "platform" {
  source = "../../modules/platform"

  image_registry = var.image_registry
  image_tag      = var.image_tag
  postgres = {
    host                   = module.postgres.host
    port                   = module.postgres.port
    database               = module.postgres.database_name
    master_username        = module.postgres.master_username
    master_user_secret_arn = module.postgres.master_user_secret_arn
  }
  kafka = {
    bootstrap_servers  = module.kafka.bootstrap_servers
    sasl_mechanism     = module.kafka.sasl_mechanism
    scram_username     = module.kafka.scram_username
    replication_factor = module.kafka.replication_factor
  }
  kafka_scram_password    = module.kafka.scram_password
  data_subnet_cidr_blocks = module.network.data_subnet_cidr_blocks
  keycloak                = { in_cluster = true, public_url = "https://${local.identity_host}", replicas = 2 }
  qdrant                  = { in_cluster = true, volume_gb = 100 }
  copilot_provider        = var.copilot_provider
  copilot_api_key         = var.copilot_api_key
  mail                    = var.mail
  mail_password           = var.mail_password
  replicas = {
    api-gateway           = 3
    auth-service          = 2
    ingestion-service     = 2
    workflow-worker       = 2
    notifications-service = 2
  }
  max_replicas = {
    api-gateway       = 10
    ingestion-service = 6
    workflow-worker   = 6
  }
  monitoring      = { enabled = true, labels = { release = "monitoring" } }
  public_host     = var.public_host
  certificate_arn = var.certificate_arn
  load_balancer_controller = {
    cluster_name      = module.eks.cluster_name
    oidc_provider_arn = module.eks.oidc_provider_arn
    vpc_id            = module.network.vpc_id
    region            = var.region
  }

  depends_on = [helm_release.monitoring]
}

# The Prometheus operator, Prometheus, Alertmanager and Grafana (its dashboard sidecar picks up
# the chart's dashboards); `release = "monitoring"` is what its selectors look for.
resource "helm_release" "monitoring" {
  name             = "monitoring"
  namespace        = "monitoring"
  create_namespace = true
  repository       = "https://prometheus-community.github.io/helm-charts"
  chart            = "kube-prometheus-stack"
  version          = ">= 75.0.0, < 76.0.0"

  values = [yamlencode({
    grafana = {
      sidecar = { dashboards = { enabled = true, label = "grafana_dashboard", searchNamespace = "ALL", folderAnnotation = "grafana_folder", provider = { foldersFromFilesStructure = true } } }
    }
  })]
}
