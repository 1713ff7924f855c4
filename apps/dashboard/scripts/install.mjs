// `npm ci` from the committed lockfile, unless node_modules was installed from this very lockfile
// already (a stamp holds the lockfile's hash): a build after a build does not reinstall.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const lock = readFileSync('package-lock.json');
const hash = createHash('sha256').update(lock).update(process.version).digest('hex');
const stamp = 'node_modules/.installed-from';
if (existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) {
  console.log('node_modules is up to date with package-lock.json');
} else {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  execFileSync(npm, ['ci', '--no-audit', '--no-fund'], {
    stdio: 'inherit',
    env: { ...process.env, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1' },
  });
  writeFileSync(stamp, hash);
}
