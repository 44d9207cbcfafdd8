"""tekseru: risk-based state control of special social services (Kazakhstan)."""
