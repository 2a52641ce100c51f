"""Alembic environment: runs on the connection handed over by data.schema, or on the configured URL."""
from alembic import context
from sqlalchemy import engine_from_config, pool

from admin import modules
from data import bootstrap
from data.db import settings

bootstrap.install(modules.ROOMS)
config = context.config
target_metadata = modules.load_models()


def run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    run(connection)
else:
    url = config.get_main_option("sqlalchemy.url") or settings().database_url
    engine = engine_from_config({"sqlalchemy.url": url}, prefix="sqlalchemy.", poolclass=pool.NullPool)
    with engine.connect() as conn:
        run(conn)
