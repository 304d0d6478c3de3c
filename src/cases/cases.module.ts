import { Module } from '@nestjs/common';
import { CasesController } from './cases.controller.js';
import { CaseHandler } from './cases.handler.js';

@Module({ controllers: [CasesController], providers: [CaseHandler] })
export class CasesModule {}
