# The cluster, its managed node groups, IRSA (an OIDC provider for service accounts' IAM roles)
# and the add-ons the chart needs: the EBS CSI driver (the embedded index's claim) and the VPC
# CNI with network policy enforcement (the chart's NetworkPolicies).
module "eks" {
  source  = "terraform-aws-modules/eks/aws"
  version = "~> 20.37"

  cluster_name    = var.cluster_name
  cluster_version = var.kubernetes_version

  vpc_id     = var.vpc_id
  subnet_ids = var.subnet_ids

  cluster_endpoint_public_access       = var.public_endpoint
  cluster_endpoint_public_access_cidrs = var.public_endpoint_cidrs
  cluster_endpoint_private_access      = true

  enable_irsa                              = true
  enable_cluster_creator_admin_permissions = true

  cluster_addons = {
    coredns    = {}
    kube-proxy = {}
    vpc-cni = {
      before_compute = true
      # enforces NetworkPolicy objects (the chart's default deny and its allowed flows)
      configuration_values = jsonencode({ enableNetworkPolicy = "true" })
    }
    aws-ebs-csi-driver = {
      service_account_role_arn = module.ebs_csi_role.iam_role_arn
    }
  }

  eks_managed_node_groups = {
    for name, group in var.node_groups : name => {
      instance_types = group.instance_types
      capacity_type  = group.capacity_type
      min_size       = group.min_size
      max_size       = group.max_size
      desired_size   = group.desired_size
      disk_size      = group.disk_size
      labels         = group.labels
      taints = {
        for i, taint in group.taints : tostring(i) => taint
      }
    }
  }

  tags = var.tags
}

# IRSA role of the EBS CSI driver's controller
module "ebs_csi_role" {
  source  = "terraform-aws-modules/iam/aws//modules/iam-role-for-service-accounts-eks"
  version = "~> 5.55"

  role_name             = "${var.cluster_name}-ebs-csi"
  attach_ebs_csi_policy = true

  oidc_providers = {
    main = {
      provider_arn               = module.eks.oidc_provider_arn
      namespace_service_accounts = ["kube-system:ebs-csi-controller-sa"]
    }
  }

  tags = var.tags
}
