"""Invoicing: invoice runs, EHF invoices and credit notes, product accounts and the self-cost fund."""
from data.appspec import PageSpec
from data.registers.changes import register_merger_participant
from pricing import fundplan
from pricing.invoicing import approvals, demo, ehf, fund, messages, runs, settings
from pricing.invoicing.cli import register

_FINANCE_AND_LEADER = frozenset({"finance", "leader"})

PAGES = [
    PageSpec("pricing/invoicing/pages/runs.py", "page.invoice_runs", "section.pricing", ":material/receipt_long:",
             roles=_FINANCE_AND_LEADER, url_path="fakturagrunnlag"),
    PageSpec("pricing/invoicing/pages/accounts.py", "page.product_accounts", "section.pricing",
             ":material/monitoring:", roles=_FINANCE_AND_LEADER, url_path="produktregnskap"),
    PageSpec("pricing/invoicing/pages/fund.py", "page.selfcost_fund", "section.pricing", ":material/account_balance:",
             roles=_FINANCE_AND_LEADER, url_path="selvkostfond"),
    PageSpec("pricing/invoicing/pages/ehf_settings.py", "page.ehf_settings", "section.pricing", ":material/tune:",
             roles=settings.PAGE_ROLES, url_path="ehf-oppsett"),
]
KPIS = [fund.economy_kpis]
APPROVALS = [approvals.approvals]   # prepared invoice runs and credits
SERVICE_FACTS = [fund.fund_facts]
DEMO = [demo.load]
CLI = register
MESSAGES = messages.MESSAGES
FLUSH_GUARDS = [runs.refuse_changes_to_runs, fund.closed_years_are_locked, ehf.refuse_changes_to_documents]
# Fund shares follow a merger (data/registers/changes.py).
CHECKS = [(register_merger_participant, fund.merger_participant),
          # the fund's deadlines shown in the price calculation (pricing/fundplan.py)
          (fundplan.register_fund_due, fund.due_in_price)]
