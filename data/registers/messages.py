"""Catalog of the registers' own commands (data/registers/cli.py): {key: (bokmål, English)}. The register
texts the pages and capabilities share (org.*, service.*, user.*) are in data/messages.py."""

MESSAGES: dict[str, tuple[str, str]] = {
    "reg.cli.help_orgs": ("virksomhetsregisteret", "the organisation register"),
    "reg.cli.help_orgs_import": ("importer kommuner fra SSBs CSV", "import municipalities from Statistics Norway's CSV"),
    "reg.cli.help_orgs_export": ("skriv virksomhetene til en Excel-fil, som på siden Virksomheter",
                                 "write the organisations to an Excel file, as on the Organisations page"),
    "reg.cli.help_search": ("navn, organisasjonsnummer eller kommunenummer inneholder dette",
                            "name, organisation number or municipality number contains this"),
    "reg.cli.help_orgs_search": (
        "finn virksomheter på en del av det offisielle navnet (alle språk), organisasjonsnummer eller kommunenummer",
        "find organisations by part of the official name (any language), organisation number or municipality number"),
    "reg.cli.help_search_text": ("teksten å søke etter; store og små bokstaver og aksenter spiller ingen rolle "
                                 "(«snasa» finner «Snåase - Snåsa»)",
                                 "the text to look for; case and accents do not matter (\"snasa\" finds "
                                 "\"Snåase - Snåsa\")"),
    "reg.cli.number": ("Kommune-/fylkesnr.", "Municipality/county no."),
    "reg.cli.orgs_found": ("{count} virksomheter funnet.", "{count} organisations found."),
    "reg.cli.orgs_none": ("Ingen virksomheter passer til «{text}».", "No organisation matches \"{text}\"."),
    "reg.orgs.norwegian_name": ("Norsk navn", "Norwegian name"),
    "reg.orgs.norwegian_name_help": (
        "Den norske delen av et offisielt navn på flere språk («Kautokeino» i «Guovdageaidnu - Kautokeino»). "
        "La stå tom når navnet bare er på norsk.",
        "The Norwegian part of an official name in several languages (\"Kautokeino\" in "
        "\"Guovdageaidnu - Kautokeino\"). Leave empty when the name is in Norwegian only."),
    "reg.orgs.official_name": ("Offisielt navn", "Official name"),
    "reg.cli.help_kind": ("bare denne typen (kan gjentas)", "only this kind (may be repeated)"),
    "reg.cli.help_county": ("bare dette fylket (fylkesnummer)", "only this county (county number)"),
    "reg.cli.help_history": ("ta med virksomheter som ikke finnes lenger", "include organisations that no longer exist"),
    "reg.cli.help_output": ("Excel-filen som skal skrives (.xlsx)", "the Excel file to write (.xlsx)"),
    "reg.cli.orgs_imported": (
        "Importert: {created} nye, {updated} oppdatert, {unchanged} uendret.",
        "Imported: {created} new, {updated} updated, {unchanged} unchanged.",
    ),
    "reg.cli.orgs_written": ("{count} virksomheter skrevet til {path}.", "{count} organisations written to {path}."),
    # --- population per year (data/registers/population.py) ---
    "reg.cli.help_population": ("innbyggertall per år fra SSB", "population per year from Statistics Norway"),
    "reg.cli.help_population_import": ("importer innbyggertall fra SSBs tabell 07459 (CSV)",
                                       "import population from Statistics Norway's table 07459 (CSV)"),
    "reg.cli.help_population_year": ("bare dette året (og året for en fil som ikke oppgir år)",
                                     "only this year (and the year of a file that names none)"),
    "reg.cli.help_population_source": ("kilden som lagres med tallene (standard: tabellnummeret i filen)",
                                       "the source stored with the figures (default: the table number in the file)"),
    "reg.pop.imported": (
        "Innbyggertall importert for {organisations} virksomheter og {years} år: {created} nye, {updated} endret, "
        "{unchanged} uendret.",
        "Population imported for {organisations} organisations and {years} years: {created} new, {updated} changed, "
        "{unchanged} unchanged.",
    ),
    "reg.pop.no_value_column": ("Fant ingen kolonne med innbyggertall.", "No column with population figures."),
    "reg.pop.no_year": (
        "Filen oppgir ikke hvilket år tallene gjelder. Ta med året i uttrekket fra SSB, eller oppgi året.",
        "The file does not say which year the figures are for. Include the year in the SSB extract, or give the year.",
    ),
    "reg.pop.year_not_in_file": ("Filen har ingen tall for {year}.", "The file has no figures for {year}."),
    "reg.pop.bad_region": (
        "«{value}» er ikke en region fra SSB (ventet kommunenummer og navn, for eksempel «3114 Våler»).",
        "“{value}” is not a Statistics Norway region (expected a municipality number and name, e.g. “3114 Våler”).",
    ),
    "reg.pop.bad_year": ("«{value}» er ikke et årstall.", "“{value}” is not a year."),
    "reg.pop.bad_number": ("«{value}» er ikke et innbyggertall.", "“{value}” is not a population figure."),
    "reg.pop.unknown_municipality": (
        "Kommunenummer {code} («{region}») finnes ikke i virksomhetsregisteret.",
        "Municipality number {code} (“{region}”) is not in the organisation register.",
    ),
    "reg.pop.unknown_county": (
        "Ingen fylkeskommune med fylkesnummer {code} («{region}») i virksomhetsregisteret.",
        "No county municipality with county number {code} (“{region}”) in the organisation register.",
    ),
    "reg.pop.just_imported": (
        "Noen andre importerte innbyggertall for de samme årene i samme øyeblikk. Ingenting er lagret; prøv igjen.",
        "Someone else imported population for the same years at the same moment. Nothing was saved; try again.",
    ),
    "reg.pop.register_figure": ("Virksomhetsregisteret", "The organisation register"),
    "reg.pop.page.title": ("Innbyggertall per år", "Population per year"),
    "reg.pop.page.intro": (
        "SSBs innbyggertall per 1. januar, ett tall per virksomhet og år. Prislister sier hvilket år de bruker.",
        "Statistics Norway's population on 1 January, one figure per organisation and year. Price lists say which "
        "year they use.",
    ),
    "reg.pop.page.empty": ("Ingen innbyggertall for denne virksomheten. Importer SSBs tabell 07459 nedenfor.",
                           "No population figures for this organisation. Import Statistics Norway's table 07459 below."),
    "reg.pop.page.file": ("Innbyggertall fra SSB (CSV)", "Population from Statistics Norway (CSV)"),
    "reg.pop.page.file_help": (
        "Tabell 07459 eller 06913 i Statistikkbanken, lastet ned som CSV (semikolonseparert, med overskrift). "
        "Alle rader kontrolleres først; ingenting lagres før alle er i orden.",
        "Table 07459 or 06913 in StatBank, downloaded as CSV (semicolon separated, with heading). Every row is "
        "checked first; nothing is saved until all pass.",
    ),
    "reg.pop.page.year": ("Bare år (valgfritt)", "Only year (optional)"),
    "reg.pop.page.year_help": ("Importer bare dette året fra filen, eller oppgi året for en fil uten årstall.",
                               "Import only this year from the file, or give the year of a file without one."),
    "reg.pop.page.button": ("Importer innbyggertall", "Import population"),
    "reg.pop.col.year": ("År (1. januar)", "Year (1 January)"),
    "reg.pop.col.source": ("Kilde", "Source"),
    "reg.pop.col.imported_at": ("Importert", "Imported"),
    "reg.pop.col.imported_by": ("Importert av", "Imported by"),
    # --- Enhetsregisteret import (data/registers/brreg.py) ---
    "brreg.json_damaged": ("JSON-filen er skadet eller ufullstendig ved enhet nr. {row}.",
                           "The JSON file is damaged or incomplete at entity no. {row}."),
    "brreg.file_damaged": ("Filen kan ikke leses videre etter {rows} enheter (skadet gzip eller feil tegnkoding).",
                           "The file cannot be read beyond {rows} entities (damaged gzip or wrong encoding)."),
    "brreg.same_organisation": ("Gjelder samme virksomhet ({name}) som rad {other}.",
                                "Matches the same organisation ({name}) as row {other}."),
    "brreg.number_race": ("Et organisasjonsnummer i filen ble tatt av en annen virksomhet i mellomtiden. Ingenting "
                          "er lagret; kjør importen på nytt.",
                          "An organisation number in the file was taken by another organisation meanwhile. Nothing "
                          "was saved; run the import again."),
    "brreg.field.org_number": ("Organisasjonsnummer", "Organisation number"),
    "brreg.field.registered_name": ("Navn i Enhetsregisteret", "Name in Enhetsregisteret"),
    "brreg.field.postal_address": ("Postadresse", "Postal address"),
    "brreg.field.postal_code": ("Postnummer", "Postal code"),
    "brreg.field.postal_place": ("Poststed", "Postal town"),
    "brreg.summary": (
        "Lest {read} enheter, {kept} kommuner, fylkeskommuner eller kjente numre; {matched} passer med registeret "
        "({unmatched} gjør ikke det). {changed} virksomheter endres, {unchanged} er uendret.",
        "Read {read} entities, {kept} municipalities, county municipalities or known numbers; {matched} match the "
        "register ({unmatched} do not). {changed} organisations change, {unchanged} are unchanged."),
    "brreg.applied": ("Endringene er lagret for {count} virksomheter.", "The changes are saved for {count} organisations."),
    "brreg.cli.change": ("{organisation}: {field}: {old} → {new}", "{organisation}: {field}: {old} → {new}"),
    "brreg.cli.dry_run": ("Prøvekjøring: ingenting er lagret. Kjør med --apply for å lagre endringene.",
                          "Dry run: nothing was saved. Run with --apply to save the changes."),
    "brreg.cli.help": ("Enhetsregisteret (Brønnøysundregistrene)", "Enhetsregisteret (the Brønnøysund registers)"),
    "brreg.cli.help_import": ("vis (og med --apply lagre) organisasjonsnumre, navn og adresser fra "
                              "Enhetsregisterets totaluttrekk",
                              "show (and with --apply save) organisation numbers, names and addresses from "
                              "Enhetsregisteret's bulk download"),
    "brreg.cli.help_file": ("enheter i JSON eller CSV, gjerne gzip-komprimert (.json.gz, .csv.gz)",
                            "entities as JSON or CSV, gzipped or not (.json.gz, .csv.gz)"),
    "brreg.cli.help_apply": ("lagre endringene (uten: bare vis dem)", "save the changes (without: only show them)"),
    "brreg.page.title": ("Oppdater fra Enhetsregisteret", "Update from Enhetsregisteret"),
    "brreg.page.help": (
        "Last opp totaluttrekket av enheter fra data.brreg.no (JSON eller CSV, gjerne .gz). Kommuner og "
        "fylkeskommuner kobles på organisasjonsnummer eller kommunenummer; du ser hva som endres før noe lagres.",
        "Upload the bulk download of entities from data.brreg.no (JSON or CSV, gzipped or not). Municipalities and "
        "county municipalities are matched on organisation or municipality number; you see what changes before "
        "anything is saved."),
    "brreg.page.file": ("Fil fra Enhetsregisteret", "File from Enhetsregisteret"),
    "brreg.page.confirm": ("Jeg har sett gjennom endringene", "I have reviewed the changes"),
    "brreg.page.apply": ("Lagre endringene", "Save the changes"),
    "brreg.col.field": ("Felt", "Field"),
    "brreg.col.old": ("Nå", "Now"),
    "brreg.col.new": ("Blir", "Becomes"),
    # --- KLASS changes, successor links and the merger plan (data/registers/changes.py) ---
    "chg.code_format": ("«{value}» er ikke et kommunenummer (4 siffer) eller fylkesnummer (2 siffer).",
                        "“{value}” is not a municipality number (4 digits) or county number (2 digits)."),
    "chg.code_lengths": ("Gammel og ny kode må være av samme slag (begge kommune eller begge fylke).",
                         "The old and new code must be of the same kind (both municipality or both county)."),
    "chg.summary": (
        "{rows} endringer lest: {links} nye koblinger til etterfølger, {already} fantes fra før, {renumbered} "
        "nummerendringer, {created} nye virksomheter, {renames} navneendringer (ikke behandlet her), {skipped} om "
        "koder registeret ikke har.",
        "{rows} changes read: {links} new successor links, {already} already there, {renumbered} renumberings, "
        "{created} new organisations, {renames} name changes (not handled here), {skipped} about codes the register "
        "does not hold."),
    "chg.applied": ("Sammenslåingsplanen er gjennomført for {count} virksomheter.",
                    "The merger plan is applied for {count} organisations."),
    "chg.nothing_pending": ("Ingen sammenslåinger eller delinger venter på å bli gjennomført.",
                            "No mergers or splits are waiting to be applied."),
    "chg.kind.merger": ("Sammenslåing", "Merger"),
    "chg.kind.split": ("Deling", "Split"),
    "chg.room.registers": ("Register", "Registers"),
    "chg.room.agreements": ("Avtaler og brukerråd", "Agreements and councils"),
    "chg.room.metering": ("Forbruk", "Usage"),
    "chg.room.invoicing": ("Selvkostfond", "Self-cost fund"),
    "chg.action.moves": ("Flyttes", "Moves"),
    "chg.action.ends": ("Avsluttes", "Ends"),
    "chg.action.follows": ("Følger med", "Follows"),
    "chg.action.stays": ("Blir stående", "Stays"),
    "chg.action.flagged": ("Må følges opp", "Needs follow-up"),
    "chg.item.history": (
        "{name} gjelder til {last_day} og blir stående med sin historikk (innbyggertall per år, forbruk og fakturaer "
        "før datoen); etterfølger: {successors}.",
        "{name} is valid until {last_day} and keeps its history (population per year, usage and invoices before the "
        "date); successor: {successors}."),
    "chg.usage_follows": ("Forbruket til {predecessor} fra og med {month} ({events} hendelser, {months} måneder) "
                          "flyttes til {successor}.",
                          "The usage of {predecessor} from {month} on ({events} events, {months} months) moves to "
                          "{successor}."),
    "chg.usage_split": ("Forbruket til {predecessor} etter delingen ({events} hendelser, {months} måneder) kan ikke "
                        "fordeles automatisk og blir stående.",
                        "The usage of {predecessor} after the split ({events} events, {months} months) cannot be "
                        "divided automatically and stays."),
    "chg.fund_share": ("{service}: andelen til {predecessor} av selvkostfondet (fakturert {amount}) følger {successors}.",
                       "{service}: the share of {predecessor} in the self-cost fund (billed {amount}) follows "
                       "{successors}."),
    "chg.relation.predecessor": ("Forgjenger", "Predecessor"),
    "chg.relation.successor": ("Etterfølger", "Successor"),
    "chg.status.applied": ("Gjennomført", "Applied"),
    "chg.status.pending": ("Venter på produktansvarlig", "Waiting for the product owner"),
    "chg.cli.help": ("sammenslåinger og delinger fra SSBs endringer (KLASS)",
                     "mergers and splits from Statistics Norway's changes (KLASS)"),
    "chg.cli.help_import": ("les SSBs endringsfil og koble virksomheter til etterfølgerne; vis planen",
                            "read Statistics Norway's change file and link organisations to their successors; show "
                            "the plan"),
    "chg.cli.help_file": ("endringene som CSV (oldCode;oldName;newCode;newName;changeOccurred)",
                          "the changes as CSV (oldCode;oldName;newCode;newName;changeOccurred)"),
    "chg.cli.help_apply": ("gjennomfør planen med en gang", "apply the plan at once"),
    "chg.cli.help_plan": ("vis sammenslåingsplanen som venter", "show the pending merger plan"),
    "chg.cli.help_apply_pending": ("gjennomfør sammenslåingsplanen som venter", "apply the pending merger plan"),
    "chg.cli.help_date": ("bare endringene fra denne datoen (ÅÅÅÅ-MM-DD)", "only the changes of this date (YYYY-MM-DD)"),
    "chg.cli.group": ("{date}: {predecessor} → {successors} ({kind})", "{date}: {predecessor} → {successors} ({kind})"),
    "chg.cli.renumbered": ("Nytt nummer: {what}", "Renumbered: {what}"),
    "chg.cli.created": ("Lagt til: {what}", "Added: {what}"),
    "chg.cli.review": ("Planen er ikke gjennomført. Produktansvarlig gjennomfører den med «backoffice orgs changes "
                       "apply» eller på siden Sammenslåinger.",
                       "The plan is not applied. The product owner applies it with “backoffice orgs changes apply” "
                       "or on the Mergers page."),
    "chg.page.title": ("Sammenslåinger", "Mergers"),
    "chg.page.intro": (
        "Kommuner som slås sammen eller deles: hva som skjer med tjenestevedlegg, brukerrådsplasser, forbruk og "
        "selvkostfond før planen gjennomføres, og hva som ble flyttet.",
        "Municipalities that merge or split: what happens to service appendices, council seats, usage and the "
        "self-cost fund before the plan is applied, and what moved."),
    "chg.page.pending": ("Plan som venter", "Pending plan"),
    "chg.page.empty": ("Ingen sammenslåinger venter. Administrator importerer SSBs endringsfil på siden Virksomheter.",
                       "No mergers are waiting. The administrator imports Statistics Norway's change file on the "
                       "Organisations page."),
    "chg.page.filter_service": ("Tjeneste", "Service"),
    "chg.page.count": ("{groups} virksomheter opphører, {items} punkter i planen.",
                       "{groups} organisations end, {items} items in the plan."),
    "chg.page.apply_help": ("Planen gjennomføres i én operasjon for valgt dato og logges; du må være produktansvarlig "
                            "for alle tjenester der vedlegg flyttes eller avsluttes.",
                            "The plan is applied in one operation for the chosen date and logged; you must be product "
                            "owner of every service whose appendices move or end."),
    "chg.page.confirm": ("Jeg har gått gjennom planen", "I have reviewed the plan"),
    "chg.page.apply": ("Gjennomfør planen", "Apply the plan"),
    "chg.page.who_applies": ("Produktansvarlig for tjenestene gjennomfører planen.",
                             "The product owner of the services applies the plan."),
    "chg.page.applied": ("Gjennomført", "Applied"),
    "chg.page.none_applied": ("Ingen sammenslåinger er gjennomført ennå.", "No mergers have been applied yet."),
    "chg.col.date": ("Dato", "Date"),
    "chg.col.predecessor": ("Opphører", "Ends"),
    "chg.col.successors": ("Etterfølger", "Successor"),
    "chg.col.kind": ("Type", "Kind"),
    "chg.col.room": ("Område", "Area"),
    "chg.col.action": ("Hva skjer", "What happens"),
    "chg.col.service": ("Tjeneste", "Service"),
    "chg.col.text": ("Beskrivelse", "Description"),
    "chg.col.applied_by": ("Gjennomført av", "Applied by"),
    "chg.col.moved": ("Hva som ble flyttet", "What moved"),
    "chg.col.relation": ("Forhold", "Relation"),
    "chg.col.status": ("Status", "Status"),
    "chg.org.title": ("Forgjengere og etterfølgere", "Predecessors and successors"),
    "chg.org.empty": ("Ingen sammenslåinger eller delinger er registrert. Importer SSBs endringsfil nedenfor.",
                      "No mergers or splits are recorded. Import Statistics Norway's change file below."),
    "chg.org.choose": ("Virksomhet", "Organisation"),
    "chg.import.title": ("Sammenslåinger og delinger fra SSB", "Mergers and splits from Statistics Norway"),
    "chg.import.help": (
        "Last opp endringene i kommune- eller fylkesinndelingen fra SSBs KLASS som CSV (oldCode, oldName, newCode, "
        "newName, changeOccurred). Alle rader kontrolleres først; produktansvarlig gjennomfører planen på siden "
        "Sammenslåinger.",
        "Upload the changes to the municipality or county classification from Statistics Norway's KLASS as CSV "
        "(oldCode, oldName, newCode, newName, changeOccurred). Every row is checked first; the product owner applies "
        "the plan on the Mergers page."),
    "chg.import.file": ("Endringsfil fra SSB (CSV)", "Change file from Statistics Norway (CSV)"),
    "chg.import.button": ("Importer endringene", "Import the changes"),
}
