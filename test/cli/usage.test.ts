// Mistakes in what was typed: one line in the chosen language, a suggestion where one fits, exit code 2; help and
// version exit 0; `--help` lists each option's choices once; one-shot commands print no info log lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { tempDir } from '../helpers/temp.ts';

const BIN = new URL('../../bin/orderops.js', import.meta.url).pathname;

function cli(args: string[], env: Record<string, string> = {}) {
  const { LOG_LEVEL: _ignored, ...rest } = process.env;
  const r = spawnSync(process.execPath, [BIN, ...args], { env: { ...rest, ORDEROPS_LANG: 'en', ...env }, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('usage errors are one localized line with a suggestion and exit 2; help and version exit 0', { timeout: 60_000 }, () => {
  const cases: [string[], RegExp][] = [
    [['statsu'], /^Error: Unknown command "statsu"\. Did you mean "status"\? Run `orderops --help`/],
    [['bogus'], /^Error: Unknown command "bogus"\. Run/],
    [['--lang', 'xx', 'status'], /^Error: --lang cannot be "xx": choose one of zh-CN, en, es\./],
    [['order'], /^Error: Missing <id>\./],
    [['--bogus', 'status'], /^Error: Unknown option --bogus\./],
    [['--lang', 'zh-CN', 'ordr'], /^错误: 未知命令“ordr”。你是不是想用“order”？/],
    [['--lang=es', 'migrat'], /^Error: Comando desconocido "migrat"\. ¿Quisiste decir "migrate"\?/],
  ];
  for (const [args, expected] of cases) {
    const r = cli(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr.trim(), expected, args.join(' '));
    assert.equal(r.stderr.trim().split('\n').length, 1, 'one line');
  }
  const help = cli(['--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /--lang <lang> +language of the output \(choices: "zh-CN", "en", "es"\)/);
  assert.doesNotMatch(help.stdout, /\(zh-CN, en, es\)/, 'the choices are listed once');
  assert.equal(cli(['--version']).code, 0);
});

test('a one-shot command prints no info log lines on stderr (the bot itself still logs at info)', { timeout: 60_000 }, (t) => {
  const dataDir = tempDir(t);
  const r = cli(['status'], { ORDEROPS_DATA_DIR: dataDir });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '', 'no log lines at all: neither info nor warnings meant for the running bot');
  assert.match(r.stdout, /No orders yet/);
});
