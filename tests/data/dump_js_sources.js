#!/usr/bin/env node
// Helper for generate_china_crosscheck.py: dumps the holiday / make-up-workday
// data of the npm packages `chinese-days` and `chinese-workday` as JSON on stdout.
//
// Usage: node dump_js_sources.js NODE_MODULES_DIR
//
// NODE_MODULES_DIR is the node_modules folder where both packages are
// installed (e.g. after `npm install chinese-days chinese-workday`).
//
// Output: {"chinese-days": {...}, "chinese-workday": {...}}, each with
//   version   - the installed package version (from its package.json)
//   holidays  - sorted list of dates (YYYY-MM-DD) the package lists as off
//   workdays  - sorted list of dates the package lists as make-up working days
//   in_lieu   - (chinese-days only) its separate "in lieu" (调休) off days
//
// The raw data is cross-checked against each package's own public
// isWorkday() API for every date of the years it covers; any mismatch aborts.
'use strict';

const fs = require('fs');
const path = require('path');
const vm = require('vm');
const { pathToFileURL } = require('url');

function die(msg) {
  process.stderr.write('dump_js_sources.js: ' + msg + '\n');
  process.exit(1);
}

if (process.argv.length !== 3) die('usage: node dump_js_sources.js NODE_MODULES_DIR');
const nm = path.resolve(process.argv[2]);

function pkgVersion(name) {
  return JSON.parse(fs.readFileSync(path.join(nm, name, 'package.json'), 'utf8')).version;
}

function isoDate(y, m, d) {
  return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

function* datesOfYears(y0, y1) {
  for (let t = Date.UTC(y0, 0, 1); t <= Date.UTC(y1, 11, 31); t += 86400000) {
    const d = new Date(t);
    yield { iso: isoDate(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()), dow: d.getUTCDay() };
  }
}

function yearsOf(dates) {
  const ys = dates.map((s) => Number(s.slice(0, 4)));
  return [Math.min(...ys), Math.max(...ys)];
}

// Working-ness implied by raw maps: a listed make-up day is work, a listed
// holiday is off, otherwise Mon-Fri work and Sat/Sun off.
function checkApi(label, holidays, workdays, isWorkday) {
  const hol = new Set(holidays);
  const wrk = new Set(workdays);
  const [y0, y1] = yearsOf(holidays.concat(workdays));
  let n = 0;
  for (const { iso, dow } of datesOfYears(y0, y1)) {
    const expected = wrk.has(iso) ? true : hol.has(iso) ? false : dow !== 0 && dow !== 6;
    const got = isWorkday(iso);
    if (got !== expected) die(`${label}: isWorkday(${iso}) = ${got}, raw data says ${expected}`);
    n++;
  }
  return n;
}

// ---- chinese-days: dist/chinese-days.json = {holidays, workdays, inLieuDays},
// each an object keyed by 'YYYY-MM-DD' with value 'English,中文,N'.
function chineseDays() {
  const dir = path.join(nm, 'chinese-days');
  const data = JSON.parse(fs.readFileSync(path.join(dir, 'dist', 'chinese-days.json'), 'utf8'));
  for (const k of ['holidays', 'workdays', 'inLieuDays']) {
    if (!data[k] || typeof data[k] !== 'object') die(`chinese-days: no ${k} in chinese-days.json`);
  }
  const holidays = Object.keys(data.holidays).sort();
  const workdays = Object.keys(data.workdays).sort();
  const inLieu = Object.keys(data.inLieuDays).sort();
  const lib = require(dir);
  const api = lib.isWorkday ? lib : lib.default;
  const checked = checkApi('chinese-days', holidays, workdays, (s) => api.isWorkday(s));
  return { version: pkgVersion('chinese-days'), holidays, workdays, in_lieu: inLieu, api_checked_days: checked };
}

// ---- chinese-workday: the data is two module-private object literals,
// `var HOLIDAYS = {...}` and `var WEEKENDS_WORKDAY = {...}`, in the ES module
// build (package.json "module"); they are read from the source text.  (The
// "main" .cjs.js build cannot be require()d: the package says "type": "module".)
async function chineseWorkday() {
  const dir = path.join(nm, 'chinese-workday');
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  const esmFile = path.join(dir, pkg.module);
  const src = fs.readFileSync(esmFile, 'utf8');
  function literal(name) {
    const re = new RegExp(`\\bvar ${name} = (\\{[^}]*\\})`);
    const m = src.match(re);
    if (!m) die(`chinese-workday: cannot find "var ${name} = {...}" in ${pkg.module}`);
    return vm.runInNewContext('(' + m[1] + ')');
  }
  const holidays = Object.keys(literal('HOLIDAYS')).sort();
  const workdays = Object.keys(literal('WEEKENDS_WORKDAY')).sort();
  const lib = await import(pathToFileURL(esmFile).href);
  const checked = checkApi('chinese-workday', holidays, workdays, (s) => lib.isWorkday(s));
  return { version: pkg.version, holidays, workdays, api_checked_days: checked };
}

(async () => {
  const out = { 'chinese-days': chineseDays(), 'chinese-workday': await chineseWorkday() };
  process.stdout.write(JSON.stringify(out) + '\n');
})().catch((e) => die(String((e && e.stack) || e)));
