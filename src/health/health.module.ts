import { Global, Module } from '@nestjs/common';
import { HealthController } from './health.controller.js';
import { ProjectionStatusRegistry } from './projection-status.js';

@Global()
@Module({ controllers: [HealthController], providers: [ProjectionStatusRegistry], exports: [ProjectionStatusRegistry] })
export class HealthModule {}
