"""Any delivery order, with duplicates, converges to the table of in-order history (on moto)."""

from datetime import datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lambda_indexer.handler import item_for, lambda_handler, parse_record
from lambda_indexer.tests.helpers import items, s3_record

KEYS = ["media/a.jpg", "media/b c.jpg", "media/d+e.png", "media/ü/ñ.png"]
EVENTS = ["ObjectCreated:Put", "ObjectCreated:Copy", "ObjectRemoved:Delete"]
# Values with trailing zero nibbles give sequencers of different lengths once the zeros go.
sequencer_values = st.builds(
    lambda digits, zeros: digits * 16**zeros, st.integers(1, 16**6), st.integers(0, 10)
)
steps = st.tuples(
    st.sampled_from(KEYS),
    st.sampled_from(EVENTS),
    st.integers(1, 1000),
    st.datetimes(datetime(2000, 1, 1), datetime(2100, 1, 1)).map(
        lambda t: t.isoformat(timespec="milliseconds") + "Z"
    ),
)


def clear(table):
    with table.batch_writer() as batch:
        for key in items(table):
            batch.delete_item(Key={"id": key})


def apply(table, records):
    clear(table)
    lambda_handler({"Records": records}, None)
    return items(table)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_any_permutation_with_duplicates_leaves_each_key_at_its_last_event(table, data):
    history = data.draw(st.lists(steps, min_size=1, max_size=12))
    values = data.draw(
        st.lists(sequencer_values, min_size=len(history), max_size=len(history), unique=True)
    )
    # Event times are drawn independently of order: the sequencer alone must decide.
    records = [
        s3_record(key, event, format(value, "018X").rstrip("0"), time, size)
        for (key, event, size, time), value in zip(history, sorted(values), strict=True)
    ]
    duplicates = data.draw(st.lists(st.sampled_from(records), max_size=6))
    delivered = data.draw(st.permutations(records + duplicates))

    # In-order history: each key ends at its last event (Decimal from DynamoDB equals int).
    in_order = {item["id"]: item for item in (item_for(parse_record(r)) for r in records)}

    assert apply(table, delivered) == in_order
