export { createApiKey, listApiKeys, ApiKeyVerifier, type ApiKey, type KeyKind } from './api-keys.js';
