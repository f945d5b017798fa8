"""Writes the analysis notebooks (outputs empty). Edit the cells here, then run
``python notebooks/build.py``; the .ipynb files are what users open."""

from pathlib import Path

import nbformat as nbf

HERE = Path(__file__).resolve().parent

SETUP = '''\
import os, subprocess, sys
from pathlib import Path
import matplotlib.pyplot as plt
import pandas as pd
import pipeline

# The tables of a run: $MELDUNG_OUT if set, else run meldung on the sample corpus once.
OUT = Path(os.environ.get("MELDUNG_OUT", "../out"))
if not (OUT / "documents").exists():
    subprocess.run(["meldung", "run", "../corpus", "--out", str(OUT), "--overwrite", "-q"], check=False)
t = pipeline.read(OUT)
ok = t.documents[t.documents["status"] == "ok"]
print(f"{len(ok)} documents analysed, {len(t.documents) - len(ok)} failed or empty")'''


def bar(series: str, title: str, empty: str) -> str:
    return f'''\
counts = {series}
fig, ax = plt.subplots(figsize=(8, 4))
if len(counts):
    counts.sort_values().plot.barh(ax=ax, color="#4f6d7a")
else:
    ax.text(0.5, 0.5, "{empty}", ha="center", va="center"); ax.set_axis_off()
ax.set_title("{title}")
plt.tight_layout(); plt.show()'''


