#!/usr/bin/env python3
"""Regenerate china_crosscheck.csv: China's official working-day calendar
(State Council holiday arrangements, 2004-2026) as published by four
independent packages, side by side.

Sources (CSV column, registry, where the data is read)
  chinesecalendar  PyPI  chinesecalendar (import chinese_calendar: .holidays / .workdays dicts)
  chinese_days     npm   chinese-days (dist/chinese-days.json: holidays / workdays / inLieuDays)
  chinese_workday  npm   chinese-workday (HOLIDAYS / WEEKENDS_WORKDAY literals in its ES build)
  holidays         PyPI  holidays (holidays.China(years=2004..2026).is_working_day(date),
                         asked for every date; only 2004-2026 is taken from it)

How to run (no network needed once the packages are installed; the versions
are the ones the committed CSV was made with):

    pip install chinesecalendar==1.11.0 holidays==0.109
    npm install chinese-days@1.5.7 chinese-workday@1.16.1   # in some folder DIR
    python3 generate_china_crosscheck.py --node-modules DIR/node_modules

This writes china_crosscheck.csv beside this script (or --out PATH).  It
calls `node dump_js_sources.js NODE_MODULES` (the helper beside this script)
to read the two npm packages.  Options:
    --out PATH       where to write the CSV
    --date YYYY-MM-DD  generation date written in the header (default: today)
    --compact PATH   also write the decided calendar, one line per year:
                     `YYYY off MM-DD..MM-DD MM-DD ... work MM-DD ...`
A summary (coverage, rows, every disagreement with the sources the notice
proves wrong, wrong dates per source, working days per year) goes to stderr.

Meaning of the CSV
  One row per date in 2004-01-01..=2026-12-31 on which at least one source
  departs from the weekday default for working-ness: a Mon-Fri day it marks
  off, or a Sat/Sun day it marks as a make-up working day (调休上班).
  Per source: `work` / `off`; a date a covering source does not list gets the
  default (Mon-Fri work, Sat/Sun off); `-` when the source doesn't cover the year.
  A source's make-up working day wins over its holiday list (that is how
  each package's own isWorkday() resolves a date listed in both).

Settling disagreements
  Where the sources disagree on a date, the State Council's notice for that
  year decides, never the majority: packages agreeing proves nothing (they
  may share an upstream, and two of them are wrong together on 2005-12-31).  JUDGED below maps every such date to the value the notice
  gives and the words of the notice that decide it.  The script stops, and
  writes nothing, if a disagreement appears that is not judged, or if a
  judged date is no longer disputed: either way a person must read the
  notice again.  The sources that differ from the judged value are the wrong
  ones; the stderr summary lists them date by date, and the Rust test
  china_calendar_matches_the_published_data_sets (tests/integration/
  calendar.rs) keeps the same list as its DISPUTED table.
"""

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
from importlib import metadata

FIRST = dt.date(2004, 1, 1)
LAST = dt.date(2026, 12, 31)
SOURCES = ("chinesecalendar", "chinese_days", "chinese_workday", "holidays")
HERE = os.path.dirname(os.path.abspath(__file__))

