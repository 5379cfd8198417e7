"""Liaison: keeps a business's contacts in step with its customers, vendors and bank accounts."""
