"""Words for generated tickets: a Dutch and English support vocabulary with a long tail.

The first words are the ones service-desk texts are made of (frequent), followed by a
tail of rarer made-up product and module names, drawn with Zipf weights (rank r has
weight 1/r), so a benchmark query can pick words of a known frequency: common, middling
or rare. The same seed gives the same words.
"""

from __future__ import annotations

import itertools
import random

import numpy  # with pandas, of the bench extras

CORE = """
de het een en van in is op dat niet met voor bij er zijn ook maar als nog wordt kan geen
the a and of to in is it not for on with at be this that when after from
factuur facturen order orders klant klanten voorraad magazijn artikel artikelen levering
rapport export import koppeling melding fout foutmelding inloggen wachtwoord gebruiker
gebruikers scherm knop boeking boekingen grootboek debiteur crediteur betaling betalingen
btw prijs prijzen korting offerte bestelling bestellingen verzending pakbon locatie
invoice invoices customer customers stock warehouse item items delivery report reports
error errors login password user users screen button posting ledger payment payments
price discount quote purchase shipment location server database connection timeout
update upgrade version release patch install installation licence license key backup
slow crash hangs fails failed missing wrong duplicate twice empty blank stuck loop
synchronisatie synchronisation webshop portal api token certificate mail email printer
nacht night morning ochtend maandag monday week month maand jaar year today vandaag
""".split()
SYLLABLES = ["ka", "lo", "mi", "ver", "tan", "dro", "pel", "sun", "gor", "bri", "fal", "zen",
             "tur", "wix", "qua", "hol", "nim", "ros", "dek", "val", "mon", "cra", "lis", "vo"]


class Vocabulary:
    def __init__(self, rng: random.Random, tail: int = 20_000):
        self.rng = rng
        made = ("".join(parts) for n in (3, 4) for parts in itertools.product(SYLLABLES, repeat=n))
        self.words = list(dict.fromkeys(CORE)) + list(itertools.islice(made, tail))
        self.cum_weights = numpy.cumsum(1 / numpy.arange(1, len(self.words) + 1))
        self.numbers = numpy.random.default_rng(rng.randrange(2**32))
        self.pool: list[str] = []
        self.at = 0

    def draw(self, k: int) -> list[str]:
        """``k`` words; drawn a million at a time (one call per word is the generator's bottleneck)."""
        if self.at + k > len(self.pool):
            picks = self.numbers.random(max(k, 1_000_000)) * self.cum_weights[-1]
            self.pool = numpy.asarray(self.words, dtype=object)[numpy.searchsorted(self.cum_weights, picks)].tolist()
            self.at = 0
        self.at += k
        return self.pool[self.at - k:self.at]

    def text(self, low: int, high: int) -> str:
        return " ".join(self.draw(self.rng.randint(low, high))).capitalize() + "."

    def subject(self) -> str:
        return " ".join(self.draw(self.rng.randint(4, 8))).capitalize()

    def error_code(self) -> str:
        if self.rng.random() < 0.6:
            return f"itgen-{self.rng.randrange(1000, 10000)}"
        return f"ORA-{self.rng.randrange(0, 100000):05d}"

    def rank_of(self, word: str) -> int:
        return self.words.index(word) + 1
