"""Catalog of the admin package: {key: (bokmål, English)}."""

MESSAGES: dict[str, tuple[str, str]] = {
    # navigation
    "section.overview": ("Oversikt", "Overview"),
    "section.registers": ("Registre", "Registers"),
    "section.admin": ("Administrasjon", "Administration"),
    "section.account": ("Min side", "My account"),
    "module.admin": ("Registre og brukere", "Registers and users"),
    "area.support": ("Brukerstøtte", "Support"),
    "area.changeboard": ("Endringsrådet", "Change board"),
    "area.metering": ("Forbruk", "Usage"),
    "area.portfolio": ("Prosjekter og kapasitet", "Projects and capacity"),
    "area.digiorden": ("DigiOrden", "DigiOrden"),
    "page.sign_in": ("Logg inn", "Sign in"),
    "page.overview": ("Oversikt", "Overview"),
    "page.organisations": ("Virksomheter", "Organisations"),
    "page.services": ("Tjenester og komponenter", "Services and components"),
    "page.service_sheet": ("Tjenesteark", "Service sheet"),
    "module.registers": ("Tjenesten", "The service"),
    "module.agreements": ("Avtaler og utbredelse", "Agreements and adoption"),
    "module.pricing": ("Økonomi", "Economy"),
    "module.risk": ("Risiko og sikkerhet", "Risk and security"),
    "sheet.intro": (
        "Alt Backoffice vet om én tjeneste på ett ark: avtaler, økonomi, prosjekter, risiko og brukerstøtte. Ta det med til brukerrådet.",
        "Everything Backoffice knows about one service on one sheet: agreements, economy, projects, risk and support. Take it to the user council.",
    ),
    "sheet.choose": ("Tjeneste", "Service"),
    "sheet.status": ("Status", "Status"),
    "sheet.established": ("Etablert", "Established"),
    "sheet.product_owner": ("Produktansvarlig", "Product owner"),
    "sheet.components": ("Komponenter", "Components"),
    "sheet.unavailable": ("Opplysninger utilgjengelige", "Facts unavailable"),
    "sheet.what": ("Hva", "What"),
    "sheet.section": ("Område", "Area"),
    "sheet.value": ("Verdi", "Value"),
    "sheet.printed": ("Utskrevet {date}", "Printed {date}"),
    "sheet.download": ("Last ned som Markdown", "Download as Markdown"),
    "page.users": ("Brukere og roller", "Users and roles"),
    "page.audit": ("Revisjonslogg", "Audit log"),
    "page.account": ("Min konto", "My account"),
    # sign-in
    "signin.intro": (
        "Logg inn med brukernavnet og passordet du har fått av administrator.",
        "Sign in with the username and password you got from the administrator.",
    ),
    "signin.username": ("Brukernavn", "Username"),
    "signin.password": ("Passord", "Password"),
    "signin.submit": ("Logg inn", "Sign in"),
    "signin.fill_both": ("Fyll inn både brukernavn og passord.", "Enter both username and password."),
    "signin.lockout_rule": (
        "Etter {count} mislykkede forsøk på rad stenges brukeren i {minutes} minutter. Glemt passordet? "
        "Administrator kan gi deg et nytt.",
        "After {count} failed attempts in a row the user is locked for {minutes} minutes. Forgot your password? "
        "The administrator can give you a new one.",
    ),
    "signin.sso_button": ("Logg inn med {provider}", "Sign in with {provider}"),
    "signin.timed_out": (
        "Du ble logget ut etter {minutes} minutter uten aktivitet. Logg inn igjen.",
        "You were signed out after {minutes} minutes without activity. Please sign in again.",
    ),
    # overview
    "overview.intro": (
        "Nøkkeltall fra alle deler av Backoffice: utbredelse, økonomi, portefølje, risiko og endringer.",
        "Key figures from every part of Backoffice: adoption, economy, portfolio, risk and change.",
    ),
    "overview.empty": ("Ingen nøkkeltall ennå.", "No key figures yet."),
    "kpi.municipalities": ("Kommuner", "Municipalities"),
    "kpi.municipalities_help": ("Gjeldende kommuner i virksomhetsregisteret.", "Current municipalities in the register."),
    "kpi.county_municipalities": ("Fylkeskommuner", "County municipalities"),
    "kpi.services": ("Tjenester", "Services"),
    "kpi.services_help": ("Tjenester som ikke er avviklet.", "Services that are not retired."),
    "kpi.components": ("Komponenter", "Components"),
    "kpi.active_users": ("Aktive brukere", "Active users"),
    "kpi.unavailable": ("Nøkkeltall utilgjengelig", "Key figures unavailable"),
    # the leader's dashboard (admin/overview.py): headline figures, charts, every area's key figures
    "dash.figures": ("Hovedtall", "Headline figures"),
    "dash.charts": ("Utviklingen", "Trends"),
    "dash.all_figures": ("Alle nøkkeltall per område", "All key figures by area"),
    "dash.all_figures_help": ("Hvert områdes egne nøkkeltall; områder uten data ennå er utelatt.",
                              "Each area's own key figures; areas without data yet are left out."),
    "dash.open_page": ("Gå til {page}", "Go to {page}"),
    "dash.delta_year": ("{change} siste år", "{change} in a year"),
    "dash.delta_last_year": ("{change} fra i fjor", "{change} from last year"),
    "dash.delta_30": ("{change} mot forrige 30 dager", "{change} on the 30 days before"),
    "dash.points": ("prosentpoeng", "points"),
    "dash.fte": ("{value} årsverk", "{value} FTE"),
    "dash.adoption": ("Kommuner med tjenester", "Municipalities served"),
    "dash.adoption_help": ("Kommuner med minst ett tjenestevedlegg i kraft i dag, av alle gjeldende kommuner "
                           "({share}). Endringen er mot samme dag i fjor.",
                           "Municipalities with at least one service appendix in force today, of all current "
                           "municipalities ({share}). The change is against the same day last year."),
    "dash.population": ("Innbyggere dekket", "Population covered"),
    "dash.population_help": ("Andelen av landets innbyggere som bor i en kommune som bruker minst én tjeneste "
                             "({population} innbyggere).",
                             "The share of the population living in a municipality that uses at least one "
                             "service ({population} inhabitants)."),
    "dash.self_cost": ("Selvkost {year}", "Self-cost {year}"),
    "dash.self_cost_help": ("Selvkost bak prislistene i kraft: {amount}. I {year}: {before}. En økning er rød: "
                            "tjenestene blir dyrere for kommunene.",
                            "Self-cost behind the price lists in force: {amount}. In {year}: {before}. A rise is "
                            "red: the services cost the municipalities more."),
    "dash.result": ("Selvkostresultat {year}", "Self-cost result {year}"),
    "dash.result_help": ("Inntekter minus selvkost i produktregnskapet: {amount} (inntekter {revenue}, kostnader "
                         "{cost}, dekningsgrad {coverage}). Målet er balanse: overskudd skal tilbake til kommunene.",
                         "Revenue less self-cost in the product accounts: {amount} (revenue {revenue}, cost "
                         "{cost}, coverage {coverage}). The aim is balance: a surplus goes back to the municipalities."),
    "dash.risks_above": ("Risikoer over akseptgrense", "Risks above acceptance"),
    "dash.risks_above_help": ("Risikoer i gjeldende ROS-analyser med restrisiko over akseptgrensen.",
                              "Risks in current ROS assessments whose residual risk is above the acceptance line."),
    "dash.tickets": ("Henvendelser siste 30 dager", "Tickets, last 30 days"),
    "dash.tickets_help": ("Nye henvendelser til brukerstøtte. Forrige 30 dager: {previous}. Åpne nå: {open}. "
                          "En økning er rød.",
                          "New support tickets. The previous 30 days: {previous}. Open now: {open}. A rise is red."),
    "dash.shortage": ("Kapasitetsmangel, 6 mnd.", "Capacity shortage, 6 mo."),
    "dash.shortage_help": ("Kapasitetsmangel de neste seks månedene: gjennomsnittlig mangel per måned summert "
                           "over rollene, i årsverk (behov utover ledig kapasitet).",
                           "Capacity shortage over the next six months: the average shortage per month summed over "
                           "the roles, in FTE (demand beyond free capacity)."),
    "dash.changes_waiting": ("Endringer til beslutning", "Changes to decide"),
    "dash.changes_waiting_help": ("Vurderte normale endringer som endringsrådet ikke har behandlet ennå.",
                                  "Assessed normal changes the change board has not decided yet."),
    "dash.department_wide": ("Hele avdelingen", "Department-wide"),
    "dash.no_service": ("Uten tjeneste", "No service"),
    "dash.chart_adoption": ("Kommuner som bruker tjenestene", "Municipalities using the services"),
    "dash.axis_municipalities": ("Kommuner (antall)", "Municipalities (count)"),
    "dash.chart_coverage": ("Selvkostdekning per tjeneste {year}", "Self-cost coverage by service {year}"),
    "dash.axis_coverage": ("Dekningsgrad (%)", "Coverage (%)"),
    "dash.full_coverage": ("100 % dekning", "100 % coverage"),
    "dash.chart_risks": ("Risikoer over akseptgrensen per tjeneste", "Risks above the acceptance line by service"),
    "dash.axis_risks": ("Risikoer (antall)", "Risks (count)"),
    "dash.chart_capacity": ("Kapasitetsbalanse neste seks måneder", "Capacity balance, next six months"),
    "dash.capacity_unit": ("Ledig kapasitet (+) eller mangel (−) i årsverk, alle roller",
                           "Spare capacity (+) or shortage (−) in FTE, all roles"),
    "dash.municipalities_on": ("{count} kommuner per {day}", "{count} municipalities on {day}"),
    "dash.chart_support": ("Henvendelser per tjeneste siste {days} dager", "Support tickets by service, last {days} days"),
    "dash.axis_tickets": ("Henvendelser (antall)", "Tickets (count)"),
    "dash.no_figures": ("Ingen tall å vise ennå. Følg «Kom i gang» for å sette opp Backoffice.",
                        "No figures to show yet. Follow “Start here” to set up Backoffice."),
    # day one: the "start here" checklist
    "setup.title": ("Kom i gang", "Start here"),
    "setup.intro": ("Sett opp Backoffice i denne rekkefølgen. Hvert steg hakes av av seg selv når det er gjort "
                    "({done} av {total} ferdig).",
                    "Set up Backoffice in this order. Each step ticks itself off once it is done "
                    "({done} of {total} done)."),
    "setup.done": ("Ferdig", "Done"),
    "setup.todo": ("Gjenstår", "To do"),
    "setup.users": ("Brukere og roller", "Users and roles"),
    "setup.users_help": ("Legg til kollegaene dine og gi dem roller (økonomi, sikkerhet, produktansvarlig …).",
                         "Add your colleagues and give them roles (finance, security, product owner …)."),
    "setup.organisations": ("Organisasjonsnumre", "Organisation numbers"),
    "setup.organisations_help": ("Kontroller virksomhetsregisteret: kommunene med organisasjonsnummer.",
                                 "Check the organisation register: the municipalities with their organisation numbers."),
    "setup.product_owners": ("Produktansvarlige", "Product owners"),
    "setup.product_owners_help": ("Gi hver tjeneste en produktansvarlig.", "Give every service a product owner."),
    "setup.agreements": ("Avtaler", "Agreements"),
    "setup.agreements_help": ("Registrer eller importer hovedavtaler og tjenestevedlegg.",
                              "Register or import main agreements and service appendices."),
    "setup.cost_base": ("Kostnadsgrunnlag og kalkylerente", "Cost base and imputed rate"),
    "setup.cost_base_help": ("Legg inn kostnadsgrunnlaget og årets swaprente (kalkylerenten).",
                             "Enter the cost base and the year's swap rate (the imputed rate)."),
    "setup.price_lists": ("Prislister", "Price lists"),
    "setup.price_lists_help": ("Beregn selvkostpris og få prislisten godkjent.",
                               "Calculate the self-cost price and have the price list approved."),
    "setup.meters": ("Målere", "Meters"),
    "setup.meters_help": ("Sett opp målerne tjenestene rapporterer forbruk på.",
                          "Set up the meters the services report usage on."),
    "setup.change_board": ("Endringsrådet", "The change board"),
    "setup.change_board_help": ("Sett opp endringsrådet: frysperioder, maks antall endringer per uke, "
                                "første møte eller første endring.",
                                "Set up the change board: freeze windows, the most changes a week, the first "
                                "meeting or the first change."),
    # organisations
    "orgs.intro": (
        "Alle virksomheter som kan bruke plattformen: kommuner, fylkeskommuner og andre. Søk, filtrer og last ned.",
        "Every organisation that may use the platform: municipalities, county municipalities and others. Search, filter and download.",
    ),
    "orgs.empty": (
        "Ingen virksomheter passer med filteret. Fjern filteret, eller importer kommunelisten fra SSB.",
        "No organisations match the filter. Clear the filter, or import the municipality list from Statistics Norway.",
    ),
    "orgs.search_placeholder": ("Navn, organisasjonsnummer eller kommunenummer", "Name, organisation number or municipality number"),
    "orgs.count": ("{count} virksomheter", "{count} organisations"),
    "orgs.org_number": ("Organisasjonsnummer", "Organisation number"),
    "orgs.name": ("Navn", "Name"),
    "orgs.kind": ("Type", "Kind"),
    "orgs.municipality_number": ("Kommunenummer", "Municipality number"),
    "orgs.county": ("Fylke", "County"),
    "orgs.population": ("Innbyggere", "Population"),
    "orgs.population_year": ("Innbyggertall per år", "Population year"),
    "orgs.valid_from": ("Gyldig fra", "Valid from"),
    "orgs.valid_to": ("Gyldig til", "Valid to"),
    "orgs.contact_email": ("Kontakt-e-post", "Contact e-mail"),
    "orgs.include_history": ("Vis historikk", "Show history"),
    "orgs.include_history_help": (
        "Ta med virksomheter som er avviklet eller slått sammen.",
        "Include organisations that were closed or merged.",
    ),
    "orgs.edit": ("Endre virksomhet", "Edit organisation"),
    "orgs.choose": ("Velg virksomhet", "Choose organisation"),
    "orgs.import": ("Importer kommuner fra SSB", "Import municipalities from Statistics Norway"),
    "orgs.import_help": (
        "Last ned kommuneinndelingen som CSV fra SSBs klassifikasjonsdatabase (KLASS). Alle rader kontrolleres først; er noen feil, lagres ingenting.",
        "Download the municipality classification as CSV from Statistics Norway (KLASS). Every row is checked first; if any is wrong, nothing is saved.",
    ),
    "orgs.import_file": ("CSV-fil fra SSB", "CSV file from Statistics Norway"),
    "orgs.import_button": ("Importer", "Import"),
    "orgs.imported": (
        "Importert: {created} nye, {updated} oppdatert, {unchanged} uendret.",
        "Imported: {created} new, {updated} updated, {unchanged} unchanged.",
    ),
    # services
    "services.intro": (
        "Plattformens tjenester, hvem som er produktansvarlig, og hvilke komponenter de bruker.",
        "The platform's services, who owns them, and which components they use.",
    ),
    "services.empty": ("Ingen tjenester er registrert ennå.", "No services are registered yet."),
    "services.code": ("Kode", "Code"),
    "services.code_help": (
        "Kort kode med små bokstaver, tall og bindestrek, for eksempel «svarut». Kan ikke endres senere.",
        "Short code in lowercase letters, digits and hyphens, e.g. “svarut”. Cannot be changed later.",
    ),
    "services.name": ("Navn", "Name"),
    "services.status": ("Status", "Status"),
    "services.established": ("Etablert år", "Year established"),
    "services.description": ("Beskrivelse", "Description"),
    "services.product_owner": ("Produktansvarlig", "Product owner"),
    "services.components": ("Komponenter", "Components"),
    "services.edit": ("Endre eller legg til tjeneste", "Edit or add a service"),
    "services.choose": ("Velg tjeneste", "Choose service"),
    "services.new": ("Ny tjeneste", "New service"),
    "services.code_taken": ("Koden «{code}» er allerede brukt av {name}. Velg tjenesten i listen for å endre den.",
                            "The code “{code}” is already used by {name}. Choose the service in the list to change it."),
    # users
    "users.intro": (
        "Hvem som har tilgang, og med hvilke roller. Nye brukere får et engangspassord som vises én gang.",
        "Who has access, and with which roles. New users get a one-time password that is shown once.",
    ),
    "users.empty": ("Ingen brukere passer med filteret.", "No users match the filter."),
    "users.username": ("Brukernavn", "Username"),
    "users.full_name": ("Navn", "Name"),
    "users.email": ("E-post", "E-mail"),
    "users.role": ("Rolle", "Role"),
    "users.roles": ("Roller", "Roles"),
    "users.active": ("Aktiv", "Active"),
    "users.locked_until": ("Låst til", "Locked until"),
    "users.locked_now": ("{count} bruker(e) er låst etter for mange mislykkede innlogginger. Låsen åpner av seg "
                         "selv; et nytt passord åpner den med en gang.",
                         "{count} user(s) locked after too many failed sign-ins. The lock opens by itself; a new "
                         "password opens it at once."),
    "users.opens_at": ("åpner {time}", "opens {time}"),
    "users.must_change_password": ("Må bytte passord", "Must change password"),
    "users.must_change_password_help": (
        "Har et engangspassord som må byttes ved neste innlogging.",
        "Has a one-time password that must be changed at the next sign-in.",
    ),
    "users.last_sign_in": ("Sist innlogget", "Last sign-in"),
    "users.add": ("Legg til bruker", "Add user"),
    "users.edit": ("Endre bruker", "Edit user"),
    "users.choose": ("Velg bruker", "Choose user"),
    "users.save_roles": ("Lagre roller", "Save roles"),
    "users.created_with_password": (
        "Brukeren {username} er opprettet. Engangspassord: {password} (vises bare nå, og må byttes ved første "
        "innlogging).",
        "User {username} was created. One-time password: {password} (shown only now, and must be changed at the "
        "first sign-in).",
    ),
    "users.reset_password": ("Nytt passord", "Reset password"),
    "users.password_reset": (
        "Nytt engangspassord for {username}: {password} (vises bare nå, og må byttes ved neste innlogging).",
        "New one-time password for {username}: {password} (shown only now, and must be changed at the next "
        "sign-in).",
    ),
    "users.confirm_deactivate": ("Ja, deaktiver {username}", "Yes, deactivate {username}"),
    "users.deactivate": ("Deaktiver", "Deactivate"),
    "users.reactivate": ("Aktiver igjen", "Reactivate"),
    # audit log
    "audit.intro": (
        "Alle endringer i Backoffice: hvem, hva og når. Loggen kan ikke endres, og hver rad er lenket til den forrige.",
        "Every change in Backoffice: who, what and when. The log cannot be changed, and each row is chained to the one before.",
    ),
    "audit.empty": ("Ingen endringer passer med filteret.", "No changes match the filter."),
    "audit.count": ("{count} endringer (nyeste først)", "{count} changes (newest first)"),
    "audit.seq": ("Nr.", "No."),
    "audit.at": ("Tidspunkt", "Time"),
    "audit.actor": ("Hvem", "Who"),
    "audit.action": ("Handling", "Action"),
    "audit.table": ("Tabell", "Table"),
    "audit.row_id": ("Rad", "Row"),
    "audit.changes": ("Endringer (før/etter)", "Changes (before/after)"),
    "audit.period": ("Periode", "Period"),
    "audit.verify": ("Kontroller loggen", "Verify the log"),
    # account
    "account.intro": ("Din bruker, dine roller og ditt passord.", "Your user, your roles and your password."),
    "account.owned_services": ("Du er produktansvarlig for", "You are product owner of"),
    "account.new_password": ("Nytt passord", "New password"),
    "account.repeat_password": ("Gjenta nytt passord", "Repeat new password"),
    "account.change_password": ("Bytt passord", "Change password"),
    "account.passwords_differ": ("Passordene er ikke like.", "The passwords do not match."),
    "account.password_changed": ("Passordet er byttet.", "Your password has been changed."),
    "account.must_change": (
        "Du logget inn med et engangspassord. Velg ditt eget passord før du går videre: resten av Backoffice "
        "åpner seg når det er byttet.",
        "You signed in with a one-time password. Choose your own password before you go on: the rest of "
        "Backoffice opens once it has been changed.",
    ),
    "account.sso_user": (
        "Du er logget inn med felles innlogging. Passordet endrer du der.",
        "You signed in with single sign-on. Change your password there.",
    ),
    # command line
    "cli.description": ("Backoffice på kommandolinjen.", "Backoffice on the command line."),
    "cli.help_as": ("utfør som denne brukeren (med brukerens roller)", "act as this user (with their roles)"),
    "cli.help_lang": ("språk for meldinger", "language of messages"),
    "cli.help_db": ("databasen", "the database"),
    "cli.help_db_upgrade": ("oppgrader tabellene og last referansedata", "upgrade the tables and load reference data"),
    "cli.help_db_status": ("vis om databasen er oppdatert", "show whether the database is up to date"),
    "cli.help_no_admin": ("ikke opprett første administrator", "do not create the first administrator"),
    "cli.help_users": ("brukere", "users"),
    "cli.help_users_add": ("legg til bruker", "add a user"),
    "cli.help_users_list": ("list brukere", "list users"),
    "cli.help_users_set_password": ("sett nytt passord", "set a new password"),
    "cli.help_users_deactivate": ("deaktiver bruker", "deactivate a user"),
    "cli.help_audit": ("revisjonsloggen", "the audit log"),
    "cli.help_audit_verify": ("kontroller at loggen er urørt", "check that the log is intact"),
    "cli.help_audit_verify_anchor": (
        "et anker (NR:KONTROLLSUM fra «audit anchor») som loggen også må stemme med",
        "an anchor (SEQ:HASH from “audit anchor”) the log must also match",
    ),
    "cli.help_audit_anchor": (
        "skriv ut NR:KONTROLLSUM for den nyeste raden, til å oppbevare utenfor databasen",
        "print SEQ:HASH of the newest entry, to keep outside the database",
    ),
    "cli.help_demo": ("last demodata", "load demo data"),
    "cli.help_demo_reset": ("slett alt og last demodata på nytt", "delete everything and load demo data again"),
    "cli.help_demo_if_empty": ("bare når databasen er tom", "only when the database is empty"),
    "cli.help_backup": ("ta sikkerhetskopi til FIL", "back up to FILE"),
    "cli.help_restore": ("gjenopprett fra FIL", "restore from FILE"),
    "cli.help_orgs": ("virksomhetsregisteret", "the organisation register"),
    "cli.help_orgs_import": ("importer kommuner fra SSBs CSV", "import municipalities from Statistics Norway's CSV"),
    "cli.db_upgraded": ("Databasen er oppdatert.", "The database is up to date."),
    "cli.reference_loaded": (
        "Referansedata lagt til: {counties} fylker, {organisations} virksomheter, {services} tjenester, {components} komponenter.",
        "Reference data added: {counties} counties, {organisations} organisations, {services} services, {components} components.",
    ),
    "cli.first_admin": (
        "Første administrator er opprettet. Brukernavn: admin  Passord: {password}  (vises bare denne ene gangen, "
        "og må byttes ved første innlogging)",
        "The first administrator was created. Username: admin  Password: {password}  (shown this one time only, "
        "and must be changed at the first sign-in)",
    ),
    "cli.user_added": ("Brukeren {username} er lagt til.", "User {username} was added."),
    "cli.password_once": ("Passord: {password}  (vises bare nå)", "Password: {password}  (shown only now)"),
    "cli.must_change_at_first_sign_in": (
        "{username} må bytte passordet ved første innlogging.",
        "{username} must change the password at the first sign-in.",
    ),
    "cli.new_password": ("Nytt passord: ", "New password: "),
    "cli.password_set": ("Nytt passord er satt for {username}.", "A new password was set for {username}."),
    "cli.user_deactivated": ("Brukeren {username} er deaktivert.", "User {username} was deactivated."),
    "cli.audit_ok": ("Revisjonsloggen er urørt ({count} rader kontrollert).", "The audit log is intact ({count} entries checked)."),
    "cli.audit_bad_altered": (
        "Revisjonsloggen er endret: rad {seq} stemmer ikke med kontrollsummen. {count} rader før den er i orden.",
        "The audit log has been altered: entry {seq} does not match its checksum. The {count} entries before it are intact.",
    ),
    "cli.audit_bad_chain": (
        "Revisjonsloggen er brutt ved rad {seq}: den peker ikke på raden før (flyttet eller byttet ut).",
        "The audit log is broken at entry {seq}: it does not point to the entry before it (moved or replaced).",
    ),
    "cli.audit_bad_missing": (
        "Revisjonsloggen mangler rad {seq} (slettet).",
        "The audit log is missing entry {seq} (deleted).",
    ),
    "cli.audit_bad_needs_key": (
        "Rad {seq} i revisjonsloggen er nøkkelsikret, og BACKOFFICE_AUDIT_KEY er ikke satt. Sett nøkkelen for å "
        "kontrollere loggen. De {count} radene før den er urørt.",
        "Entry {seq} of the audit log is keyed, and BACKOFFICE_AUDIT_KEY is not set. Set the key to verify the "
        "log. The {count} entries before it are intact.",
    ),
    "cli.audit_bad_altered_or_key": (
        "Rad {seq} i revisjonsloggen stemmer ikke med kontrollsummen: enten er BACKOFFICE_AUDIT_KEY en annen "
        "nøkkel enn den loggen er skrevet med, eller raden er endret. De {count} radene før den er urørt.",
        "Entry {seq} of the audit log does not match its checksum: either BACKOFFICE_AUDIT_KEY is not the key "
        "the log was written with, or the entry has been altered. The {count} entries before it are intact.",
    ),
    "cli.audit_bad_unkeyed_after_keyed": (
        "Revisjonsloggen er skrevet om uten nøkkelen: rad {seq} er ikke nøkkelsikret, men radene før den er det.",
        "The audit log has been rewritten without the key: entry {seq} is not keyed, but the entries before it are.",
    ),
    "cli.audit_bad_head_unkeyed": (
        "BACKOFFICE_AUDIT_KEY er satt, men den nyeste raden i revisjonsloggen (nr. {seq}) er ikke nøkkelsikret. "
        "Enten er loggen skrevet om uten nøkkelen, eller ingenting er lagret siden nøkkelen ble satt (da blir "
        "neste endring nøkkelsikret).",
        "BACKOFFICE_AUDIT_KEY is set, but the newest entry of the audit log (no. {seq}) is not keyed. Either the "
        "log has been rewritten without the key, or nothing has been saved since the key was set (then the next "
        "change will be keyed).",
    ),
    "cli.audit_bad_anchor_missing": (
        "Revisjonsloggen er avkortet: rad {seq} fra ankeret finnes ikke lenger (loggen har {count} rader). "
        "Nyere rader er slettet.",
        "The audit log has been truncated: entry {seq} from the anchor is gone (the log has {count} entries). "
        "Newer entries have been deleted.",
    ),
    "cli.audit_bad_anchor_mismatch": (
        "Revisjonsloggen er skrevet om: rad {seq} har en annen kontrollsum enn ankeret. Loggen er endret og "
        "kontrollsummene regnet ut på nytt etter at ankeret ble tatt.",
        "The audit log has been rewritten: entry {seq} has another checksum than the anchor. The log was "
        "changed and its checksums recomputed after the anchor was taken.",
    ),
    "cli.audit_ok_anchor": (
        "Revisjonsloggen er urørt ({count} rader kontrollert), og rad {seq} stemmer med ankeret.",
        "The audit log is intact ({count} entries checked), and entry {seq} matches the anchor.",
    ),
    "cli.audit_anchor_empty": (
        "Revisjonsloggen er tom: det finnes ikke noe å ankre ennå.",
        "The audit log is empty: there is nothing to anchor yet.",
    ),
    "cli.audit_anchor_refused": (
        "Ankeret er ikke laget: revisjonsloggen er ikke urørt.",
        "No anchor was made: the audit log is not intact.",
    ),
    "cli.demo_loaded": ("Demodata er lastet. Innlogginger:", "Demo data loaded. Sign-ins:"),
    "cli.demo_skipped": ("Databasen har allerede data; demodata ble ikke lastet.", "The database already has data; demo data was not loaded."),
    "cli.backup_written": ("Sikkerhetskopi skrevet til {path}.", "Backup written to {path}."),
    "cli.restore_confirm": (
        "Dette erstatter alt i databasen med sikkerhetskopien. Fortsette?",
        "This replaces everything in the database with the backup. Continue?",
    ),
    "cli.restored": ("Databasen er gjenopprettet fra {path}.", "The database was restored from {path}."),
    "cli.restore_needs_yes": (
        "Gjenoppretting erstatter hele databasen og må bekreftes. Kjør kommandoen i en terminal og svar «j», "
        "eller legg til --yes. Ingenting er endret.",
        "Restoring replaces the whole database and must be confirmed. Run the command in a terminal and answer "
        "“y”, or add --yes. Nothing was changed.",
    ),
    "cli.what_demo_reset": ("slette alt i databasen og laste demodata på nytt", "delete everything in the database and load the demo data again"),
    "cli.help_restore_yes": ("gjenopprett uten å spørre", "restore without asking"),
    "cli.orgs_imported": (
        "Importert: {created} nye, {updated} oppdatert, {unchanged} uendret.",
        "Imported: {created} new, {updated} updated, {unchanged} unchanged.",
    ),

    # --- the leader's approvals queue -----------------------------------------------------------------
    "approvals.title": ("Venter på din godkjenning", "Awaiting your approval"),
    "approvals.intro": (
        "Alt som venter på avdelingsleders signatur, eldst først. Åpne siden der saken avgjøres.",
        "Everything waiting for the department leader's signature, oldest first. Open the page where it is decided.",
    ),
    "approvals.empty": ("Ingen saker venter på deg.", "Nothing is waiting for you."),
    "approvals.unavailable": ("Kunne ikke hente saker fra {area}; se loggen.", "Could not read items from {area}; see the log."),
    "approvals.count": ("{count} saker venter på deg.", "{count} items are waiting for you."),
    "approvals.open": ("Åpne: {page}", "Open: {page}"),
    "approvals.age": ("{days} dager", "{days} days"),
    "approvals.asked": ("{kind} · bedt om av {name} · {age}", "{kind} · asked by {name} · {age}"),
    "approvals.col.kind": ("Type", "Kind"),
    "approvals.col.title": ("Sak", "Item"),
    "approvals.col.age": ("Dager", "Days"),
    "approvals.col.asked_by": ("Bedt om av", "Asked by"),
    "approvals.col.asked_on": ("Bedt om", "Asked on"),
    "approvals.col.page": ("Avgjøres på", "Decided on"),
    "approvals.kind.price_list": ("Prisliste", "Price list"),
    "approvals.kind.invoice_run": ("Fakturakjøring", "Invoice run"),
    "approvals.kind.gate": ("Prosjektport", "Project gate"),
    "approvals.kind.scenario": ("Scenario", "Scenario"),
    "approvals.kind.ros": ("ROS-versjon", "ROS version"),
    "approvals.kind.dpia": ("DPIA-versjon", "DPIA version"),
    "approvals.kind.risk_acceptance": ("Risikoaksept", "Risk acceptance"),
    "approvals.kind.freeze_override": ("Overstyring av frys", "Freeze override"),
    "cli.help_approvals": ("godkjenningskøen: det som venter på avdelingsleder",
                           "the approvals queue: what waits for the department leader"),
    "cli.help_approvals_list": ("vis sakene som venter, eldst først", "list the waiting items, oldest first"),
    "cli.help_approvals_json": ("skriv lista som JSON", "print the list as JSON"),
}
