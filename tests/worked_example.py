"""DESIGN.md's worked example, shared by the tests that read it."""

#: DESIGN.md's worked example, hard-wrapped as it is there
DESIGN_TEXT = """Bundeskanzler Olaf Scholz und der französische Präsident Emmanuel Macron
kommen am Freitag in Paris zusammen. Das teilte ein Regierungssprecher am
Dienstag mit.

Neue Hilfen für die Ukraine

Scholz sagte, er erwarte schwierige Gespräche. Frankreich sei „ein
unverzichtbarer Partner“, sagte Regierungssprecher Steffen Hebestreit.
Bei Überschwemmungen in Norditalien kamen am Montag mindestens 14 Menschen
ums Leben, rund 36.000 wurden obdachlos. (dpa/abc)
"""
