#!/usr/bin/env node
// Drops the later trade files of the example project into landing/trades/, one every few seconds,
// the way a vendor's feed would: each file is written in pieces (so `strata watch` must wait until
// it is complete). Run `npx strata watch` in another terminal and watch the one-minute bars grow.
//
//   node scripts/replay-trades.mjs [seconds between files, default 10]
//
// To replay again from scratch: remove the copied parts from landing/trades/ and the database
// (target/market_data.duckdb), then `npx strata build`.
import { existsSync, openSync, readFileSync, readdirSync, writeSync, closeSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const from = path.join(root, 'landing-replay', 'trades');
const to = path.join(root, 'landing', 'trades');
const seconds = Number(process.argv[2] ?? 10);
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

for (const name of readdirSync(from).filter((f) => f.endsWith('.csv.gz')).sort()) {
  const target = path.join(to, name);
  if (existsSync(target)) {
    console.log(`${name}: already in landing/trades, skipped`);
    continue;
  }
  const bytes = readFileSync(path.join(from, name));
  const fd = openSync(target, 'w');
  // Three pieces, 150 ms apart: a watcher that loaded a file as soon as it appeared would read it half-written.
  const step = Math.ceil(bytes.length / 3);
  for (let at = 0; at < bytes.length; at += step) {
    writeSync(fd, bytes, at, Math.min(step, bytes.length - at));
    await pause(150);
  }
  closeSync(fd);
  console.log(`${new Date().toTimeString().slice(0, 8)}  dropped ${path.relative(root, target)} (${bytes.length} bytes)`);
  await pause(seconds * 1000);
}
