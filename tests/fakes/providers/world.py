"""What the simulated providers sell: signs, animals, payouts; day helpers in the market zone."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

SIGNS = ("ARI", "TAU", "GEM", "CAN", "LEO", "VIR", "LIB", "ESC", "SAG", "CAP", "ACU", "PIS")
SIGN_CODES = {f"{i:02d}": sign for i, sign in enumerate(SIGNS, start=1)}

ANIMALS = {
    "0": "DELFIN", "00": "BALLENA", "1": "CARNERO", "2": "TORO", "3": "CIEMPIES", "4": "ALACRAN",
    "5": "LEON", "6": "RANA", "7": "PERICO", "8": "RATON", "9": "AGUILA", "10": "TIGRE",
    "11": "GATO", "12": "CABALLO", "13": "MONO", "14": "PALOMA", "15": "ZORRO", "16": "OSO",
    "17": "PAVO", "18": "BURRO", "19": "CHIVO", "20": "COCHINO", "21": "GALLO", "22": "CAMELLO",
    "23": "CEBRA", "24": "IGUANA", "25": "GALLINA", "26": "VACA", "27": "PERRO", "28": "ZAMURO",
    "29": "ELEFANTE", "30": "CAIMAN", "31": "LAPA", "32": "ARDILLA", "33": "PESCADO",
    "34": "VENADO", "35": "JIRAFA", "36": "CULEBRA",
}

#: prize per unit staked
PAYOUTS = {
    "triple": Decimal(600), "terminal": Decimal(60), "triple_sign": Decimal(6000),
    "terminal_sign": Decimal(600), "triple_ab": Decimal(200000), "terminal_ab": Decimal(3600),
    "animal": Decimal(30),
}

ANIMAL_HOURS = tuple(f"{h:02d}:00" for h in range(8, 20))


def local_day(now: datetime, tz: ZoneInfo) -> date:
    return now.astimezone(tz).date()


def at(day: date, hhmm: str, tz: ZoneInfo) -> datetime:
    hour, minute = hhmm.split(":")[:2]
    return datetime.combine(day, time(int(hour), int(minute)), tzinfo=tz)


def money(value: Decimal) -> str:
    """Two decimals, as soportex's document writes amounts: ``"5.00"``."""
    return str(value.quantize(Decimal("0.01")))


def wins(game: str, played: str, result: str) -> bool:
    """Whether a play wins against a draw's result (``result`` as the provider writes it)."""
    if game in ("triple", "animal", "triple_sign", "triple_ab"):
        return played == result
    if game == "terminal":
        return result[-2:] == played
    if game == "terminal_sign":
        number, _, sign = result.partition("-")
        return played == f"{number[-2:]}-{sign}"
    if game == "terminal_ab":
        a, _, b = result.partition("-")
        return played == f"{a[-2:]}-{b[-2:]}"
    return False
