"""FiberOps: field service for home broadband installation and maintenance (家客装维)."""
