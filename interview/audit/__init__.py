"""The audit log: one append-only AuditEvent per domain event (who did what to what, from where, when)."""
