# The platform on the cluster: its namespace and secrets (generated here, never in the repository),
# the services' PostgreSQL roles and schemas (a Job in the cluster, which alone reaches RDS),
# Keycloak and Qdrant when they run in the cluster, and the smb-copilot chart with values wired
# from the other modules' outputs.
locals {
  services   = ["api-gateway", "auth-service", "ingestion-service", "workflow-worker", "notifications-service"]
  chart_path = coalesce(var.chart_path, "${path.module}/../../../../deploy/helm/smb-copilot")

  keycloak_namespace = "identity"
  qdrant_namespace   = "vectors"
  keycloak_url       = var.keycloak.in_cluster ? "http://keycloak-keycloakx-http.${local.keycloak_namespace}.svc.cluster.local" : var.keycloak.url
  qdrant_host        = var.qdrant.in_cluster ? "qdrant.${local.qdrant_namespace}.svc.cluster.local" : var.qdrant.host
  qdrant_enabled     = local.qdrant_host != ""
  admin_secret       = var.keycloak.in_cluster ? kubernetes_secret_v1.keycloak_admin[0].metadata[0].name : var.keycloak.admin_secret
  public_url         = var.public_host == "" ? "" : "https://${var.public_host}"
  keycloak_host      = replace(var.keycloak.public_url, "/^https?://([^/:]+).*$/", "$1")

  # one internet-facing ALB for the gateway and Keycloak, HTTPS with the ACM certificate
  alb_annotations = {
    "alb.ingress.kubernetes.io/scheme"           = "internet-facing"
    "alb.ingress.kubernetes.io/target-type"      = "ip"
    "alb.ingress.kubernetes.io/group.name"       = var.release_name
    "alb.ingress.kubernetes.io/listen-ports"     = jsonencode([{ HTTP = 80 }, { HTTPS = 443 }])
    "alb.ingress.kubernetes.io/ssl-redirect"     = "443"
    "alb.ingress.kubernetes.io/certificate-arn"  = var.certificate_arn
    "alb.ingress.kubernetes.io/healthcheck-path" = "/q/health/ready"
  }
}

# --- The AWS Load Balancer Controller ------------------------------------------------------

module "load_balancer_controller_role" {
  count   = var.load_balancer_controller == null ? 0 : 1
  source  = "terraform-aws-modules/iam/aws//modules/iam-role-for-service-accounts-eks"
  version = "~> 5.55"

  role_name                              = "${var.load_balancer_controller.cluster_name}-load-balancer-controller"
  attach_load_balancer_controller_policy = true

  oidc_providers = {
    main = {
      provider_arn               = var.load_balancer_controller.oidc_provider_arn
      namespace_service_accounts = ["kube-system:aws-load-balancer-controller"]
    }
  }
}

resource "helm_release" "load_balancer_controller" {
  count      = var.load_balancer_controller == null ? 0 : 1
  name       = "aws-load-balancer-controller"
  namespace  = "kube-system"
  repository = "https://aws.github.io/eks-charts"
  chart      = "aws-load-balancer-controller"
  version    = ">= 1.13.0, < 2.0.0"

  values = [yamlencode({
    clusterName = var.load_balancer_controller.cluster_name
    region      = var.load_balancer_controller.region
    vpcId       = var.load_balancer_controller.vpc_id
    serviceAccount = {
      name        = "aws-load-balancer-controller"
      annotations = { "eks.amazonaws.com/role-arn" = module.load_balancer_controller_role[0].iam_role_arn }
    }
  })]
}

resource "kubernetes_namespace_v1" "platform" {
  metadata {
    name = var.namespace
  }
}

# --- PostgreSQL: one role and schema per service ---------------------------------------------

data "aws_secretsmanager_secret_version" "master" {
  secret_id = var.postgres.master_user_secret_arn
}

resource "random_password" "database" {
  for_each = toset(concat(local.services, var.keycloak.in_cluster ? ["keycloak"] : []))
  length   = 32
  special  = false
}

resource "kubernetes_secret_v1" "database" {
  metadata {
    name      = "smb-copilot-db"
    namespace = kubernetes_namespace_v1.platform.metadata[0].name
  }
  data = { for s in local.services : "${s}-password" => random_password.database[s].result }
}

