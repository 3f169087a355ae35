"""The pandas peer of boardpack's CSV ingest and aggregation (run by scripts/bench.ts, one call per repetition).

What a performance officer would write by hand: read the record-level extract with typed columns (codes as
categories, dates parsed), then the same two aggregations as scripts/bench/worker.ts AGG_SQL: starts per
financial-year quarter by locality and episode type, and per-locality episodes and episodes open at the
extract date. No validation beyond what read_csv does. Prints one JSON line: ms per stage and peak RSS.
"""
import json
import resource
import sys
import time

t_import = time.perf_counter()
import pandas as pd  # noqa: E402

import_ms = (time.perf_counter() - t_import) * 1000


def main(path: str) -> dict:
    t0 = time.perf_counter()
    # pandas 2 takes the date format; pandas 1.5 (Debian 12) infers it from the first value.
    dates = {"date_format": "%Y-%m-%d"} if int(pd.__version__.split(".")[0]) >= 2 else {"infer_datetime_format": True}
    df = pd.read_csv(
        path,
        dtype={
            "child_id": "string",
            "locality": "category",
            "episode_type": "category",
            "factor_parental_substance_misuse": "category",
            "factor_parental_conflict_da": "category",
            "parent_confidence_improved": "category",
        },
        parse_dates=["start_date", "end_date"],
        **dates,
    )
    t1 = time.perf_counter()
    quarter = df["start_date"].dt.to_period("Q-MAR")
    starts = df.groupby([quarter, "locality", "episode_type"], observed=True).size()
    end = pd.Timestamp("2026-09-30")
    open_at_end = df["end_date"].isna() | (df["end_date"] > end)
    per_locality = df.assign(open_at_end=open_at_end).groupby("locality", observed=True).agg(
        episodes=("child_id", "size"), open_at_end=("open_at_end", "sum")
    )
    t2 = time.perf_counter()
    return {
        "ms": {"ingest": (t1 - t0) * 1000, "aggregate": (t2 - t1) * 1000, "import": import_ms},
        "rows": int(len(df)),
        "groups": int(len(starts) + len(per_locality)),
        "pandas": pd.__version__,
        "maxRssKb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    }


if __name__ == "__main__":
    print()
    print(json.dumps(main(sys.argv[1])))
