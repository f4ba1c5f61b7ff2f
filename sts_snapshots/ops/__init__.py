"""Operations commands: backup, restore, verify, monitor (plain functions; the CLI prints)."""
