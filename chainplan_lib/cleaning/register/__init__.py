"""Enterprise registers (规上企业名录) → a validated table of firms, a quarantine, a panel by chain × area × year;
and the synthetic sample registers."""
