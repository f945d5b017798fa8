"""The table contract of DESIGN.md: every table, every column, nullable dtypes."""

import pandas as pd
import pyarrow as pa
import pytest

from pipeline.tables import schema

CONTRACT = {
    "documents": "doc_id source agency author headline dateline_place published text n_chars n_tokens status error",
    "mentions": "doc_id sent start end text label entity canonical",
    "people": "doc_id entity canonical person_id roles n_mentions start",
    "places": "doc_id entity canonical country kind lat lon n_mentions start",
    "organisations": "doc_id entity canonical n_mentions start",
    "numbers": "doc_id sent start end text value approx unit what",
    "dates": "doc_id sent start end text value kind anchor",
    "quotes": "doc_id sent start end text kind speaker speaker_entity speaker_text speaker_start speaker_end cue cue_start cue_end",
    "events": "doc_id sent start end type trigger actor target place date quantity quantity_what negated",
    "errors": "doc_id source stage message",
}


def test_schema_has_exactly_the_contract_tables():
    assert set(schema.TABLE_NAMES) == set(CONTRACT)


@pytest.mark.parametrize("table", sorted(CONTRACT))
def test_schema_contract_columns_come_first_in_order(table):
    names = schema.column_names(table)
    expected = CONTRACT[table].split()
    assert names[: len(expected)] == expected


@pytest.mark.parametrize("table", sorted(CONTRACT))
def test_schema_every_column_documented_and_nullable(table):
    for col in schema.columns(table):
        assert col.doc
    assert all(f.nullable for f in schema.arrow_schema(table))


@pytest.mark.parametrize(
    "table,column,dtype",
    [
        ("documents", "published", pd.ArrowDtype(pa.date32())),
        ("documents", "n_chars", pd.Int64Dtype()),
        ("documents", "headline", pd.StringDtype()),
        ("numbers", "value", pd.Float64Dtype()),
        ("events", "negated", pd.BooleanDtype()),
        ("people", "roles", pd.ArrowDtype(pa.list_(pa.string()))),
        ("dates", "anchor", pd.ArrowDtype(pa.date32())),
    ],
)
def test_schema_pandas_dtypes(table, column, dtype):
    assert schema.empty_frame(table)[column].dtype == dtype


def test_schema_missing_values_are_null_not_empty_strings():
    frame = schema.to_pandas("documents", schema.to_arrow("documents", [{"doc_id": "a"}]))
    assert frame["headline"].isna().all() and frame["n_chars"].isna().all()


def test_schema_unknown_table_names_the_known_ones():
    with pytest.raises(KeyError, match="documents"):
        schema.columns("quote")


def test_schema_coerce_converts_to_the_column_type():
    from datetime import date, datetime

    def col(table, name):
        return next(c for c in schema.columns(table) if c.name == name)

    assert schema.coerce(col("numbers", "value"), 3) == 3.0
    assert type(schema.coerce(col("numbers", "value"), 3)) is float
    assert schema.coerce(col("mentions", "sent"), True) == 1 and type(schema.coerce(col("mentions", "sent"), True)) is int
    assert schema.coerce(col("mentions", "sent"), "") is None
    assert schema.coerce(col("mentions", "text"), "") == ""
    assert schema.coerce(col("documents", "published"), "2023-05-23T10:00") == date(2023, 5, 23)
    assert schema.coerce(col("documents", "published"), datetime(2023, 5, 23, 10)) == datetime(2023, 5, 23, 10)
    assert schema.coerce(col("people", "roles"), ("Kanzler", 2)) == ["Kanzler", "2"]
    with pytest.raises(schema.RowError, match="sent"):
        schema.coerce(col("mentions", "sent"), "drei")


def _odd_rows():
    """Rows with values check_rows and to_arrow must coerce, next to ones they keep."""
    from datetime import datetime
    return [
        {"doc_id": "a", "entity": 1, "canonical": "Olaf Scholz", "roles": ["Kanzler"], "n_mentions": 2, "start": 0},
        {"doc_id": "a", "entity": True, "canonical": "", "roles": ("Kanzler", 2), "n_mentions": 3.0, "start": None,
         "person_id": datetime(2023, 5, 23)},
        {"doc_id": "b", "entity": "", "roles": None},
    ]


def _coerced_one_by_one(table, rows):
    return [{c.name: schema.coerce(c, row.get(c.name)) for c in schema.columns(table)} for row in rows]


def test_schema_check_rows_gives_what_coerce_gives_value_by_value():
    rows = _odd_rows()
    expected = _coerced_one_by_one("people", rows)
    assert schema.check_rows("people", rows) is rows and rows == expected  # in place, every column
    assert [{k: type(v) for k, v in row.items()} for row in rows] == [
        {k: type(v) for k, v in want.items()} for want in expected]  # 1 is not True, 3 not 3.0


def test_schema_check_rows_reports_the_first_bad_value_of_the_rows():
    rows = [{"doc_id": "a", "sent": 1, "start": "x"}, {"doc_id": "b", "sent": "drei"}]
    with pytest.raises(schema.RowError, match="'start'"):
        schema.check_rows("mentions", rows)


def test_schema_to_arrow_coerces_unchecked_rows_as_checked_ones():
    checked = schema.check_rows("people", _odd_rows())
    assert schema.to_arrow("people", _odd_rows()).equals(schema.to_arrow("people", checked))
    assert schema.to_arrow("people", iter(_odd_rows())).to_pylist() == _coerced_one_by_one("people", _odd_rows())
