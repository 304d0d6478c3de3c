import { Module } from '@nestjs/common';
import { CalculationsController } from './calculations.controller.js';
import { CalculationHandler } from './calculations.handler.js';

@Module({ controllers: [CalculationsController], providers: [CalculationHandler] })
export class CalculationsModule {}