resource "kubernetes_secret_v1" "database_bootstrap" {
  metadata {
    name      = "smb-copilot-db-bootstrap"
    namespace = kubernetes_namespace_v1.platform.metadata[0].name
  }
  data = merge(
    {
      PGPASSWORD = jsondecode(data.aws_secretsmanager_secret_version.master.secret_string)["password"]
      "roles.sql" = join("\n", concat(
        [for s in local.services : <<-SQL
          DO $$BEGIN
            IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${replace(s, "-", "_")}') THEN
              CREATE ROLE ${replace(s, "-", "_")} LOGIN;
            END IF;
          END$$;
          ALTER ROLE ${replace(s, "-", "_")} PASSWORD '${random_password.database[s].result}';
          GRANT ${replace(s, "-", "_")} TO CURRENT_USER;
          CREATE SCHEMA IF NOT EXISTS ${replace(s, "-", "_")} AUTHORIZATION ${replace(s, "-", "_")};
        SQL
        ],
        ["REVOKE CREATE ON SCHEMA public FROM PUBLIC;"],
        var.keycloak.in_cluster ? [<<-SQL
          DO $$BEGIN
            IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'keycloak') THEN
              CREATE ROLE keycloak LOGIN;
            END IF;
          END$$;
          ALTER ROLE keycloak PASSWORD '${random_password.database["keycloak"].result}';
          GRANT keycloak TO CURRENT_USER;
          SELECT 'CREATE DATABASE keycloak OWNER keycloak'
            WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'keycloak')\gexec
        SQL
        ] : []
      ))
    }
  )
}

# Runs once per change of its SQL (the roles' passwords); PostgreSQL is reachable from the
# cluster only.
resource "kubernetes_job_v1" "database_bootstrap" {
  metadata {
    name      = "smb-copilot-db-bootstrap-${substr(sha256(kubernetes_secret_v1.database_bootstrap.data["roles.sql"]), 0, 8)}"
    namespace = kubernetes_namespace_v1.platform.metadata[0].name
    labels = {
      "app.kubernetes.io/name"     = "db-bootstrap"
      "app.kubernetes.io/instance" = var.release_name
    }
  }
  spec {
    backoff_limit = 6
    template {
      metadata {
        labels = {
          "app.kubernetes.io/name"     = "db-bootstrap"
          "app.kubernetes.io/instance" = var.release_name
        }
      }
      spec {
        restart_policy                  = "OnFailure"
        automount_service_account_token = false
        security_context {
          run_as_non_root = true
          run_as_user     = 70
          seccomp_profile {
            type = "RuntimeDefault"
          }
        }
        container {
          name    = "psql"
          image   = "postgres:17-alpine"
          command = ["psql", "-v", "ON_ERROR_STOP=1", "-f", "/sql/roles.sql"]
          env {
            name  = "PGHOST"
            value = var.postgres.host
          }
          env {
            name  = "PGPORT"
            value = tostring(var.postgres.port)
          }
          env {
            name  = "PGDATABASE"
            value = var.postgres.database
          }
          env {
            name  = "PGUSER"
            value = var.postgres.master_username
          }
          env {
            name  = "PGSSLMODE"
            value = "require"
          }
          env {
            name = "PGPASSWORD"
            value_from {
              secret_key_ref {
                name = kubernetes_secret_v1.database_bootstrap.metadata[0].name
                key  = "PGPASSWORD"
              }
            }
          }
          volume_mount {
            name       = "sql"
            mount_path = "/sql"
            read_only  = true
          }
          security_context {
            allow_privilege_escalation = false
            read_only_root_filesystem  = true
            capabilities {
              drop = ["ALL"]
            }
          }
          resources {
            requests = { cpu = "10m", memory = "32Mi" }
            limits   = { memory = "128Mi" }
          }
        }
        volume {
          name = "sql"
          secret {
            secret_name = kubernetes_secret_v1.database_bootstrap.metadata[0].name
            items {
              key  = "roles.sql"
              path = "roles.sql"
            }
          }
        }
      }
    }
  }
  wait_for_completion = true
  timeouts {
    create = "10m"
    update = "10m"
  }
}

# --- Kafka ---------------------------------------------------------------------------------

resource "kubernetes_secret_v1" "kafka" {
  count = var.kafka.scram_username == null ? 0 : 1
  metadata {
    name      = "smb-copilot-kafka"
    namespace = kubernetes_namespace_v1.platform.metadata[0].name
  }
  data = {
    "sasl-jaas-config" = "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"${var.kafka.scram_username}\" password=\"${var.kafka_scram_password}\";"
  }
}

# --- Keycloak ------------------------------------------------------------------------------

resource "random_password" "keycloak_admin" {
  count   = var.keycloak.in_cluster ? 1 : 0
  length  = 24
  special = false
}

resource "random_password" "client" {
  for_each = toset(["auth-service", "workflow-worker"])
  length   = 40
  special  = false
}

resource "kubernetes_namespace_v1" "identity" {
  count = var.keycloak.in_cluster ? 1 : 0
  metadata {
    name = local.keycloak_namespace
  }
}

