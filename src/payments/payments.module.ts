import { Module } from '@nestjs/common';
import { PaymentsController } from './payments.controller.js';
import { PaymentHandler } from './payments.handler.js';
import { PAYMENT_KOMMUN, paymentKommunFrom } from './payments.config.js';

@Module({
  controllers: [PaymentsController],
  providers: [PaymentHandler, { provide: PAYMENT_KOMMUN, useFactory: () => paymentKommunFrom() }],
})
export class PaymentsModule {}
