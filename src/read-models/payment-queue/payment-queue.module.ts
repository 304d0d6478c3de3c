import { Module } from '@nestjs/common';
import { PAYMENT_KOMMUN, paymentKommunFrom } from '../../payments/payments.config.js';
import { PaymentQueueController } from './payment-queue.controller.js';

@Module({ controllers: [PaymentQueueController], providers: [{ provide: PAYMENT_KOMMUN, useFactory: () => paymentKommunFrom() }] })
export class PaymentQueueModule {}
