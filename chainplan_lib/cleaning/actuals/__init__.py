"""Statistics-office monthly figures (统计月报) → one validated table of actuals, a quarantine and checks; and
the synthetic sample reports."""
