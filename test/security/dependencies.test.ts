/**
 * Issue #10, dependency hygiene: exact versions, a lock file that matches them, every shipped package with an
 * acceptable licence (scripts/licences.ts), and no install script in what ships (nothing runs or downloads at
 * `npm install`: @sparticuz/chromium carries its browser inside the package).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/cli.js';
import { checkPackages, licenceAllowed, shippedPackages } from '../../scripts/licences.js';

const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as Record<string, Record<string, string>>;
const EXACT = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/;

describe('dependency hygiene', () => {
  it('pins every dependency to an exact version (no ^, ~, ranges, tags or URLs)', () => {
    const all = { ...pkg.dependencies, ...pkg.devDependencies, ...pkg.optionalDependencies };
    expect(Object.keys(all).length).toBeGreaterThan(5);
    for (const [name, version] of Object.entries(all)) expect(version, name).toMatch(EXACT);
  });

  it('has a lock file whose root entries match package.json, and installed versions match the lock', () => {
    const lockFile = path.join(REPO_ROOT, 'package-lock.json');
    expect(existsSync(lockFile)).toBe(true);
    const lock = JSON.parse(readFileSync(lockFile, 'utf8')) as { lockfileVersion: number; packages: Record<string, { version?: string; dependencies?: Record<string, string>; devDependencies?: Record<string, string> }> };
    expect(lock.lockfileVersion).toBeGreaterThanOrEqual(2);
    expect(lock.packages[''].dependencies).toEqual(pkg.dependencies);
    expect(lock.packages[''].devDependencies).toEqual(pkg.devDependencies);
    for (const name of Object.keys(pkg.dependencies)) {
      const installed = JSON.parse(readFileSync(path.join(REPO_ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string };
      expect(installed.version, name).toBe(pkg.dependencies[name]);
      expect(lock.packages[`node_modules/${name}`]?.version, name).toBe(pkg.dependencies[name]);
    }
  });

  it('lists the licence of every shipped package; all are acceptable and none runs an install script', () => {
    const { packages } = shippedPackages(REPO_ROOT);
    expect(packages.length).toBeGreaterThan(Object.keys(pkg.dependencies).length);
    for (const name of Object.keys(pkg.dependencies)) expect(packages.some((p) => p.name === name), name).toBe(true);
    expect(checkPackages(packages)).toEqual([]);
    // Dev-only tools are not shipped (esbuild's postinstall, via tsx and vitest, never runs for users).
    expect(packages.some((p) => p.name === 'esbuild' || p.name === 'vitest')).toBe(false);
  });

  it('the licence check itself refuses what it should', () => {
    expect(licenceAllowed('MIT')).toBe(true);
    expect(licenceAllowed('(MIT OR GPL-3.0-or-later)')).toBe(true);
    expect(licenceAllowed('(MIT AND Zlib)')).toBe(true);
    expect(licenceAllowed('GPL-3.0-only')).toBe(false);
    expect(licenceAllowed('(MIT AND GPL-3.0-only)')).toBe(false);
    expect(licenceAllowed('UNKNOWN')).toBe(false);
    expect(checkPackages([{ name: 'x', version: '1.0.0', licence: 'MIT', dir: '', installScripts: ['postinstall: node download.js'] }])).toHaveLength(1);
  });

  it('ships the PDF browser inside @sparticuz/chromium (nothing to download at install)', () => {
    const bin = path.join(REPO_ROOT, 'node_modules', '@sparticuz', 'chromium', 'bin');
    expect(existsSync(bin)).toBe(true);
    const { packages } = shippedPackages(REPO_ROOT);
    const chromium = packages.find((p) => p.name === '@sparticuz/chromium')!;
    expect(chromium.installScripts).toEqual([]);
    expect(statSync(path.join(bin, 'chromium.br')).size).toBeGreaterThan(10_000_000);
  });
});
