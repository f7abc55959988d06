from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal


@dataclass(frozen=True)
class Quote:
    sku: str
    quantity: int
    total: Decimal


PRICES = {"widget": Decimal("2.50"), "gadget": Decimal("12.00")}


def quote(sku: str, quantity: int) -> Quote:
    unit = PRICES[sku]
    discount = Decimal("0.9") if quantity >= 10 else Decimal("1")
    total = (unit * quantity * discount).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return Quote(sku, quantity, total)
