import { Module } from '@nestjs/common';
import { CaseloadController } from './caseload.controller.js';

@Module({ controllers: [CaseloadController] })
export class CaseloadModule {}
