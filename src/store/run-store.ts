/**
 * The run store: one SQLite file (better-sqlite3, WAL mode, so readers — `incidental runs`,
 * pandas, the sqlite3 shell — can open it while a sweep writes) with one row per run.
 *
 * Schema (version SCHEMA_VERSION, kept in PRAGMA user_version; README "The run store"):
 *   runs(key TEXT PRIMARY KEY, status TEXT, <one typed column per training option>,
 *        <RESULT_COLUMNS>)
 * `key` is the job key (hash of the full config and seed). Migrations run in order from
 * the file's version; columns for config fields added since a file was written are added
 * with the field's default, which is what those runs trained with. Only the coordinator
 * writes, and a run is inserted at most once (INSERT … ON CONFLICT DO NOTHING).
 */
import Database from 'better-sqlite3';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DEFAULTS } from '../core/config.js';
import { UserError } from '../core/errors.js';
import { PARAM_COLUMNS, RESULT_COLUMNS, type ParamColumn } from './columns.js';

export const SCHEMA_VERSION = 1;

/** Migration k brings a file from version k to k + 1. */
const MIGRATIONS: Array<(db: Database.Database) => void> = [
  (db) => {
    const results = RESULT_COLUMNS.map(([name, type]) => `${name} ${type}`).join(', ');
    db.exec(`CREATE TABLE runs (key TEXT PRIMARY KEY, status TEXT NOT NULL, ${results})`);
  },
];

/** A row as stored: column name → value (NUMERIC/INTEGER as numbers, TEXT as strings). */
export type RunRow = Record<string, string | number | null>;

export interface StoredRun {
  key: string;
  status: 'finished' | 'diverged';
  /** every typed column but key and status */
  values: RunRow;
}

const sqlValue = (p: ParamColumn, v: unknown): string | number | null =>
  v === undefined || v === null ? null : typeof v === 'boolean' ? (v ? 1 : 0) : (v as string | number);

export class RunStore {
  private readonly statements = new Map<string, Database.Statement>();

  private constructor(
    readonly path: string,
    readonly db: Database.Database,
  ) {}

  /** Opens (creating it if needed) a store to write: WAL mode, migrations applied. */
  static open(path: string): RunStore {
    try {
      mkdirSync(dirname(path), { recursive: true });
    } catch (err) {
      throw new UserError(`cannot create the directory of run store ${path}: ${err instanceof Error ? err.message : String(err)}`);
    }
    const db = openDb(path, false);
    readVersion(db, path);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL'); // with WAL: durable across process kills, one fsync per checkpoint
    db.pragma('busy_timeout = 5000');
    const store = new RunStore(path, db);
    store.migrate();
    return store;
  }

  /** Opens an existing store read-only (safe while a sweep writes it). */
  static openReadOnly(path: string): RunStore {
    if (!existsSync(path)) throw new UserError(`no such run store: ${path}`);
    const db = openDb(path, true);
    const version = readVersion(db, path);
    if (version > SCHEMA_VERSION) throw new UserError(`${path} has store schema version ${version}, newer than this incidental understands (${SCHEMA_VERSION}); upgrade incidental`);
    if (version === 0) throw new UserError(`${path} is not a run store (no runs table)`);
    return new RunStore(path, db);
  }

  private migrate(): void {
    const version = readVersion(this.db, this.path);
    if (version > SCHEMA_VERSION) throw new UserError(`${this.path} has store schema version ${version}, newer than this incidental understands (${SCHEMA_VERSION}); upgrade incidental`);
    this.db.transaction(() => {
      for (let v = version; v < SCHEMA_VERSION; v++) MIGRATIONS[v](this.db);
      const have = new Set((this.db.prepare('SELECT name FROM pragma_table_info(?)').all('runs') as Array<{ name: string }>).map((r) => r.name));
      for (const p of PARAM_COLUMNS) {
        if (have.has(p.column)) continue;
        const def = sqlValue(p, DEFAULTS[p.field]);
        this.db.exec(`ALTER TABLE runs ADD COLUMN ${p.column} ${p.sqlType} DEFAULT ${typeof def === 'string' ? `'${def.replace(/'/g, "''")}'` : def}`);
      }
      this.db.pragma(`user_version = ${SCHEMA_VERSION}`);
    })();
  }

  /** A prepared statement, compiled once per store. */
  private statement(sql: string): Database.Statement {
    let stmt = this.statements.get(sql);
    if (!stmt) this.statements.set(sql, (stmt = this.db.prepare(sql)));
    return stmt;
  }

  /** Keys of the given ones that are stored (finished or diverged). */
  storedKeys(keys: readonly string[]): Set<string> {
    const stmt = this.statement('SELECT 1 FROM runs WHERE key = ?');
    return new Set(keys.filter((k) => stmt.get(k) !== undefined));
  }

  get(key: string): RunRow | undefined {
    return this.db.prepare('SELECT * FROM runs WHERE key = ?').get(key) as RunRow | undefined;
  }

  /** Inserts a run unless its key is stored already; returns whether it was inserted. */
  insert(key: string, status: StoredRun['status'], config: Record<string, unknown>, results: Partial<Record<(typeof RESULT_COLUMNS)[number][0], string | number | null>>): boolean {
    const row: RunRow = { key, status };
    for (const p of PARAM_COLUMNS) row[p.column] = sqlValue(p, config[p.field]);
    for (const [name] of RESULT_COLUMNS) row[name] = results[name] ?? null;
    const cols = Object.keys(row);
    const info = this.statement(`INSERT INTO runs (${cols.join(', ')}) VALUES (${cols.map((c) => '@' + c).join(', ')}) ON CONFLICT(key) DO NOTHING`).run(row);
    return info.changes === 1;
  }

  /**
   * Rows matching an SQL expression over the columns (e.g. "m >= 128 AND status = 'finished'"),
   * oldest first. A bad expression is a UserError naming --where.
   */
  list(where?: string): RunRow[] {
    try {
      return this.db.prepare(`SELECT * FROM runs${where ? ` WHERE ${where}` : ''} ORDER BY rowid`).all() as RunRow[];
    } catch (err) {
      if (err instanceof Error && err.name === 'SqliteError') throw new UserError(`invalid --where "${where}": ${err.message}`);
      throw err;
    }
  }

  /** Deletes the rows of these keys (to retrain them). */
  remove(keys: readonly string[]): void {
    const stmt = this.db.prepare('DELETE FROM runs WHERE key = ?');
    this.db.transaction(() => keys.forEach((k) => stmt.run(k)))();
  }

  count(): number {
    return this.db.prepare('SELECT count(*) FROM runs').pluck().get() as number;
  }

  close(): void {
    this.db.close();
  }
}

function openDb(path: string, readonly: boolean): Database.Database {
  try {
    return new Database(path, { readonly, fileMustExist: readonly });
  } catch (err) {
    throw new UserError(`cannot open run store ${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** The schema version; a file that is not SQLite is a UserError naming it. */
function readVersion(db: Database.Database, path: string): number {
  try {
    return db.pragma('user_version', { simple: true }) as number;
  } catch (err) {
    db.close();
    throw new UserError(`cannot open run store ${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
}
