import { Module } from '@nestjs/common';
import { PaymentsController } from './payments.controller.js';
import { PaymentHandler } from './payments.handler.js';

@Module({
  controllers: [PaymentsController],
  providers: [PaymentHandler],
})
export class PaymentsModule {}
