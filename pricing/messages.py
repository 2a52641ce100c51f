"""Texts of the pricing package: {key: (bokmål, English)}."""

MESSAGES: dict[str, tuple[str, str]] = {
    # navigation and pages
    "section.pricing": ("Priser og selvkost", "Prices and self-cost"),
    "page.price_lists": ("Prislister", "Price lists"),
    "page.price_calculations": ("Priskalkyler", "Price calculations"),
    "page.price_cost_base": ("Kostnadsgrunnlag", "Cost base"),
    "page.price_investments": ("Investeringer og kalkylerente", "Investments and imputed interest"),
    "page.price_digifin": ("Digifin-lån", "Digifin loans"),
    "price.price_lists_intro": ("Godkjente priser per tjeneste og år. En godkjent prisliste endres aldri; en ny "
                                "versjon erstatter den.",
                                "Approved prices per service and year. An approved price list never changes; a new "
                                "version replaces it."),
    "price.calculations_intro": ("Regn ut selvkostprisen for en tjeneste og et år, se hvordan hver krone er regnet "
                                 "fram, og hva hver virksomhet skal betale.",
                                 "Calculate the self-cost price of a service for a year, see how every krone was "
                                 "reached, and what each organisation will pay."),
    "price.cost_base_intro": ("Budsjett og regnskap per tjeneste og år: direkte kostnader og felleskostnader som "
                              "fordeles med en fordelingsnøkkel.",
                              "Budget and actual costs per service and year: direct costs, and shared costs "
                              "allocated by a key."),
    "price.investments_intro": ("Investeringer gir kapitalkostnader: lineære avskrivninger og kalkylerente på "
                                "gjennomsnittlig restverdi.",
                                "Investments give capital costs: linear depreciation and imputed interest on the "
                                "average residual value."),
    "price.digifin_intro": ("Lån til utvikling som betales tilbake av virksomhetene som tar tjenesten i bruk, "
                            "som et påslag i prisen.",
                            "Development loans repaid by the organisations that adopt the service, as a surcharge "
                            "in the price."),
    # choices
    "price.basis.budget": ("Budsjett", "Budget"),
    "price.basis.actual": ("Regnskap", "Actual"),
    "price.type.support": ("Brukerstøtte", "Support"),
    "price.type.operations": ("Drift", "Operations"),
    "price.type.management": ("Ledelse", "Management"),
    "price.type.administration": ("Administrasjon", "Administration"),
    "price.type.development": ("Utvikling", "Development"),
    "price.type.other": ("Annet", "Other"),
    "price.key.usage": ("Andel bruk", "Share of usage"),
    "price.key.fte": ("Andel årsverk", "Share of staff FTE"),
    "price.key.tickets": ("Andel henvendelser", "Share of support tickets"),
    "price.key.revenue": ("Andel inntekter", "Share of revenue"),
    "price.key.fixed": ("Faste prosenter", "Fixed percentages"),
    "price.status.draft": ("utkast", "draft"),
    "price.status.approved": ("godkjent", "approved"),
    "price.status.awaiting_approval": ("venter på godkjenning", "awaiting approval"),
    # prices per organisation kind and population year (issue 18)
    "price.kind.municipality": ("kommuner", "municipalities"),
    "price.kind.county_municipality": ("fylkeskommuner", "county municipalities"),
    "price.kind.state_agency": ("statlige virksomheter", "state agencies"),
    "price.kind.other": ("andre virksomheter", "other organisations"),
    "price.charge.model": ("Etter kalkylens modell", "By the calculation's model"),
    "price.charge.per_inhabitant": ("Egen pris per innbygger", "Own price per inhabitant"),
    "price.charge.fixed": ("Fast årsbeløp", "Fixed yearly amount"),
    "price.charge.per_unit": ("Egen pris per enhet (målt bruk)", "Own price per unit (metered)"),
    "price.charge.free": ("Betaler ikke", "Not charged"),
    "price.charge.none": ("Ingen pris (faktureres ikke)", "No price (not billed)"),
    "price.kind_missing": ("Prismodellen sier ikke hvordan {kinds} skal betale, men disse tar tjenesten i bruk: "
                           "{names}. Velg en modell for hver virksomhetstype. Ingenting er lagret.",
                           "The price model does not say how {kinds} pay, but these use the service: {names}. "
                           "Choose a model for each organisation kind. Nothing was saved."),
    "price.kinds_cover_too_much": ("Det virksomhetstypene med egen pris betaler, er mer enn selvkosten. Sett ned "
                                   "de faste beløpene eller enhetsprisene.",
                                   "What the organisation kinds with their own price pay exceeds the self-cost. "
                                   "Lower the fixed amounts or unit prices."),
    "price.no_model_adopters": ("Ingen virksomheter betaler etter kalkylens modell, så resten av selvkosten blir "
                                "ikke dekket. La minst én virksomhetstype betale etter modellen.",
                                "No organisation pays by the calculation's model, so the rest of the self-cost is "
                                "not covered. Let at least one organisation kind pay by the model."),
    "price.kind_fee_missing": ("Et fast årsbeløp må være større enn 0 kr.", "A fixed yearly amount must be above 0 kr."),
    "price.kind_price_missing": ("Oppgi prisen per innbygger eller per enhet.", "Give the price per inhabitant or unit."),
    "price.kind_tier_prices": ("Oppgi én pris (ikke negativ) for hvert av de {tiers} trinnene.",
                               "Give one price (not negative) for each of the {tiers} tiers."),
    "price.kinds_title": ("**Pris per virksomhetstype**", "**Price per organisation kind**"),
    "price.kinds_help": ("Kommuner betaler normalt etter kalkylens modell. Velg for de andre typene: samme modell, "
                         "eget fast årsbeløp, egen pris per innbygger eller per enhet, eller ingen betaling. Det de "
                         "med egen pris betaler, trekkes fra selvkosten før modellens satser regnes ut. En type uten "
                         "valg har ingen pris: tjenestevedlegg for den faktureres ikke.",
                         "Municipalities normally pay by the calculation's model. Choose for the other kinds: the "
                         "same model, their own fixed yearly amount, their own price per inhabitant or per unit, or "
                         "no charge. What those with their own price pay is deducted from the self-cost before the "
                         "model's rates are worked out. A kind with no choice has no price: its appendices are not "
                         "billed."),
    "price.col.kind": ("Virksomhetstype", "Organisation kind"),
    "price.col.charge": ("Betaler", "Pays"),
    "price.col.kind_amount": ("Fast beløp / pris (kr)", "Fixed amount / price (kr)"),
    "price.col.agreed_model": ("Avtalt prismodell", "Agreed price model"),
    "price.col.population_year": ("Befolkningsår", "Population year"),
    "price.col.prepared_by": ("Utarbeidet av", "Prepared by"),
    "price.col.prepared_at": ("Utarbeidet", "Prepared"),
    "price.col.submitted_by": ("Sendt av", "Submitted by"),
    "price.col.submitted_at": ("Sendt", "Submitted"),
    "price.population_year_help": ("SSBs tall per 1. januar. Tomt: siste år som har tall (1. januar-tallet for "
                                   "prisåret publiseres i februar).",
                                   "Statistics Norway's 1 January figures. Blank: the latest year with figures (the "
                                   "price year's 1 January figure is published in February)."),
    "price.population_fallback": ("Ingen innbyggertall for {year} for {count} virksomheter ({names}): registerets "
                                  "siste tall er brukt.",
                                  "No population figure for {year} for {count} organisations ({names}): the "
                                  "register's latest figure is used."),
    "price.submit": ("Send til godkjenning", "Send for approval"),
    "price.confirm_submit": ("Send kalkylen til en leder for godkjenning?", "Send the calculation to a leader for approval?"),
    "price.submitted": ("Sendt til godkjenning.", "Sent for approval."),
    "price.not_draft.awaiting_approval": ("Kalkyle {number} for {service} {year} venter allerede på godkjenning "
                                          "(sendt av {who}).",
                                          "Calculation {number} for {service} {year} already awaits approval "
                                          "(submitted by {who})."),
    "price.not_draft.approved": ("Kalkyle {number} for {service} {year} er allerede godkjent.",
                                 "Calculation {number} for {service} {year} is already approved."),
    "price.awaiting_info": ("Venter på godkjenning: sendt av {who} {when}. En leder som verken laget eller sendte "
                            "kalkylen, godkjenner den.",
                            "Awaiting approval: submitted by {who} {when}. A leader who neither wrote nor submitted "
                            "the calculation approves it."),
    "price.cli_submitted": ("Kalkyle {number} er sendt til godkjenning.", "Calculation {number} is sent for approval."),
    "price.cli_help_submit": ("send en kalkyle til godkjenning (økonomi)", "send a calculation for approval (finance)"),
    "price.cli_help_send_back": ("send en kalkyle som venter på godkjenning, tilbake til økonomi som utkast, med "
                                 "begrunnelse (leder)",
                                 "send a calculation awaiting approval back to finance as a draft, with the reason "
                                 "(leader)"),
    "price.cli_help_reason": ("hva som må endres", "what must change"),
    "price.cli_sent_back": ("Kalkyle {number} for {service} {year} er sendt tilbake til økonomi som utkast.",
                            "Calculation {number} for {service} {year} was sent back to finance as a draft."),
    "price.cli_help_calculations": ("vis kalkylene (id, status, selvkost) og hvorfor en kalkyle ble sendt tilbake",
                                    "show the calculations (id, status, self-cost) and why one was sent back"),
    "price.cli_calculations_empty": ("Ingen kalkyler med dette utvalget.", "No calculations with this selection."),
    "price.model.organisation": ("Fast årspris per virksomhet", "Fixed annual fee per organisation"),
    "price.model.inhabitant": ("Per innbygger", "Per inhabitant"),
    "price.model.unit": ("Per enhet", "Per unit"),
    "price.per.organisation": ("per virksomhet", "per organisation"),
    "price.per.inhabitant": ("per innbygger", "per inhabitant"),
    "price.per.unit": ("per enhet", "per unit"),
    "price.tier_mode.graduated": ("trappetrinn (hvert trinn for seg)", "graduated (each tier on its own)"),
    "price.tier_mode.volume": ("volumtrinn (hele mengden i trinnet den havner i)", "volume (all of it at the tier "
                                                                                     "reached)"),
    "price.source.manual": ("lagt inn av økonomi", "entered by finance"),
    "price.source.agreements": ("tjenestevedlegg og målt bruk", "service appendices and metered usage"),
    "price.source.manual_note": ("Virksomheter og volum i denne kalkylen er lagt inn av økonomi, ikke hentet fra "
                                 "avtaler og målt bruk.",
                                 "Organisations and volumes in this calculation were entered by finance, not taken "
                                 "from agreements and metered usage."),
    "price.adopter_source": ("Hvem betaler, og hvor mye bruker de?", "Who pays, and how much do they use?"),
    "price.adopter_source.agreements": ("Fra tjenestevedlegg og målt bruk", "From service appendices and usage"),
    "price.adopter_source.previous": ("Som forrige kalkyle", "As the previous calculation"),
    "price.adopter_source.municipalities": ("Alle kommuner", "All municipalities"),
    "price.adopter_source.empty": ("Tom liste", "Empty list"),
    "price.target": ("Kostnaden gjelder", "The cost belongs to"),
    "price.target.service": ("én tjeneste (direkte)", "one service (direct)"),
    "price.target.pool": ("en kostnadspool (felles)", "a cost pool (shared)"),
    "price.phase.development": ("utvikling", "development"),
    "price.phase.repayment": ("nedbetaling", "repayment"),
    "price.yes": ("Ja", "Yes"),
    "price.no": ("Nei", "No"),
    # columns (also the headers of the cost-base import)
    "price.col.service": ("Tjeneste", "Service"),
    "price.col.pool": ("Kostnadspool", "Cost pool"),
    "price.col.cost_type": ("Kostnadstype", "Cost type"),
    "price.col.basis": ("Grunnlag", "Basis"),
    "price.col.description": ("Beskrivelse", "Description"),
    "price.col.amount": ("Beløp (kr)", "Amount (NOK)"),
    "price.col.counts": ("Teller i selvkost", "Counts toward self-cost"),
    "price.col.code": ("Kode", "Code"),
    "price.col.name": ("Navn", "Name"),
    "price.col.key_type": ("Fordelingsnøkkel", "Allocation key"),
    "price.col.figure": ("Nøkkeltall", "Key figure"),
    "price.col.total_figure": ("Sum nøkkeltall", "Total key figures"),
    "price.col.share": ("Andel", "Share"),
    "price.col.share_percent": ("Andel av selvkost (%)", "Share of self-cost (%)"),
    "price.col.pool_total": ("Poolens kostnader", "Pool's costs"),
    "price.col.allocated": ("Fordelt til tjenesten", "Allocated to the service"),
    "price.col.counted": ("Medregnet", "Counted"),
    "price.col.not_counted": ("Teller ikke (budsjett)", "Not counted (budget)"),
    "price.col.deviation": ("Avvik regnskap – budsjett", "Actual – budget"),
    "price.col.year": ("År", "Year"),
    "price.col.investment": ("Investering", "Investment"),
    "price.col.year_in_use": ("Tatt i bruk (år)", "Taken into use (year)"),
    "price.col.years_of_use": ("Brukstid (år)", "Years of use"),
    "price.col.last_year": ("Siste avskrivningsår", "Last year of depreciation"),
    "price.col.depreciation": ("Avskrivning", "Depreciation"),
    "price.col.opening": ("Restverdi 1.1.", "Residual value 1 Jan"),
    "price.col.closing": ("Restverdi 31.12.", "Residual value 31 Dec"),
    "price.col.average": ("Gjennomsnittlig restverdi", "Average residual value"),
    "price.col.imputed_rate": ("Kalkylerente", "Imputed rate"),
    "price.col.interest": ("Renter", "Interest"),
    "price.col.capital_cost": ("Kapitalkostnad", "Capital cost"),
    "price.col.swap_rate": ("5-års swaprente (snitt)", "5-year swap rate (average)"),
    "price.col.swap_rate_percent": ("5-års swaprente, snitt (%)", "5-year swap rate, average (%)"),
    "price.col.source": ("Kilde", "Source"),
    "price.col.note": ("Merknad", "Note"),
    "price.col.loan": ("Lån", "Loan"),
    "price.col.payment": ("Betaling (avdrag + renter)", "Payment (principal + interest)"),
    "price.col.drawn": ("Trukket", "Drawn"),
    "price.col.principal": ("Avdrag", "Principal"),
    "price.col.phase": ("Fase", "Phase"),
    "price.col.interest_rate": ("Rente", "Interest rate"),
    "price.col.interest_rate_percent": ("Rente (%)", "Interest rate (%)"),
    "price.col.borrowed": ("Lånt", "Borrowed"),
    "price.col.to_repay": ("Å betale tilbake ved oppstart", "To repay at launch"),
    "price.col.first_repayment_year": ("Første nedbetalingsår", "First repayment year"),
    "price.col.repayment_years": ("Nedbetalingstid (år)", "Repayment years"),
    "price.col.on_date": ("Dato", "Date"),
    "price.col.surcharge": ("Påslag per virksomhet", "Surcharge per organisation"),
    "price.col.organisation": ("Virksomhet", "Organisation"),
    "price.col.organisation_key": ("Virksomhet (org.nr., kommunenr. eller navn)",
                                   "Organisation (org. no., municipality no. or name)"),
    "price.col.org_number": ("Org.nr.", "Org. no."),
    "price.col.population": ("Innbyggere", "Inhabitants"),
    "price.col.units": ("Forventet volum (enheter)", "Expected volume (units)"),
    "price.col.tier_quantity": ("mengde trinn {tier}", "quantity tier {tier}"),
    "price.col.weighted": ("vektet mengde", "weighted quantity"),
    "price.col.at_minimum": ("på minstepris", "at minimum fee"),
    "price.col.bill": ("beløp", "amount"),
    "price.col.total_bill": ("Å betale", "To pay"),
    "price.col.previous_bill": ("Med fjorårets prisliste", "Under last year's list"),
    "price.col.change": ("Endring", "Change"),
    "price.col.change_pct": ("Endring (%)", "Change (%)"),
    "price.col.component": ("Priskomponent", "Price component"),
    "price.col.component_cost": ("Kostnad som dekkes", "Cost covered"),
    "price.col.weighted_volume": ("Vektet volum", "Weighted volume"),
    "price.col.minimum_fee": ("Minstepris (kr)", "Minimum fee (NOK)"),
    "price.col.at_minimum_count": ("Antall på minstepris", "Number at minimum fee"),
    "price.col.weighted_above_minimum": ("Vektet volum over minstepris", "Weighted volume above minimum"),
    "price.col.base_rate": ("Grunnsats (kr per vektet enhet)", "Base rate (NOK per weighted unit)"),
    "price.col.tier": ("Trinn", "Tier"),
    "price.col.tier_mode": ("Trinntype", "Tier type"),
    "price.col.tiers": ("Trinn (øvre grense:faktor; ...)", "Tiers (upper bound:factor; ...)"),
    "price.col.from": ("Fra", "From"),
    "price.col.to": ("Til", "To"),
    "price.col.factor": ("Faktor", "Factor"),
    "price.col.tier_price": ("Pris", "Price"),
    "price.col.tier_prices": ("Priser per trinn", "Prices per tier"),
    "price.col.item": ("Post", "Item"),
    "price.col.value": ("Verdi", "Value"),
    "price.col.detail": ("Slik er det regnet", "How it was calculated"),
    "price.col.section": ("Del", "Part"),
    "price.col.loan_payment": ("Betaling", "Payment"),
    "price.col.list_version": ("Prislisteversjon", "Price-list version"),
    "price.col.in_force": ("Gjelder", "In force"),
    "price.col.approved_by": ("Godkjent av", "Approved by"),
    "price.col.approved_at": ("Godkjent", "Approved"),
    "price.col.calculation": ("Kalkyle nr.", "Calculation no."),
    "price.col.status": ("Status", "Status"),
    "price.col.created_by": ("Laget av", "Made by"),
    "price.col.created_at": ("Laget", "Made"),
    "price.col.model_basis": ("Prismodell", "Price model"),
    "price.col.unit_label": ("Enhet (f.eks. brev)", "Unit (e.g. letters)"),
    "price.col.fund_use": ("Bruk av selvkostfond (kr)", "Use of self-cost fund (NOK)"),
    "price.col.growth": ("Forventet vekst i bruk (%)", "Expected growth in usage (%)"),
    # workbook sheets
    "price.sheet.items": ("Kostnader", "Costs"),
    "price.sheet.pools": ("Kostnadspooler", "Cost pools"),
    "price.sheet.figures": ("Nøkkeltall", "Key figures"),
    "price.xl.summary": ("Kalkyle", "Calculation"),
    "price.xl.direct": ("Direkte kostnader", "Direct costs"),
    "price.xl.allocation": ("Fordeling", "Allocation"),
    "price.xl.capital": ("Kapitalkostnader", "Capital costs"),
    "price.xl.digifin": ("Digifin", "Digifin"),
    "price.xl.prices": ("Priser", "Prices"),
    "price.xl.tiers": ("Trinn", "Tiers"),
    "price.xl.adopters": ("Virksomheter", "Organisations"),
    "price.xl.kinds": ("Egen pris per type", "Own price per kind"),
    "price.xl.inputs": ("Inndata", "Inputs"),
    "price.xl.bills": ("Regninger", "Bills"),
    "price.xl.price_lists": ("Prislister", "Price lists"),
    "price.xl.organisation_bills": ("Regninger {year}", "Bills {year}"),
    "price.org_bills_title": ("Hva hver virksomhet betaler i {year}", "What each organisation pays in {year}"),
    "price.org_bills_help": ("Summen av alle tjenester med gjeldende prisliste, med forventet volum fra "
                             "kalkylene, mot de samme volumene med prislistene året før. {new} virksomheter er nye "
                             "på minst én tjeneste (ingen pris året før).",
                             "The sum over all services with a price list in force, at the calculations' expected "
                             "volumes, against the same volumes under the year before's lists. {new} organisations "
                             "are new to at least one service (no price the year before)."),
    "price.org_bills_empty": ("Ingen godkjente prislister for {year} ennå.", "No approved price lists for {year} "
                                                                               "yet."),
    "price.bills_year": ("Prisår", "Price year"),
    "price.sum.direct": ("Direkte kostnader", "Direct costs"),
    "price.sum.allocated": ("Fordelte felleskostnader", "Allocated shared costs"),
    "price.sum.capital": ("Kapitalkostnader", "Capital costs"),
    "price.sum.digifin": ("Digifin-nedbetaling", "Digifin repayment"),
    "price.sum.fund_use": ("Bruk av selvkostfond", "Use of the self-cost fund"),
    "price.sum.self_cost_exact": ("Selvkost (uavrundet)", "Self-cost (unrounded)"),
    "price.sum.self_cost": ("Selvkost", "Self-cost"),
    "price.sum.revenue": ("Forventede inntekter", "Expected revenue"),
    "price.sum.rounding": ("Avrundingsdifferanse", "Rounding difference"),
    "price.sum.kind_revenue": ("Betales av virksomhetstyper med egen pris", "Paid by organisation kinds with a price "
                                                                           "of their own"),
    "price.sum.model_cost": ("Dekkes av kalkylens modell", "Covered by the calculation's model"),
    "price.sum.prices": ("Priser", "Prices"),
    "price.tier_range": ("(trinn {lower}–{upper})", "(tier {lower}–{upper})"),
    "price.doc.service": ("Tjeneste", "Service"),
    "price.doc.year": ("Prisår", "Price year"),
    "price.doc.basis": ("Kostnadsgrunnlag", "Cost basis"),
    "price.doc.calculation": ("Kalkyle", "Calculation"),
    "price.doc.created": ("Laget av", "Made by"),
    "price.doc.volume_source": ("Virksomheter og volum fra", "Organisations and volume from"),
    "price.doc.growth": ("Forventet vekst i bruk (%)", "Expected growth in usage (%)"),
    "price.doc.imputed_rate": ("Kalkylerente (%)", "Imputed rate (%)"),
    "price.doc.fund_use": ("Bruk av selvkostfond (kr)", "Use of self-cost fund (NOK)"),
    "price.doc.adopters": ("Virksomheter som betaler", "Paying organisations"),
    "price.doc.prepared": ("Utarbeidet", "Prepared"),
    "price.doc.approved": ("Godkjent", "Approved"),
    "price.doc.component": ("Priskomponent {number}", "Price component {number}"),
    "price.doc.key_figures": ("Nøkkeltall for {pool}", "Key figures for {pool}"),
    "price.doc.note": ("Merknad", "Note"),
    "price.calc_label": ("Kalkyle {number} ({status})", "Calculation {number} ({status})"),
    "price.list_version": ("versjon {number}", "version {number}"),
    # errors and validation
    "price.cost_target": ("Oppgi enten en tjeneste (direkte kostnad) eller en kostnadspool (felleskostnad), ikke "
                          "begge.",
                          "Give either a service (direct cost) or a cost pool (shared cost), not both."),
    "price.pool_not_found": ("Fant ingen kostnadspool «{code}» for {year}.", "No cost pool “{code}” for {year}."),
    "price.cost_item_not_found": ("Fant ikke kostnadslinje {id}.", "Cost line {id} not found."),
    "price.figure_negative": ("Nøkkeltallet for {service} kan ikke være negativt.",
                              "The key figure for {service} cannot be negative."),
    "price.fixed_not_100": ("Faste prosenter i {pool} må bli 100 til sammen, ikke {total}.",
                            "Fixed percentages in {pool} must add up to 100, not {total}."),
    "price.bad_choice": ("«{value}» er ikke et gyldig valg. Bruk en av: {choices}.",
                         "“{value}” is not a valid choice. Use one of: {choices}."),
    "price.bad_number": ("Skriv et tall, for eksempel 125000,50.", "Write a number, for example 125000.50."),
    "price.bad_yes_no": ("Skriv Ja eller Nei.", "Write Yes or No."),
    "price.bad_tiers": ("Forstod ikke trinnet «{text}». Skriv øvre grense:faktor, for eksempel 10000:1; :0,5.",
                        "Could not read the tier “{text}”. Write upper bound:factor, e.g. 10000:1; :0.5."),
    "price.investment_not_found": ("Fant ikke investering {id}.", "Investment {id} not found."),
    "price.rate_missing": ("Kalkylerenten for {year} er ikke lagt inn. Legg inn årets 5-års swaprente under "
                           "Investeringer og kalkylerente.",
                           "The imputed rate for {year} has not been entered. Enter the year's 5-year swap rate "
                           "under Investments and imputed interest."),
    "price.loan_not_found": ("Fant ikke Digifin-lån {id}.", "Digifin loan {id} not found."),
    "price.drawdown_after_launch": ("Uttaket {date} er etter at nedbetalingen starter ({year}).",
                                    "The drawdown on {date} is after repayment starts ({year})."),
    "price.fixed_fee_no_tiers": ("En fast årspris per virksomhet har ikke trinn eller minstepris.",
                                 "A fixed annual fee per organisation has no tiers or minimum fee."),
    "price.last_tier_open": ("Det siste trinnet skal være åpent oppover (ingen øvre grense).",
                             "The last tier must be open-ended (no upper bound)."),
    "price.only_last_tier_open": ("Bare det siste trinnet kan mangle øvre grense.",
                                  "Only the last tier may lack an upper bound."),
    "price.tiers_ascending": ("Trinnenes øvre grenser må stige.", "The tiers' upper bounds must increase."),
    "price.shares_not_100": ("Priskomponentenes andeler må bli 100 % til sammen.",
                             "The price components' shares must add up to 100 %."),
    "price.negative_self_cost": ("Selvkosten blir negativ. Er bruken av selvkostfondet for stor?",
                                 "The self-cost comes out negative. Is the use of the self-cost fund too large?"),
    "price.no_adopters": ("Kalkylen har ingen virksomheter som betaler. Legg inn hvem som tar tjenesten i bruk.",
                          "The calculation has no paying organisations. Enter who adopts the service."),
    "price.no_volume": ("Det forventede volumet er null, så det finnes ingen pris per enhet. Legg inn forventet "
                        "volum.",
                        "The expected volume is zero, so there is no price per unit. Enter the expected volume."),
    "price.org_not_found": ("Fant ingen virksomhet «{key}».", "No organisation “{key}”."),
    "price.org_twice": ("{name} står to ganger.", "{name} is listed twice."),
    "price.no_appendices": ("Ingen virksomheter har et tjenestevedlegg for {service} som gjelder {date}.",
                            "No organisation has a service appendix for {service} in force on {date}."),
    "price.no_source_figures": ("Fant ingen tall for «{key}» i {year} å fordele etter. Legg inn nøkkeltallene "
                                "selv.",
                                "Found no figures for “{key}” in {year} to allocate by. Enter the key figures "
                                "yourself."),
    "price.doc.origin": ("Grunnlag for volum", "Basis of the volume"),
    "price.origin_text": ("tjenestevedlegg som gjelder {appendices_on}; måler {meter}, bruk {usage_from} til "
                          "{usage_to}, vekst {growth_percent} %",
                          "service appendices in force on {appendices_on}; meter {meter}, usage {usage_from} to "
                          "{usage_to}, growth {growth_percent} %"),
    "price.col.meter": ("Måler (volum)", "Meter (volume)"),
    "price.fill_figures": ("Hent nøkkeltallene fra målinger/brukerstøtte", "Take the key figures from metering/"
                                                                           "support"),
    "price.calculation_not_found": ("Fant ikke kalkyle {id}.", "Calculation {id} not found."),
    "price.approved_immutable": ("En godkjent prisliste kan ikke endres eller slettes. Lag en ny kalkyle og få "
                                 "den godkjent som ny versjon.",
                                 "An approved price list cannot be changed or deleted. Make a new calculation and "
                                 "have it approved as a new version."),
    "price.already_approved": ("Kalkyle {number} for {service} {year} er allerede godkjent av {who} (prisliste "
                               "versjon {version}).",
                               "Calculation {number} for {service} {year} is already approved by {who} (price list "
                               "version {version})."),
    "price.just_approved": ("Kalkyle {number} for {service} {year} ble nettopp godkjent av {who} (prisliste "
                            "versjon {version}).",
                            "Calculation {number} for {service} {year} was just approved by {who} (price list "
                            "version {version})."),
    "price.list_just_approved": ("Prislisten for {service} {year} ble nettopp godkjent av {who} (versjon {version}). "
                                 "Se på den før du godkjenner en ny versjon.",
                                 "The price list for {service} {year} was just approved by {who} (version "
                                 "{version}). Look at it before you approve a new version."),
    "price.calculation_just_saved": ("Kalkyle {number} for {service} {year} ble nettopp lagret av {who}. "
                                     "Prøv igjen.",
                                     "Calculation {number} for {service} {year} was just saved by {who}. "
                                     "Try again."),
    # cost base page
    "price.tab.summary": ("Oversikt", "Summary"),
    "price.tab.items": ("Kostnadslinjer", "Cost lines"),
    "price.tab.pools": ("Kostnadspooler og nøkler", "Cost pools and keys"),
    "price.tab.import": ("Import og eksport", "Import and export"),
    "price.cost_empty": ("Ingen kostnader for {year} ennå. Legg inn kostnadslinjer, eller importer årets "
                         "kostnadsgrunnlag fra Excel.",
                         "No costs for {year} yet. Add cost lines, or import the year's cost base from Excel."),
    "price.allocation_title": ("Fordeling av felleskostnader", "Allocation of shared costs"),
    "price.allocation_help": ("Hver pool fordeles etter nøkkeltallene: tjenestens andel = tjenestens tall / sum av "
                              "tallene. Kostnader som ikke teller i selvkost fordeles ikke.",
                              "Each pool is allocated by its key figures: the service's share = its figure / the "
                              "total. Costs that do not count toward self-cost are not allocated."),
    "price.allocation_empty": ("Ingen felleskostnader å fordele for dette året og grunnlaget.",
                               "No shared costs to allocate for this year and basis."),
    "price.items_empty": ("Ingen kostnadslinjer for {year} med dette utvalget.",
                          "No cost lines for {year} with this selection."),
    "price.items_total": ("Sum: {total}", "Total: {total}"),
    "price.choose_item": ("Legg inn eller endre en kostnadslinje", "Add or change a cost line"),
    "price.new_item": ("Ny kostnadslinje", "New cost line"),
    "price.counts_help": ("Ledelse og folkevalgte organer teller ikke i selvkost.",
                          "Leadership and elected bodies do not count toward self-cost."),
    "price.confirm_delete_item": ("Ja, slett denne kostnadslinjen", "Yes, delete this cost line"),
    "price.delete": ("Slett", "Delete"),
    "price.deleted": ("Slettet", "Deleted"),
    "price.pools_help": ("Felleskostnader samles i pooler og fordeles til tjenestene etter en nøkkel. Nøkkeltallene "
                         "lagres, så en kalkyle kan regnes på nytt.",
                         "Shared costs are collected in pools and allocated to services by a key. The key figures "
                         "are stored so a calculation can be redone."),
    "price.pools_empty": ("Ingen kostnadspooler for {year}.", "No cost pools for {year}."),
    "price.usage_key_help": ("Andel bruk: antall målte hendelser per tjeneste i året. Andel henvendelser: antall "
                             "saker i brukerstøtten per tjeneste i året.",
                             "Share of usage: metered events per service in the year. Share of tickets: support "
                             "tickets per service in the year."),
    "price.save_figures": ("Lagre nøkkeltall", "Save key figures"),
    "price.new_pool": ("**Ny kostnadspool**", "**New cost pool**"),
    "price.download_cost_base": ("Last ned kostnadsgrunnlaget (Excel, samme format som importen)",
                                 "Download the cost base (Excel, same format as the import)"),
    "price.import_help": ("Importen erstatter hele kostnadsgrunnlaget for {year}. Arket «Kostnader» har kolonnene "
                          "Tjeneste, Kostnadspool, Kostnadstype, Grunnlag, Beskrivelse, Beløp (kr), Teller i "
                          "selvkost. Arkene «Kostnadspooler» og «Nøkkeltall» er valgfrie. Alt eller ingenting: "
                          "er en rad feil, lagres ingenting.",
                          "The import replaces the whole cost base for {year}. The sheet “Costs” has the columns "
                          "Service, Cost pool, Cost type, Basis, Description, Amount (NOK), Counts toward "
                          "self-cost. The sheets “Cost pools” and “Key figures” are optional. All or nothing: if "
                          "one row is wrong, nothing is saved."),
    "price.import_file": ("Excel-fil", "Excel file"),
    "price.confirm_import": ("Ja, erstatt kostnadsgrunnlaget for {year}", "Yes, replace the cost base for {year}"),
    "price.import_button": ("Importer", "Import"),
    "price.imported": ("Importert: {items} kostnadslinjer, {pools} pooler, {figures} nøkkeltall.",
                       "Imported: {items} cost lines, {pools} pools, {figures} key figures."),
    # investments page
    "price.tab.investments": ("Investeringer", "Investments"),
    "price.tab.rates": ("Kalkylerente", "Imputed rate"),
    "price.investments_empty": ("Ingen investeringer registrert.", "No investments registered."),
    "price.choose_investment": ("Vis avskrivningsplan for", "Show the depreciation plan for"),
    "price.rates_missing_some": ("Kalkylerenten mangler for noen år; rentene for de årene er tomme.",
                                 "The imputed rate is missing for some years; interest for those years is blank."),
    "price.capital_chart_title": ("Kapitalkostnad per år", "Capital cost per year"),
    "price.axis_kr": ("kroner", "NOK"),
    "price.axis_kr_per_unit": ("kroner per enhet", "NOK per unit"),
    "price.axis_kr_per_adopter": ("kroner per virksomhet", "NOK per organisation"),
    "price.axis_adopters": ("Antall virksomheter", "Number of organisations"),
    "price.edit_investment": ("Legg inn eller endre en investering", "Add or change an investment"),
    "price.new_investment": ("Ny investering", "New investment"),
    "price.depreciation_rule": ("Avskrivningen starter året etter at investeringen er tatt i bruk, og er lik hvert "
                                "år i brukstiden.",
                                "Depreciation starts the year after the investment is taken into use and is equal "
                                "each year of its use."),
    "price.confirm_delete_investment": ("Ja, slett denne investeringen", "Yes, delete this investment"),
    # depreciation lives by asset class (FOR-2019-06-07-714 § 3-4)
    "price.col.asset_class": ("Eiendelsklasse", "Asset class"),
    "price.col.life_reason": ("Begrunnelse for lengre brukstid", "Reason for a longer life"),
    "price.col.class_max_years": ("Maks. brukstid for klassen (år)", "Class maximum (years)"),
    "price.col.letter": ("Bokstav i § 3-4", "Letter in § 3-4"),
    "price.col.max_years": ("Lengste avskrivningstid (år)", "Longest depreciation period (years)"),
    "price.asset_class.ict_equipment": ("IKT-utstyr, kontormaskiner og lignende",
                                        "ICT equipment, office machines and the like"),
    "price.asset_class.equipment": ("Inventar, større utstyr, verktøy, maskiner og kjøretøy",
                                    "Furniture, larger equipment, tools, machines and vehicles"),
    "price.asset_class.software": ("Programvare", "Software"),
    "price.asset_class.heavy_vehicles": ("Større nyttekjøretøy, anleggsmaskiner, båter og ferger",
                                         "Larger utility vehicles, construction machines, boats and ferries"),
    "price.asset_class.facilities": ("Skoler, barnehager, idrettsanlegg, boliger, veger, kaier og ledningsnett",
                                     "Schools, kindergartens, sports facilities, housing, roads, quays and pipes"),
    "price.asset_class.buildings": ("Administrasjons-, institusjons- og kulturbygg, lager og brannstasjoner",
                                    "Administration, institution and culture buildings, warehouses, fire stations"),
    "price.asset_class_unknown": ("Ukjent eiendelsklasse «{code}».", "Unknown asset class «{code}»."),
    "price.life_reason_needed": ("Brukstiden {years} år er lengre enn {max_years} år, som er lengste avskrivningstid "
                                 "for «{asset_class}» i budsjett- og regnskapsforskriften § 3-4. Skriv en "
                                 "begrunnelse, eller velg en kortere brukstid.",
                                 "A life of {years} years is longer than {max_years} years, the longest "
                                 "depreciation period for «{asset_class}» in the budget and accounting regulation "
                                 "§ 3-4. Write a reason, or choose a shorter life."),
    "price.life_default_help": ("Tom brukstid gir klassens lengste avskrivningstid.",
                                "An empty life gives the class's longest depreciation period."),
    "price.over_max_warning": ("{count} investeringer har lengre brukstid enn klassen tillater, med begrunnelse.",
                               "{count} investments have a longer life than their class allows, with a reason."),
    "price.tab.asset_classes": ("Avskrivningstider", "Depreciation lives"),
    "price.asset_classes_help": ("Lengste avskrivningstid per eiendelsklasse etter forskrift om økonomiplan, "
                                 "årsbudsjett, årsregnskap og årsberetning for kommuner og fylkeskommuner mv. "
                                 "(FOR-2019-06-07-714) § 3-4. Tabellen er hentet fra en gjengivelse av forskriften, "
                                 "ikke fra Lovdata: kontroller den, og rett en klasse med kilde om den avviker.",
                                 "Longest depreciation period per asset class under the regulation on financial "
                                 "plans, budgets, accounts and annual reports for municipalities and county "
                                 "municipalities (FOR-2019-06-07-714) § 3-4. The table is taken from a rendering of "
                                 "the regulation, not from Lovdata: check it, and correct a class with its source "
                                 "if it differs."),
    "price.as_shipped": ("Som levert", "As shipped"),
    "price.no_actuals_year": ("Ingen faktiske kostnader er registrert for {year} ennå, så avvik mot budsjett vises "
                              "ikke («–»).",
                              "No actual costs are recorded for {year} yet, so deviations from the budget are not "
                              "shown («–»)."),
    "price.no_actuals_rows": ("«–»: {count} rader har ingen faktiske kostnader ennå, så avvik mot budsjett vises "
                              "ikke for dem.",
                              "«–»: {count} rows have no actual costs yet, so no deviation from the budget is shown "
                              "for them."),
    "price.col.corrected": ("Rettet", "Corrected"),
    "price.rates_help": ("Kalkylerenten er årets gjennomsnittlige 5-års swaprente + 0,5 prosentpoeng. Legg inn "
                         "swaprenten for hvert år.",
                         "The imputed rate is the year's average 5-year swap rate + 0.5 percentage points. Enter "
                         "the swap rate for each year."),
    "price.rates_empty": ("Ingen swaprenter lagt inn ennå.", "No swap rates entered yet."),
    # calculations page
    "price.tab.saved": ("Lagrede kalkyler", "Saved calculations"),
    "price.tab.new": ("Ny kalkyle", "New calculation"),
    "price.calculations_empty": ("Ingen kalkyler for {service} {year} ennå. Lag en under «Ny kalkyle».",
                                 "No calculations for {service} {year} yet. Make one under “New calculation”."),
    "price.choose_calculation": ("Vis kalkyle", "Show calculation"),
    "price.tab.trace": ("Fra kostnad til pris", "From cost to price"),
    "price.tab.prices": ("Priser", "Prices"),
    "price.tab.compare": ("Mot i fjor", "Against last year"),
    "price.tab.bills": ("Hva hver virksomhet betaler", "What each organisation pays"),
    "price.tab.sensitivity": ("Følsomhet", "Sensitivity"),
    "price.cmp.direct": ("Direkte kostnader", "Direct costs"),
    "price.cmp.allocated": ("Fordelte felleskostnader", "Allocated shared costs"),
    "price.cmp.capital": ("Kapitalkostnader", "Capital costs"),
    "price.cmp.digifin": ("Digifin-nedbetaling", "Digifin repayment"),
    "price.cmp.fund_use_ore": ("Bruk av selvkostfond", "Use of the self-cost fund"),
    "price.cmp.self_cost": ("Selvkost", "Self-cost"),
    "price.cmp.expected_revenue_ore": ("Forventede inntekter", "Expected revenue"),
    "price.cmp.adopters": ("Virksomheter som betaler (antall)", "Paying organisations (count)"),
    "price.cmp.adopters_line": ("Virksomheter som betaler: {this} (året før: {last}).",
                                "Paying organisations: {this} (the year before: {last})."),
    "price.no_last_year": ("Ingen godkjent prisliste for {year} å sammenligne med.",
                           "No approved price list for {year} to compare with."),
    "price.download_bills": ("Last ned regningene (Excel)", "Download the bills (Excel)"),
    "price.download_sheet": ("Last ned kalkylearket (Excel med formler)", "Download the calculation sheet (Excel "
                                                                           "with formulas)"),
    "price.approve_title": ("Godkjenn som prisliste", "Approve as price list"),
    "price.approval_comment": ("Kommentar (for eksempel vedtak)", "Comment (for example the decision)"),
    "price.confirm_approve": ("Jeg har sett kalkylen. Godkjenn den som årets prisliste; den kan ikke endres "
                              "etterpå.",
                              "I have reviewed the calculation. Approve it as the year's price list; it cannot be "
                              "changed afterwards."),
    "price.approve": ("Godkjenn prislisten", "Approve the price list"),
    "price.approved": ("Prislisten er godkjent", "The price list is approved"),
    "price.confirm_delete_calc": ("Ja, slett dette utkastet", "Yes, delete this draft"),
    "price.approved_info": ("Denne kalkylen er godkjent som prisliste og kan ikke endres. En endring lages som en "
                            "ny kalkyle.",
                            "This calculation is an approved price list and cannot change. A change is made as a "
                            "new calculation."),
    "price.new_help": ("Velg prismodell, hvem som betaler og forventet volum. Forhåndsvis, og lagre når du er "
                       "fornøyd; lagrede kalkyler kan en leder godkjenne.",
                       "Choose the price model, who pays and the expected volume. Preview, and save when "
                       "satisfied; a leader can approve saved calculations."),
    "price.model_title": ("**Prismodell** (én rad per priskomponent)", "**Price model** (one row per component)"),
    "price.model_help": ("Komponentene deler selvkosten etter andelene. Trinn: «10000:1; 50000:0,8; :0,6» betyr "
                         "full pris for de første 10 000, 80 % opp til 50 000 og 60 % for resten. Tomt: samme pris "
                         "for alt.",
                         "Components split the self-cost by their shares. Tiers: “10000:1; 50000:0.8; :0.6” means "
                         "full price for the first 10,000, 80 % up to 50,000 and 60 % for the rest. Blank: one "
                         "price for all."),
    "price.tiers_help": ("Øvre grense:faktor, skilt med semikolon; siste trinn uten grense.",
                         "Upper bound:factor, separated by semicolons; the last tier without a bound."),
    "price.fund_use_help": ("Pluss: bruk av oppspart selvkostfond (senker prisen). Minus: avsetning til fondet.",
                            "Plus: use of the saved self-cost fund (lowers the price). Minus: set aside to the fund."),
    "price.growth_help": ("Forventet volum = målt bruk de siste 12 månedene før prisåret × (1 + vekst).",
                          "Expected volume = metered usage in the 12 months before the price year × (1 + growth)."),
    "price.organisation_key_help": ("Organisasjonsnummer, kommunenummer eller nøyaktig navn.",
                                    "Organisation number, municipality number or exact name."),
    "price.preview": ("Forhåndsvis", "Preview"),
    "price.save_calculation": ("Lagre kalkylen", "Save the calculation"),
    "price.calculation_saved": ("Kalkyle {number} er lagret. Den ligger under «Lagrede kalkyler».",
                                "Calculation {number} is saved. It is under “Saved calculations”."),
    "price.read_only": ("Du kan lese kalkylene. Økonomi lager dem, og en leder godkjenner.",
                        "You can read the calculations. Finance makes them, and a leader approves."),
    "price.not_counted": ("teller ikke i selvkost", "does not count toward self-cost"),
    "price.alloc_detail": ("{key}: {figure} av {total} = {share} % av {pool}",
                           "{key}: {figure} of {total} = {share} % of {pool}"),
    "price.capital_detail": ("avskrivning {dep} + {rate} % av snittverdi {average} = renter {interest}",
                             "depreciation {dep} + {rate} % of average value {average} = interest {interest}"),
    "price.digifin_detail": ("årets avdrag og renter", "this year's principal and interest"),
    "price.fund_use_item": ("Bruk av selvkostfond (trekkes fra)", "Use of the self-cost fund (subtracted)"),
    "price.self_cost_detail": ("uavrundet {exact} øre, avrundet til hele øre", "unrounded {exact} øre, rounded to "
                                                                                 "whole øre"),
    "price.component_detail": ("{share} % av selvkost / vektet volum {volume} = grunnsats {rate} kr; "
                               "minstepris {minimum} ({at_min} på minstepris)",
                               "{share} % of self-cost / weighted volume {volume} = base rate {rate} NOK; "
                               "minimum fee {minimum} ({at_min} at the minimum)"),
    "price.bill_search": ("Søk etter virksomhet", "Search for an organisation"),
    "price.bill_range": ("Laveste regning {low}, høyeste {high}, snitt {average}.",
                         "Lowest bill {low}, highest {high}, average {average}."),
    "price.sens_average_bill": ("Snittregning per virksomhet", "Average bill per organisation"),
    "price.sens_adoption_title": ("Snittregning når flere eller færre tar tjenesten i bruk",
                                  "Average bill as adoption grows or shrinks"),
    "price.sens_axis_adoption": ("Utbredelse i % av forventet", "Adoption, % of expected"),
    "price.sens_axis_factor": ("% av forventet", "% of expected"),
    "price.sens_by_adoption": ("Når utbredelsen endres", "As adoption changes"),
    "price.sens_by_volume": ("Når volumet endres (samme virksomheter)", "As volume changes (same organisations)"),
    "price.sens_rate_title": ("Grunnsats for {component}", "Base rate for {component}"),
    "price.sens_help": ("Nye virksomheter antas å ligne dagens. Selvkosten er den samme; den deles på flere eller "
                        "færre.",
                        "New organisations are assumed to resemble today's. The self-cost stays the same; it is "
                        "shared by more or fewer."),
    # price lists page
    "price.only_in_force": ("Bare gjeldende", "Only in force"),
    "price.lists_empty": ("Ingen godkjente prislister med dette utvalget.", "No approved price lists with this "
                                                                             "selection."),
    "price.lists_help": ("Prisene er i kroner per virksomhet, per innbygger eller per enhet; trinnvise priser står "
                         "etter hverandre.",
                         "Prices are in NOK per organisation, per inhabitant or per unit; tiered prices are listed "
                         "in order."),
    "price.choose_list": ("Vis detaljer for", "Show details for"),
    "price.drafts_title": ("Kalkyler som venter på godkjenning", "Calculations awaiting approval"),
    "price.drafts_empty": ("Ingen kalkyler venter på godkjenning.", "No calculations await approval."),
    "price.drafts_help": ("Velg en kalkyle under for å godkjenne den eller sende den tilbake. Hele sporet fra "
                          "kostnad til pris finner du under Priskalkyler.",
                          "Choose a calculation below to approve it or send it back. The full trace from cost "
                          "to price is under Price calculations."),
    "price.queue_choose": ("Behandle kalkyle", "Decide on calculation"),
    "price.queue_gone": ("Kalkylen du åpnet, venter ikke lenger på godkjenning: den er godkjent, sendt tilbake "
                         "eller slettet.",
                         "The calculation you opened no longer awaits approval: it was approved, sent back or "
                         "deleted."),
    "price.queue_draft_info": ("Dette er et utkast som ikke er sendt til godkjenning. Du kan godkjenne det, men "
                               "ikke sende det tilbake.",
                               "This is a draft that was not sent for approval. You may approve it, but not send "
                               "it back."),
    "price.send_back_title": ("Send tilbake til økonomi", "Send back to finance"),
    "price.send_back_reason": ("Hva må endres?", "What must change?"),
    "price.confirm_send_back": ("Jeg vil sende kalkylen tilbake som utkast.",
                                "I want to send the calculation back as a draft."),
    "price.send_back": ("Send tilbake", "Send back"),
    "price.sent_back": ("Kalkylen er sendt tilbake som utkast.", "The calculation was sent back as a draft."),
    "price.send_back_reason_missing": ("Skriv hva som må endres før du sender kalkylen tilbake.",
                                       "Say what must change before you send the calculation back."),
    "price.not_awaiting": ("Kalkyle {number} for {service} {year} venter ikke på godkjenning og kan ikke sendes "
                           "tilbake.",
                           "Calculation {number} for {service} {year} does not await approval and cannot be sent "
                           "back."),
    # a calculation a leader sent back: shown to finance while it is a draft (pricing/pages/calculations.py, CLI)
    "price.sent_back_box": ("Sendt tilbake av {who} {when}: {reason}", "Sent back by {who} on {when}: {reason}"),
    "price.sent_back_box_undated": ("Sendt tilbake av {who}: {reason}", "Sent back by {who}: {reason}"),
    "price.sent_back_next": ("Lag en ny kalkyle med endringene, eller send denne til godkjenning igjen.",
                             "Make a new calculation with the changes, or send this one for approval again."),
    # Digifin page
    "price.loans_empty": ("Ingen Digifin-lån registrert.", "No Digifin loans registered."),
    "price.choose_loan": ("Vis lån", "Show loan"),
    "price.schedule_title": ("Nedbetalingsplan", "Repayment schedule"),
    "price.balance_chart_title": ("Betaling og restgjeld per år", "Payment and balance per year"),
    "price.surcharge_title": ("Påslag per virksomhet", "Surcharge per organisation"),
    "price.max_adopters": ("Vis opp til antall virksomheter", "Show up to number of organisations"),
    "price.surcharge_chart_title": ("Påslag per virksomhet i {year} etter hvor mange som tar tjenesten i bruk",
                                    "Surcharge per organisation in {year} by how many adopt the service"),
    "price.loan_form_title": ("Legg inn eller endre lån", "Add or change a loan"),
    "price.edit_loan": ("Lån", "Loan"),
    "price.new_loan": ("Nytt lån", "New loan"),
    "price.loan_rule": ("Uttak gir enkel rente (dager/365) fram til 1. januar første nedbetalingsår, og renten "
                        "legges til lånet. Deretter serielån: like store avdrag og renter av restgjelden.",
                        "Drawdowns earn simple interest (days/365) until 1 January of the first repayment year, "
                        "added to the loan. Then a serial loan: equal principal and interest on the balance."),
    # overview and service sheet
    "price.kpi.lists": ("Tjenester med prisliste {year}", "Services with a price list {year}"),
    "price.kpi.lists_help": ("Godkjente prislister for året.", "Approved price lists for the year."),
    "price.kpi.next_help": ("Prislister for neste år som allerede er godkjent.",
                            "Price lists for next year already approved."),
    "price.kpi.drafts": ("Kalkyler til godkjenning", "Calculations awaiting approval"),
    "price.kpi.drafts_help": ("Kalkyler fra økonomi som en leder kan godkjenne: utkast og de som er sendt til "
                              "godkjenning.",
                              "Calculations from finance a leader may approve: drafts and those sent for approval."),
    "price.kpi.self_cost": ("Selvkost i gjeldende prislister {year}", "Self-cost in price lists in force {year}"),
    "price.kpi.budget": ("Budsjett {year} (teller i selvkost)", "Budget {year} (counts toward self-cost)"),
    "price.kpi.budget_help": ("Sum av budsjetterte kostnader som teller i selvkost.",
                              "Sum of budgeted costs that count toward self-cost."),
    "price.kpi.digifin": ("Digifin-restgjeld ved utgangen av {year}", "Digifin balance at the end of {year}"),
    "price.fact.price": ("Pris", "Price"),
    "price.fact.none": ("Ingen godkjent prisliste", "No approved price list"),
    "price.fact.price_year": ("Pris {year}", "Price {year}"),
    "price.fact.average_change": ("snittregning {change} mot året før", "average bill {change} on the year before"),
    "price.fact.self_cost": ("Selvkost {year}", "Self-cost {year}"),
    "price.fact.average_bill": ("Snittregning {year}", "Average bill {year}"),
    "price.fact.average_bill_value": ("{amount} ({adopters} virksomheter)", "{amount} ({adopters} organisations)"),
    # CLI
    "price.cli_help": ("Selvkostpriser: kalkyler, prislister, kostnadsgrunnlag",
                       "Self-cost prices: calculations, price lists, cost base"),
    "price.cli_help_calculate": ("Regn ut og lagre en priskalkyle (utkast)", "Calculate and store a price "
                                                                            "calculation (draft)"),
    "price.cli_help_output": ("Skriv kalkylearket (Excel) til denne filen", "Write the calculation sheet (Excel) "
                                                                           "to this file"),
    "price.cli_help_model": ("Prismodell som JSON eller en JSON-fil (standard: som forrige kalkyle)",
                             "Price model as JSON or a JSON file (default: as the previous calculation)"),
    "price.cli_help_adopters": ("Fil med linjer «virksomhet;volum» (standard: som forrige kalkyle)",
                                "File of “organisation;volume” lines (default: as the previous calculation)"),
    "price.cli_help_from_agreements": ("Hent virksomheter fra tjenestevedleggene og volum fra målt bruk",
                                       "Take organisations from service appendices and volume from metered usage"),
    "price.cli_help_growth": ("Forventet vekst i bruk i prosent (med --from-agreements)",
                              "Expected growth in usage in percent (with --from-agreements)"),
    "price.cli_help_fund_use": ("Bruk av selvkostfond i øre (minus: avsetning)", "Use of self-cost fund in øre "
                                                                                "(minus: set aside)"),
    "price.cli_help_dry_run": ("Regn ut og vis, men lagre ikke", "Calculate and show, but do not store"),
    "price.cli_help_approve": ("Godkjenn en kalkyle som prisliste (leder)", "Approve a calculation as price list "
                                                                           "(leader)"),
    "price.cli_help_list": ("Vis godkjente prislister", "Show approved price lists"),
    "price.cli_help_all": ("Ta med erstattede versjoner", "Include superseded versions"),
    "price.cli_help_import": ("Importer et års kostnadsgrunnlag fra Excel (alt eller ingenting)",
                              "Import a year's cost base from Excel (all or nothing)"),
    "price.cli_help_rate": ("Legg inn årets snitt 5-års swaprente", "Enter the year's average 5-year swap rate"),
    "price.cli_bad_model": ("Prismodellen er ikke gyldig JSON: {error}", "The price model is not valid JSON: "
                                                                         "{error}"),
    "price.cli_model_needed": ("{service} har ingen tidligere kalkyle: oppgi prismodellen med --model.",
                               "{service} has no earlier calculation: give the price model with --model."),
    "price.cli_saved": ("Kalkyle {number} for {service} {year} er lagret som utkast.",
                        "Calculation {number} for {service} {year} is stored as a draft."),
    "price.cli_self_cost": ("Selvkost: {amount}", "Self-cost: {amount}"),
    "price.cli_revenue": ("Forventede inntekter: {amount} fra {adopters} virksomheter (avrunding {diff})",
                          "Expected revenue: {amount} from {adopters} organisations (rounding {diff})"),
    "price.cli_written": ("Kalkylearket er skrevet til {path}", "The calculation sheet was written to {path}"),
    "price.cli_approved": ("Godkjent som prisliste, versjon {number}.", "Approved as price list, version {number}."),
    "price.cli_rate_set": ("Swaprenten for {year} er lagret.", "The swap rate for {year} is saved."),
    "price.cli_help_lives": ("Lengste avskrivningstid per eiendelsklasse (FOR-2019-06-07-714 § 3-4): vis, eller "
                             "rett en klasse med kilde",
                             "Longest depreciation period per asset class (FOR-2019-06-07-714 § 3-4): list, or "
                             "correct a class with its source"),
    "price.cli_help_lives_set": ("Rett lengste avskrivningstid for en eiendelsklasse, med kilden for rettelsen",
                                 "Correct an asset class's longest depreciation period, with the correction's "
                                 "source"),
    "price.cli_help_class": ("Eiendelsklassen: {codes}", "The asset class: {codes}"),
    "price.cli_help_years": ("Lengste avskrivningstid i år", "Longest depreciation period in years"),
    "price.cli_help_life_source": ("Kilden for tallet (for eksempel Lovdata, paragraf og dato)",
                                   "The figure's source (for example Lovdata, section and date)"),
    "price.cli_life_row": ("§ 3-4 {letter}) {name}: {years} år. Kilde: {source}",
                           "§ 3-4 {letter}) {name}: {years} years. Source: {source}"),
    "price.cli_life_set": ("Lengste avskrivningstid for «{name}» er nå {years} år.",
                           "The longest depreciation period for «{name}» is now {years} years."),
    "price.cli_file_written": ("Skrevet til {path}", "Written to {path}"),
    "price.cli_help_export_cost_base": ("Et års kostnadsgrunnlag i importformatet (.xlsx)",
                                        "A year's cost base in the import format (.xlsx)"),
    "price.cli_help_export_price_lists": ("Godkjente prislister, gjeldende versjon (.xlsx)",
                                          "Approved price lists, the version in force (.xlsx)"),
    "price.cli_help_export_organisation_bills": ("Hva hver virksomhet betaler et år, per tjeneste (.xlsx)",
                                                 "What each organisation pays in a year, per service (.xlsx)"),
    "price.cli_help_export_calculation": ("Kalkylearket for en lagret kalkyle, med formler (.xlsx)",
                                          "The calculation sheet of a stored calculation, with formulas (.xlsx)"),
    "price.cli_help_export_bills": ("Skriv regningene per virksomhet i stedet for kalkylearket",
                                    "Write the bills per organisation instead of the calculation sheet"),
}
