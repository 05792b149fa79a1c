"""procrastinate's job queue schema (PostgreSQL only)

procrastinate ships its schema as versioned SQL and leaves tracking to the application. Running
it from an Alembic revision gives one command (``delegate db upgrade``), one version table and
a fixed order with our own tables; a database is migrated exactly once, so the (not idempotent)
SQL never runs twice. This revision applies the full schema of procrastinate 3.10, the pinned
minor version. Moving to a release that ships migrations means a new revision executing those
files from ``procrastinate/sql/migrations`` (``procrastinate schema --migrations-path``).

SQLite deployments have no job queue; there this revision does nothing.

Revision ID: 0003
Revises: 0002
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

SCHEMA_VERSION = "3.10"


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    if bind.exec_driver_sql("SELECT to_regclass('procrastinate_jobs')").scalar() is not None:
        return  # applied by hand before delegate managed it
    from importlib.metadata import version

    from procrastinate.schema import SchemaManager

    installed = version("procrastinate")
    if not installed.startswith(SCHEMA_VERSION + "."):
        raise RuntimeError(
            f"revision 0003 applies procrastinate {SCHEMA_VERSION}'s schema, "
            f"but procrastinate {installed} is installed"
        )
    # The raw psycopg connection, in Alembic's transaction: the script holds several statements
    # and literal '%' signs, which a driver-level parameter style would misread.
    bind.connection.driver_connection.execute(SchemaManager.get_schema())  # type: ignore[union-attr]


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    for table in ("events", "periodic_defers", "jobs", "workers"):
        bind.exec_driver_sql(f"DROP TABLE IF EXISTS procrastinate_{table} CASCADE")
    bind.exec_driver_sql(
        "DO $$ DECLARE f record; BEGIN"
        " FOR f IN SELECT p.oid::regprocedure AS sig FROM pg_proc p"
        " JOIN pg_namespace n ON n.oid = p.pronamespace"
        " WHERE n.nspname = current_schema() AND starts_with(p.proname, 'procrastinate')"
        " LOOP EXECUTE 'DROP FUNCTION ' || f.sig || ' CASCADE'; END LOOP; END $$"
    )
    for type_ in ("job_to_defer_v1", "job_event_type", "job_status"):
        bind.exec_driver_sql(f"DROP TYPE IF EXISTS procrastinate_{type_} CASCADE")
