/**
 * The run store: schema from the config declarations, a run stored once, WAL so a reader
 * sees committed rows while the writer is open, migrations (an older file gains the
 * columns of config fields added since, filled with their defaults), and one-line errors.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULTS, parseConfig } from '../core/config.js';
import { UserError } from '../core/errors.js';
import { optionName, PARAM_COLUMNS } from './columns.js';
import { RunStore, SCHEMA_VERSION } from './run-store.js';

const dir = mkdtempSync(join(tmpdir(), 'incidental-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('columns', () => {
  it('one column per config field, named after its command-line option', () => {
    expect(PARAM_COLUMNS.map((p) => p.field)).toEqual(Object.keys(DEFAULTS));
    expect(optionName('nHidden')).toBe('m');
    expect(optionName('benefit')).toBe('benefit');
    const byField = Object.fromEntries(PARAM_COLUMNS.map((p) => [p.field, p]));
    expect(byField.initScale).toMatchObject({ column: 'init_scale', option: 'init-scale', sqlType: 'REAL' });
    expect(byField.nHidden.sqlType).toBe('INTEGER');
    expect(byField.optimizer.sqlType).toBe('TEXT');
    expect(byField.interference.sqlType).toBe('INTEGER');
  });
});

describe('RunStore', () => {
  it('stores a run once, with typed columns, readable by a second connection while open (WAL)', () => {
    const path = join(dir, 'a.db');
    const store = RunStore.open(path);
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    const config = parseConfig({ nFeatures: 8, nHidden: 16, lambda: 0.01, seed: 3, interference: false });
    expect(store.insert('k1', 'finished', config, { polysemantic: 1.5, dir: '/x' })).toBe(true);
    expect(store.insert('k1', 'finished', config, { polysemantic: 9 })).toBe(false);
    const reader = RunStore.openReadOnly(path);
    const rows = reader.list();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ key: 'k1', status: 'finished', n: 8, m: 16, lambda: 0.01, seed: 3, interference: 0, optimizer: 'adamw', polysemantic: 1.5 });
    expect(typeof rows[0].m).toBe('number');
    expect(reader.list('m > 16')).toHaveLength(0);
    expect(() => reader.list('m >')).toThrow(UserError);
    expect(() => reader.list('m >')).toThrow(/invalid --where "m >"/);
    expect(() => reader.insert('k2', 'finished', config, {})).toThrow(/readonly/);
    reader.close();
    store.remove(['k1']);
    expect(store.count()).toBe(0);
    store.close();
  });

  it('migrates an older file: adds columns for config fields it lacks, filled with their defaults', () => {
    const path = join(dir, 'old.db');
    const old = new Database(path);
    // a version-1 file written before the `eps` and `beta2` fields existed
    old.exec(`CREATE TABLE runs (key TEXT PRIMARY KEY, status TEXT NOT NULL, n INTEGER, m INTEGER, polysemantic REAL)`);
    old.exec(`INSERT INTO runs (key, status, n, m, polysemantic) VALUES ('old', 'finished', 4, 8, 0.5)`);
    old.pragma('user_version = 1');
    old.close();
    const store = RunStore.open(path);
    const row = store.get('old')!;
    expect(row).toMatchObject({ key: 'old', n: 4, m: 8, eps: DEFAULTS.eps, beta2: DEFAULTS.beta2, optimizer: 'adamw', benefit: 1 });
    expect(store.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    store.close();
  });

  it('creates the directories of a new store', () => {
    const path = join(dir, 'new', 'deeper', 'runs.db');
    RunStore.open(path).close();
    expect(RunStore.openReadOnly(path).count()).toBe(0);
  });

  it('refuses files it cannot read, in one line', () => {
    const junk = join(dir, 'junk.db');
    writeFileSync(junk, 'not a database, just text that is long enough to have a header');
    expect(() => RunStore.openReadOnly(join(dir, 'missing.db'))).toThrow(/no such run store/);
    expect(() => RunStore.openReadOnly(junk)).toThrow(UserError);
    const newer = join(dir, 'newer.db');
    const db = new Database(newer);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    expect(() => RunStore.open(newer)).toThrow(/newer than this incidental/);
    expect(() => RunStore.openReadOnly(newer)).toThrow(/newer than this incidental/);
  });
});
