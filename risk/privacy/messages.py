"""Texts of the privacy room (issue 23): {key: (bokmål, English)}."""

_STATES = {
    "late": ("Varsel over fristen", "Notice overdue"),
    "due": ("Varsel skal sendes", "Notice due"),
    "sent_in_time": ("Varslet i tide", "Notified in time"),
    "sent_late": ("Varslet etter fristen", "Notified after the deadline"),
    "closed": ("Lukket", "Closed"),
}
_DIGIORDEN = {
    "integrates": ("Integrerer med tjenesten (DigiOrden)", "Integrates with the service (DigiOrden)"),
    "not_mapped": ("Ikke kartlagt i DigiOrden: tatt med", "Not mapped in DigiOrden: included"),
    "off": ("Avgrensning slått av", "Narrowing switched off"),
    "no_integration": ("DigiOrden viser ingen integrasjon med tjenesten", "DigiOrden shows no integration with the service"),
}
_FIELDS = {
    "title": ("Tittel", "Title"),
    "aware_at": ("Kjent med bruddet", "Became aware"),
    "aware_at_date": ("Dato vi ble kjent med bruddet", "Date we became aware"),
    "aware_at_time": ("Klokkeslett (norsk tid)", "Time (Norwegian time)"),
    "sent_at": ("Sendt", "Sent"),
    "sent_at_date": ("Dato sendt", "Date sent"),
    "sent_at_time": ("Klokkeslett sendt (norsk tid)", "Time sent (Norwegian time)"),
    "at": ("Tidspunkt", "Time"),
    "at_date": ("Dato", "Date"),
    "at_time": ("Klokkeslett (norsk tid)", "Time (Norwegian time)"),
    "services": ("Berørte tjenester", "Affected services"),
    "service": ("Tjeneste", "Service"),
    "what_happened": ("Hva har skjedd", "What happened"),
    "subject_categories": ("Kategorier av registrerte", "Categories of data subjects"),
    "subjects_approx": ("Omtrentlig antall registrerte", "Approximate number of data subjects"),
    "record_categories": ("Kategorier av personopplysninger", "Categories of personal data"),
    "records_approx": ("Omtrentlig antall registreringer", "Approximate number of records"),
    "likely_consequences": ("Sannsynlige konsekvenser", "Likely consequences"),
    "measures_taken": ("Tiltak som er satt i verk", "Measures taken"),
    "contact": ("Kontaktpunkt", "Contact point"),
    "notify_within_hours": ("Intern frist for varsel (timer)", "Internal notice deadline (hours)"),
    "notify_within_hours_help": (
        "Hvor mange timer etter at vi ble kjent med bruddet de behandlingsansvarlige skal være varslet. 24 timer "
        "gir kommunene god tid til sin egen 72-timersfrist (personvernforordningen art. 33).",
        "How many hours after we became aware the controllers must have been told. 24 hours leaves the "
        "municipalities ample time for their own 72-hour deadline (GDPR art. 33)."),
    "narrow_by_digiorden": ("Avgrens med DigiOrden", "Narrow by DigiOrden"),
    "narrow_by_digiorden_help": (
        "Virksomheter som har kart i DigiOrden, men ingen integrasjon med tjenesten, tas ut av listen (de vises "
        "for seg). Virksomheter uten kart tas alltid med.",
        "Organisations whose DigiOrden map shows no integration with the service are left out (listed "
        "separately). Organisations without a map are always included."),
    "recipients": ("Mottakere", "Recipients"),
    "note": ("Merknad", "Note"),
    "reason": ("Begrunnelse", "Reason"),
    "event_text": ("Hva ble gjort", "What was done"),
    "closing_note": ("Oppsummering ved lukking", "Summary on closing"),
    "owner_note": ("Produkteiers kommentar", "Product owner's comment"),
    "owner_note_help": ("Kommer med i varselet under egen overskrift.", "Included in the notice under its own heading."),
}
_COLUMNS = {
    "reference": ("Referanse", "Reference"),
    "title": ("Tittel", "Title"),
    "services": ("Tjenester", "Services"),
    "ticket": ("Henvendelse", "Ticket"),
    "state": ("Status", "Status"),
    "aware_at": ("Kjent med bruddet", "Became aware"),
    "deadline": ("Frist for varsel", "Notice deadline"),
    "controllers": ("Behandlingsansvarlige", "Controllers"),
    "sent": ("Varslet", "Notified"),
    "unsent": ("Ikke varslet", "Not notified"),
    "sent_late": ("Varslet for sent", "Notified late"),
    "org_number": ("Organisasjonsnummer", "Organisation number"),
    "organisation": ("Virksomhet", "Organisation"),
    "municipality_number": ("Kommunenummer", "Municipality number"),
    "contact_email": ("E-post", "E-mail"),
    "subject": ("Emne", "Subject"),
    "appendices": ("Tjenestevedlegg", "Service appendices"),
    "digiorden": ("DigiOrden", "DigiOrden"),
    "sent_at": ("Sendt", "Sent"),
    "sent_by": ("Sendt av", "Sent by"),
    "their_deadline": ("Kommunens 72 timer utløper", "The controller's 72 hours end"),
    "what_happened": ("Hva har skjedd", "What happened"),
    "subject_categories": ("Kategorier av registrerte", "Categories of data subjects"),
    "subjects_approx": ("Antall registrerte (omtrent)", "Data subjects (approx.)"),
    "record_categories": ("Kategorier av personopplysninger", "Categories of personal data"),
    "records_approx": ("Antall registreringer (omtrent)", "Records (approx.)"),
    "likely_consequences": ("Sannsynlige konsekvenser", "Likely consequences"),
    "measures_taken": ("Tiltak", "Measures taken"),
    "contact": ("Kontaktpunkt", "Contact point"),
    "at": ("Tidspunkt", "Time"),
    "text": ("Hva ble gjort", "What was done"),
    "recorded_by": ("Registrert av", "Recorded by"),
}
_DOC = {
    "kind.policy": ("Policy", "Policy"),
    "kind.procedure": ("Prosedyre", "Procedure"),
    "kind.routine": ("Rutine", "Routine"),
    "status.draft": ("Venter på godkjenning", "Awaiting approval"),
    "status.approved": ("Godkjent", "Approved"),
    "state.overdue": ("Revisjon på overtid", "Review overdue"),
    "state.due_soon": ("Revisjon innen 30 dager", "Review within 30 days"),
    "state.ok": ("I orden", "In order"),
    "state.draft": ("Venter på godkjenning", "Awaiting approval"),
    "col.kind": ("Type", "Type"),
    "col.title": ("Dokument", "Document"),
    "col.purpose": ("Formål", "Purpose"),
    "col.location": ("Hvor dokumentet ligger", "Where the document is kept"),
    "col.owner": ("Eier", "Owner"),
    "col.doc_version": ("Versjon", "Version"),
    "col.status": ("Status", "Status"),
    "col.approved_by": ("Godkjent av", "Approved by"),
    "col.approved_on": ("Godkjent", "Approved"),
    "col.next_review": ("Neste revisjon", "Next review"),
    "col.review_months": ("Revisjon hver (måneder)", "Review every (months)"),
    "col.state": ("Revisjon", "Review"),
    "col.days_overdue": ("Dager på overtid", "Days overdue"),
    "col.nsm": ("NSMs grunnprinsipper", "NSM principles"),
    "col.iso": ("ISO/IEC 27001-kontroller", "ISO/IEC 27001 controls"),
    "col.principle": ("Prinsipp", "Principle"),
    "col.principle_title": ("Prinsipp (NSMs tittel)", "Principle (NSM's title)"),
    "col.count": ("Dokumenter", "Documents"),
    "col.documents": ("Dokumenter som dekker prinsippet", "Documents serving the principle"),
    "sheet": ("Styringsdokumenter", "Documents"),
    "coverage_sheet": ("NSM-dekning", "NSM coverage"),
    "intro": ("Styringssystemets policyer, prosedyrer og rutiner: eier, versjon, godkjenning og neste revisjon, og "
              "hvilke av NSMs grunnprinsipper og ISO 27001-kontroller de dekker.",
              "The management system's policies, procedures and routines: owner, version, approval and next "
              "review, and which NSM principles and ISO 27001 controls they serve."),
    "warning_overdue": ("«{title}» skulle vært revidert for {days} dager siden (eier: {owner}).",
                        "“{title}” should have been reviewed {days} days ago (owner: {owner})."),
    "all_kinds": ("Alle typer", "All types"),
    "only_overdue": ("Bare revisjon på overtid", "Overdue reviews only"),
    "empty": ("Ingen dokumenter er registrert. Sikkerhetsansvarlig registrerer det første under «Nytt eller "
              "endret dokument».", "No documents yet. The security officer registers the first one under “New or "
              "changed document”."),
    "none": ("Ingen dokumenter.", "No documents."),
    "download": ("Last ned registeret (Excel)", "Download the register (Excel)"),
    "coverage": ("Dekning av NSMs grunnprinsipper", "Coverage of NSM's principles"),
    "edit": ("Nytt eller endret dokument", "New or changed document"),
    "choose": ("Dokument", "Document"),
    "new": ("Nytt dokument", "New document"),
    "iso_help": ("Kontroll-id-er fra ISO/IEC 27001 vedlegg A, skilt med komma, for eksempel A.5.24, A.8.15. Appen "
                 "har ingen kontrollkatalog; id-ene lagres som tekst.",
                 "Control ids from ISO/IEC 27001 Annex A, separated by commas, e.g. A.5.24, A.8.15. The app ships "
                 "no control catalogue; the ids are kept as text."),
    "approve": ("Godkjenn eller registrer revisjon", "Approve or record a review"),
    "approve_help": ("Den som godkjenner kan ikke være dokumentets eier, og heller ikke den som registrerte det "
                     "eller sist endret det. Policyer godkjennes av leder; prosedyrer og rutiner av leder eller "
                     "sikkerhetsansvarlig. Samme versjon godkjent på nytt er en revisjon.",
                     "The approver cannot be the document's owner, nor whoever registered it or changed it last. "
                     "Policies are approved by the leader; procedures and routines by the leader or the security "
                     "officer. The same version approved again is a review."),
    "approve_button": ("Godkjenn", "Approve"),
    "next_review_help": ("Tomt: godkjenningsdatoen pluss dokumentets revisjonsintervall.",
                         "Empty: the approval date plus the document's review interval."),
    "history": ("Godkjenninger", "Approvals"),
    "no_approvals": ("Dokumentet er ikke godkjent ennå.", "The document has not been approved yet."),
    "not_found": ("Fant ikke dokumentet (id {id}).", "Document not found (id {id})."),
    "bad_control": ("Ugyldig kontroll-id: {ids}. Bruk formen A.5.24 eller 8.15.",
                    "Invalid control id: {ids}. Use the form A.5.24 or 8.15."),
    "unknown_principles": ("Ukjent NSM-prinsipp: {ids}. Velg prinsipper fra NSMs liste (for eksempel 2.3).",
                           "Unknown NSM principle: {ids}. Choose principles from NSM's list (e.g. 2.3)."),
    "title_taken": ("Det finnes allerede et dokument med tittelen «{title}». Ingenting er lagret.",
                    "A document called “{title}” already exists. Nothing was saved."),
    "own_approval": ("Du eier «{title}» og kan ikke godkjenne det selv. Ingenting er lagret.",
                     "You own “{title}” and cannot approve it yourself. Nothing was saved."),
    "what": ("dokumentet «{title}»", "the document “{title}”"),
    "approve_none": ("Ingen dokumenter venter på at du godkjenner dem. Den som eier, registrerte eller sist endret et "
                     "dokument, kan ikke godkjenne det selv.",
                     "No documents wait for your approval. Whoever owns, registered or last changed a document "
                     "cannot approve it themselves."),
    "future_approval": ("Godkjenningsdatoen {date} er fram i tid. Ingenting er lagret.",
                        "The approval date {date} is in the future. Nothing was saved."),
    "review_before_approval": ("Neste revisjon ({date}) må være etter godkjenningsdatoen. Ingenting er lagret.",
                               "The next review ({date}) must be after the approval date. Nothing was saved."),
}

