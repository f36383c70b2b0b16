import type { EmbeddingsConfig } from '../../config/config.js';
import type { SecretRedactor } from '../logger/logger.js';
import { type Embedder, NoEmbedder } from './embedder.js';
import { LocalEmbedder } from './local-embedder.js';
import { OpenAiCompatibleEmbedder } from './openai-compatible-embedder.js';

export function createEmbedder(config: EmbeddingsConfig, options: { redactor?: SecretRedactor } = {}): Embedder {
  switch (config.provider) {
    case 'none':
      return new NoEmbedder();
    case 'local':
      return new LocalEmbedder(config);
    case 'openai-compatible':
      options.redactor?.remember(config.apiKey);
      return new OpenAiCompatibleEmbedder(config);
  }
}