NOTEBOOKS = {
    "quotes.ipynb": [
        ("md", "# Who is quoted, by whom, and how\n\nQuotes of a meldung run: the most quoted speakers, "
               "quotes per agency, direct against indirect speech, one speaker's quotes in full, and a search."),
        ("code", SETUP),
        ("md", "## Who is quoted most"),
        ("code", bar('t.quotes["speaker"].value_counts().head(15)', "Quotes per speaker", "no quotes in this run")),
        ("md", "## Quotes per speaker and agency"),
        ("code", 'q = t.quotes.merge(t.documents[["doc_id", "agency"]], on="doc_id", how="left")\n'
                 'pd.crosstab(q["speaker"], q["agency"]).sort_values(by=list(pd.crosstab(q["speaker"], q["agency"]).columns)[:1] or [], ascending=False).head(15) if len(q) else q'),
        ("md", "## Direct, indirect and mixed speech"),
        ("code", bar('t.quotes["kind"].value_counts()', "Quotes by kind", "no quotes in this run")),
        ("code", 'share = t.quotes["kind"].value_counts(normalize=True).round(3)\nshare'),
        ("md", "## One speaker's quotes in full"),
        ("code", 'top = t.quotes["speaker"].dropna().value_counts()\n'
                 'speaker = top.index[0] if len(top) else None\n'
                 'print("speaker:", speaker)\n'
                 't.quotes.loc[t.quotes["speaker"] == speaker, ["doc_id", "kind", "cue", "text"]]'),
        ("md", "## Search quotes by word"),
        ("code", 'word = "Ukraine"\n'
                 'hits = t.quotes[t.quotes["text"].str.contains(word, case=False, na=False)]\n'
                 'hits[["doc_id", "speaker", "text"]]'),
    ],
    "people_places.ipynb": [
        ("md", "# People and places\n\nThe most mentioned people and places, a network of people "
               "named in the same report, and the places on a map (no web tiles: longitude/latitude scatter)."),
        ("code", SETUP),
        ("md", "## Most mentioned people and places"),
        ("code", bar('t.people.groupby("canonical")["n_mentions"].sum().nlargest(15)', "People (mentions)",
                     "no people in this run")),
        ("code", bar('t.places.groupby("canonical")["n_mentions"].sum().nlargest(15)', "Places (mentions)",
                     "no places in this run")),
        ("md", "## Who appears with whom\n\nTwo people are linked when one report names both; "
               "the thicker the line, the more reports."),
        ("code", '''\
import itertools
import networkx as nx
graph = nx.Graph()
for _, group in t.people.groupby("doc_id"):
    names = sorted(set(group["canonical"].dropna()))
    graph.add_nodes_from(names)
    for a, b in itertools.combinations(names, 2):
        weight = graph.get_edge_data(a, b, {"weight": 0})["weight"] + 1
        graph.add_edge(a, b, weight=weight)
fig, ax = plt.subplots(figsize=(9, 7))
if graph.number_of_nodes():
    pos = nx.spring_layout(graph, seed=1)
    widths = [graph[a][b]["weight"] for a, b in graph.edges()]
    nx.draw_networkx(graph, pos, ax=ax, node_color="#ffd7a8", edge_color="#999", width=widths, font_size=8)
else:
    ax.text(0.5, 0.5, "no people in this run", ha="center", va="center")
ax.set_axis_off(); ax.set_title("People named in the same report"); plt.show()
print(graph.number_of_nodes(), "people,", graph.number_of_edges(), "links")'''),
        ("md", "## Places on a map"),
        ("code", '''\
placed = t.places.dropna(subset=["lat", "lon"])
fig, ax = plt.subplots(figsize=(10, 5))
ax.set_xlim(-180, 180); ax.set_ylim(-90, 90); ax.grid(alpha=.3)
if len(placed):
    sizes = placed.groupby(["canonical", "lat", "lon"])["n_mentions"].sum().reset_index()
    ax.scatter(sizes["lon"], sizes["lat"], s=sizes["n_mentions"] * 30, alpha=.6, color="#0a9396")
    for _, row in sizes.iterrows():
        ax.annotate(row["canonical"], (row["lon"], row["lat"]), fontsize=7)
else:
    ax.text(0, 0, "no places with coordinates in this run", ha="center")
ax.set_xlabel("longitude"); ax.set_ylabel("latitude"); ax.set_title("Places mentioned"); plt.show()'''),
        ("code", 't.places.groupby("country")["n_mentions"].sum().sort_values(ascending=False).head(20)'),
    ],
    "events_numbers.ipynb": [
        ("md", "# Events and numbers over time\n\nEvents per type by publication date, casualty and "
               "displacement figures over time, and the largest quantities with their sentences."),
        ("code", SETUP),
        ("md", "## Events per type over time"),
        ("code", '''\
ev = t.events.merge(t.documents[["doc_id", "published"]], on="doc_id", how="left")
fig, ax = plt.subplots(figsize=(9, 4))
if len(ev) and ev["published"].notna().any():
    table = pd.crosstab(pd.to_datetime(ev["published"].astype(str), errors="coerce").dt.to_period("M"), ev["type"])
    table.plot.bar(stacked=True, ax=ax)
else:
    ax.text(0.5, 0.5, "no dated events in this run", ha="center", va="center"); ax.set_axis_off()
ax.set_title("Events per type and month"); plt.tight_layout(); plt.show()'''),
        ("md", "## Casualty and displacement figures over time\n\nNumbers whose counted noun names people "
               "hurt, killed or displaced (a word list; extend it), by publication date."),
        ("code", '''\
HUMAN = r"(Tote|Toten|Menschen|Opfer|Verletzte|Zivilist|Soldat|Flüchtling|Vertriebene|Obdachlos)"
nums = t.numbers.merge(t.documents[["doc_id", "published", "text"]].rename(columns={"text": "doc_text"}),
                       on="doc_id", how="left")
human = nums[nums["what"].fillna("").str.contains(HUMAN, regex=True) & nums["value"].notna()]
fig, ax = plt.subplots(figsize=(9, 4))
if len(human):
    dated = human.assign(day=pd.to_datetime(human["published"].astype(str), errors="coerce"))
    ax.scatter(dated["day"], dated["value"], color="#c1121f")
    ax.set_yscale("log")
else:
    ax.text(0.5, 0.5, "no casualty figures in this run", ha="center", va="center"); ax.set_axis_off()
ax.set_title("People killed, hurt or displaced, as reported"); plt.tight_layout(); plt.show()
human[["doc_id", "published", "text", "value", "approx", "what"]]'''),
        ("md", "## The largest quantities, with their sentences"),
        ("code", '''\
def sentence(row):
    text = row["doc_text"]
    start = max(text.rfind(". ", 0, int(row["start"])) + 2, 0)
    end = text.find(". ", int(row["end"]))
    return text[start:end + 1 if end >= 0 else None].replace("\\n", " ")

largest = nums[nums["value"].notna()].nlargest(10, "value")
largest.assign(sentence=[sentence(row) for _, row in largest.iterrows()])[
    ["doc_id", "text", "value", "unit", "what", "sentence"]]'''),
    ],
}


def main() -> None:
    for name, cells in NOTEBOOKS.items():
        nb = nbf.v4.new_notebook()
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nb.cells = [nbf.v4.new_markdown_cell(src) if kind == "md" else nbf.v4.new_code_cell(src)
                    for kind, src in cells]
        nbf.write(nb, HERE / name)
        print("wrote", HERE / name)


if __name__ == "__main__":
    main()
