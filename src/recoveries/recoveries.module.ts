import { Module } from '@nestjs/common';
import { RecoveriesController } from './recoveries.controller.js';
import { RecoveryHandler } from './recoveries.handler.js';

@Module({ controllers: [RecoveriesController], providers: [RecoveryHandler] })
export class RecoveriesModule {}
