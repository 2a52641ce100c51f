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
    "error.permission_denied_services": (
        "Du kan bare {what} for tjenester du er produktansvarlig for. Dette berører også tjenester du ikke er "
        "produktansvarlig for: {services}. Ingenting er endret.",
        "You may only {what} for services you are product owner of. This also affects services you are not "
        "product owner of: {services}. Nothing was changed.",
    ),
    "error.own_approval": (
        "To personer må signere: den som har forberedt noe, kan ikke selv godkjenne det. Be en annen med rett "
        "til å {what} om å gjøre det. Ingenting er endret.",
        "Two people must sign: whoever prepared something cannot approve it themselves. Ask someone else who "
        "may {what} to do it. Nothing was changed.",
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
    # control characters refused at the door (data/textguard.py)
    "error.control_char": (
        "Feltet «{field}» inneholder et kontrolltegn ({char}) som ikke kan lagres.",
        "The field “{field}” contains a control character ({char}) that cannot be stored.",
    ),
    "error.control_char_cell": (
        "Inneholder et kontrolltegn ({char}) som ikke kan lagres.",
        "Contains a control character ({char}) that cannot be stored.",
    ),
    "error.control_char_text": (
        "Teksten inneholder et kontrolltegn ({char}) som ikke kan lagres.",
        "The text contains a control character ({char}) that cannot be stored.",
    ),
    "error.control_chars_found": (
        "Teksten inneholder kontrolltegn som ikke kan lagres. Ingenting er lagret. Fjern tegnene og prøv igjen.",
        "The text contains control characters that cannot be stored. Nothing was saved. Remove them and try again.",
    ),
    "error.nothing_saved": ("Ingenting er lagret.", "Nothing was saved."),
    # what an audit entry did (data/audit.action_label)
    "audit.act.insert": ("Opprettet", "Created"),
    "audit.act.update": ("Endret", "Changed"),
    "audit.act.delete": ("Slettet", "Deleted"),
    "audit.act.batch_update": ("Endret, mange rader", "Changed, many rows"),
    "audit.act.batch_delete": ("Slettet, mange rader", "Deleted, many rows"),
    "audit.act.batch_insert": ("Opprettet, mange rader", "Created, many rows"),
    "audit.act.batch_rebuild": ("Bygget på nytt", "Rebuilt"),
    "audit.act.batch_start": ("Startet", "Started"),
    "audit.act.batch_resume": ("Gjenopptatt", "Resumed"),
    "audit.act.batch_fail": ("Mislyktes", "Failed"),
    "audit.act.batch_import": ("Importert", "Imported"),
    "audit.act.sign_in": ("Innlogging", "Sign-in"),
    "audit.act.sign_in_failed": ("Mislykket innlogging", "Failed sign-in"),
    # the audit log's key and anchor (data/audit.py)
    "audit.key_missing": (
        "Revisjonsloggen er nøkkelsikret, men {variable} er ikke satt her. Ingenting er lagret: sett nøkkelen "
        "og prøv igjen.",
        "The audit log is keyed, but {variable} is not set here. Nothing was saved: set the key and try again.",
    ),
    "audit.key_wrong": (
        "{variable} er ikke nøkkelen revisjonsloggen er skrevet med (rad {seq} stemmer ikke med den), eller "
        "raden er endret. Ingenting er lagret.",
        "{variable} is not the key the audit log was written with (entry {seq} does not match it), or the entry "
        "has been altered. Nothing was saved.",
    ),
    "audit.anchor_format": (
        "«{value}» er ikke et anker. Skriv det slik «backoffice audit anchor» viser det: NR:KONTROLLSUM "
        "(et tall, kolon og 64 heksadesimale tegn).",
        "“{value}” is not an anchor. Write it as “backoffice audit anchor” prints it: SEQ:HASH (a number, a "
        "colon and 64 hexadecimal characters).",
    ),
    "error.unexpected": (
        "Noe gikk galt. Feilen er logget. Prøv igjen, eller kontakt administrator.",
        "Something went wrong. The error has been logged. Try again or contact the administrator.",
    ),
    # the error boundary (data/boundary.py): every message names the error id that is in the log
    "error.unexpected_id": (
        "Noe gikk galt (feil-id {id}). Ingenting er endret. Feilen er logget: prøv igjen, eller kontakt "
        "administrator og oppgi feil-id-en.",
        "Something went wrong (error id {id}). Nothing was changed. The error has been logged: try again, or "
        "contact the administrator and give the error id.",
    ),
    "error.db_busy": (
        "Databasen er opptatt akkurat nå. Prøv igjen om litt. Ingenting er endret. (feil-id {id})",
        "The database is busy right now. Try again in a moment. Nothing was changed. (error id {id})",
    ),
    "error.db_conflict": (
        "Endringen kunne ikke lagres fordi den er i konflikt med data som finnes fra før (for eksempel noe som "
        "allerede er registrert). Last siden på nytt og sjekk. Ingenting er endret. (feil-id {id})",
        "The change could not be saved because it conflicts with existing data (for example something already "
        "registered). Reload and check. Nothing was changed. (error id {id})",
    ),
    "error.db_bad_value": (
        "En verdi kunne ikke lagres (for lang, utenfor gyldig område eller med tegn som ikke er tillatt). "
        "Ingenting er endret. (feil-id {id})",
        "A value could not be saved (too long, out of range or with characters that are not allowed). Nothing "
        "was changed. (error id {id})",
    ),
    "error.db_unavailable": (
        "Får ikke kontakt med databasen. Prøv igjen om litt, eller kontakt administrator. (feil-id {id})",
        "Cannot reach the database. Try again in a moment, or contact the administrator. (error id {id})",
    ),
    # reading uploaded files (data/excel.py)
    "import.csv_damaged": (
        "Linje {line}: filen kan ikke leses som CSV (for eksempel et anførselstegn som ikke er lukket). "
        "Ingenting er lagret.",
        "Line {line}: the file cannot be read as CSV (for example a quotation mark that is not closed). Nothing "
        "was saved.",
    ),
    "import.field_too_long": (
        "Linje {line}: et felt er lengre enn {limit} tegn. Sjekk at anførselstegn er lukket. Ingenting er lagret.",
        "Line {line}: a field is longer than {limit} characters. Check that quotation marks are closed. Nothing "
        "was saved.",
    ),
    "import.file_too_large": (
        "Filen er for stor: {size} MB utpakket, grensen er {limit} MB. Del den opp og prøv igjen.",
        "The file is too large: {size} MB uncompressed, the limit is {limit} MB. Split it up and try again.",
    ),
    "import.sheet_too_large": (
        "Arket «{sheet}» er for stort: {rows} rader og {columns} kolonner, grensen er {limit} celler. Fjern tomme "
        "rader og kolonner, eller del det opp.",
        "The sheet “{sheet}” is too large: {rows} rows and {columns} columns, the limit is {limit} cells. Remove "
        "empty rows and columns, or split it up.",
    ),
    "import.damaged_excel": (
        "Excel-filen er skadet og kan ikke leses (arket «{sheet}»). Åpne den i Excel, lagre den på nytt og prøv "
        "igjen. Ingenting er lagret.",
        "The Excel file is damaged and cannot be read (sheet “{sheet}”). Open it in Excel, save it again and try "
        "again. Nothing was saved.",
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
    "permission.approvals.read": ("se godkjenningskøen", "see the approvals queue"),
    "permission.risk.approve": ("godkjenne ROS- og DPIA-versjoner og risikoaksept",
                                "approve ROS and DPIA versions and risk acceptances"),
    "permission.dpia.submit": ("sende en DPIA til godkjenning", "submit a DPIA for approval"),
    "permission.digiorden.sensitive.read": ("se kommunenes sikringstiltak, sensitive datasett og tekniske "
                                            "integrasjonsdetaljer i DigiOrden",
                                            "see municipalities' security measures, sensitive datasets and "
                                            "technical integration details in DigiOrden"),
    "permission.agreements.write": ("endre avtaler og tjenestevedlegg", "change agreements and appendices"),
    "permission.agreements.import": ("importere avtaleregisteret", "import the agreement register"),
    "permission.portfolio.write": ("endre prosjekter og bemanning", "change projects and staffing"),
    "permission.changeboard.write": ("endre saker til endringsrådet", "change change-board items"),
    "permission.changeboard.override": ("overstyre en frysperiode", "override a change freeze"),
    "permission.support.write": ("endre henvendelser", "change support tickets"),
    "permission.architecture.write": ("endre systemkartet", "change the system map"),
    "permission.metering.write": ("registrere bruk av tjenester", "record service usage"),
    "permission.invoicing.settings.write": ("endre fakturaopplysninger for EHF", "change the EHF invoicing details"),
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
    "import.too_long": ("Er for lang (høyst {length} tegn).", "Is too long (at most {length} characters)."),
    "import.wrong_type": ("«{field}» på {where} har feil form: ventet {expected}.",
                          "“{field}” at {where} has the wrong form: expected {expected}."),
    "import.type.text": ("tekst", "text"),
    "import.type.number": ("et tall", "a number"),
    "import.type.object": ("et JSON-objekt", "a JSON object"),
    "import.type.list": ("en liste", "a list"),
    "import.too_deep": ("nestet dypere enn en slik fil kan være", "nested deeper than such a file can be"),
    "import.bad_text": ("teksten inneholder tegn som ikke kan lagres", "the text holds characters that cannot be stored"),
    # users and sign-in
    "user.not_found": ("Fant ingen bruker «{username}».", "No user “{username}”."),
    "user.exists": ("Brukernavnet «{username}» er allerede i bruk.", "The username “{username}” is already taken."),
    "user.unknown_role": ("Ukjent rolle: {roles}. Gyldige roller: {known}.", "Unknown role: {roles}. Valid roles: {known}."),
    "user.needs_role": ("En bruker må ha minst én rolle.", "A user must have at least one role."),
    "user.password_too_short": (
        "Passordet må ha minst {length} tegn.",
        "The password must have at least {length} characters.",
    ),
    "user.password_contains_username": (
        "Passordet kan ikke inneholde brukernavnet.",
        "The password must not contain the username.",
    ),
    "user.password_too_common": (
        "Passordet er for vanlig: det står på listen over kjente lekkede og vanlige passord. Velg et annet.",
        "This password is too common: it is on the list of known breached and common passwords. Choose another.",
    ),
    "user.password_unchanged": (
        "Det nye passordet må være et annet enn det du har nå.",
        "The new password must differ from your current one.",
    ),
    "user.password_policy": (
        "Passordet må ha minst {length} tegn, kan ikke inneholde brukernavnet og kan ikke være et vanlig eller "
        "kjent lekket passord. Flere ord med mellomrom er lette å huske og vanskelige å gjette.",
        "The password must have at least {length} characters, must not contain the username and must not be a "
        "common or known breached password. Several words with spaces are easy to remember and hard to guess.",
    ),
    "user.must_change_password": (
        "Brukeren {username} har et engangspassord som må byttes før brukeren kan brukes. Logg inn i appen og "
        "bytt det, eller sett et nytt selv: backoffice --as {username} users set-password {username}",
        "User {username} has a one-time password that must be changed before the user can be used. Sign in to "
        "the app and change it, or set a new one yourself: backoffice --as {username} users set-password {username}",
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
    "ui.already_saved": (
        "Dette er allerede lagret med de samme opplysningene. Endre noe i skjemaet for å lagre en ny.",
        "This has already been saved with the same details. Change something in the form to save a new one.",
    ),
    "ui.warnings": ("{count} merknader", "{count} notes"),
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
    "backup.nothing_changed": ("Ingenting er endret.", "Nothing was changed."),
    "backup.what_backup": ("ta sikkerhetskopi av databasen", "back up the database"),
    "backup.what_restore": ("gjenopprette databasen fra en sikkerhetskopi", "restore the database from a backup"),
    "backup.other_application": (
        "{path} er ikke en sikkerhetskopi av Backoffice (den har ingen tabellversjon fra Backoffice).",
        "{path} is not a backup of Backoffice (it has no Backoffice table version).",
    ),
    "backup.other_version": (
        "{path} er tatt med en annen versjon av Backoffice (tabellversjon {found}; denne versjonen bruker {expected}).",
        "{path} was made by another version of Backoffice (table version {found}; this version uses {expected}).",
    ),
    "backup.audit_broken": (
        "Revisjonsloggen i sikkerhetskopien er ikke urørt (rad {seq} stemmer ikke), så {path} blir ikke lagt inn.",
        "The audit log in the backup is not intact (entry {seq} does not match), so {path} is not restored.",
    ),
    "backup.damaged": ("{path} er skadet og kan ikke leses inn: {detail}", "{path} is damaged and cannot be restored: {detail}"),
    "backup.cancelled": ("Gjenopprettingen er avbrutt.", "The restore was cancelled."),
    "backup.restore_failed": ("Gjenopprettingen feilet: {detail}", "The restore failed: {detail}"),
    "backup.locked": (
        "Et annet program skriver til databasen og slapp den ikke innen {seconds} sekunder. Prøv igjen når det er "
        "ferdig (eller stopp appen mens du gjenoppretter).",
        "Another program is writing to the database and did not release it within {seconds} seconds. Try again "
        "when it has finished (or stop the app while you restore).",
    ),
    "backup.cannot_create": (
        "Gjenopprettingen trenger en databasebruker som kan opprette databaser (CREATEDB): {detail}",
        "Restoring needs a database user that may create databases (CREATEDB): {detail}",
    ),
    "backup.swap_failed": (
        "Databasen kunne ikke byttes ut med sikkerhetskopien: {detail}",
        "The database could not be replaced with the backup: {detail}",
    ),
    "user.as_deactivated": (
        "Brukeren «{username}» er deaktivert og kan ikke brukes med --as.",
        "The user “{username}” is deactivated and cannot be used with --as.",
    ),
    "export.total": ("Sum", "Total"),
    "import.not_excel": (
        "Filen er ikke et Excel-ark (.xlsx). Lagre den som Excel-arbeidsbok og prøv igjen.",
        "The file is not an Excel workbook (.xlsx). Save it as an Excel workbook and try again.",
    ),
    "import.missing_sheet": ("Arket «{sheet}» mangler i filen.", "The sheet “{sheet}” is missing from the file."),
    "cli.cannot_read": ("Kan ikke lese filen {path}: {reason}", "Cannot read the file {path}: {reason}"),
    "cli.cannot_write": ("Kan ikke skrive filen {path}: {reason}", "Cannot write the file {path}: {reason}"),
    "cli.written": ("Skrev {path}", "Wrote {path}"),
}
