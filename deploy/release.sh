#!/bin/sh
# Run once per deploy, before the new code serves: migrate the database.
# Reads the same environment as the app (DATABASE_URL, SECRET_KEY, FEEDBACK_ENV),
# for example: `set -a; . /etc/send-feedback/env; set +a; deploy/release.sh`.
# "heads": branches of the schema that landed before their merge revision are
# applied too (feedback_app/migrate.py). A migration never drops responses.
set -eu
cd "$(dirname "$0")/.."
exec "${VENV:-.venv}/bin/alembic" upgrade heads
