import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { CLOCK, type Clock } from '../shared/clock.js';
import { AccessGuard } from './access.guard.js';
import { ACCESS_LOG, AccessLog } from './access-log.js';
import { AccessLogController } from './access-log.controller.js';
import { TOKEN_VERIFIER, TokenVerifier } from './authenticate.js';
import { CaseDirectory } from './case-directory.js';
import { devSigningKey } from './dev-key.js';
import { ListedCasesInterceptor } from './listed-cases.interceptor.js';
import { ProtectedIdentityInterceptor } from './protected-identity.interceptor.js';

/**
 * Who may see and do what: bearer tokens, the policy table (a global guard), the access log and
 * protected identity. Global, so read models can inject ACCESS_LOG and CaseDirectory.
 */
@Global()
@Module({
  controllers: [AccessLogController],
  providers: [
    {
      provide: TOKEN_VERIFIER,
      inject: [APP_CONFIG, CLOCK],
      useFactory: (config: AppConfig, clock: Clock) => new TokenVerifier(config.auth, config.auth.mode === 'dev' ? devSigningKey(config.auth) : null, clock),
    },
    { provide: ACCESS_LOG, inject: [APP_CONFIG], useFactory: (config: AppConfig) => new AccessLog(config.accessLogPath) },
    CaseDirectory,
    { provide: APP_GUARD, useClass: AccessGuard },
    { provide: APP_INTERCEPTOR, useClass: ProtectedIdentityInterceptor },
    { provide: APP_INTERCEPTOR, useClass: ListedCasesInterceptor },
  ],
  exports: [ACCESS_LOG, CaseDirectory, TOKEN_VERIFIER],
})
export class SecurityModule implements OnApplicationShutdown {
  constructor(@Inject(ACCESS_LOG) private readonly accessLog: AccessLog) {}

  onApplicationShutdown(): void {
    this.accessLog.close();
  }
}
