// Provider keys: the organization's own (sealed at rest), else the deployment-wide one.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { deriveKey, unseal } from '../store/secrets.js';
import type { Store } from '../store/store.js';
import type { ProviderKeyResolver } from './deps.js';

/**
 * FLEX_MASTER_KEY when set; otherwise a key generated once into a 0600 file beside the database
 * (fine for a laptop; production should set FLEX_MASTER_KEY from a secret store).
 */
export function resolveMasterKey(config: Config, log?: Logger): Buffer {
  if (config.masterKey) return deriveKey(config.masterKey);
  const file = join(dirname(config.dbPath), 'master.key');
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    try {
      // 'wx': two instances starting together must not write two different master keys.
      writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600, flag: 'wx' });
      log?.warn({ file }, 'FLEX_MASTER_KEY is not set: generated a master key file for sealing provider keys');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  return deriveKey(readFileSync(file, 'utf8').trim());
}

export function createProviderKeyResolver(store: Store, config: Config, masterKey: Buffer, emulatorKey: string): ProviderKeyResolver {
  // A sealed value always opens to the same key: remember it instead of decrypting per request.
  const opened = new Map<string, string>();
  return {
    async resolve(orgId, provider) {
      const sealed = await store.getProviderKey(orgId, provider);
      if (sealed === undefined) {
        const { apiKey, emulated } = config[provider];
        if (apiKey !== undefined) return { apiKey, emulated: false };
        return emulated ? { apiKey: emulatorKey, emulated: true } : undefined;
      }
      let key = opened.get(sealed);
      if (key === undefined) {
        if (opened.size > 10_000) opened.clear();
        key = unseal(sealed, masterKey);
        opened.set(sealed, key);
      }
      return { apiKey: key, emulated: false };
    },
  };
}
