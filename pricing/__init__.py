"""Self-cost prices: cost base, capital costs, price calculations, approved price lists, Digifin loans.

Other modules read the price in force with `pricing.pricelists.approved_price(session, code, year)`.
"""
from data.appspec import PageSpec
from data.i18n import register
from pricing import messages as _messages

register(_messages.MESSAGES)

from pricing import pricelists as _pricelists  # noqa: E402,F401  (installs the approved-list guard)
from pricing.cli import register as _register_cli  # noqa: E402
from pricing.demo import load as _load_demo  # noqa: E402
from pricing.facts import price_facts, price_kpis  # noqa: E402

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
SERVICE_FACTS = [price_facts]
DEMO = [_load_demo]
CLI = _register_cli

# --- invoicing, product accounts and the self-cost fund (issue 6) ---------------------------------
from pricing.invoicing import messages as _invoicing_messages  # noqa: E402

register(_invoicing_messages.MESSAGES)
from pricing.invoicing import runs as _invoicing  # noqa: E402,F401  (installs the approved-run guard)
from pricing.invoicing.cli import register as _register_invoicing_cli  # noqa: E402
from pricing.invoicing.demo import load as _load_invoicing_demo  # noqa: E402
from pricing.invoicing.fund import economy_kpis, fund_facts  # noqa: E402


def _register_all_cli(sub) -> None:
    _register_cli(sub)
    _register_invoicing_cli(sub)


PAGES += [
    PageSpec("pricing/invoicing/pages/runs.py", "page.invoice_runs", "section.pricing", ":material/receipt_long:",
             roles=_FINANCE_AND_LEADER, url_path="fakturagrunnlag"),
    PageSpec("pricing/invoicing/pages/accounts.py", "page.product_accounts", "section.pricing",
             ":material/monitoring:", roles=_FINANCE_AND_LEADER, url_path="produktregnskap"),
    PageSpec("pricing/invoicing/pages/fund.py", "page.selfcost_fund", "section.pricing", ":material/account_balance:",
             roles=_FINANCE_AND_LEADER, url_path="selvkostfond"),
]
KPIS += [economy_kpis]
SERVICE_FACTS += [fund_facts]
DEMO += [_load_invoicing_demo]
CLI = _register_all_cli