MESSAGES: dict[str, tuple[str, str]] = {
    "priv.page.breaches": ("Personvernbrudd", "Personal-data breaches"),
    "priv.page.notices": ("Risikovarsler til kommunene", "Risk notices to municipalities"),
    "priv.page.documents": ("Styringsdokumenter", "Management system documents"),
    "priv.page.mark_from_incident": ("Marker en sikkerhetshendelse som personvernbrudd",
                                     "Mark a security incident as a personal-data breach"),
    "priv.when": ("{date} kl. {time}", "{date} at {time}"),
    # breaches
    "priv.breach.intro": (
        "Brudd på personopplysningssikkerheten: fristen regnes fra vi ble kjent med bruddet. Som databehandler "
        "varsler vi hver behandlingsansvarlig (kommunene med tjenestevedlegg) uten ugrunnet opphold, slik at de "
        "rekker sin egen 72-timersfrist overfor Datatilsynet.",
        "Personal-data breaches: the clock runs from when we became aware. As processor we tell each controller "
        "(the municipalities with an appendix) without undue delay, so that they can meet their own 72 hours "
        "towards Datatilsynet."),
    "priv.breach.warning_late": ("{ref} {title}: {count} behandlingsansvarlige er ikke varslet, og fristen gikk ut "
                                 "{deadline}.", "{ref} {title}: {count} controllers have not been told, and the "
                                 "deadline passed {deadline}."),
    "priv.breach.warning_due": ("{ref} {title}: {count} behandlingsansvarlige skal varsles innen {deadline} "
                                "({hours} timer igjen).", "{ref} {title}: {count} controllers must be told by "
                                "{deadline} ({hours} hours left)."),
    "priv.breach.include_closed": ("Vis lukkede brudd", "Show closed breaches"),
    "priv.breach.empty": ("Ingen personvernbrudd er registrert. Sikkerhetsansvarlig markerer en sikkerhetshendelse "
                          "fra brukerstøtte som brudd under «Marker en sikkerhetshendelse som personvernbrudd».",
                          "No personal-data breaches. The security officer marks a security incident from support "
                          "as a breach under “Mark a security incident as a personal-data breach”."),
    "priv.breach.none": ("Ingen åpne personvernbrudd.", "No open personal-data breaches."),
    "priv.breach.mark": ("Marker en sikkerhetshendelse som personvernbrudd",
                         "Mark a security incident as a personal-data breach"),
    "priv.breach.no_incidents": ("Ingen sikkerhetshendelser venter. Brukerstøtte markerer henvendelser som "
                                 "sikkerhetshendelser på siden Sikkerhetshendelser.",
                                 "No security incidents are waiting. Support marks tickets as security incidents "
                                 "on the Security incidents page."),
    "priv.breach.incident": ("Sikkerhetshendelse", "Security incident"),
    "priv.breach.mark_button": ("Marker som personvernbrudd", "Mark as personal-data breach"),
    "priv.breach.marked": ("Bruddet er registrert, og listen over behandlingsansvarlige er laget.",
                           "The breach is recorded and the list of controllers made."),
    "priv.breach.choose": ("Brudd", "Breach"),
    "priv.breach.deadline_help": ("{hours} timer etter at vi ble kjent med bruddet.",
                                  "{hours} hours after we became aware."),
    "priv.breach.tab.controllers": ("Behandlingsansvarlige og varsler", "Controllers and notices"),
    "priv.breach.tab.details": ("Beskrivelse", "Description"),
    "priv.breach.tab.timeline": ("Tidslinje", "Timeline"),
    "priv.breach.tab.clock": ("Tidspunkt og lukking", "Time and closing"),
    "priv.breach.controllers_help": (
        "Alle virksomheter med tjenestevedlegg i kraft for en berørt tjeneste den dagen vi ble kjent med bruddet, "
        "avgrenset med DigiOrden der kartet viser hvem som bruker tjenesten. Hver får et ferdig utfylt varsel.",
        "Every organisation with an appendix in force for an affected service on the day we became aware, "
        "narrowed by DigiOrden where the map shows who uses the service. Each gets a pre-filled notice."),
    "priv.breach.download_html": ("Varslene til utskrift (HTML)", "The notices for printing (HTML)"),
    "priv.breach.download_csv": ("Flettefil for e-post (CSV)", "Mail-merge file (CSV)"),
    "priv.breach.no_controllers": ("Ingen virksomheter hadde tjenestevedlegg for de berørte tjenestene den dagen. "
                                   "Sjekk tjenestene og tidspunktet.", "No organisation had an appendix for the "
                                   "affected services that day. Check the services and the time."),
    "priv.breach.left_out": ("{count} virksomheter med tjenestevedlegg er tatt ut fordi DigiOrden viser at de ikke "
                             "integrerer med tjenesten", "{count} organisations with an appendix are left out "
                             "because DigiOrden shows they do not integrate with the service"),
    "priv.breach.record_sent": ("Registrer at varselet er sendt", "Record that the notice was sent"),
    "priv.breach.record_sent_button": ("Registrer sendt", "Record as sent"),
    "priv.breach.add_event": ("Ny hendelse på tidslinjen", "New timeline entry"),
    "priv.breach.clock_help": ("Fristen for å varsle de behandlingsansvarlige er {hours} timer etter tidspunktet "
                               "vi ble kjent med bruddet. Endrer du tidspunktet, flytter fristen seg, og "
                               "begrunnelsen kommer på tidslinjen.", "The deadline for telling the controllers is "
                               "{hours} hours after we became aware. Changing the time moves the deadline; the "
                               "reason goes on the timeline."),
    "priv.breach.change_aware": ("Endre tidspunktet", "Change the time"),
    "priv.breach.close": ("Lukk bruddet", "Close the breach"),
    "priv.breach.close_button": ("Lukk", "Close"),
    "priv.breach.closed_on": ("Bruddet ble lukket {when}.", "The breach was closed {when}."),
    "priv.breach.not_found": ("Fant ikke personvernbruddet (id {id}).", "Personal-data breach not found (id {id})."),
    "priv.breach.not_incident": ("Henvendelse {ticket} er ikke markert som sikkerhetshendelse. Ingenting er lagret.",
                                 "Ticket {ticket} is not marked as a security incident. Nothing was saved."),
    "priv.breach.already": ("Henvendelse {ticket} er allerede registrert som personvernbrudd {ref}. Ingenting er "
                            "lagret.", "Ticket {ticket} is already recorded as personal-data breach {ref}. Nothing "
                            "was saved."),
    "priv.breach.no_services": ("Henvendelse {ticket} er ikke knyttet til en tjeneste: velg de berørte tjenestene. "
                                "Ingenting er lagret.", "Ticket {ticket} is not linked to a service: choose the "
                                "affected services. Nothing was saved."),
    "priv.breach.closed_already": ("{ref} er lukket og kan ikke endres. Ingenting er lagret.",
                                   "{ref} is closed and cannot be changed. Nothing was saved."),
    "priv.breach.aware_after_sent": ("Tidspunktet kan ikke være etter at det første varselet ble sendt ({sent}). "
                                     "Ingenting er lagret.", "The time cannot be after the first notice was sent "
                                     "({sent}). Nothing was saved."),
    "priv.breach.sent_before_aware": ("Et varsel kan ikke være sendt før vi ble kjent med bruddet ({aware}). "
                                      "Ingenting er lagret.", "A notice cannot have been sent before we became "
                                      "aware ({aware}). Nothing was saved."),
    "priv.breach.not_controller": ("{names} står ikke på listen over behandlingsansvarlige for {ref}. Ingenting er "
                                   "lagret.", "{names} is not on the list of controllers of {ref}. Nothing was "
                                   "saved."),
    "priv.breach.already_sent": ("Varselet er allerede registrert som sendt til {names}. Ingenting er lagret.",
                                 "The notice is already recorded as sent to {names}. Nothing was saved."),
    "priv.breach.close_unsent": ("{count} behandlingsansvarlige har ikke fått varsel ennå; bruddet kan ikke lukkes. "
                                 "Ingenting er lagret.", "{count} controllers have not been told yet; the breach "
                                 "cannot be closed. Nothing was saved."),
    "priv.error.future": ("{field} ({when}) er fram i tid. Ingenting er lagret.",
                          "{field} ({when}) is in the future. Nothing was saved."),
    "priv.error.naive_time": ("Tidspunktet mangler tidssone.", "The time has no time zone."),
    "priv.error.unknown_services": ("Ukjent tjeneste: {codes}. Ingenting er lagret.",
                                    "Unknown service: {codes}. Nothing was saved."),
    "priv.event.marked": ("Henvendelse {ticket} markert som personvernbrudd. Kjent med bruddet {aware}. Berørte "
                          "tjenester: {services}. Intern frist for varsel: {hours} timer.",
                          "Ticket {ticket} marked as a personal-data breach. Became aware {aware}. Affected "
                          "services: {services}. Internal notice deadline: {hours} hours."),
    "priv.event.controllers": ("Listen over behandlingsansvarlige: {count} (lagt til {added}, tatt ut {removed}).",
                               "The list of controllers: {count} (added {added}, removed {removed})."),
    "priv.event.hours": ("Intern frist endret fra {before} til {after} timer.",
                         "Internal deadline changed from {before} to {after} hours."),
    "priv.event.aware_changed": ("Tidspunktet vi ble kjent med bruddet endret fra {before} til {after}. "
                                 "Begrunnelse: {reason}", "The time we became aware changed from {before} to "
                                 "{after}. Reason: {reason}"),
    "priv.event.services": ("Berørte tjenester satt til {services}. Begrunnelse: {reason}",
                            "Affected services set to {services}. Reason: {reason}"),
    "priv.event.sent": ("Varsel sendt til {count} behandlingsansvarlige (frist {deadline}).",
                        "Notice sent to {count} controllers (deadline {deadline})."),
    "priv.event.sent_late": ("Varsel sendt til {count} behandlingsansvarlige etter fristen ({deadline}).",
                             "Notice sent to {count} controllers after the deadline ({deadline})."),
    "priv.event.closed": ("Bruddet lukket: {note}", "Breach closed: {note}"),
    # the leader's overview
    "priv.kpi.open": ("Åpne personvernbrudd", "Open personal-data breaches"),
    "priv.kpi.open_help": ("Brudd på personopplysningssikkerheten som ikke er lukket.",
                           "Personal-data breaches not closed."),
    "priv.kpi.late": ("Varsler over fristen", "Notices overdue"),
    "priv.kpi.late_help": ("Behandlingsansvarlige som ikke er varslet, der den interne fristen har gått ut.",
                           "Controllers not told whose internal deadline has passed."),
    "priv.kpi.next_deadline": ("Neste varslingsfrist", "Next notice deadline"),
    "priv.kpi.next_deadline_help": ("Den nærmeste fristen for å varsle behandlingsansvarlige om et brudd.",
                                    "The nearest deadline for telling controllers about a breach."),
    "priv.kpi.overdue_documents": ("Styringsdokumenter på overtid", "Documents overdue for review"),
    "priv.kpi.overdue_documents_help": ("Policyer, prosedyrer og rutiner der neste revisjon har passert.",
                                        "Policies, procedures and routines past their review date."),
    # risk notices
    "priv.notice.intro": (
        "Når en ROS for en tjeneste er godkjent i ny versjon, sender produkteier et risikovarsel til alle "
        "virksomheter med tjenestevedlegg: nye og endrede risikoer over akseptgrensen og tiltakene kommunene må "
        "gjøre selv.", "When a service's ROS is approved in a new version, the product owner sends a risk notice "
        "to every organisation with an appendix: new and changed risks above the acceptance line and the "
        "measures the municipalities must take themselves."),
    "priv.notice.empty": ("Ingen tjeneste har en godkjent ROS ennå. Når leder har godkjent en ROS, kan den deles "
                          "med kommunene her.", "No service has an approved ROS yet. Once the leader has approved "
                          "one, it can be shared with the municipalities here."),
    "priv.notice.revision": ("ROS-versjon", "ROS version"),
    "priv.notice.new": ("Nye over akseptgrensen", "New above the line"),
    "priv.notice.changed": ("Endret over akseptgrensen", "Changed above the line"),
    "priv.notice.recipients": ("Mottakere", "Recipients"),
    "priv.notice.already": ("Risikovarsel for versjon {revision} ble sendt {when}.",
                            "The risk notice for version {revision} was sent {when}."),
    "priv.notice.not_sent": ("Versjon {revision} er godkjent, men ikke delt med kommunene ennå.",
                             "Version {revision} is approved but not yet shared with the municipalities."),
    "priv.notice.preview": ("Varselet", "The notice"),
    "priv.notice.confirm": ("Jeg vil sende varselet til {count} virksomheter", "I want to send the notice to {count} "
                            "organisations"),
    "priv.notice.send": ("Send risikovarsel", "Send risk notice"),
    "priv.notice.sent": ("Risikovarselet er lagret som sendt med mottakerne.",
                         "The risk notice is stored as sent, with its recipients."),
    "priv.notice.history": ("Sendte risikovarsler", "Risk notices sent"),
    "priv.notice.no_history": ("Ingen risikovarsler er sendt for tjenesten.", "No risk notices sent for the service."),
    "priv.notice.no_approved": ("{service} har ingen godkjent ROS å varsle om.", "{service} has no approved ROS to "
                                "share."),
    "priv.notice.already_sent": ("Risikovarsel for {service} versjon {revision} ble allerede sendt {date}. "
                                 "Ingenting er lagret.", "The risk notice for {service} version {revision} was "
                                 "already sent {date}. Nothing was saved."),
    "priv.notice.no_recipients": ("Ingen virksomheter har tjenestevedlegg for {service} i dag. Ingenting er lagret.",
                                  "No organisation has an appendix for {service} today. Nothing was saved."),
    "priv.notice.not_found": ("Fant ikke risikovarselet (id {id}).", "Risk notice not found (id {id})."),
    "priv.fact.notice": ("Risikovarsel til kommunene", "Risk notice to municipalities"),
    "priv.fact.notice_value": ("Sendt {date} (ROS-versjon {revision}) til {count} virksomheter",
                               "Sent {date} (ROS version {revision}) to {count} organisations"),
    "priv.fact.notice_due": ("Risikovarsel ikke sendt", "Risk notice not sent"),
    "priv.fact.notice_due_value": ("ROS-versjon {revision} er godkjent, men ikke delt med kommunene",
                                   "ROS version {revision} is approved but not shared with the municipalities"),
    # the command line
    "priv.cli.help_breach": ("personvernbrudd: list, marker, behandlingsansvarlige, varsler, sendt",
                             "personal-data breaches: list, mark, controllers, notices, sent"),
    "priv.cli.help_list": ("åpne brudd med frister", "open breaches with deadlines"),
    "priv.cli.help_all": ("ta med lukkede brudd", "include closed breaches"),
    "priv.cli.help_mark": ("marker en sikkerhetshendelse som personvernbrudd",
                           "mark a security incident as a personal-data breach"),
    "priv.cli.help_ticket": ("henvendelsens nummer i brukerstøtte", "the support ticket's number"),
    "priv.cli.help_aware": ("når vi ble kjent med bruddet (norsk tid)", "when we became aware (Norwegian time)"),
    "priv.cli.help_service": ("berørt tjeneste (kan gjentas; standard: henvendelsens tjeneste)",
                              "affected service (repeatable; default: the ticket's service)"),
    "priv.cli.help_hours": ("intern frist i timer (standard 24)", "internal deadline in hours (default 24)"),
    "priv.cli.help_no_digiorden": ("ikke avgrens med DigiOrden", "do not narrow by DigiOrden"),
    "priv.cli.help_what": ("hva som har skjedd", "what happened"),
    "priv.cli.help_controllers": ("de behandlingsansvarlige med status for varsel",
                                  "the controllers with their notice state"),
    "priv.cli.help_notices": ("skriv ett varsel per behandlingsansvarlig, HTML for utskrift og flettefil",
                              "write one notice per controller, printable HTML and the mail-merge file"),
    "priv.cli.help_sent": ("registrer at varselet er sendt", "record that the notice was sent"),
    "priv.cli.help_org": ("organisasjonsnummer (kan gjentas)", "organisation number (repeatable)"),
    "priv.cli.help_sent_all": ("alle som ikke er varslet ennå", "everyone not yet told"),
    "priv.cli.help_at": ("når det ble sendt (norsk tid; standard nå)", "when it was sent (Norwegian time; default now)"),
    "priv.cli.help_notice": ("risikovarsel til kommunene for tjenestens sist godkjente ROS",
                             "risk notice to the municipalities for the service's latest approved ROS"),
    "priv.cli.help_send": ("lagre varselet som sendt med mottakerne (ellers bare filene)",
                           "store the notice as sent with its recipients (otherwise only the files)"),
    "priv.cli.help_note": ("produkteiers kommentar i varselet", "the product owner's comment in the notice"),
    "priv.cli.help_documents": ("styringsdokumentene med neste revisjon", "the management documents with their next "
                                "review"),
    "priv.cli.help_overdue": ("bare de med revisjon på overtid", "only those overdue for review"),
    "priv.cli.bad_time": ("Ugyldig tidspunkt «{value}». Bruk for eksempel 2026-12-07 09:30.",
                          "Invalid time “{value}”. Use for example 2026-12-07 09:30."),
    "priv.cli.bad_breach": ("Ugyldig brudd «{value}». Bruk nummeret, for eksempel 3 eller PB-3.",
                            "Invalid breach “{value}”. Use its number, e.g. 3 or PB-3."),
    "priv.cli.files_written": ("Skrev {count} filer til {path}", "Wrote {count} files to {path}"),
    "priv.cli.deadline": ("frist", "deadline"),
    "priv.cli.marked": ("{ref} registrert: {count} behandlingsansvarlige skal varsles.",
                        "{ref} recorded: {count} controllers to be told."),
    "priv.cli.unknown_orgs": ("Ukjent organisasjonsnummer: {numbers}. Ingenting er lagret.",
                              "Unknown organisation number: {numbers}. Nothing was saved."),
    "priv.cli.nobody": ("Ingen mottakere er valgt. Ingenting er lagret.", "No recipients chosen. Nothing was saved."),
    "priv.cli.sent": ("Registrert sendt til {count} behandlingsansvarlige.", "Recorded as sent to {count} controllers."),
    "priv.cli.notice_sent": ("Risikovarselet er lagret som sendt.", "The risk notice is stored as sent."),
    "priv.cli.notice_stored": ("Filene er for varselet som allerede er sendt.",
                               "The files are of the notice already sent."),
    "priv.cli.notice_draft": ("Filene er et utkast; bruk --send for å lagre varselet som sendt.",
                              "The files are a draft; use --send to store the notice as sent."),
}
MESSAGES.update({f"priv.state.{k}": v for k, v in _STATES.items()})
MESSAGES.update({f"priv.digiorden.{k}": v for k, v in _DIGIORDEN.items()})
MESSAGES.update({f"priv.field.{k}": v for k, v in _FIELDS.items()})
MESSAGES.update({f"priv.col.{k}": v for k, v in _COLUMNS.items()})
MESSAGES.update({f"priv.doc.{k}": v for k, v in _DOC.items()})
