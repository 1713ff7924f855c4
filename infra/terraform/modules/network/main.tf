# The VPC: public subnets for the load balancers and NAT gateways, private subnets for the nodes,
# and data subnets (no route out) for RDS and MSK. Subnets are /20 blocks carved from the VPC's
# block: public 0..n-1, private 4..4+n-1, data 8..8+n-1.
locals {
  zones    = var.availability_zones
  public   = [for i, _ in local.zones : cidrsubnet(var.cidr, 4, i)]
  private  = [for i, _ in local.zones : cidrsubnet(var.cidr, 4, i + 4)]
  database = [for i, _ in local.zones : cidrsubnet(var.cidr, 4, i + 8)]
}

module "vpc" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "~> 5.21"

  name = var.name
  cidr = var.cidr
  azs  = local.zones

  public_subnets   = local.public
  private_subnets  = local.private
  database_subnets = local.database

  create_database_subnet_group       = true
  create_database_subnet_route_table = true

  enable_nat_gateway     = true
  single_nat_gateway     = var.single_nat_gateway
  one_nat_gateway_per_az = !var.single_nat_gateway

  enable_dns_hostnames = true
  enable_dns_support   = true

  # the AWS load balancer controller finds its subnets by these tags
  public_subnet_tags  = { "kubernetes.io/role/elb" = "1" }
  private_subnet_tags = { "kubernetes.io/role/internal-elb" = "1" }

  tags = var.tags
}
