"""Catalog of the registers' own commands (data/registers/cli.py): {key: (bokmål, English)}. The register
texts the pages and capabilities share (org.*, service.*, user.*) are in data/messages.py."""

MESSAGES: dict[str, tuple[str, str]] = {
    "reg.cli.help_orgs": ("virksomhetsregisteret", "the organisation register"),
    "reg.cli.help_orgs_import": ("importer kommuner fra SSBs CSV", "import municipalities from Statistics Norway's CSV"),
    "reg.cli.help_orgs_export": ("skriv virksomhetene til en Excel-fil, som på siden Virksomheter",
                                 "write the organisations to an Excel file, as on the Organisations page"),
    "reg.cli.help_search": ("navn, organisasjonsnummer eller kommunenummer inneholder dette",
                            "name, organisation number or municipality number contains this"),
    "reg.cli.help_kind": ("bare denne typen (kan gjentas)", "only this kind (may be repeated)"),
    "reg.cli.help_county": ("bare dette fylket (fylkesnummer)", "only this county (county number)"),
    "reg.cli.help_history": ("ta med virksomheter som ikke finnes lenger", "include organisations that no longer exist"),
    "reg.cli.help_output": ("Excel-filen som skal skrives (.xlsx)", "the Excel file to write (.xlsx)"),
    "reg.cli.orgs_imported": (
        "Importert: {created} nye, {updated} oppdatert, {unchanged} uendret.",
        "Imported: {created} new, {updated} updated, {unchanged} unchanged.",
    ),
    "reg.cli.orgs_written": ("{count} virksomheter skrevet til {path}.", "{count} organisations written to {path}."),
}