# Dates where the sources disagree on working-ness: the value the State
# Council notice gives, and the words of the notice that decide it (the
# notice's number where known).  The notice decides, never the majority; the
# script stops if a disagreement appears that is not judged here, or if a date
# judged here is no longer disputed.  Used for --compact and the summary.
JUDGED = {
    "2005-12-31": (
        "work",
        "国办发明电〔2005〕35号 (2006 notice, issued 2005-12-16): "
        "一、元旦:1月1日—3日放假,共3天。其中1月1日为法定假日,"
        "将12月31日(星期六)、1月1日(星期日)两个公休日调至1月2日(星期一)、3日(星期二),"
        "12月31日(星期六)上班。",
    ),
    "2011-01-29": ("off", "2011 notice: Spring Festival make-up days are Sun 01-30 and Sat 02-12 only"),
    "2011-02-12": ("work", "2011 notice: Sat 02-12 上班 (Spring Festival)"),
    "2011-04-02": ("work", "2011 notice: Sat 04-02 上班 (Qingming)"),
    "2011-12-31": ("work", "2012 notice: 2011-12-31 (Sat) 上班 (New Year)"),
    "2012-01-29": ("work", "2012 notice: Sat 01-21 and Sun 01-29 上班 (Spring Festival)"),
    "2012-03-31": ("work", "2012 notice: Sat 03-31, Sun 04-01 上班 (Qingming)"),
    "2012-04-01": ("work", "2012 notice: Sat 03-31, Sun 04-01 上班 (Qingming)"),
    "2012-04-28": ("work", "2012 notice: Sat 04-28 上班 (Labour Day)"),
    "2012-09-30": ("off", "2012 notice: Mid-Autumn/National Day off 09-30..10-07, only Sat 09-29 上班"),
    "2012-10-08": ("work", "2012 notice: holiday ends 10-07; Mon 10-08 is an ordinary working day"),
    "2013-04-07": ("work", "2013 notice: Sun 04-07 上班 (Qingming)"),
    "2013-04-27": ("work", "2013 notice: Sat 04-27, Sun 04-28 上班 (Labour Day)"),
    "2013-04-28": ("work", "2013 notice: Sat 04-27, Sun 04-28 上班 (Labour Day)"),
    "2013-06-08": ("work", "2013 notice: Sat 06-08, Sun 06-09 上班 (Dragon Boat)"),
    "2013-06-09": ("work", "2013 notice: Sat 06-08, Sun 06-09 上班 (Dragon Boat)"),
    "2013-10-12": ("work", "2013 notice: Sun 09-29 and Sat 10-12 上班 (National Day)"),
    "2013-12-29": ("off", "2014 notice: New Year is 01-01 only, no make-up day; 2013-12-29 not a working day"),
    "2014-06-03": ("work", "2014 notice: Dragon Boat 06-02 off, 与周末连休 (05-31..06-02)"),
    "2014-06-04": ("work", "2014 notice: Dragon Boat 06-02 off, 与周末连休 (05-31..06-02)"),
    "2014-09-09": ("work", "2014 notice: Mid-Autumn 09-08 off, 与周末连休 (09-06..09-08)"),
    "2014-09-10": ("work", "2014 notice: Mid-Autumn 09-08 off, 与周末连休 (09-06..09-08)"),
    "2014-10-11": ("work", "2014 notice: Sun 09-28 and Sat 10-11 上班 (National Day)"),
    "2015-09-03": ("off", "2015 notice (抗战胜利70周年): 09-03..09-05 off, Sun 09-06 上班"),
    "2015-09-04": ("off", "2015 notice (抗战胜利70周年): 09-03..09-05 off, Sun 09-06 上班"),
    "2018-01-01": ("off", "2018 notice: New Year's Day 01-01 off (with the weekend)"),
    "2020-01-31": ("off", "国办发明电〔2020〕1号 extended Spring Festival to 02-02"),
    "2020-02-01": ("off", "国办发明电〔2020〕1号 extended Spring Festival to 02-02 (cancels the Sat 02-01 make-up day)"),
    "2023-01-03": ("work", "2023 notice: New Year off 2022-12-31..2023-01-02"),
}


def load_chinesecalendar():
    import chinese_calendar as cc

    return {
        "version": metadata.version("chinesecalendar"),
        "holidays": {d.isoformat() for d in cc.holidays},
        "workdays": {d.isoformat() for d in cc.workdays},
    }


def load_npm(node_modules):
    helper = os.path.join(HERE, "dump_js_sources.js")
    out = subprocess.run(
        ["node", helper, node_modules], check=True, capture_output=True, text=True
    ).stdout
    data = json.loads(out)
    res = {}
    for key, name in (("chinese-days", "chinese_days"), ("chinese-workday", "chinese_workday")):
        d = data[key]
        res[name] = {
            "version": d["version"],
            # chinese-days' in-lieu (调休) days are off days too; they are a
            # subset of its holidays, but take the union to be safe.
            "holidays": set(d["holidays"]) | set(d.get("in_lieu", [])),
            "workdays": set(d["workdays"]),
        }
    return res


def load_holidays():
    """PyPI `holidays`: its China calendar, asked date by date."""
    import holidays

    cal = holidays.China(years=range(FIRST.year, LAST.year + 1))
    working = {d: cal.is_working_day(d) for d in days()}
    # Its own answer, re-expressed as the two lists the other sources have:
    # the days off (its named holidays, weekend ones included, as `listed`
    # for --compact wants, and any other weekday it calls off) and the
    # make-up working days on weekends.
    named = {d.isoformat() for d in cal if FIRST <= d <= LAST}
    off_weekdays = {d.isoformat() for d, w in working.items() if not w and d.weekday() < 5}
    src = {
        "version": metadata.version("holidays"),
        "holidays": named | off_weekdays,
        "workdays": {d.isoformat() for d, w in working.items() if w and d.weekday() >= 5},
        # Only 2004-2026 is taken from it (it knows earlier years too).
        "years": (FIRST.year, LAST.year),
    }
    for d, w in working.items():
        if value(src, d) != ("work" if w else "off"):
            sys.exit(f"holidays: is_working_day({d}) = {w}, but its lists say {value(src, d)}")
    return src


def coverage(src):
    years = [int(s[:4]) for s in src["holidays"] | src["workdays"]]
    return min(years), max(years)


def default(day):
    return "work" if day.weekday() < 5 else "off"


def value(src, day):
    y0, y1 = src["years"]
    if not y0 <= day.year <= y1:
        return "-"
    iso = day.isoformat()
    if iso in src["workdays"]:
        return "work"
    if iso in src["holidays"]:
        return "off"
    return default(day)


def days():
    d = FIRST
    while d <= LAST:
        yield d
        d += dt.timedelta(days=1)


