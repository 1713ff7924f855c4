#!/usr/bin/env python3
"""Writes the chart's Grafana dashboards (deploy/helm/smb-copilot/files/grafana/*.json).

The JSON files are what the chart ships and what the tests read (every panel's query against the
metrics the services export: tests/edge MetricsAcceptanceTest). This script keeps the ten of them
alike; run it after changing a panel here: python3 deploy/monitoring/dashboards/generate.py
"""
import json
import pathlib

OUT = pathlib.Path(__file__).resolve().parents[2] / "helm/smb-copilot/files/grafana"
SERVICES = ["api-gateway", "auth-service", "ingestion-service", "workflow-worker",
            "notifications-service"]
R = "$__rate_interval"


def panel(title, unit, *queries, kind="timeseries", description=""):
    return {"title": title, "type": kind, "unit": unit, "description": description,
            "queries": list(queries)}


def q(expr, legend=""):
    return {"expr": expr, "legend": legend}


def dashboard(uid, title, description, panels, tags=()):
    out = []
    for i, p in enumerate(panels):
        width = 12 if p["type"] == "timeseries" else 6
        per_row = 24 // width
        out.append({
            "id": i + 1,
            "type": p["type"],
            "title": p["title"],
            "description": p["description"],
            "datasource": {"type": "prometheus", "uid": "${datasource}"},
            "gridPos": {"h": 8, "w": width, "x": (i % per_row) * width, "y": (i // per_row) * 8},
            "fieldConfig": {"defaults": {"unit": p["unit"]}, "overrides": []},
            "options": {"legend": {"displayMode": "list", "placement": "bottom"}}
            if p["type"] == "timeseries" else {"reduceOptions": {"calcs": ["lastNotNull"]}},
            "targets": [
                {"refId": chr(ord("A") + j), "expr": t["expr"], "legendFormat": t["legend"],
                 "datasource": {"type": "prometheus", "uid": "${datasource}"}}
                for j, t in enumerate(p["queries"])
            ],
        })
    return {
        "uid": uid,
        "title": title,
        "description": description,
        "tags": ["smb-copilot", *tags],
        "timezone": "browser",
        "refresh": "30s",
        "schemaVersion": 39,
        "version": 1,
        "time": {"from": "now-6h", "to": "now"},
        "templating": {"list": [{
            "name": "datasource", "label": "Data source", "type": "datasource",
            "query": "prometheus", "current": {}, "hide": 0,
        }]},
        "annotations": {"list": []},
        "panels": out,
    }


def service(name):
    job = f'job="{name}"'
    return dashboard(
        f"copilot-{name}", f"SMB Copilot / {name}",
        f"Requests, errors, durations and the JVM of {name}.",
        [
            panel("Requests by route", "reqps",
                  q(f'sum by (uri) (rate(http_server_requests_seconds_count{{{job}}}[{R}]))', "{{uri}}")),
            panel("Server errors (5xx share)", "percentunit",
                  q(f'sum(rate(http_server_requests_seconds_count{{{job},status=~"5.."}}[{R}]))'
                    f' / sum(rate(http_server_requests_seconds_count{{{job}}}[{R}]))', "5xx")),
            panel("Request duration p95 by route", "s",
                  q(f'histogram_quantile(0.95, sum by (le, uri) (rate(http_server_requests_seconds_bucket{{{job}}}[{R}])))',
                    "{{uri}}")),
            panel("Responses by status", "reqps",
                  q(f'sum by (status) (rate(http_server_requests_seconds_count{{{job}}}[{R}]))', "{{status}}")),
            panel("Heap and non-heap", "bytes",
                  q(f'sum by (area) (jvm_memory_used_bytes{{{job}}})', "{{area}} used"),
                  q(f'sum by (area) (jvm_memory_max_bytes{{{job},area="heap"}})', "heap max")),
            panel("CPU", "percentunit",
                  q(f'process_cpu_usage{{{job}}}', "{{instance}}")),
            panel("GC pause time", "s",
                  q(f'sum by (instance) (rate(jvm_gc_pause_seconds_sum{{{job}}}[{R}]))', "{{instance}}")),
            panel("Threads", "short",
                  q(f'sum by (instance) (jvm_threads_live_threads{{{job}}})', "{{instance}}")),
            panel("Database pool wait", "s",
                  q(f'sum by (instance) (rate(postgresql_queue_delay_seconds_sum{{{job}}}[{R}]))'
                    f' / sum by (instance) (rate(postgresql_queue_delay_seconds_count{{{job}}}[{R}]))',
                    "{{instance}}")),
            panel("Up", "short", q(f'up{{{job}}}', "{{instance}}")),
        ], tags=["service"])


DASHBOARDS = {f"service-{s}": service(s) for s in SERVICES}

DASHBOARDS["events"] = dashboard(
    "copilot-events", "SMB Copilot / Event backbone",
    "The outboxes, the consumers' lag and the dead letters.",
    [
        panel("Outbox lag (oldest unpublished event)", "s",
              q("max by (job) (copilot_outbox_lag_seconds)", "{{job}}"),
              description="Alert CopilotOutboxLagGrowing: older than a minute and growing."),
        panel("Outbox pending events", "short",
              q("sum by (job) (copilot_outbox_pending)", "{{job}}")),
        panel("Events published", "ops",
              q(f"sum by (job) (rate(copilot_outbox_published_total[{R}]))", "{{job}}")),
        panel("Publish failures", "ops",
              q(f"sum by (job) (rate(copilot_outbox_failures_total[{R}]))", "{{job}}")),
        panel("Consumer lag (records)", "short",
              q("max by (job, topic) (kafka_consumer_fetch_manager_records_lag_max)", "{{job}} {{topic}}")),
        panel("Events handled by outcome", "ops",
              q(f"sum by (consumer, outcome) (rate(copilot_inbox_events_total[{R}]))", "{{consumer}} {{outcome}}")),
        panel("Dead-lettered (last hour)", "short",
              q('sum by (consumer) (increase(copilot_inbox_events_total{outcome="dead-lettered"}[1h]))', "{{consumer}}"),
              kind="stat"),
        panel("Jobs by queue and outcome", "ops",
              q(f"sum by (queue, outcome) (rate(copilot_jobs_total[{R}]))", "{{queue}} {{outcome}}")),
    ], tags=["events"])

DASHBOARDS["ingestion"] = dashboard(
    "copilot-ingestion", "SMB Copilot / Ingestion",
    "Documents indexed and failed, and where the time goes.",
    [
        panel("Documents by outcome", "ops",
              q(f"sum by (outcome) (rate(copilot_ingestion_documents_total[{R}]))", "{{outcome}}")),
        panel("Failure share", "percentunit",
              q('sum(increase(copilot_ingestion_documents_total{outcome="failed"}[30m]))'
                " / sum(increase(copilot_ingestion_documents_total[30m]))", "failed")),
        panel("Time per document (mean)", "s",
              q(f"sum(rate(copilot_ingestion_document_time_seconds_sum[{R}]))"
                f" / sum(rate(copilot_ingestion_document_time_seconds_count[{R}]))", "document")),
        panel("Time by stage (mean)", "s",
              q(f"sum by (stage) (rate(copilot_ingestion_stage_time_seconds_sum[{R}]))"
                f" / sum by (stage) (rate(copilot_ingestion_stage_time_seconds_count[{R}]))", "{{stage}}")),
        panel("Embedding model time (mean)", "s",
              q(f"sum(rate(copilot_ingestion_model_time_seconds_sum[{R}]))"
                f" / sum(rate(copilot_ingestion_model_time_seconds_count[{R}]))", "model")),
        panel("Ingest jobs", "ops",
              q(f'sum by (outcome) (rate(copilot_jobs_total{{queue="ingest"}}[{R}]))', "{{outcome}}")),
    ], tags=["ingestion"])

DASHBOARDS["copilot"] = dashboard(
    "copilot-copilot", "SMB Copilot / Copilot",
    "Answers, abstentions, tokens, cost and the model providers.",
    [
        panel("Answers by answerer and outcome", "ops",
              q(f"sum by (answerer, outcome) (rate(copilot_answers_total[{R}]))", "{{answerer}} {{outcome}}")),
        panel("Abstention share", "percentunit",
              q('sum(increase(copilot_answers_total{outcome="abstained"}[1h]))'
                " / sum(increase(copilot_answers_total[1h]))", "abstained")),
        panel("Tokens by direction", "short",
              q(f"sum by (answerer, direction) (rate(copilot_answer_tokens_total[{R}])) * 60",
                "{{answerer}} {{direction}} / min")),
        panel("Cost per hour (USD)", "currencyUSD",
              q("sum by (answerer) (increase(copilot_answer_cost_usd_total[1h]))", "{{answerer}}")),
        panel("Provider calls by outcome", "ops",
              q(f"sum by (provider, outcome) (rate(copilot_provider_calls_total[{R}]))", "{{provider}} {{outcome}}")),
        panel("Answer duration p95 (gateway)", "s",
              q(f'histogram_quantile(0.95, sum by (le) (rate(http_server_requests_seconds_bucket{{job="api-gateway",uri="copilot"}}[{R}])))',
                "p95")),
        panel("Budget crossings (last 24 h)", "short",
              q("sum by (percent) (increase(copilot_budget_crossings_total[24h]))", "{{percent}} %"),
              kind="stat"),
    ], tags=["copilot"])

DASHBOARDS["workflows"] = dashboard(
    "copilot-workflows", "SMB Copilot / Workflows",
    "Runs and their steps.",
    [
        panel("Runs finished by outcome", "short",
              q("sum by (outcome) (increase(copilot_workflow_runs_total[1h]))", "{{outcome}} / h")),
        panel("Failed run share", "percentunit",
              q('sum(increase(copilot_workflow_runs_total{outcome="failed"}[1h]))'
                " / sum(increase(copilot_workflow_runs_total[1h]))", "failed")),
        panel("Step attempts by outcome", "ops",
              q(f'sum by (outcome) (rate(copilot_jobs_total{{queue="workflow-steps"}}[{R}]))', "{{outcome}}")),
        panel("Workflow API p95 (gateway)", "s",
              q(f'histogram_quantile(0.95, sum by (le) (rate(http_server_requests_seconds_bucket{{job="api-gateway",uri="workflows"}}[{R}])))',
                "p95")),
    ], tags=["workflows"])

DASHBOARDS["webhooks"] = dashboard(
    "copilot-webhooks", "SMB Copilot / Webhooks and mail",
    "Webhook deliveries and mail.",
    [
        panel("Webhook attempts by outcome", "ops",
              q(f"sum by (outcome) (rate(copilot_webhook_attempts_total[{R}]))", "{{outcome}}")),
        panel("Webhook failure share", "percentunit",
              q('sum(increase(copilot_webhook_attempts_total{outcome="failed"}[15m]))'
                " / sum(increase(copilot_webhook_attempts_total[15m]))", "failed")),
        panel("Endpoints disabled (last 24 h)", "short",
              q("sum(increase(copilot_webhook_endpoints_disabled_total[24h]))", "disabled"), kind="stat"),
        panel("Delivery and mail jobs", "ops",
              q(f'sum by (queue, outcome) (rate(copilot_jobs_total{{queue=~"webhooks|mail"}}[{R}]))',
                "{{queue}} {{outcome}}")),
    ], tags=["webhooks"])


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*.json"):
        old.unlink()
    for name, board in DASHBOARDS.items():
        (OUT / f"{name}.json").write_text(json.dumps(board, indent=2) + "\n")
    print(f"{len(DASHBOARDS)} dashboards in {OUT}")


if __name__ == "__main__":
    main()
