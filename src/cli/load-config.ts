import { existsSync, readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { TesseraConfig, TesseraError } from '../contract/index.js';
import { settingLocator, type LocateSetting } from './config-lines.js';

export interface ConfigSources {
  cwd: string;
  env: Record<string, string | undefined>;
  /** `--config FILE`; else `tessera.config.yaml` in cwd when present. */
  configPath?: string;
  /** `--data DIR` */
  dataDir?: string;
  port?: number;
}

function setIn(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path.at(-1) as string] = value;
}

/** A number if the text is one; else the text, so the schema's error shows what was given (Number() would make it NaN). */
const numberOrText = (v: string): unknown => (v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : v);

const envSettings: [string, string[], (v: string) => unknown][] = [
  ['TESSERA_DATA', ['dataDir'], String],
  ['TESSERA_PORT', ['server', 'port'], numberOrText],
  ['TESSERA_HOST', ['server', 'host'], String],
  ['TESSERA_LOG_LEVEL', ['logLevel'], String],
  ['TESSERA_BASE_CURRENCY', ['workspace', 'baseCurrency'], String],
  ['TESSERA_TIMEZONE', ['workspace', 'reportingTimezone'], String],
  ['TESSERA_DUCKDB_MEMORY', ['duckdb', 'memoryLimit'], String],
];

/**
 * Reads the config file, then the environment, then flags (each overriding the last), and
 * validates once; every invalid setting is listed in the one error.
 */
export function loadConfig(sources: ConfigSources): TesseraConfig {
  const file = sources.configPath ? resolve(sources.cwd, sources.configPath) : resolve(sources.cwd, 'tessera.config.yaml');
  let input: Record<string, unknown> = {};
  let locate: LocateSetting | undefined;
  if (existsSync(file)) {
    const lines = new LineCounter();
    const doc = parseDocument(readFileSync(file, 'utf8'), { lineCounter: lines });
    const [error] = doc.errors;
    if (error) throw new TesseraError('invalid_config', `${file}: not valid YAML: ${error.message.split('\n')[0]}`);
    const parsed: unknown = doc.toJS();
    locate = settingLocator(doc, lines);
    if (parsed !== null && parsed !== undefined) {
      if (typeof parsed !== 'object' || Array.isArray(parsed)) throw new TesseraError('invalid_config', `${file}: the config must be a mapping`);
      input = parsed as Record<string, unknown>;
    }
  } else if (sources.configPath) {
    throw new TesseraError('invalid_config', `config file not found: ${file}`);
  }
  // Which variable set a setting, so that an error about it says what to change.
  const fromEnv = new Map<string, string>();
  for (const [name, path, convert] of envSettings) {
    const value = sources.env[name];
    if (value === undefined || value === '') continue;
    setIn(input, path, convert(value));
    fromEnv.set(path.join('.'), name);
  }
  if (sources.dataDir) {
    input['dataDir'] = sources.dataDir;
    fromEnv.delete('dataDir');
  }
  if (sources.port !== undefined) {
    setIn(input, ['server', 'port'], sources.port);
    fromEnv.delete('server.port');
  }
  const result = TesseraConfig.safeParse(input);
  if (!result.success) {
    // One line per setting: an unknown key (a typo) is named whole, where it stands, as a wrong value is.
    const problems = result.error.issues.flatMap((i): { path: PropertyKey[]; key?: string; message: string }[] =>
      i.code === 'unrecognized_keys' ? i.keys.map((key) => ({ path: [...i.path, key], key, message: 'unknown setting (a typo?)' })) : [{ path: i.path, message: i.message }],
    );
    const described = problems.map(({ path, key, message }) => {
      const name = path.map(String).join('.');
      const variable = fromEnv.get(name);
      // A setting a variable or flag gave is not the file's, whatever line the file has for it.
      const line = variable === undefined && (path[0] !== 'dataDir' || !sources.dataDir) ? locate?.(key === undefined ? path : path.slice(0, -1), key) : undefined;
      // The heading names the whole path; each line names the file as an editor's tab does.
      const where = line !== undefined ? `${basename(file)}:${line}: ` : '';
      return { line: line ?? Number.MAX_SAFE_INTEGER, text: `  ${where}${name || '(root)'}${variable ? ` (${variable})` : ''}: ${message}` };
    });
    // In file order, as the user reads the file to correct it; the environment's after.
    const lines = described.sort((a, b) => a.line - b.line).map((d) => d.text);
    throw new TesseraError('invalid_config', `invalid configuration (${existsSync(file) ? file : 'environment'}):\n${lines.join('\n')}`);
  }
  return { ...result.data, dataDir: resolve(sources.cwd, result.data.dataDir) };
}
