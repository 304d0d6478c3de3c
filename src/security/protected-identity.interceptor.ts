import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Request } from 'express';
import { map, type Observable } from 'rxjs';
import { maybeIdentity } from '../platform/identity.js';
import { policyFor } from './policy.js';
import { maskForViewer, type MaskableCase } from './protected-identity.js';

/** Answers of routes marked `mask: 'case-state'` in the policy pass through maskForViewer. */
@Injectable()
export class ProtectedIdentityInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const req = context.switchToHttp().getRequest<Request>();
    const path = (req as Request & { route?: { path?: string } }).route?.path;
    const identity = maybeIdentity(req);
    if (typeof path !== 'string' || policyFor(req.method, path)?.mask !== 'case-state') return next.handle();
    return next.handle().pipe(
      map((body: unknown) => {
        if (typeof body !== 'object' || body === null || !('file' in body)) return body;
        // No identity here means the guard did not run: show nothing protected rather than everything.
        return maskForViewer(body as MaskableCase, identity ?? { sub: '', role: 'klient', unit: null });
      }),
    );
  }
}
