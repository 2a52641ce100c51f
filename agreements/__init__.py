"""Agreements: main agreements and service appendices, adoption, user meetings and councils,
change requests and roadmaps."""
from agreements import messages, processing
from agreements.cli import add_commands
from agreements.demo import load_demo
from agreements.mergers import merger_participant
from agreements.overview import kpis, service_facts
from data.appspec import PageSpec
from data.registers.changes import register_merger_participant

PAGES = [
    PageSpec("agreements/pages/agreements.py", "agr.page.agreements", "agr.section", ":material/handshake:",
             url_path="avtaler"),
    PageSpec("agreements/pages/adoption.py", "agr.page.adoption", "agr.section", ":material/map:",
             url_path="utbredelse"),
    PageSpec("agreements/pages/councils.py", "agr.page.councils", "agr.section", ":material/groups:",
             url_path="brukerrad"),
    PageSpec("agreements/pages/change_requests.py", "agr.page.change_requests", "agr.section",
             ":material/lightbulb:", url_path="endringsonsker"),
    PageSpec("agreements/pages/mergers.py", "chg.page.title", "agr.section", ":material/merge:",
             url_path="sammenslaainger"),
]
KPIS = [kpis, processing.kpis]
SERVICE_FACTS = [service_facts, processing.service_facts]
DEMO = [load_demo]
CLI = add_commands
MESSAGES = messages.MESSAGES
# Appendices and council seats take part in a merger plan (data/registers/changes.py).
CHECKS = [(register_merger_participant, merger_participant)]
