"""Metering: usage events from the platform's services, their ingestion (files and the HTTP API),
monthly roll-ups and closed months."""
from data.appspec import PageSpec
from data.metering import demo, messages, usage
from data.metering.cli import register_cli
from data.registers.changes import register_merger_participant

PAGES = [PageSpec("data/metering/pages/usage.py", "meter.page_title", "meter.section", ":material/speed:",
                  url_path="forbruk")]
KPIS = [usage.usage_kpis]
SERVICE_FACTS = [usage.service_usage_facts]
DEMO = [demo.load_demo]
CLI = register_cli
MESSAGES = messages.MESSAGES
# Usage follows a merger (data/registers/changes.py).
CHECKS = [(register_merger_participant, usage.merger_participant)]
