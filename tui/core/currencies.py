"""Currencies as Indonesian news writes them, shared by the highlighted entities and the facts.

``tui.core.nlp.numbers`` labels "500 juta dolar AS" one MONEY span with these words and signs, and
``tui.core.facts.quantities`` reads the same span's currency from them: an amount the reader
highlights as money is money in the facts panel too. Plain data, no spaCy.
"""

from __future__ import annotations

# A sign or code before or after the amount -> ISO 4217 code.
CURRENCY_SIGNS = {
    "Rp": "IDR",
    "Rp.": "IDR",
    "IDR": "IDR",
    "US$": "USD",
    "USD": "USD",
    "$": "USD",
    "S$": "SGD",
    "SGD": "SGD",
    "A$": "AUD",
    "AUD": "AUD",
    "HK$": "HKD",
    "€": "EUR",
    "EUR": "EUR",
    "£": "GBP",
    "GBP": "GBP",
    "¥": "JPY",
    "JPY": "JPY",
    "CNY": "CNY",
    "RM": "MYR",
    "MYR": "MYR",
    "₩": "KRW",
    "KRW": "KRW",
    "RUB": "RUB",
}
# Currency words after the amount, with the country that names the dollar or the yen.
CURRENCY_WORDS = {
    "rupiah": "IDR",
    "dolar amerika serikat": "USD",
    "dolar amerika": "USD",
    "dolar as": "USD",
    "dolar singapura": "SGD",
    "dolar australia": "AUD",
    "dolar hong kong": "HKD",
    "dolar kanada": "CAD",
    "dolar taiwan": "TWD",
    "dolar": "USD",
    "dollar": "USD",
    "dollar amerika serikat": "USD",
    "dollar as": "USD",
    "dollar singapura": "SGD",
    "dollar australia": "AUD",
    "dolar selandia baru": "NZD",
    "dolar brunei": "BND",
    "euro": "EUR",
    "yen": "JPY",
    "yuan": "CNY",
    "renminbi": "CNY",
    "ringgit": "MYR",
    "won": "KRW",
    "rubel": "RUB",
    "rupee": "INR",
    "baht": "THB",
    "poundsterling": "GBP",
    "pound sterling": "GBP",
    "pound": "GBP",
    "riyal": "SAR",
    "rial": "SAR",
    "ringgit malaysia": "MYR",
    "yuan china": "CNY",
    "yen jepang": "JPY",
    "won korea selatan": "KRW",
    "euro eropa": "EUR",
    "dirham": "AED",
    "lira": "TRY",
    "peso": "peso",
    "dinar": "dinar",
}
