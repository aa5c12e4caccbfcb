// Routes the SDK's own log lines into pino, under a child logger.
import type { Logger as SdkLogger } from '@anthropic-ai/sdk/client';
import type { Logger } from 'pino';

export function sdkLogger(logger: Logger): SdkLogger {
  const log = logger.child({ component: 'anthropic-sdk' });
  return {
    error: (message, ...rest) => log.error({ sdk: rest }, message),
    warn: (message, ...rest) => log.warn({ sdk: rest }, message),
    info: (message, ...rest) => log.info({ sdk: rest }, message),
    debug: (message, ...rest) => log.debug({ sdk: rest }, message),
  };
}
