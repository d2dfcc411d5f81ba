"""Masking of personal information (R-CUS-5): 138****1234 and 成都市武侯区******."""


def mask_phone(phone: str) -> str:
    digits = phone.strip()
    if len(digits) < 7:
        return "*" * len(digits)
    return f"{digits[:3]}****{digits[-4:]}"


def mask_address(address: str, keep: int = 6) -> str:
    """Keep the district-level head of the address and hide the rest (building, unit, room)."""
    address = address.strip()
    if len(address) <= keep:
        return address[:2] + "*" * max(len(address) - 2, 0)
    return address[:keep] + "*" * min(len(address) - keep, 8)
