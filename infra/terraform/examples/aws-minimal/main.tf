# The smallest useful installation: two zones, one NAT gateway, two small nodes, a single-zone
# RDS instance, two brokers, Keycloak in the cluster, the embedded search index on a volume, one
# ALB with your ACM certificate in front of the gateway and Keycloak. Not highly available.
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
  availability_zones = slice(data.aws_availability_zones.available.names, 0, 2)
  single_nat_gateway = true
  tags               = local.tags
}

module "eks" {
  source = "../../modules/eks"

  cluster_name = var.name
  vpc_id       = module.network.vpc_id
  subnet_ids   = module.network.private_subnet_ids
  node_groups = {
    default = {
      instance_types = ["m6i.large"]
      min_size       = 2
      max_size       = 3
      desired_size   = 2
    }
  }
  tags = local.tags
}

module "postgres" {
  source = "../../modules/postgres"

  identifier                 = var.name
  instance_class             = "db.t4g.small"
  allocated_storage_gb       = 20
  multi_az                   = false
  deletion_protection        = false
  vpc_id                     = module.network.vpc_id
  subnet_group_name          = module.network.database_subnet_group_name
  allowed_security_group_ids = [module.eks.node_security_group_id]
  tags                       = local.tags
}

module "kafka" {
  source = "../../modules/kafka"

  cluster_name               = var.name
  broker_count               = 2
  broker_instance_type       = "kafka.t3.small"
  broker_volume_gb           = 20
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
  keycloak                = { in_cluster = true, public_url = "https://${local.identity_host}" }
  qdrant                  = { in_cluster = false }
  public_host             = var.public_host
  certificate_arn         = var.certificate_arn
  load_balancer_controller = {
    cluster_name      = module.eks.cluster_name
    oidc_provider_arn = module.eks.oidc_provider_arn
    vpc_id            = module.network.vpc_id
    region            = var.region
  }
}