resource "kubernetes_secret_v1" "keycloak_admin" {
  count = var.keycloak.in_cluster ? 1 : 0
  metadata {
    name      = "keycloak-admin"
    namespace = kubernetes_namespace_v1.platform.metadata[0].name
  }
  data = { username = "admin", password = random_password.keycloak_admin[0].result }
}

resource "kubernetes_secret_v1" "keycloak_server" {
  count = var.keycloak.in_cluster ? 1 : 0
  metadata {
    name      = "keycloak"
    namespace = kubernetes_namespace_v1.identity[0].metadata[0].name
  }
  data = {
    "admin-password" = random_password.keycloak_admin[0].result
    "db-password"    = random_password.database["keycloak"].result
  }
}

resource "helm_release" "keycloak" {
  count      = var.keycloak.in_cluster ? 1 : 0
  name       = "keycloak"
  namespace  = kubernetes_namespace_v1.identity[0].metadata[0].name
  repository = "https://codecentric.github.io/helm-charts"
  chart      = "keycloakx"
  version    = ">= 7.0.0, < 8.0.0"

  values = [yamlencode({
    replicas = var.keycloak.replicas
    image    = { tag = "26.3" }
    # at the root, not the chart's default /auth: the platform's URLs name no path
    http = { relativePath = "/" }
    ingress = {
      enabled          = local.keycloak_host != ""
      ingressClassName = "alb"
      annotations      = merge(local.alb_annotations, { "alb.ingress.kubernetes.io/healthcheck-path" = "/realms/master" })
      rules            = local.keycloak_host == "" ? [] : [{ host = local.keycloak_host, paths = [{ path = "/", pathType = "Prefix" }] }]
      tls              = []
    }
    command = ["/opt/keycloak/bin/kc.sh", "start", "--http-enabled=true", "--http-port=8080", "--hostname-strict=false", "--proxy-headers=xforwarded"]
    database = {
      vendor            = "postgres"
      hostname          = var.postgres.host
      port              = var.postgres.port
      database          = "keycloak"
      username          = "keycloak"
      existingSecret    = kubernetes_secret_v1.keycloak_server[0].metadata[0].name
      existingSecretKey = "db-password"
    }
    extraEnv = yamlencode([
      { name = "KC_BOOTSTRAP_ADMIN_USERNAME", value = "admin" },
      { name = "KC_BOOTSTRAP_ADMIN_PASSWORD", valueFrom = { secretKeyRef = { name = kubernetes_secret_v1.keycloak_server[0].metadata[0].name, key = "admin-password" } } },
      { name = "KC_DB_URL_PROPERTIES", value = "?sslmode=require" },
      { name = "KC_HOSTNAME", value = var.keycloak.public_url },
    ])
  })]

  depends_on = [kubernetes_job_v1.database_bootstrap, helm_release.load_balancer_controller]
}

resource "kubernetes_secret_v1" "keycloak_clients" {
  metadata {
    name      = "smb-copilot-keycloak"
    namespace = kubernetes_namespace_v1.platform.metadata[0].name
  }
  data = {
    "client-secret"                 = random_password.client["auth-service"].result
    "workflow-worker-client-secret" = random_password.client["workflow-worker"].result
  }
}

# --- Qdrant --------------------------------------------------------------------------------

resource "kubernetes_namespace_v1" "vectors" {
  count = var.qdrant.in_cluster ? 1 : 0
  metadata {
    name = local.qdrant_namespace
  }
}

resource "helm_release" "qdrant" {
  count      = var.qdrant.in_cluster ? 1 : 0
  name       = "qdrant"
  namespace  = kubernetes_namespace_v1.vectors[0].metadata[0].name
  repository = "https://qdrant.github.io/qdrant-helm"
  chart      = "qdrant"
  version    = ">= 1.15.0, < 2.0.0"

  values = [yamlencode({
    replicaCount = var.qdrant.replicas
    persistence  = { size = "${var.qdrant.volume_gb}Gi" }
  })]
}

# --- The platform --------------------------------------------------------------------------

resource "random_bytes" "encryption_key" {
  length = 32
}

resource "kubernetes_secret_v1" "copilot" {
  metadata {
    name      = "smb-copilot-copilot"
    namespace = kubernetes_namespace_v1.platform.metadata[0].name
  }
  data = merge(
    { "encryption-key" = random_bytes.encryption_key.base64 },
    var.copilot_api_key == "" ? {} : { "api-key" = var.copilot_api_key },
  )

  lifecycle {
    # a rotation adds previous-encryption-keys by hand (docs/operations.md)
    ignore_changes = [data]
  }
}

