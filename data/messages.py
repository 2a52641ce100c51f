"""Shared catalog: {key: (bokmål, English)}. Packages register their own catalogs the same way."""


MESSAGES: dict[str, tuple[str, str]] = {
    # errors
    "error.row": ("Rad {row}", "Row {row}"),
    "error.field": ("felt «{field}»", "field “{field}”"),
    "error.validation_failed": (
        "{count} feil funnet. Ingenting er lagret. Rett feilene og prøv igjen.",
        "{count} errors found. Nothing was saved. Correct the errors and try again.",
    ),
    "error.more_errors": ("… og {count} feil til", "… and {count} more errors"),
    "error.permission_denied": (
        "Du har ikke tilgang til å {what}. Ingenting er endret.",
        "You are not allowed to {what}. Nothing was changed.",
    ),
    "error.permission_denied_service": (
        "Du kan bare {what} for tjenester du er produktansvarlig for, ikke «{service}». Ingenting er endret.",
        "You may only {what} for services you are product owner of, not “{service}”. Nothing was changed.",
    ),
    "error.stale": (
        "«{what}» ble endret av {who} etter at du åpnet den (felt: {fields}). Last siden på nytt og gjør endringen igjen.",
        "“{what}” was changed by {who} after you opened it (fields: {fields}). Reload and make your change again.",
    ),
    "error.stale_generic": (
        "Noen andre endret dette samtidig. Last siden på nytt og prøv igjen.",
        "Someone else changed this at the same time. Reload and try again.",
    ),
    "error.end_before_start": ("Sluttdato kan ikke være før startdato.", "The end date cannot be before the start date."),
    "error.unexpected": (
        "Noe gikk galt. Feilen er logget. Prøv igjen, eller kontakt administrator.",
        "Something went wrong. The error has been logged. Try again or contact the administrator.",
    ),
    # permissions, read as "You are not allowed to …"
    "permission.users.write": ("endre brukere og roller", "change users and roles"),
    "permission.registers.write": ("endre registrene", "change the registers"),
    "permission.contacts.write": ("endre kontaktopplysninger", "change contact details"),
    "permission.audit.read": ("lese revisjonsloggen", "read the audit log"),
    "permission.gates.approve": ("godkjenne faseoverganger", "approve gates"),
    "permission.scenarios.approve": ("godkjenne scenarioer", "approve scenarios"),
    "permission.invoices.approve": ("godkjenne fakturagrunnlag", "approve invoice runs"),
    "permission.pricing.approve": ("godkjenne prislister", "approve price lists"),
    "permission.pricing.write": ("endre kostnader, priser og regnskap", "change costs, prices and accounts"),
    "permission.risk.write": ("endre risikovurderinger", "change risk assessments"),
    "permission.agreements.write": ("endre avtaler og tjenestevedlegg", "change agreements and appendices"),
    "permission.agreements.import": ("importere avtaleregisteret", "import the agreement register"),
    "permission.portfolio.write": ("endre prosjekter og bemanning", "change projects and staffing"),
    "permission.changeboard.write": ("endre saker til endringsrådet", "change change-board items"),
    "permission.changeboard.override": ("overstyre en frysperiode", "override a change freeze"),
    "permission.support.write": ("endre henvendelser", "change support tickets"),
    "permission.architecture.write": ("endre systemkartet", "change the system map"),
    "permission.metering.write": ("registrere bruk av tjenester", "record service usage"),
    # roles
    "role.admin": ("Administrator", "Administrator"),
    "role.leader": ("Avdelingsleder", "Department leader"),
    "role.finance": ("Økonomirådgiver", "Finance adviser"),
    "role.security": ("Sikkerhetsansvarlig", "Security officer"),
    "role.product_owner": ("Produktansvarlig", "Product owner"),
    "role.portfolio": ("Porteføljeleder", "Portfolio lead"),
    "role.support": ("Brukerstøtte", "Support adviser"),
    "role.architect": ("Virksomhetsarkitekt", "Enterprise architect"),
    # organisations and registers
    "org.number_format": (
        "Organisasjonsnummeret «{value}» må ha nøyaktig 9 siffer.",
        "The organisation number “{value}” must have exactly 9 digits.",
    ),
    "org.number_check_digit": (
        "Organisasjonsnummeret «{value}» er ikke gyldig (kontrollsifferet stemmer ikke). Sjekk at det er skrevet riktig.",
        "The organisation number “{value}” is not valid (the check digit does not match). Check that it is typed correctly.",
    ),
    "org.municipality_number_format": (
        "Kommunenummeret «{value}» må ha 4 siffer.",
        "The municipality number “{value}” must have 4 digits.",
    ),
    "org.number_taken": (
        "Organisasjonsnummeret {number} er allerede registrert på {name}.",
        "Organisation number {number} is already registered to {name}.",
    ),
    "org.not_found": ("Fant ingen virksomhet med id {id}.", "No organisation with id {id}."),
    "org.kind.municipality": ("Kommune", "Municipality"),
    "org.kind.county_municipality": ("Fylkeskommune", "County municipality"),
    "org.kind.state_agency": ("Statlig virksomhet", "State agency"),
    "org.kind.other": ("Annen", "Other"),
    "service.not_found": ("Fant ingen tjeneste med kode «{code}».", "No service with code “{code}”."),
    "service.status.development": ("Under utvikling", "In development"),
    "service.status.active": ("I drift", "In operation"),
    "service.status.phasing_out": ("Fases ut", "Being phased out"),
    "service.status.retired": ("Avviklet", "Retired"),
    "component.not_found": ("Fant ingen komponent med kode «{code}».", "No component with code “{code}”."),
    # imports
    "import.bad_date": (
        "«{value}» er ikke en gyldig dato. Bruk formatet dd.mm.åååå, for eksempel 01.02.2024.",
        "“{value}” is not a valid date. Use the format dd.mm.yyyy, for example 01.02.2024.",
    ),
    "import.duplicate_row": ("Samme rad finnes også på rad {other}.", "The same row also appears on row {other}."),
    "import.empty": ("Filen inneholder ingen rader.", "The file contains no rows."),
    "import.encoding": (
        "Filen kunne ikke leses. Lagre den som CSV med UTF-8 og prøv igjen.",
        "The file could not be read. Save it as CSV in UTF-8 and try again.",
    ),
    "import.missing_column": ("Kolonnen «{column}» mangler.", "The column “{column}” is missing."),
    "import.required": ("Må fylles ut.", "Is required."),
    # users and sign-in
    "user.not_found": ("Fant ingen bruker «{username}».", "No user “{username}”."),
    "user.exists": ("Brukernavnet «{username}» er allerede i bruk.", "The username “{username}” is already taken."),
    "user.unknown_role": ("Ukjent rolle: {roles}. Gyldige roller: {known}.", "Unknown role: {roles}. Valid roles: {known}."),
    "user.needs_role": ("En bruker må ha minst én rolle.", "A user must have at least one role."),
    "user.password_too_short": (
        "Passordet må ha minst {length} tegn.",
        "The password must have at least {length} characters.",
    ),
    "user.cannot_remove_own_admin": (
        "Du kan ikke fjerne din egen administratorrolle.",
        "You cannot remove your own administrator role.",
    ),
    "user.cannot_deactivate_self": ("Du kan ikke deaktivere deg selv.", "You cannot deactivate yourself."),
    "signin.failed": ("Feil brukernavn eller passord.", "Wrong username or password."),
    "signin.deactivated": (
        "Brukeren er deaktivert. Kontakt administrator.",
        "This user is deactivated. Contact the administrator.",
    ),
    "signin.locked": (
        "For mange mislykkede innlogginger. Kontoen er låst i {minutes} minutter.",
        "Too many failed sign-ins. The account is locked for {minutes} minutes.",
    ),
    "signin.sso_no_role": (
        "Du er logget inn, men har ingen rolle i Backoffice. Be administrator om tilgang.",
        "You are signed in, but have no role in Backoffice. Ask the administrator for access.",
    ),
    "signin.sso_no_identity": (
        "Innloggingen ga ikke noe brukernavn. Kontakt administrator.",
        "The sign-in gave no username. Contact the administrator.",
    ),
    # shared user interface
    "ui.all": ("Alle", "All"),
    "ui.none": ("Ingen", "None"),
    "ui.choose_one": ("Velg …", "Choose …"),
    "ui.choose_many": ("Velg én eller flere …", "Choose one or more …"),
    "ui.search": ("Søk", "Search"),
    "ui.save": ("Lagre", "Save"),
    "ui.saved": ("Lagret.", "Saved."),
    "ui.language": ("Språk", "Language"),
    "ui.sign_out": ("Logg ut", "Sign out"),
    "ui.download_csv": ("Last ned CSV", "Download CSV"),
    "ui.download_excel": ("Last ned Excel", "Download Excel"),
    "ui.money_in_kroner": ("Beløp i kroner", "Amounts in Norwegian kroner"),
    "ui.sign_in_first": ("Du må logge inn først.", "Please sign in first."),
    "ui.page_not_for_role": (
        "Denne siden er ikke tilgjengelig for din rolle.",
        "This page is not available for your role.",
    ),
    "db.out_of_date": (
        "Databasen har ikke siste versjon av tabellene. Kjør «backoffice db upgrade» (eller «make run») og start på nytt.",
        "The database does not have the latest version of the tables. Run “backoffice db upgrade” (or “make run”) and start again.",
    ),
    "backup.failed": ("Sikkerhetskopien feilet: {detail}", "The backup failed: {detail}"),
    "backup.no_file": ("Finner ikke filen {path}.", "Cannot find the file {path}."),
    "backup.not_a_backup": (
        "{path} er ikke en sikkerhetskopi av databasen.",
        "{path} is not a backup of the database.",
    ),
    "backup.tool_missing": (
        "Programmet {tool} mangler. Installer PostgreSQL-klientverktøyene.",
        "The program {tool} is missing. Install the PostgreSQL client tools.",
    ),
    "export.total": ("Sum", "Total"),
    "import.not_excel": (
        "Filen er ikke et Excel-ark (.xlsx). Lagre den som Excel-arbeidsbok og prøv igjen.",
        "The file is not an Excel workbook (.xlsx). Save it as an Excel workbook and try again.",
    ),
    "import.missing_sheet": ("Arket «{sheet}» mangler i filen.", "The sheet “{sheet}” is missing from the file."),
}
