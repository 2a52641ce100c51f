"""Self-cost prices: cost base, capital costs, price calculations, approved price lists, Digifin loans.

Other modules read the price in force with `pricing.pricelists.approved_price(session, code, year)`.
"""
from data.appspec import PageSpec
from pricing import approvals, demo, messages, pricelists
from pricing.cli import register
from pricing.facts import price_facts, price_kpis

_FINANCE_AND_LEADER = frozenset({"finance", "leader"})

PAGES = [
    PageSpec("pricing/pages/price_lists.py", "page.price_lists", "section.pricing", ":material/sell:",
             url_path="prislister"),
    PageSpec("pricing/pages/calculations.py", "page.price_calculations", "section.pricing",
             ":material/calculate:", roles=_FINANCE_AND_LEADER, url_path="priskalkyler"),
    PageSpec("pricing/pages/cost_base.py", "page.price_cost_base", "section.pricing",
             ":material/account_balance_wallet:", roles=_FINANCE_AND_LEADER, url_path="kostnadsgrunnlag"),
    PageSpec("pricing/pages/investments.py", "page.price_investments", "section.pricing",
             ":material/domain:", roles=_FINANCE_AND_LEADER, url_path="investeringer"),
    PageSpec("pricing/pages/digifin.py", "page.price_digifin", "section.pricing", ":material/savings:",
             roles=_FINANCE_AND_LEADER, url_path="digifin"),
]
KPIS = [price_kpis]
APPROVALS = [approvals.approvals]   # price lists submitted for the leader's approval
SERVICE_FACTS = [price_facts]
DEMO = [demo.load]
CLI = register
MESSAGES = messages.MESSAGES
FLUSH_GUARDS = [pricelists.refuse_changes_to_approved]