resource "kubernetes_secret_v1" "smtp" {
  count = var.mail.username == "" ? 0 : 1
  metadata {
    name      = "smb-copilot-smtp"
    namespace = kubernetes_namespace_v1.platform.metadata[0].name
  }
  data = { username = var.mail.username, password = var.mail_password }
}

locals {
  service_values = {
    for s in local.services : s => merge(
      { replicaCount = lookup(var.replicas, s, s == "api-gateway" ? 2 : 1) },
      lookup(var.max_replicas, s, 0) > lookup(var.replicas, s, s == "api-gateway" ? 2 : 1) ? {
        autoscaling = {
          enabled     = true
          minReplicas = lookup(var.replicas, s, s == "api-gateway" ? 2 : 1)
          maxReplicas = var.max_replicas[s]
        }
      } : {},
      var.image_tag == "" ? {} : { image = { tag = var.image_tag } },
      # the embedded index on a volume when there is no Qdrant
      s == "ingestion-service" && !local.qdrant_enabled ? { persistence = { enabled = true, size = "20Gi", storageClass = "gp3" } } : {},
    )
  }

  chart_values = {
    global = { imageRegistry = var.image_registry }
    postgresql = {
      host           = var.postgres.host
      port           = var.postgres.port
      database       = var.postgres.database
      existingSecret = kubernetes_secret_v1.database.metadata[0].name
      sslMode        = "require"
    }
    kafka = {
      bootstrapServers = var.kafka.bootstrap_servers
      securityProtocol = "SASL_SSL"
      saslMechanism    = var.kafka.sasl_mechanism
      existingSecret   = var.kafka.scram_username == null ? "" : kubernetes_secret_v1.kafka[0].metadata[0].name
      topics           = { partitions = var.kafka.partitions, replicationFactor = var.kafka.replication_factor }
    }
    keycloak = {
      url            = local.keycloak_url
      tokenIssuer    = var.keycloak.public_url == "" ? "" : "${var.keycloak.public_url}/realms/copilot"
      existingSecret = kubernetes_secret_v1.keycloak_clients.metadata[0].name
      realmImport    = { enabled = true, adminSecret = local.admin_secret }
    }
    gateway = { corsOrigins = local.public_url }
    qdrant  = { enabled = local.qdrant_enabled, host = local.qdrant_host }
    copilot = {
      existingSecret = kubernetes_secret_v1.copilot.metadata[0].name
      provider       = var.copilot_provider.provider
      baseUrl        = var.copilot_provider.base_url
      model          = var.copilot_provider.model
    }
    mail = {
      host           = var.mail.host
      port           = var.mail.port
      from           = var.mail.from
      existingSecret = var.mail.username == "" ? "" : kubernetes_secret_v1.smtp[0].metadata[0].name
      publicUrl      = local.public_url
    }
    ingress = {
      enabled     = var.public_host != ""
      className   = "alb"
      annotations = local.alb_annotations
      hosts       = var.public_host == "" ? [] : [var.public_host]
    }
    networkPolicy = {
      egress = {
        postgresql = { ports = [var.postgres.port], to = [for c in var.data_subnet_cidr_blocks : { ipBlock = { cidr = c } }] }
        kafka      = { ports = [9096, 9098], to = [for c in var.data_subnet_cidr_blocks : { ipBlock = { cidr = c } }] }
        keycloak = var.keycloak.in_cluster ? {
          ports = [8080]
          to    = [{ namespaceSelector = { matchLabels = { "kubernetes.io/metadata.name" = local.keycloak_namespace } } }]
        } : { ports = [443, 8080, 8443], to = [] }
        qdrant = var.qdrant.in_cluster ? {
          ports = [6334]
          to    = [{ namespaceSelector = { matchLabels = { "kubernetes.io/metadata.name" = local.qdrant_namespace } } }]
        } : { ports = [6333, 6334], to = [] }
      }
    }
    metrics = {
      serviceMonitor    = { enabled = var.monitoring.enabled, labels = var.monitoring.labels }
      prometheusRule    = { enabled = var.monitoring.enabled, labels = var.monitoring.labels }
      grafanaDashboards = { enabled = var.monitoring.enabled }
    }
    services = local.service_values
  }
}

resource "helm_release" "platform" {
  name      = var.release_name
  namespace = kubernetes_namespace_v1.platform.metadata[0].name
  chart     = local.chart_path

  values = concat([yamlencode(local.chart_values)], var.extra_values)

  wait    = true
  timeout = 900

  depends_on = [
    kubernetes_job_v1.database_bootstrap,
    helm_release.keycloak,
    helm_release.qdrant,
    helm_release.load_balancer_controller,
  ]
}
