"""Invoicing: invoice runs, EHF invoices and credit notes, product accounts and the self-cost fund."""
from data.appspec import PageSpec
from pricing.invoicing import demo, fund, messages, runs
from pricing.invoicing.cli import register

_FINANCE_AND_LEADER = frozenset({"finance", "leader"})

PAGES = [
    PageSpec("pricing/invoicing/pages/runs.py", "page.invoice_runs", "section.pricing", ":material/receipt_long:",
             roles=_FINANCE_AND_LEADER, url_path="fakturagrunnlag"),
    PageSpec("pricing/invoicing/pages/accounts.py", "page.product_accounts", "section.pricing",
             ":material/monitoring:", roles=_FINANCE_AND_LEADER, url_path="produktregnskap"),
    PageSpec("pricing/invoicing/pages/fund.py", "page.selfcost_fund", "section.pricing", ":material/account_balance:",
             roles=_FINANCE_AND_LEADER, url_path="selvkostfond"),
]
KPIS = [fund.economy_kpis]
SERVICE_FACTS = [fund.fund_facts]
DEMO = [demo.load]
CLI = register
MESSAGES = messages.MESSAGES
FLUSH_GUARDS = [runs.refuse_changes_to_runs, fund.closed_years_are_locked]