def runs(dates):
    """Maximal runs of consecutive dates -> ['MM-DD..MM-DD', 'MM-DD', ...]."""
    out = []
    for d in sorted(dates):
        if out and out[-1][1] + dt.timedelta(days=1) == d:
            out[-1][1] = d
        else:
            out.append([d, d])
    return [a.strftime("%m-%d") + ("" if a == b else ".." + b.strftime("%m-%d")) for a, b in out]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--node-modules", required=True, help="node_modules with chinese-days and chinese-workday")
    ap.add_argument("--out", default=os.path.join(HERE, "china_crosscheck.csv"))
    ap.add_argument("--date", default=dt.date.today().isoformat(), help="generation date for the header")
    ap.add_argument("--compact", help="also write the decided calendar here")
    args = ap.parse_args()

    srcs = {
        "chinesecalendar": load_chinesecalendar(),
        **load_npm(args.node_modules),
        "holidays": load_holidays(),
    }
    for s in srcs.values():
        s.setdefault("years", coverage(s))

    rows, disagreements = [], []  # disagreements: (iso, vals, wrong sources)
    decided = {}  # date -> 'work'/'off' for every date
    for day in days():
        vals = [value(srcs[n], day) for n in SOURCES]
        known = {v for v in vals if v != "-"}
        iso = day.isoformat()
        if len(known) > 1:
            if iso not in JUDGED:
                sys.exit(
                    f"unjudged disagreement on {iso} ({day:%a}): {dict(zip(SOURCES, vals))}; "
                    "read that year's State Council notice and add the date to JUDGED"
                )
            judged = JUDGED[iso][0]
            wrong = [n for n, v in zip(SOURCES, vals) if v not in ("-", judged)]
            disagreements.append((iso, vals, wrong))
            decided[day] = judged
        else:
            decided[day] = known.pop() if known else default(day)
        if any(v not in ("-", default(day)) for v in vals):
            rows.append((iso, vals))
    stale = set(JUDGED) - {d for d, _, _ in disagreements}
    if stale:
        sys.exit(f"judged dates no longer disputed (drop them from JUDGED): {sorted(stale)}")

    with open(args.out, "w", newline="\n", encoding="utf-8") as f:
        f.write("# China working-day calendar (State Council holiday arrangements), cross-checked\n")
        for n, pkg, reg in (
            ("chinesecalendar", "chinesecalendar", "PyPI"),
            ("chinese_days", "chinese-days", "npm"),
            ("chinese_workday", "chinese-workday", "npm"),
            ("holidays", "holidays", "PyPI"),
        ):
            y0, y1 = srcs[n]["years"]
            f.write(f"# source {n}: {reg} package {pkg} {srcs[n]['version']} (covers {y0}-{y1})\n")
        f.write(f"# generated {args.date} by generate_china_crosscheck.py\n")
        f.write("# rows: dates 2004-01-01..2026-12-31 where some source marks a Mon-Fri day off or a Sat/Sun day work;\n")
        f.write("# values: work/off per source (unlisted dates in a covered year take the weekday default), - = year not covered\n")
        f.write("date," + ",".join(SOURCES) + "\n")
        for iso, vals in rows:
            f.write(iso + "," + ",".join(vals) + "\n")

    if args.compact:
        listed = set().union(*(s["holidays"] for s in srcs.values()))
        with open(args.compact, "w", encoding="utf-8") as f:
            for year in range(FIRST.year, LAST.year + 1):
                ydays = [d for d in decided if d.year == year]
                off = {d for d in ydays if decided[d] == "off" and (d.weekday() < 5 or d.isoformat() in listed)}
                work = sorted(d for d in ydays if decided[d] == "work" and d.weekday() >= 5)
                f.write(f"{year} off {' '.join(runs(off))} work {' '.join(d.strftime('%m-%d') for d in work)}\n")

    log = sys.stderr.write
    for n in SOURCES:
        log(f"{n} {srcs[n]['version']} covers {srcs[n]['years'][0]}-{srcs[n]['years'][1]}\n")
    log(f"{len(rows)} rows written to {args.out}\n")
    log(f"{len(disagreements)} disagreements (the notice decides; wrong = sources that differ from it):\n")
    for iso, vals, wrong in disagreements:
        log(
            f"  {iso} {dt.date.fromisoformat(iso):%a} {dict(zip(SOURCES, vals))} -> {JUDGED[iso][0]}, "
            f"wrong: {', '.join(wrong)}; {JUDGED[iso][1]}\n"
        )
    log("wrong dates per source:\n")
    for n in SOURCES:
        bad = [iso for iso, _, wrong in disagreements if n in wrong]
        log(f"  {n}: {len(bad)}" + (f" ({' '.join(bad)})" if bad else "") + "\n")
    log("working days per year (Mon-Fri - off weekdays + make-up weekend days):\n")
    for year in range(FIRST.year, LAST.year + 1):
        counts = []
        for n in SOURCES:
            if srcs[n]["years"][0] <= year <= srcs[n]["years"][1]:
                counts.append(str(sum(value(srcs[n], d) == "work" for d in days() if d.year == year)))
            else:
                counts.append("-")
        dec = sum(v == "work" for d, v in decided.items() if d.year == year)
        log(f"  {year}: " + " ".join(f"{n}={c}" for n, c in zip(SOURCES, counts)) + f" decided={dec}\n")


if __name__ == "__main__":
    main()
