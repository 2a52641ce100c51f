"""The EHF settings page (issue 21): admin and finance change the seller and the recipients through its forms,
finance the VAT of a price list; the leader reads; what is saved is what the EHF documents will say."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from data import db
from data.registers.models import Organisation
from pricing.invoicing import settings
from pricing.invoicing.models import EhfRecipient
from tests.conftest import make_actor
from tests.pages import errors_of, render, shown

PAGE = "pricing/invoicing/pages/ehf_settings.py"


def _open(role: str):
    app = render(PAGE, make_actor(role), timeout=60)
    assert errors_of(app) == [], errors_of(app)
    return app


def _widget(widgets, prefix: str):
    return next(w for w in widgets if (w.key or "").startswith(prefix))


def _supplier() -> dict:
    with db.session_scope() as session:
        return settings.supplier_values(session)


def test_finance_changes_the_seller_through_the_form(demo_url):
    before = _supplier()
    app = _open("finance")
    version = before["version"]
    assert app.text_input(key=f"ehf-sup-account-{version}").value == "9999.00.00006"   # as people write it
    app.number_input(key=f"ehf-sup-terms-{version}").set_value(14)
    app.selectbox(key=f"ehf-sup-kid-{version}").set_value("mod11")
    app.text_input(key=f"ehf-sup-phone-{version}").input("22 00 00 00")
    app.button(key=f"ehf-sup-save-{version}").click().run(timeout=60)
    assert errors_of(app) == [], errors_of(app)
    after = _supplier()
    assert (after["payment_terms_days"], after["kid_method"], after["contact_phone"]) == (14, "mod11", "22 00 00 00")
    assert after["bank_account"] == "99990000006" and after["version"] == version + 1
    assert after["updated_by"] == "finance"
    # the form is drawn again from what is stored
    assert app.number_input(key=f"ehf-sup-terms-{version + 1}").value == 14


def test_a_bad_bank_account_is_refused_in_plain_language_and_nothing_is_saved(demo_url):
    before = _supplier()
    app = _open("admin")                                    # admin edits the seller too
    version = before["version"]
    app.text_input(key=f"ehf-sup-account-{version}").input("1234.56.78901")
    app.number_input(key=f"ehf-sup-terms-{version}").set_value(10)
    app.button(key=f"ehf-sup-save-{version}").click().run(timeout=60)
    assert any("1234.56.78901" in e and "ikke et gyldig norsk kontonummer" in e for e in errors_of(app)), \
        errors_of(app)
    assert not app.exception
    assert _supplier() == before


def _org(number: str) -> int:
    with db.session_scope() as session:
        return session.scalar(select(Organisation.id).where(Organisation.municipality_number == number,
                                                            Organisation.kind == "municipality"))


def test_finance_sets_one_herøy_s_reference_and_invoice_address(demo_url):
    heroy_nordland, heroy_more = _org("1818"), _org("1515")
    app = _open("finance")
    app.text_input(key="ehf-rec-search").input("Herøy").run(timeout=60)
    table = shown(app.dataframe[0])
    assert sorted(table["municipality_number"]) == ["1515", "1818"]          # two Herøy, told apart by number
    app.selectbox(key="ehf-rec-org").set_value(heroy_nordland).run(timeout=60)
    with db.session_scope() as session:
        version = session.scalar(select(EhfRecipient.version).where(EhfRecipient.organisation_id == heroy_nordland))
    key = f"ehf-rec-{heroy_nordland}-{version}"
    app.text_input(key=f"{key}-street").input("Postboks 4")
    app.text_input(key=f"{key}-postal").input("8096")
    app.text_input(key=f"{key}-city").input("Herøy")
    app.text_input(key=f"{key}-reference").input("Ordre 4711")
    app.button(key=f"{key}-save").click().run(timeout=60)
    assert errors_of(app) == [], errors_of(app)
    with db.session_scope() as session:
        buyers = settings.buyers(session, [heroy_nordland, heroy_more])
    assert (buyers[heroy_nordland]["street"], buyers[heroy_nordland]["postal_code"],
            buyers[heroy_nordland]["buyer_reference"]) == ("Postboks 4", "8096", "Ordre 4711")
    assert buyers[heroy_more]["buyer_reference"] == "DEMO-1515"     # the other Herøy is untouched
    table = shown(app.dataframe[0])
    assert table.loc[table["municipality_number"] == "1818", "reference"].tolist() == ["Ordre 4711"]


def test_finance_makes_a_price_list_exempt_and_the_page_shows_it(demo_url):
    with db.session_scope() as session:
        row = next(r for r in settings.vat_rows(session) if r["in_force"])
    app = _open("finance")
    app.selectbox(key="ehf-vat-list").set_value(row["price_list_id"]).run(timeout=60)
    key = f"ehf-vat-{row['price_list_id']}-None"
    app.selectbox(key=f"{key}-category").set_value("E")
    app.text_input(key=f"{key}-reason").input("Unntatt etter mval. § 3-2")
    app.button(key=f"{key}-save").click().run(timeout=60)
    assert errors_of(app) == [], errors_of(app)
    with db.session_scope() as session:
        stored = next(r for r in settings.vat_rows(session) if r["price_list_id"] == row["price_list_id"])
    assert (stored["category"], stored["rate_percent"], stored["exemption_reason"]) == \
        ("E", Decimal("0"), "Unntatt etter mval. § 3-2")
    assert "Fritatt for mva (Unntatt etter mval. § 3-2)" in shown(app.dataframe[1])["vat"].tolist()


def test_an_exempt_price_list_without_a_reason_is_refused(demo_url):
    with db.session_scope() as session:
        row = next(r for r in settings.vat_rows(session) if r["in_force"])
    app = _open("finance")
    app.selectbox(key="ehf-vat-list").set_value(row["price_list_id"]).run(timeout=60)
    key = f"ehf-vat-{row['price_list_id']}-None"
    app.selectbox(key=f"{key}-category").set_value("O")
    app.button(key=f"{key}-save").click().run(timeout=60)
    assert "Utenfor mva-området krever en fritaksgrunn." in errors_of(app)
    with db.session_scope() as session:
        assert settings.vat_by_list(session, [row["price_list_id"]]) == {}


def test_the_leader_reads_and_the_admin_may_not_set_vat(demo_url):
    leader = _open("leader")
    assert not [b for b in leader.button if (b.key or "").startswith("ehf-")]   # no form to submit
    assert any("bare administrator og økonomi" in i.value for i in leader.info)
    seller = shown(leader.dataframe[0])
    assert "9999.00.00006" in seller["value"].tolist()
    admin = _open("admin")
    assert [b.key for b in admin.button] == [f"ehf-sup-save-{_supplier()['version']}"]
    assert any(c.value == "Bare økonomi kan endre mva på prislister." for c in admin.caption)
    assert "ehf-vat-list" not in [s.key for s in admin.selectbox]


def test_other_roles_are_refused(demo_url):
    app = render(PAGE, make_actor("support"))
    assert "Denne siden er ikke tilgjengelig for din rolle." in errors_of(app)
    assert not app.dataframe
