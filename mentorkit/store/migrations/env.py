"""Alembic environment: run with a connection handed over by mentorkit, or MENTORKIT_DB."""

from alembic import context

from mentorkit.store.schema import metadata

config = context.config


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is None:  # plain `alembic` on the command line, e.g. to autogenerate
        from mentorkit.config import Settings
        from mentorkit.store.engine import make_engine

        engine = make_engine(Settings.from_env().database_url)
        with engine.begin() as connection:
            _run_with(connection)
    else:
        _run_with(connection)


def _run_with(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=True,
                      compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


run()
