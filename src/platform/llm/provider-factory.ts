import type { LanguageModelV3 } from '@ai-sdk/provider';
import type { LlmProviderName } from '../../config/config.js';

export interface ProviderConnection {
  provider: LlmProviderName;
  baseUrl?: string;
  apiKey?: string;
  /** The fetch the provider's HTTP client uses: the SSRF-guarded one for org-supplied base URLs. */
  fetch: typeof fetch;
}

/** Default endpoints of the OpenAI-compatible providers that have one. */
export const defaultBaseUrls: Partial<Record<LlmProviderName, string>> = {
  openrouter: 'https://openrouter.ai/api/v1',
  ollama: 'http://localhost:11434/v1',
};

/**
 * Builds an AI SDK model for a provider. Provider packages are imported on first use, so a process that never
 * talks to Anthropic never loads its client.
 */
export async function createProviderModel(connection: ProviderConnection, modelId: string): Promise<LanguageModelV3> {
  const { provider, apiKey, fetch } = connection;
  const baseURL = connection.baseUrl ?? defaultBaseUrls[provider];
  switch (provider) {
    case 'openai': {
      const { createOpenAI } = await import('@ai-sdk/openai');
      return createOpenAI({ apiKey, baseURL, fetch })(modelId);
    }
    case 'anthropic': {
      const { createAnthropic } = await import('@ai-sdk/anthropic');
      return createAnthropic({ apiKey, baseURL, fetch })(modelId);
    }
    case 'google': {
      const { createGoogleGenerativeAI } = await import('@ai-sdk/google');
      return createGoogleGenerativeAI({ apiKey, baseURL, fetch })(modelId);
    }
    case 'openrouter':
    case 'ollama':
    case 'openai-compatible': {
      if (!baseURL) throw new Error(`the ${provider} provider needs a base URL`);
      const { createOpenAICompatible } = await import('@ai-sdk/openai-compatible');
      return createOpenAICompatible({
        name: provider,
        baseURL,
        apiKey,
        fetch,
        // Without it, streamed Chat Completions carry no token counts and usage would read zero.
        includeUsage: true,
      }).chatModel(modelId);
    }
  }
}
