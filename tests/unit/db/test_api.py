"""Keyset pagination visits every row once, ties on the first sort column included."""

import sqlalchemy as sa

from tricircle.db import api as db_api


def test_after_marker_walks_ties_in_order():
    engine = sa.create_engine("sqlite://")
    metadata = sa.MetaData()
    table = sa.Table("t", metadata, sa.Column("stamp", sa.Integer),
                     sa.Column("id", sa.String, primary_key=True))
    metadata.create_all(engine)
    rows = [{"stamp": s, "id": i} for s, i in [(1, "a"), (2, "b"), (2, "c"), (2, "d"),
                                               (3, "e")]]
    with engine.begin() as connection:
        connection.execute(table.insert(), rows)

        def page(marker, descending):
            columns = [table.c.stamp, table.c.id]
            query = sa.select(table.c.id)
            if marker:
                query = query.where(db_api.after_marker(columns, marker, descending))
            order = [c.desc() if descending else c for c in columns]
            return [r.id for r in connection.execute(query.order_by(*order).limit(2))]

        assert page(None, False) == ["a", "b"]
        assert page((2, "b"), False) == ["c", "d"]
        assert page((2, "d"), False) == ["e"]
        assert page((2, "c"), True) == ["b", "a"]
