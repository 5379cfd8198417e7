"""The VAT registration log: every VAT registration number entered on a contact, customer or
vendor, and the result of its online check (EU VIES), run in the background."""
