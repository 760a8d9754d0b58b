"""The plan's annex table (Attachment 2) as extracted from its PDF → a tidy, validated target table, a repairs
log and reconciliation checks; and ``plan check`` over a plan file and its table."""
