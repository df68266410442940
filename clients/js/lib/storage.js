// In-memory storage for the SDKs, one per test, so no test sees another's
// tokens or device keys and a test can look at what the SDK stored.

/**
 * MemoryStorage is the synchronous Storage that amazon-cognito-identity-js
 * takes as its `Storage` option (the shape of window.localStorage).
 */
export class MemoryStorage {
  constructor() { this.data = new Map(); }
  setItem(key, value) { this.data.set(key, String(value)); return this.data.get(key); }
  getItem(key) { return this.data.has(key) ? this.data.get(key) : null; }
  removeItem(key) { return this.data.delete(key); }
  clear() { this.data.clear(); return {}; }
  /** find returns the value of the first key ending with suffix. */
  find(suffix) {
    for (const [k, v] of this.data) if (k.endsWith(suffix)) return v;
    return null;
  }
}

/**
 * MemoryKeyValueStorage is Amplify v6's KeyValueStorageInterface (async)
 * over a Map; it is given to cognitoUserPoolsTokenProvider.setKeyValueStorage.
 */
export class MemoryKeyValueStorage {
  constructor() { this.data = new Map(); }
  async setItem(key, value) { this.data.set(key, value); }
  async getItem(key) { return this.data.has(key) ? this.data.get(key) : null; }
  async removeItem(key) { this.data.delete(key); }
  async clear() { this.data.clear(); }
  /** find returns the value of the first key ending with suffix. */
  find(suffix) {
    for (const [k, v] of this.data) if (k.endsWith(suffix)) return v;
    return null;
  }
}
