# MSK: TLS between clients and brokers and inside the cluster, encrypted at rest with a key of its
# own, and SASL/SCRAM (a user whose secret lives in Secrets Manager) or SASL/IAM for the services.
locals {
  scram = var.authentication == "scram"
  # SASL/SCRAM over TLS listens on 9096, SASL/IAM over TLS on 9098
  port = local.scram ? 9096 : 9098
}

resource "aws_kms_key" "kafka" {
  description             = "MSK ${var.cluster_name}: data at rest and the SCRAM secret"
  deletion_window_in_days = 14
  enable_key_rotation     = true
  tags                    = var.tags
}

resource "aws_security_group" "kafka" {
  name_prefix = "${var.cluster_name}-"
  description = "Kafka of ${var.cluster_name}: from the cluster's nodes only"
  vpc_id      = var.vpc_id
  tags        = var.tags

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_ingress_rule" "from_nodes" {
  for_each = toset(var.allowed_security_group_ids)

  security_group_id            = aws_security_group.kafka.id
  referenced_security_group_id = each.value
  ip_protocol                  = "tcp"
  from_port                    = local.port
  to_port                      = local.port
  description                  = "Kafka (SASL over TLS) from ${each.value}"
}

resource "aws_msk_configuration" "kafka" {
  name           = var.cluster_name
  kafka_versions = [var.kafka_version]

  # the services create their topics at start (COPILOT_OUTBOX_CREATE_TOPICS)
  server_properties = <<-PROPERTIES
    auto.create.topics.enable=false
    default.replication.factor=${min(3, var.broker_count)}
    min.insync.replicas=${min(2, var.broker_count)}
    num.partitions=6
    allow.everyone.if.no.acl.found=true
  PROPERTIES
}

resource "aws_msk_cluster" "kafka" {
  cluster_name           = var.cluster_name
  kafka_version          = var.kafka_version
  number_of_broker_nodes = var.broker_count

  broker_node_group_info {
    instance_type   = var.broker_instance_type
    client_subnets  = var.subnet_ids
    security_groups = [aws_security_group.kafka.id]

    storage_info {
      ebs_storage_info {
        volume_size = var.broker_volume_gb
      }
    }
  }

  configuration_info {
    arn      = aws_msk_configuration.kafka.arn
    revision = aws_msk_configuration.kafka.latest_revision
  }

  encryption_info {
    encryption_at_rest_kms_key_arn = aws_kms_key.kafka.arn

    encryption_in_transit {
      client_broker = "TLS"
      in_cluster    = true
    }
  }

  client_authentication {
    sasl {
      scram = local.scram
      iam   = !local.scram
    }
  }

  tags = var.tags
}

# SCRAM: one user for the platform, its secret encrypted with the cluster's key (MSK requires a
# customer-managed key and the AmazonMSK_ prefix)
resource "random_password" "scram" {
  count   = local.scram ? 1 : 0
  length  = 32
  special = false
}

resource "aws_secretsmanager_secret" "scram" {
  count      = local.scram ? 1 : 0
  name       = "AmazonMSK_${var.cluster_name}_copilot"
  kms_key_id = aws_kms_key.kafka.arn
  tags       = var.tags
}

resource "aws_secretsmanager_secret_version" "scram" {
  count     = local.scram ? 1 : 0
  secret_id = aws_secretsmanager_secret.scram[0].id
  secret_string = jsonencode({
    username = "copilot"
    password = random_password.scram[0].result
  })
}

resource "aws_msk_scram_secret_association" "scram" {
  count           = local.scram ? 1 : 0
  cluster_arn     = aws_msk_cluster.kafka.arn
  secret_arn_list = [aws_secretsmanager_secret.scram[0].arn]

  depends_on = [aws_secretsmanager_secret_version.scram]
}
