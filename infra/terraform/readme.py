#!/usr/bin/env python3
"""Writes the Inputs and Outputs tables of every module's and example's README.md from its
variables.tf and outputs.tf (run from anywhere: python3 infra/terraform/readme.py). The test
command checks, with an HCL parser, that each README lists exactly the variables and outputs
(deploy/helm TerraformTest); `terraform-docs` would do the same where it is installed."""
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parent
INTRO = {
    "modules/network": "The VPC of an installation: public subnets (load balancers, NAT gateways), private subnets (the nodes) and data subnets without a route out (RDS, MSK), over two or more zones. It wraps terraform-aws-modules/vpc.",
    "modules/eks": "The EKS cluster with managed node groups, IRSA, the VPC CNI with NetworkPolicy enforcement (the chart's policies take effect) and the EBS CSI driver (the embedded index's claim). It wraps terraform-aws-modules/eks.",
    "modules/postgres": "RDS PostgreSQL for the services' schemas: encrypted at rest, TLS required, automated backups with point-in-time recovery, an optional multi-AZ standby, the master password kept by RDS in Secrets Manager, reachable from the cluster's nodes only.",
    "modules/kafka": "MSK for the event backbone: TLS between clients and brokers and inside the cluster, encryption at rest with a key of its own, SASL/SCRAM (a user whose secret is in Secrets Manager; what the services support today) or SASL/IAM, reachable from the cluster's nodes only. The services create their topics at start.",
    "modules/platform": "The platform on the cluster: its secrets (generated, never in the repository), the services' PostgreSQL roles and schemas (a Job in the cluster), Keycloak (codecentric's keycloakx chart with the official image, its database on the same RDS) and Qdrant when they run in the cluster, the AWS Load Balancer Controller, and the smb-copilot chart with its values wired from the other modules' outputs: PostgreSQL and Kafka hosts, SASL credentials, NetworkPolicy peers (the data subnets), the Ingress on an ALB with ACM, the realm import with the service accounts' secrets set.",
    "examples/aws-minimal": "The smallest useful installation from an empty AWS account: two zones, one NAT gateway, two nodes, single-zone RDS, two brokers, Keycloak in the cluster, the embedded search index on a volume, one ALB. Not highly available.",
    "examples/aws-production": "A highly available installation: three zones, a NAT gateway per zone, system and workload node groups, multi-AZ RDS with two weeks of backups, three brokers, Qdrant and two Keycloak replicas in the cluster, autoscaled services, and kube-prometheus-stack fed by the chart's ServiceMonitor, alert rules and dashboards.",
}


def blocks(text, kind):
    """(name, description, type, has default, sensitive) of each top-level block of that kind."""
    out = []
    for m in re.finditer(r'^%s "([^"]+)" \{' % kind, text, re.M):
        depth, i = 1, m.end()
        while depth:
            depth += {"{": 1, "}": -1}.get(text[i], 0)
            i += 1
        body = text[m.end():i - 1]
        desc = re.search(r'^  description\s*=\s*"((?:[^"\\]|\\.)*)"', body, re.M)
        typ = re.search(r'^  type\s*=\s*(.*)$', body, re.M)
        t = typ.group(1).strip() if typ else ""
        if t.count("(") != t.count(")"):
            t = t.split("(")[0] + "(...)"
        out.append((m.group(1), desc.group(1) if desc else "", t,
                    re.search(r'^  default\s*=', body, re.M) is not None,
                    re.search(r'^  sensitive\s*=\s*true', body, re.M) is not None))
    return out


def main():
    for folder, text in INTRO.items():
        path = ROOT / folder
        name = path.name
        variables = blocks((path / "variables.tf").read_text(), "variable")
        outputs = blocks((path / "outputs.tf").read_text(), "output")
        lines = [f"# {name}", "", text, ""]
        if folder.startswith("examples"):
            lines += ["```bash", "terraform init",
                      "terraform apply -var public_host=copilot.example.com -var certificate_arn=arn:aws:acm:...",
                      "```", "",
                      'Prerequisites, the order of things and what comes after: docs/operations.md, "Install on AWS from zero".', ""]
        else:
            lines += ["```hcl", f'module "{name}" {{', f'  source = "../../modules/{name}"', "  # inputs below", "}", "```", ""]
        lines += ["## Inputs", "", "| Name | Description | Type | Required |", "|---|---|---|---|"]
        for n, desc, typ, default, _ in variables:
            lines.append(f"| `{n}` | {desc} | `{typ}` | {'no' if default else 'yes'} |")
        lines += ["", "## Outputs", "", "| Name | Description |", "|---|---|"]
        for n, desc, _, _, sensitive in outputs:
            lines.append(f"| `{n}` | {desc}{' (sensitive)' if sensitive else ''} |")
        (path / "README.md").write_text("\n".join(lines) + "\n")
        print(f"{folder}: {len(variables)} inputs, {len(outputs)} outputs")


if __name__ == "__main__":
    main()
