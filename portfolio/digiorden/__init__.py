"""DigiOrden: the map of municipalities' systems, datasets, vendors, integrations and records of processing."""
from data.appspec import PageSpec
from portfolio.digiorden import messages
from portfolio.digiorden.analysis import kpis, service_facts
from portfolio.digiorden.cli import register_cli
from portfolio.digiorden.demo import load_demo

PAGES = [
    PageSpec("portfolio/digiorden/pages/map.py", "do.page.map", "do.section",
             icon=":material/hub:", url_path="digiorden-kart"),
    PageSpec("portfolio/digiorden/pages/gaps.py", "do.page.gaps", "do.section",
             icon=":material/checklist:", url_path="digiorden-mangler"),
    PageSpec("portfolio/digiorden/pages/sector.py", "do.page.sector", "do.section",
             icon=":material/account_tree:", url_path="digiorden-sektor"),
    PageSpec("portfolio/digiorden/pages/exchange.py", "do.page.exchange", "do.section",
             icon=":material/swap_vert:", url_path="digiorden-import-eksport"),
]
KPIS = [kpis]
SERVICE_FACTS = [service_facts]
DEMO = [load_demo]
CLI = register_cli
MESSAGES = messages.MESSAGES
