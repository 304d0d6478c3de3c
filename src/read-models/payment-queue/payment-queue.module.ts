import { Module } from '@nestjs/common';
import { PaymentQueueController } from './payment-queue.controller.js';

@Module({ controllers: [PaymentQueueController] })
export class PaymentQueueModule {}
